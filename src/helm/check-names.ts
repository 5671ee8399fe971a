// Helm's rule for release names (ValidateReleaseName in helm/pkg/chartutil): a lower-case DNS-1123 subdomain.
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A DNS-1123 label, as Kubernetes requires of a namespace name.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// Helm refuses longer release names (its Secret and label names are built from them).
export const MAX_RELEASE_NAME_LENGTH = 53;
// Kubernetes refuses longer namespace names (a DNS-1123 label).
export const MAX_NAMESPACE_LENGTH = 63;
// Kubernetes refuses longer object names (a DNS-1123 subdomain), e.g. of a ConfigMap or Secret.
export const MAX_OBJECT_NAME_LENGTH = 253;

const shown = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

// Why `name` cannot be a Helm release name, or undefined when it can: what helm itself would refuse, so that
// nothing (a label selector, a Secret name, helm's argv) ever sees a name with `,`, `=`, a leading `-` or spaces.
export function releaseNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string';
  if (name.length > MAX_RELEASE_NAME_LENGTH) return `${shown(name)} is ${name.length} characters long; Helm allows at most ${MAX_RELEASE_NAME_LENGTH}`;
  if (!RELEASE_NAME.test(name)) {
    return `${shown(name)} is not a valid Helm release name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

// Why `name` cannot be a namespace name (a DNS-1123 label), or undefined when it can.
export function namespaceNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string';
  if (name.length > MAX_NAMESPACE_LENGTH || !DNS_LABEL.test(name)) {
    return `${shown(name)} is not a namespace name: at most ${MAX_NAMESPACE_LENGTH} lower-case letters, digits and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

// Why `name` cannot be the name of a ConfigMap or Secret (a DNS-1123 subdomain), or undefined when it can.
export function objectNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string';
  if (name.length > MAX_OBJECT_NAME_LENGTH || !RELEASE_NAME.test(name)) {
    return `${shown(name)} is not an object name: at most ${MAX_OBJECT_NAME_LENGTH} lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

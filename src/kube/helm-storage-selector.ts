// A Helm release name as a label value may hold it: what helm itself allows (at most 53 characters of lower-case
// letters, digits, `-` and `.`), so no `,`, `=`, `!` or space can add terms to a selector built from it.
const SAFE_RELEASE = /^[a-z0-9]([-a-z0-9.]{0,51}[a-z0-9])?$/;

// The label selector of a release's Helm storage Secrets (`owner=helm,name=<release>`). A name that could widen
// or change the selector is refused here too, whatever validated it before (defence in depth).
export function helmStorageSelector(release: string): string {
  if (!SAFE_RELEASE.test(release)) throw new Error(`${JSON.stringify(release.slice(0, 80))} is not a Helm release name; its storage is not listed`);
  return `owner=helm,name=${release}`;
}

// What a HelmRelease author may reach beyond their namespace; every field defaults to false (the secure choice),
// and each flag only loosens.
export interface SecurityConfig {
  readonly allowCrossNamespaceRefs: boolean; // --allow-cross-namespace-refs: valuesFrom/secretRef/targetNamespace elsewhere
  readonly allowInsecureCredentials: boolean; // --allow-insecure-credentials: credentials over plain http://
  readonly allowPrivateNetworks: boolean; // --allow-private-networks: fetches to loopback, link-local, private ranges
  readonly allowFileUrls: boolean; // --allow-file-urls: file:// Git chart sources
}

// The secure defaults, for tests and callers that loosen nothing.
export const SECURE_DEFAULTS: SecurityConfig = Object.freeze({
  allowCrossNamespaceRefs: false, allowInsecureCredentials: false, allowPrivateNetworks: false, allowFileUrls: false,
});

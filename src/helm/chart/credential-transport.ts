import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { redactUrl } from '../../redact.ts';
import type { SecurityConfig } from '../../security-config.ts';

// The URL field whose credentials are checked, and the field that gives them (a Secret, or the URL's user info).
export interface CredentialUse {
  field: 'spec.chart.git' | 'spec.chart.repository';
  url: string;
  // The field of the Secret holding the credentials (chart.secretRef, chart.chartPullSecret), when one is named.
  secretField?: string | undefined;
}

const hasUserInfo = (url: URL): boolean => url.username !== '' || url.password !== '';

// The refusal of credentials that would travel over plain http:// (anyone on the path reads a Basic header),
// unless --allow-insecure-credentials; decided from the spec alone, before the Secret is read.
export function insecureCredentialsRefusal(use: CredentialUse, security: Pick<SecurityConfig, 'allowInsecureCredentials'>): StallingError | undefined {
  if (security.allowInsecureCredentials) return undefined;
  const url = URL.parse(use.url.trim());
  if (url?.protocol !== 'http:') return undefined;
  const from = use.secretField ?? (hasUserInfo(url) ? 'the user info of the URL' : undefined);
  if (!from) return undefined;
  return new StallingError(Phase.ChartFetchFailed,
    `refused: the credentials from ${from} would be sent over plain http:// to ${url.host}; use https://, or start Capstan with --allow-insecure-credentials (${redactUrl(url)})`,
    { field: use.field });
}

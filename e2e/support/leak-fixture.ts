import type * as k8s from '@kubernetes/client-node';
import { type Marker, newMarker } from './markers.ts';

// The markers of the secret-markers suite, one per credential or value; the deploy key's are the lines of the
// private part of the key file the test's sshd accepts (added once it is generated).
export function leakMarkers() {
  const named = {
    gitToken: newMarker('gitToken', 'deploy'),
    chartGitToken: newMarker('chartGitToken', 'gituser'),
    registryPassword: newMarker('registryPassword', 'puller'),
    chartRepoPassword: newMarker('chartRepoPassword', 'charts'),
    valuesSecret: newMarker('valuesSecret'),
    valuesConfigMap: newMarker('valuesConfigMap'),
    plainValue: newMarker('plainValue'),
    apiToken: newMarker('apiToken'),
    dashboardToken: newMarker('dashboardToken'),
    webhookSecret: newMarker('webhookSecret'),
  };
  const deployKey: Marker[] = [];
  return {
    ...named,
    // The body lines of an OpenSSH private key but the first two (a constant header and the public key).
    addDeployKey(pem: string) {
      const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
      body.slice(2).forEach((line, i) => { if (line.length >= 16) deployKey.push({ name: `deployKey line ${i + 3}`, value: line }); });
      if (deployKey.length === 0) throw new Error('the deploy key has no private lines to watch');
    },
    all: (): Marker[] => [...Object.values(named), ...deployKey],
  };
}

type Markers = ReturnType<typeof leakMarkers>;

const configMap = (name: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  synced: "yes"
`;

// The Git repositories (file → text), Secrets and ConfigMap of the suite: `ssh-src` (synced over SSH) holds a
// ConfigMap and two HelmReleases — `web` from the password-protected chart repository with values from a Secret,
// a ConfigMap and plain values, `gitchart` from Git over HTTP with a token; `https-src` (synced over HTTP with a
// token) holds a ConfigMap and an automated Deployment whose image is in the password-protected registry.
export function leakRepos(opts: { ns: string; m: Markers; registryHost: string; chartRepo: string; chartGit: string }) {
  const { ns, m } = opts;
  const web = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: web
  namespace: ${ns}
spec:
  releaseName: web
  chart:
    repository: ${opts.chartRepo}
    name: hello
    version: 0.1.0
    chartPullSecret: {name: chart-repo-auth}
  valuesFrom:
    - secretKeyRef: {name: web-values}
    - configMapKeyRef: {name: web-config}
  values:
    plain: ${m.plainValue.value}
`;
  const gitchart = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: gitchart
  namespace: ${ns}
spec:
  releaseName: gitchart
  chart:
    git: ${opts.chartGit}
    ref: main
    path: charts/hello
    secretRef: {name: git-chart-auth}
`;
  const auto = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: auto
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.app: semver:~1
spec:
  replicas: 1
  selector: {matchLabels: {app: auto}}
  template:
    metadata: {labels: {app: auto}}
    spec:
      imagePullSecrets: [{name: regcred}]
      containers:
        - name: app
          image: ${opts.registryHost}/team/app:1.0.0
`;
  const basic = (mk: { user?: string; value: string }) => Buffer.from(`${mk.user}:${mk.value}`).toString('base64');
  const secrets: k8s.V1Secret[] = [
    { metadata: { name: 'chart-repo-auth' }, stringData: { username: m.chartRepoPassword.user ?? '', password: m.chartRepoPassword.value } },
    { metadata: { name: 'git-chart-auth' }, stringData: { username: m.chartGitToken.user ?? '', password: m.chartGitToken.value } },
    { metadata: { name: 'web-values' }, stringData: { 'values.yaml': `message: ${m.valuesSecret.value}\n` } },
    { metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [opts.registryHost]: { auth: basic(m.registryPassword) } } }) } },
  ];
  return {
    repos: {
      'ssh-src': { 'cm.yaml': configMap('via-ssh'), 'web.yaml': web, 'gitchart.yaml': gitchart },
      'https-src': { 'cm.yaml': configMap('via-https'), 'auto.yaml': auto },
      charts: { 'README.md': 'charts\n' },
    } as Record<string, Record<string, string>>,
    secrets,
    valuesConfigMap: { metadata: { name: 'web-config' }, data: { 'values.yaml': `extra: ${m.valuesConfigMap.value}\n` } } as k8s.V1ConfigMap,
    // the user's own ConfigMaps (from Git and the test), and the one every namespace gets
    userConfigMaps: ['via-ssh', 'via-https', 'web-config', 'kube-root-ca.crt'],
  };
}

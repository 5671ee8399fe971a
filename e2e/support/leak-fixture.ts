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
    // failure paths: a wrong Git token, a wrong chart repository password, a Secret value that makes helm fail
    wrongGitToken: newMarker('wrongGitToken', 'deploy'),
    wrongRepoPassword: newMarker('wrongRepoPassword', 'charts'),
    failingValue: newMarker('failingValue'),
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
// ConfigMap and HelmReleases — `web` from the password-protected chart repository with values from a Secret,
// a ConfigMap and plain values, `gitchart` from Git over HTTP with a token, and two that fail: `failing` (a chart
// in Git that makes a label of a Secret's value, which the API server refuses, quoting it) and `wrongpass`
// (a wrong repository password);
// `https-src` (synced over HTTP with a token) holds a ConfigMap and an automated Deployment whose image is in the
// password-protected registry.
export function leakRepos(opts: { ns: string; m: Markers; registryHost: string; chartRepo: string; chartGit: string }) {
  const { ns, m } = opts;
  const release = (name: string, chart: string, rest = '') =>
    `apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  releaseName: ${name}\n  chart:\n${chart}${rest}`;
  const fromRepo = (pullSecret: string) => `    repository: ${opts.chartRepo}\n    name: hello\n    version: 0.1.0\n    chartPullSecret: {name: ${pullSecret}}\n`;
  const web = release('web', fromRepo('chart-repo-auth'), `  valuesFrom:
    - secretKeyRef: {name: web-values}
    - configMapKeyRef: {name: web-config}
  values:
    plain: ${m.plainValue.value}
`);
  const gitchart = release('gitchart', `    git: ${opts.chartGit}\n    ref: main\n    path: charts/hello\n    secretRef: {name: git-chart-auth}\n`);
  // its Secret's value becomes a label value the API server refuses, quoting it: helm's error carries it
  const failing = release('failing', `    git: ${opts.chartGit}\n    ref: main\n    path: charts/labelled\n    secretRef: {name: git-chart-auth}\n`,
    '  valuesFrom:\n    - secretKeyRef: {name: failing-values}\n');
  const wrongpass = release('wrongpass', fromRepo('wrong-repo-auth'));
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
    { metadata: { name: 'failing-values' }, stringData: { 'values.yaml': `tier: "${m.failingValue.value}!"\n` } },
    { metadata: { name: 'wrong-repo-auth' }, stringData: { username: m.wrongRepoPassword.user ?? '', password: m.wrongRepoPassword.value } },
    { metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [opts.registryHost]: { auth: basic(m.registryPassword) } } }) } },
  ];
  return {
    repos: {
      'ssh-src': { 'cm.yaml': configMap('via-ssh'), 'web.yaml': web, 'gitchart.yaml': gitchart, 'failing.yaml': failing, 'wrongpass.yaml': wrongpass },
      'https-src': { 'cm.yaml': configMap('via-https'), 'auto.yaml': auto },
      charts: {
        'README.md': 'charts\n',
        'charts/labelled/Chart.yaml': 'apiVersion: v2\nname: labelled\nversion: 0.1.0\n',
        'charts/labelled/templates/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-labelled\n  labels:\n    tier: {{ .Values.tier | quote }}\n',
      },
    } as Record<string, Record<string, string>>,
    secrets,
    valuesConfigMap: { metadata: { name: 'web-config' }, data: { 'values.yaml': `extra: ${m.valuesConfigMap.value}\n` } } as k8s.V1ConfigMap,
    // the user's own ConfigMaps (from Git and the test), and the one every namespace gets
    userConfigMaps: ['via-ssh', 'via-https', 'web-config', 'kube-root-ca.crt'],
  };
}

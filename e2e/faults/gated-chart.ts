import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { eventually } from '../support/cluster.ts';
import { HELLO_CHART, helmCli } from '../support/helm.ts';

// With values.gate set, a LoadBalancer Service that `helm --wait` waits on until it has an ingress address.
const GATE = `{{- if .Values.gate }}
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-gate-{{ .Values.gate }}
spec:
  type: LoadBalancer
  ports:
    - port: 80
      targetPort: http
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
`;

// A chart repository on 127.0.0.1 with hello 0.1.0 plus a gate: a release whose values set `gate: NAME` stays in
// `helm --wait` until the test opens that gate, so a helm run lasts exactly as long as a test needs.
export interface GatedChartRepo {
  chart: { repository: string; name: string; version: string };
  // Gives the gate's Service an ingress address (status only: nothing listens there), which ends helm's wait.
  openGate(kc: k8s.KubeConfig, namespace: string, release: string, gate: string): Promise<void>;
  close(): Promise<void>;
}

export async function startGatedChartRepo(): Promise<GatedChartRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-gated-chart-'));
  const chartDir = join(dir, 'src', 'hello');
  const repoDir = join(dir, 'repo');
  cpSync(HELLO_CHART, chartDir, { recursive: true });
  writeFileSync(join(chartDir, 'templates', 'gate.yaml'), GATE);
  mkdirSync(repoDir);
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = join(repoDir, path);
    if (!path || path.includes('..') || !existsSync(file)) return void res.writeHead(404).end('not found');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const helm = helmCli();
  for (const args of [['package', chartDir, '--version', '0.1.0', '--destination', repoDir], ['repo', 'index', repoDir, '--url', url]]) {
    const r = await helm(args);
    if (r.exitCode !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  }
  return {
    chart: { repository: url, name: 'hello', version: '0.1.0' },
    async openGate(kc, namespace, release, gate) {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const name = `${release}-gate-${gate}`;
      await eventually(`Service ${name}`, async () => core.readNamespacedService({ name, namespace }), 60_000);
      await core.patchNamespacedServiceStatus({ name, namespace, body: { status: { loadBalancer: { ingress: [{ hostname: 'gate.invalid' }] } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

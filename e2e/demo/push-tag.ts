// `node e2e/demo/push-tag.ts REPOSITORY TAG`: pushes a new image tag to the registry `npm start` runs (its address
// is in $CAPSTAN_CLUSTER_RUN/demo.env, or DEMO_REGISTRY), created now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '../support/registry.ts';

const [repository, tag] = process.argv.slice(2);
if (!repository || !tag) {
  console.error('usage: node e2e/demo/push-tag.ts REPOSITORY TAG   (e.g. demo/hello 1.0.2)');
  process.exit(2);
}
const fromFile = () => /DEMO_REGISTRY=(\S+)/.exec(readFileSync(join(process.env.CAPSTAN_CLUSTER_RUN ?? '.', 'demo.env'), 'utf8'))?.[1];
const url = process.env.DEMO_REGISTRY ?? fromFile();
if (!url) throw new Error('no demo registry: run `npm start` first, or set DEMO_REGISTRY');
const { digest } = await pushImage({ url }, repository, tag, { created: new Date() });
console.log(`pushed ${new URL(url).host}/${repository}:${tag} (${digest})`);

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EditError } from '../../../src/image/edit/locate.ts';
import { setContainerImage } from '../../../src/image/edit/set-image.ts';
import { readYaml } from '../../../src/yaml/read-yaml.ts';
import { billionLaughsUnder } from '../../yaml/bombs.ts';
import { cache, FIXTURE, replacedOnce, web } from './fixture.ts';

const opts = { defaultNamespace: 'default' };
const FILE = 'apps/web.yaml';

describe('image edits read files through the one YAML reader first', () => {
  it('refuses to edit a file holding an alias bomb, naming the file', () => {
    const text = `${FIXTURE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${billionLaughsUnder('data')}`;
    assert.throws(() => setContainerImage(text, FILE, web, 'app', '127.0.0.1:5000/app:9.9.9', opts), (err: unknown) =>
      err instanceof EditError && err.file === FILE && /the file is refused: too many aliases/.test(err.message));
  });

  it('refuses a key written twice, as the sync loader does', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: apps}\nspec: {}\nspec: {}\n';
    assert.throws(() => setContainerImage(text, FILE, web, 'app', 'x:1', opts), (err: unknown) =>
      err instanceof EditError && /not valid YAML: mapping key "spec" already defined/.test(err.message));
  });

  // Tags that YAML 1.1 as the `yaml` package reads it would keep as strings, but kubectl and helm would not.
  for (const [tag, meaning] of [['0o12', 10], ['1e3', 1000], ['0x_1F', 31]] as const) {
    it(`quotes a new tag ${tag} that kubectl and helm would read as ${meaning}`, () => {
      assert.equal((readYaml(`v: ${tag}\n`) as { v: unknown }).v, meaning);
      const out = setContainerImage(FIXTURE, FILE, cache, 'exporter', `oliver006/redis_exporter:${tag}`, opts);
      assert.equal(out, replacedOnce(FIXTURE, 'tag: v1.55.0', `tag: "${tag}"`));
    });
  }

  it('keeps a tag plain when kubectl and helm read it as the same string', () => {
    const out = setContainerImage(FIXTURE, FILE, cache, 'exporter', 'oliver006/redis_exporter:v1.57.0', opts);
    assert.equal(out, replacedOnce(FIXTURE, 'tag: v1.55.0', 'tag: v1.57.0'));
  });

  it('edits a file with a 40,000-key mapping without the quadratic duplicate-key check', () => {
    const big = Array.from({ length: 40_000 }, (_, i) => `  k${i}: v`).join('\n');
    const text = `${FIXTURE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: apps}\ndata:\n${big}\n`;
    const started = performance.now();
    const out = setContainerImage(text, FILE, web, 'migrate', 'registry.example.com/web/migrate:2.0.0', opts);
    assert.equal(out, replacedOnce(text, 'migrate:1.0.0 # keep', 'migrate:2.0.0 # keep'));
    assert.ok(performance.now() - started < 15_000, `took ${Math.round(performance.now() - started)} ms (the quadratic check took 30 s)`);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

// The Dockerfile's essentials as a user reads them before building or running the image. `npm run image` is the
// real check: it builds the image and runs it as uid 65532 with a read-only root filesystem.

const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Instruction = { keyword: string; args: string };

// The Dockerfile's instructions (continuation lines joined, comments dropped), in order.
function instructions(text: string): Instruction[] {
  return text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(read('Dockerfile'));
const lastFrom = all.findLastIndex((i) => i.keyword === 'FROM');
const final = all.slice(lastFrom);
const finalOne = (keyword: string) => final.filter((i) => i.keyword === keyword).at(-1)?.args;

describe('Dockerfile', () => {
  it('builds from a public Node 24 image unless BASE names another, and runs on BASE', () => {
    const base = all.find((i) => i.keyword === 'ARG' && i.args.startsWith('BASE='));
    assert.match(base?.args ?? '', /^BASE=node:24[\w.-]*$/);
    assert.match(all[lastFrom]?.args ?? '', /^\$\{BASE\}$/, 'the final stage runs on BASE');
  });

  it('runs `capstan` as uid 65532, the uid deploy/ runs every Capstan pod as', () => {
    assert.deepEqual(JSON.parse(finalOne('ENTRYPOINT') ?? 'null'), ['capstan']);
    assert.equal(finalOne('USER'), '65532:65532');
    for (const role of ['daemon', 'operator', 'worker']) {
      const doc = parse(read(`deploy/${role}.yaml`)) as { spec: { template: { spec: { securityContext: { runAsUser: number } } } } };
      assert.equal(doc.spec.template.spec.securityContext.runAsUser, 65532, `deploy/${role}.yaml`);
    }
  });

  it('writes only under /tmp, so a read-only root filesystem works', () => {
    const env = finalOne('ENV') ?? '';
    assert.match(env, /\bHOME=\/tmp\b/);
    assert.match(env, /\bTMPDIR=\/tmp\b/);
    assert.deepEqual(JSON.parse(finalOne('VOLUME') ?? 'null'), ['/tmp']);
  });

  it('ships what the npm package ships, copied by name: never the whole context', () => {
    const copies = final.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).map((i) => i.args.split(/\s+/)[0]);
    const files = (JSON.parse(read('package.json')) as { files: string[] }).files;
    assert.deepEqual(copies.filter((c) => c !== 'package.json').sort(), files.filter((f) => f !== 'dist/').sort());
    assert.ok(final.some((i) => i.keyword === 'COPY' && /^--from=build \/build\/dist\/ /.test(i.args)), 'dist/ from the build stage');
    for (const i of all.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
      assert.doesNotMatch(i.args, /(^|\s)\.\/?\s|\.git\b|\.npmrc/, `${i.keyword} ${i.args}`);
    }
  });

  it('holds no secret in an ARG or ENV', () => {
    for (const i of all.filter((x) => x.keyword === 'ARG' || x.keyword === 'ENV')) {
      assert.doesNotMatch(i.args, /TOKEN|PASSWORD|SECRET|_KEY\b|NPM_AUTH/i, `${i.keyword} ${i.args}`);
    }
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  it('keeps history, dependencies, tests, caches and local credentials out of the build context', () => {
    for (const entry of ['.git', 'node_modules', 'dist', 'test', 'e2e', 'helm-bin/bin', '.npmrc', '**/*.key', '**/*.pem']) {
      assert.ok(ignored.includes(entry), `${entry} is ignored`);
    }
  });
});

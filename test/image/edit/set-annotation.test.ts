import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EditError } from '../../../src/image/edit/locate.ts';
import { setAnnotation } from '../../../src/image/edit/set-annotation.ts';
import { metadataStrings } from '../../../src/manifests/manifest.ts';
import { parseManifestFile } from '../../../src/manifests/load-manifests.ts';
import { crlf, FIXTURE, replacedOnce, type Target, web, report, db, agent, cache } from './fixture.ts';

const opts = { defaultNamespace: 'default' };
const FILE = 'apps/web.yaml';


// The annotations the file now gives the object, read back through the loader.
function annotationsIn(text: string, target: Target): Record<string, string> {
  const loaded = parseManifestFile(FILE, text, opts);
  assert.deepEqual(loaded.errors, []);
  const m = loaded.manifests.find((x) => x.kind === target.kind && x.name === target.name);
  assert.ok(m, `${target.kind}/${target.name} is still in the file`);
  return metadataStrings(m.body, 'annotations');
}

describe('setAnnotation changes only that entry', () => {
  // [what, target, key, value, text replaced, replacement]
  const table: Array<[string, Target, string, string | undefined, string, string]> = [
    ['a double-quoted value in place, its comment kept', web, 'fluxcd.io/automated', 'false', '"true"   # fluxctl', '"false"   # fluxctl'],
    ['a single-quoted value stays single-quoted', web, 'flux.weave.works/tag.app', 'glob:1.*', "'semver:~1.2'", "'glob:1.*'"],
    ['a value in a flow mapping', db, 'fluxcd.io/locked_msg', 'done', '"upgrade pending"', '"done"'],
    ['a plain value stays plain', cache, 'tag.fluxcd.io/worker', 'worker.img.tag', 'tag.fluxcd.io/worker: worker.img.version', 'tag.fluxcd.io/worker: worker.img.tag'],
    ['a new entry goes after the last one, at their indentation', web, 'fluxcd.io/locked', 'true',
      "tag.app: 'semver:~1.2'\n", "tag.app: 'semver:~1.2'\n    fluxcd.io/locked: \"true\"\n"],
    ['a new entry in a List item', cache, 'fluxcd.io/automated', 'true',
      'tag.fluxcd.io/worker: worker.img.version\n', 'tag.fluxcd.io/worker: worker.img.version\n      fluxcd.io/automated: "true"\n'],
    ['a new entry in a flow mapping', db, 'fluxcd.io/automated', 'true', '"upgrade pending"}', '"upgrade pending", fluxcd.io/automated: "true"}'],
    ['annotations created under metadata, indented like its keys', report, 'fluxcd.io/automated', 'true',
      'metadata:\n    name: report\n', 'metadata:\n    name: report\n    annotations:\n        fluxcd.io/automated: "true"\n'],
    ['annotations created in a flow metadata', agent, 'fluxcd.io/automated', 'true',
      '{name: agent, namespace: apps}', '{name: agent, namespace: apps, annotations: {fluxcd.io/automated: "true"}}'],
    ['removing an entry removes its line', web, 'fluxcd.io/automated', undefined, '    fluxcd.io/automated: "true"   # fluxctl deautomate turns this off\n', ''],
    ['removing an entry of a flow mapping', db, 'fluxcd.io/locked', undefined, "{fluxcd.io/locked: 'true', fluxcd.io/locked_msg", '{fluxcd.io/locked_msg'],
    ['removing the last entry of a flow mapping', db, 'fluxcd.io/locked_msg', undefined, '\'true\', fluxcd.io/locked_msg: "upgrade pending"}', "'true'}"],
  ];
  for (const [what, target, key, value, from, to] of table) {
    it(what, () => {
      const out = setAnnotation(FIXTURE, FILE, target, key, value, opts);
      assert.equal(out, replacedOnce(FIXTURE, from, to));
      assert.equal(annotationsIn(out, target)[key], value);
    });
  }

  it('a plain value that would read as a boolean is quoted', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    fluxcd.io/automated: true\n';
    const out = setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'fluxcd.io/automated', 'false', opts);
    assert.equal(out, replacedOnce(text, 'automated: true', 'automated: "false"'));
  });

  it('removing the last entry removes the annotations line too', () => {
    const once = setAnnotation(FIXTURE, FILE, web, 'fluxcd.io/automated', undefined, opts);
    const out = setAnnotation(once, FILE, web, 'flux.weave.works/tag.app', undefined, opts);
    const lines = ['  annotations:\n', '    fluxcd.io/automated: "true"   # fluxctl deautomate turns this off\n', "    flux.weave.works/tag.app: 'semver:~1.2'\n"];
    assert.equal(out, replacedOnce(FIXTURE, lines.join(''), ''));
    assert.deepEqual(annotationsIn(out, web), {});
  });

  it('removing the only entry of a flow mapping removes the annotations line', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {fluxcd.io/ignore: "true"}  # why\n  labels: {a: b}\n';
    const out = setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'fluxcd.io/ignore', undefined, opts);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {a: b}\n');
  });

  it('a single quote in a single-quoted value is doubled; a block scalar becomes double-quoted, its line break kept', () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    msg: 'it''s'\n    note: |\n      two\n      lines\n    z: x\n";
    const target = { kind: 'ConfigMap', name: 'c' };
    assert.equal(setAnnotation(text, FILE, target, 'msg', "isn't", opts), replacedOnce(text, "'it''s'", "'isn''t'"));
    assert.equal(setAnnotation(text, FILE, target, 'note', 'one', opts), replacedOnce(text, '|\n      two\n      lines\n', '"one"\n'));
  });

  it('returns the very same text when there is nothing to change', () => {
    assert.equal(setAnnotation(FIXTURE, FILE, web, 'fluxcd.io/automated', 'true', opts), FIXTURE);
    assert.equal(setAnnotation(FIXTURE, FILE, web, 'fluxcd.io/locked', undefined, opts), FIXTURE);
    assert.equal(setAnnotation(FIXTURE, FILE, report, 'fluxcd.io/locked', undefined, opts), FIXTURE);
  });

  it('fills an annotations: key that has no value yet', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: # none yet\ndata: {}\n';
    const out = setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'fluxcd.io/locked', 'true', opts);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: # none yet\n    fluxcd.io/locked: "true"\ndata: {}\n');
  });

  it('adds to an empty flow mapping', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {}\n';
    const out = setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'fluxcd.io/locked', 'true', opts);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {fluxcd.io/locked: "true"}\n');
  });
});

describe('setAnnotation keeps line endings and the end of the file', () => {
  it('adds and creates with Windows line endings', () => {
    const text = crlf(FIXTURE);
    const added = setAnnotation(text, FILE, web, 'fluxcd.io/locked', 'true', opts);
    assert.equal(added, replacedOnce(text, "tag.app: 'semver:~1.2'\r\n", "tag.app: 'semver:~1.2'\r\n    fluxcd.io/locked: \"true\"\r\n"));
    const created = setAnnotation(text, FILE, report, 'fluxcd.io/automated', 'true', opts);
    assert.equal(created, replacedOnce(text, 'metadata:\r\n    name: report\r\n', 'metadata:\r\n    name: report\r\n    annotations:\r\n        fluxcd.io/automated: "true"\r\n'));
    assert.equal(annotationsIn(created, report)['fluxcd.io/automated'], 'true');
  });

  it('removes with Windows line endings', () => {
    const text = crlf(FIXTURE);
    const out = setAnnotation(text, FILE, web, 'fluxcd.io/automated', undefined, opts);
    assert.equal(out, replacedOnce(text, '    fluxcd.io/automated: "true"   # fluxctl deautomate turns this off\r\n', ''));
  });

  it('adds to, creates and removes at the very end of a file without a final line break', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\nmetadata:\n  name: c';
    const target = { kind: 'ConfigMap', name: 'c' };
    const created = setAnnotation(text, FILE, target, 'fluxcd.io/ignore', 'true', opts);
    assert.equal(created, `${text}\n  annotations:\n    fluxcd.io/ignore: "true"`);
    const added = setAnnotation(created, FILE, target, 'fluxcd.io/locked', 'true', opts);
    assert.equal(added, `${created}\n    fluxcd.io/locked: "true"`);
    assert.equal(setAnnotation(added, FILE, target, 'fluxcd.io/locked', undefined, opts), created);
    assert.equal(setAnnotation(created, FILE, target, 'fluxcd.io/ignore', undefined, opts), text);
  });

  it('keeps CRLF and no final line break together', () => {
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: c\r\n  annotations:\r\n    a: "1"';
    const out = setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'b', '2', opts);
    assert.equal(out, `${text}\r\n    b: "2"`);
    assert.equal(setAnnotation(out, FILE, { kind: 'ConfigMap', name: 'c' }, 'b', undefined, opts), text);
  });
});

describe('setAnnotation refuses what it cannot do', () => {
  it('an object that is not in the file, or twice', () => {
    assert.throws(() => setAnnotation(FIXTURE, FILE, { kind: 'Deployment', name: 'nope' }, 'a', 'b', opts), (err: unknown) => {
      return err instanceof EditError && /apps\/web\.yaml: default:deployment\/nope: no such object/.test(err.message);
    });
    const twice = `${FIXTURE}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: apps}\n`;
    assert.throws(() => setAnnotation(twice, FILE, web, 'a', 'b', opts), (err: unknown) => err instanceof EditError && /2 times/.test(err.message));
  });

  it('annotations that are not a mapping', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: [a]\n';
    assert.throws(
      () => setAnnotation(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'a', 'b', opts),
      (err: unknown) => err instanceof EditError && err.field === 'metadata.annotations' && err.id === 'default:configmap/c' && err.file === FILE,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiBase, InvalidImageRef, parseImageRef, repositoryName, withTag } from '../../../src/image/image-ref.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef, normalised as docker does', () => {
  // [written, domain, path, tag, digest]
  const table: Array<[string, string, string, string?, string?]> = [
    ['nginx', 'docker.io', 'library/nginx'],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25'],
    ['foo/bar:1', 'docker.io', 'foo/bar', '1'],
    ['docker.io/nginx', 'docker.io', 'library/nginx'],
    ['index.docker.io/x', 'docker.io', 'library/x'],
    ['registry-1.docker.io/foo/bar', 'docker.io', 'foo/bar'],
    ['127.0.0.1:5000/app:1.0', '127.0.0.1:5000', 'app', '1.0'],
    ['localhost/x', 'localhost', 'x'],
    ['localhost:5000/team/app', 'localhost:5000', 'team/app'],
    ['ghcr.io/org/sub/app:v1.2.3-rc.1', 'ghcr.io', 'org/sub/app', 'v1.2.3-rc.1'],
    [`nginx@${DIGEST}`, 'docker.io', 'library/nginx', undefined, DIGEST],
    [`quay.io/a/b:1@${DIGEST}`, 'quay.io', 'a/b', '1', DIGEST],
    ['my_org/my-app__x.y:_tag', 'docker.io', 'my_org/my-app__x.y', '_tag'],
    ['localhost:5000', 'docker.io', 'library/localhost', '5000'], // no slash: a name and a tag, as docker reads it
  ];
  for (const [written, domain, path, tag, digest] of table) {
    it(`reads ${written}`, () => {
      const ref = parseImageRef(written);
      assert.deepEqual(ref, { domain, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
    });
  }

  const invalid = ['', 'Nginx', 'foo/Bar:1', 'nginx:', 'nginx:-bad', 'nginx:a/b', `nginx:${'x'.repeat(129)}`, 'nginx@sha256:abc',
    'ex ample.com/app', '/app', 'app/', 'a//b', 'nginx:1 ', '-nginx'];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}, quoting it`, () => {
      assert.throws(() => parseImageRef(text), (e: unknown) => e instanceof InvalidImageRef && e.message.includes(`"${text}"`));
    });
  }

  it('names a repository by domain/path however it was written', () => {
    assert.equal(repositoryName(parseImageRef('nginx:1')), 'docker.io/library/nginx');
    assert.equal(repositoryName(parseImageRef('index.docker.io/library/nginx')), 'docker.io/library/nginx');
    assert.equal(repositoryName(parseImageRef('127.0.0.1:5000/a/b:2')), '127.0.0.1:5000/a/b');
  });
});

describe('withTag keeps the written name', () => {
  const table: Array<[string, string, string]> = [
    ['nginx:1.1', '1.2', 'nginx:1.2'],
    ['nginx', '1.2', 'nginx:1.2'],
    ['docker.io/library/nginx:1', '2', 'docker.io/library/nginx:2'],
    ['127.0.0.1:5000/a/b:1', '1.2', '127.0.0.1:5000/a/b:1.2'],
    ['127.0.0.1:5000/a/b', '1.2', '127.0.0.1:5000/a/b:1.2'], // the port's colon is no tag
    [`127.0.0.1:5000/a/b:1@${DIGEST}`, '1.2', '127.0.0.1:5000/a/b:1.2'],
    [`nginx@${DIGEST}`, 'v2', 'nginx:v2'],
  ];
  for (const [written, tag, want] of table) {
    it(`${written} → ${want}`, () => assert.equal(withTag(written, tag), want));
  }

  it('refuses a bad tag or a bad image', () => {
    assert.throws(() => withTag('nginx:1', 'no/slash'), InvalidImageRef);
    assert.throws(() => withTag('Nginx:1', '2'), InvalidImageRef);
  });
});

describe('apiBase', () => {
  it('sends Docker Hub to registry-1.docker.io and others to https, or http when insecure', () => {
    assert.equal(apiBase('docker.io', false), 'https://registry-1.docker.io');
    assert.equal(apiBase('ghcr.io', false), 'https://ghcr.io');
    assert.equal(apiBase('127.0.0.1:5000', true), 'http://127.0.0.1:5000');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextLink } from '../../../src/image/registry/list-tags.ts';
import { parseCreated } from '../../../src/image/registry/manifest.ts';
import { parseChallenge } from '../../../src/image/registry/registry-auth.ts';
import { kindOfAnswer, parseRetryAfter } from '../../../src/image/registry/registry-error.ts';

describe('what registries put in headers', () => {
  it('reads WWW-Authenticate challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), {
      scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(parseChallenge('bearer realm=https://x/token, service="a,b", error="insufficient_scope"'), {
      scheme: 'bearer', params: { realm: 'https://x/token', service: 'a,b', error: 'insufficient_scope' },
    });
    assert.equal(parseChallenge(null), undefined);
  });

  it('resolves Link rel="next", relative or absolute', () => {
    const page = new URL('https://r.example/v2/a/tags/list?n=1000');
    assert.equal(nextLink('</v2/a/tags/list?n=1000&last=b>; rel="next"', page)?.href, 'https://r.example/v2/a/tags/list?n=1000&last=b');
    assert.equal(nextLink('<https://r.example/v2/a/tags/list?last=c>; rel=next', page)?.href, 'https://r.example/v2/a/tags/list?last=c');
    assert.equal(nextLink('</prev>; rel="prev", </v2/a/tags/list?last=d>; rel="next"', page)?.pathname, '/v2/a/tags/list');
    assert.equal(nextLink('</prev>; rel="prev"', page), undefined);
    assert.equal(nextLink(null, page), undefined);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('sorts failed answers by status and distribution error code', () => {
    // [status, codes, kind]
    const table: Array<[number, string[], string]> = [
      [429, [], 'rate-limited'], [503, ['TOOMANYREQUESTS'], 'rate-limited'], [404, [], 'not-found'],
      [400, ['MANIFEST_UNKNOWN'], 'not-found'], [401, [], 'unauthorized'], [403, ['DENIED'], 'unauthorized'],
      [502, [], 'unavailable'], [400, [], 'bad-response'],
    ];
    for (const [status, codes, kind] of table) assert.equal(kindOfAnswer(status, codes), kind, `${status} ${codes}`);
  });

  it('reads RFC 3339 creation times, refusing zero and unparsable ones', () => {
    assert.equal(parseCreated('2025-03-04T05:06:07.123456789Z')?.toISOString(), '2025-03-04T05:06:07.123Z');
    assert.equal(parseCreated('2025-03-04T05:06:07-01:00')?.toISOString(), '2025-03-04T06:06:07.000Z');
    for (const bad of ['0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2025-03-04', 'yesterday', undefined]) {
      assert.equal(parseCreated(bad), undefined, String(bad));
    }
  });
});

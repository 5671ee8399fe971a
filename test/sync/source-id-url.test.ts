import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceIdUrl } from '../../src/sync/source-id-url.ts';

describe('sourceIdUrl', () => {
  const cases: Array<[string, string]> = [
    ['https://user:pass@example.com/repo.git', 'https://***@example.com/repo.git'],
    ['https://TOKEN@example.com/repo.git', 'https://TOKEN@example.com/repo.git'],
    ['ssh://git@example.com/repo', 'ssh://git@example.com/repo'],
    ['git@example.com:org/repo', 'git@example.com:org/repo'],
  ];
  for (const [url, hashed] of cases) it(`hashes ${url} as ${hashed}, as before redaction moved`, () => assert.equal(sourceIdUrl(url), hashed));
});

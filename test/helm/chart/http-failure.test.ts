import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { failureForStatus, retryAfterMs } from '../../../src/helm/chart/http-failure.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  const cases: Array<[string | null, number]> = [
    [null, 30_000],
    ['', 30_000],
    ['soon', 30_000],
    ['7', 7_000],
    ['0', 0],
    ['86400', 3_600_000],
    ['Wed, 01 Jan 2025 00:02:00 GMT', 120_000],
    ['Tue, 31 Dec 2024 00:00:00 GMT', 0],
  ];
  for (const [header, ms] of cases) it(`${JSON.stringify(header)} → ${ms} ms`, () => assert.equal(retryAfterMs(header, NOW), ms));
});

describe('failureForStatus', () => {
  const url = new URL('https://me:s3cret@charts.example.com/index.yaml');
  const cases: Array<[number, 'index' | 'chart', typeof StallingError | typeof WaitingError, RegExp]> = [
    [401, 'index', StallingError, /HTTP 401 .*authentication required/],
    [403, 'index', StallingError, /HTTP 403 .*access denied/],
    [404, 'index', StallingError, /HTTP 404 .*no Helm repository index/],
    [404, 'chart', StallingError, /HTTP 404 .*chart tarball listed in the index is missing/],
    [400, 'index', StallingError, /HTTP 400 .*refused/],
    [429, 'index', WaitingError, /HTTP 429 .*retrying in 30s/],
    [500, 'chart', WaitingError, /HTTP 500 .*retrying in 30s/],
    [503, 'index', WaitingError, /HTTP 503 .*retrying in 30s/],
  ];
  for (const [status, subject, kind, message] of cases) {
    it(`HTTP ${status} for the ${subject} → ${kind.name}`, () => {
      const error = failureForStatus({ status, retryAfter: null, subject, url, now: NOW });
      assert.ok(error instanceof kind);
      assert.equal(error.reason, 'ChartFetchFailed');
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /s3cret/);
      if (error instanceof StallingError) assert.equal(error.field, 'spec.chart.repository');
    });
  }

  it('waits as long as Retry-After says', () => {
    const error = failureForStatus({ status: 503, retryAfter: '7', subject: 'index', url, now: NOW });
    assert.ok(error instanceof WaitingError);
    assert.equal(error.retryAfterMs, 7_000);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmReleases } from './support/helm-releases.ts';

const TOKEN = 'releases-page-t0ken';
// Screenshots of the run, kept as test artifacts (git-ignored).
const ARTIFACTS = new URL('../test-artifacts/releases-page/', import.meta.url).pathname;

describe('the releases page in a real browser (Debian chromium driven by playwright-core)', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let repo: ChartRepo;
  let capstan: CapstanProcess;
  let hrs: ReturnType<typeof helmReleases>;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const cell = (release: string, field: string) => page.locator(`tr[data-release="${ns}/${release}"] td[data-field="${field}"]`);
  const shows = (what: string, release: string, field: string, pattern: RegExp, timeoutMs = 90_000) =>
    eventually(what, async () => {
      const text = (await cell(release, field).textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
      return pattern.test(text) ? text : undefined;
    }, timeoutMs);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'relpage');
    hrs = helmReleases(kc, ns);
    repo = await startChartRepo();
    await repo.publish('0.1.0');
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('relpage'), env: { CAPSTAN_DASHBOARD_TOKEN: TOKEN } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    context = await browser.newContext({ httpCredentials: { username: 'capstan', password: TOKEN }, viewport: { width: 1600, height: 900 } });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await capstan?.stop();
    await repo?.close();
    await dropNamespace();
  });

  it('refuses the page, its data and the dashboard without the token', async () => {
    for (const path of ['/releases', '/releases/data', '/releases/app.js', '/dashboard']) {
      const res = await fetch(`${capstan.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
    }
    const wrong = await fetch(`${capstan.url}/releases/data`, { headers: { Authorization: 'Bearer not-the-token' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${capstan.url}/releases/data`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(right.status, 200);
  });

  it('shows a release go from Installing to Ready, and a failing one with its message, live', async () => {
    await page.goto(`${capstan.url}/releases`);
    assert.equal(await page.title(), 'Capstan releases');
    // pods of a chart with fail: true never get Ready, so the install waits (and is seen Installing) until it fails
    await hrs.create('web', { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: 'web', timeout: 10, wait: true, values: { fail: true, message: 'values-are-secret' } });
    await hrs.create('missing', { chart: { repository: repo.url, name: 'hello', version: '9.9.9' }, releaseName: 'missing' });
    await shows('web Installing', 'web', 'phase', /^Installing$/);
    await shot('1-installing');
    await shows('the missing chart version\'s message', 'missing', 'failure', /9\.9\.9/);
    await shows('web\'s failure', 'web', 'failure', /deadline|failed/i);
    await shot('2-failing');

    await hrs.patchSpec('web', { values: { fail: false, message: 'values-are-secret' } });
    await shows('web Ready', 'web', 'ready', /^True/);
    await shot('3-ready');
    const row = page.locator(`tr[data-release="${ns}/web"]`);
    assert.match((await row.textContent()) ?? '', /hello/);
    assert.match((await row.textContent()) ?? '', /0\.1\.0/);
    const links = await row.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? ''));
    assert.ok(links.length > 0 && links.every((href) => href.startsWith('/dashboard/queue/')), links.join());
    assert.doesNotMatch((await page.content()) + JSON.stringify(await (await fetch(`${capstan.url}/releases/data`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()), /values-are-secret/);
  });

  it('opens the queue dashboard beside it with the same token', async () => {
    await page.goto(`${capstan.url}/dashboard`);
    await eventually('the dashboard to render', async () => ((await page.locator('body').textContent()) ?? '').includes('Capstan releases') || undefined, 60_000);
    await shot('4-dashboard');
  });
});

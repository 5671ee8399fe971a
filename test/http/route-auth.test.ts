import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthDecision, closedRoutesWarning, decideRouteAuth, isLoopbackAddress, routeKind, RouteKind, type ListenerAuth, type PresentedTokens,
} from '../../src/http/route-auth.ts';

describe('routeKind', () => {
  const cases: Array<[string, RouteKind]> = [
    ['/metrics', RouteKind.Open], ['/healthz', RouteKind.Open], ['/readyz', RouteKind.Open],
    ['/hooks/git', RouteKind.Hook], ['/hooks/registry', RouteKind.Hook],
    ['/dashboard', RouteKind.Dashboard], ['/dashboard/', RouteKind.Dashboard], ['/dashboard/api/queues', RouteKind.Dashboard],
    ['/releases', RouteKind.Dashboard], ['/releases/data', RouteKind.Dashboard], ['/releases/events', RouteKind.Dashboard],
    ['/api/capstan/v1/sync', RouteKind.Api], ['/api/flux/v11/notify', RouteKind.Api], ['/api/flux/v6/identity.pub', RouteKind.Api],
    // near misses are guarded, never open
    ['/metrics/', RouteKind.Api], ['/metrics/../api/capstan/v1/sync', RouteKind.Api], ['//metrics', RouteKind.Api],
    ['/hooks/other', RouteKind.Api], ['/hooks/git/../../api/capstan/v1/sync', RouteKind.Api], ['/dashboardx', RouteKind.Api], ['/releasesx', RouteKind.Api],
    ['http://host/metrics', RouteKind.Api], ['/', RouteKind.Api], ['/unknown', RouteKind.Api],
  ];
  for (const [path, kind] of cases) it(`${path} is ${kind}`, () => assert.equal(routeKind(path), kind));
});

describe('decideRouteAuth', () => {
  const listener = (loopback: boolean, apiToken: boolean, dashboardToken: boolean): ListenerAuth => ({ loopback, apiToken, dashboardToken });
  const none: PresentedTokens = { api: false, dashboard: false };
  const api: PresentedTokens = { api: true, dashboard: false };
  const dash: PresentedTokens = { api: false, dashboard: true };
  const { Allow, Unauthorized, Closed } = AuthDecision;
  const loop = listener(true, false, false);
  const loopApi = listener(true, true, false);
  const loopDash = listener(true, false, true);
  const wide = listener(false, false, false);
  const wideApi = listener(false, true, false);
  const wideDash = listener(false, false, true);
  const wideBoth = listener(false, true, true);
  const table: Array<[string, RouteKind, ListenerAuth, PresentedTokens, AuthDecision]> = [
    // metrics and probes stay open everywhere
    ['metrics, 0.0.0.0, no token set', RouteKind.Open, wide, none, Allow],
    ['metrics, 0.0.0.0, api token set, none given', RouteKind.Open, wideApi, none, Allow],
    ['probes, loopback, api token set, none given', RouteKind.Open, loopApi, none, Allow],
    // webhooks carry their own secret
    ['webhook, 0.0.0.0, no token set', RouteKind.Hook, wide, none, Allow],
    ['webhook, 0.0.0.0, api token set, none given', RouteKind.Hook, wideApi, none, Allow],
    // no token configured: only loopback is open
    ['api, loopback, no token set', RouteKind.Api, loop, none, Allow],
    ['dashboard, loopback, no token set', RouteKind.Dashboard, loop, none, Allow],
    ['api, 0.0.0.0, no token set', RouteKind.Api, wide, none, Closed],
    ['dashboard, 0.0.0.0, no token set', RouteKind.Dashboard, wide, none, Closed],
    // an api token guards everything but open routes, on loopback too
    ['api, loopback, api token set, none given', RouteKind.Api, loopApi, none, Unauthorized],
    ['api, loopback, api token given', RouteKind.Api, loopApi, api, Allow],
    ['api, 0.0.0.0, api token set, none given', RouteKind.Api, wideApi, none, Unauthorized],
    ['api, 0.0.0.0, api token given', RouteKind.Api, wideApi, api, Allow],
    ['dashboard, 0.0.0.0, api token given', RouteKind.Dashboard, wideApi, api, Allow],
    ['dashboard, 0.0.0.0, api token set, none given', RouteKind.Dashboard, wideApi, none, Unauthorized],
    // the dashboard token opens the dashboard only
    ['dashboard, loopback, dashboard token set, none given', RouteKind.Dashboard, loopDash, none, Unauthorized],
    ['dashboard, loopback, dashboard token given', RouteKind.Dashboard, loopDash, dash, Allow],
    ['api, loopback, only a dashboard token set', RouteKind.Api, loopDash, none, Allow],
    ['dashboard, 0.0.0.0, dashboard token given', RouteKind.Dashboard, wideDash, dash, Allow],
    ['api, 0.0.0.0, only a dashboard token set, it is given', RouteKind.Api, wideDash, dash, Closed],
    ['api, 0.0.0.0, both set, dashboard token given', RouteKind.Api, wideBoth, dash, Unauthorized],
    ['dashboard, 0.0.0.0, both set, api token given', RouteKind.Dashboard, wideBoth, api, Allow],
    ['dashboard, 0.0.0.0, both set, none given', RouteKind.Dashboard, wideBoth, none, Unauthorized],
  ];
  for (const [name, kind, l, p, expected] of table) it(`${name}: ${expected}`, () => assert.equal(decideRouteAuth(kind, l, p), expected));
});

describe('closedRoutesWarning', () => {
  it('warns on a wide listener without an api token, naming what is closed', () => {
    assert.match(closedRoutesWarning({ loopback: false, apiToken: false, dashboardToken: false }) ?? '', /\/api\/\*, \/dashboard and \/releases answer 403/);
    assert.match(closedRoutesWarning({ loopback: false, apiToken: false, dashboardToken: true }) ?? '', /: \/api\/\* answer 403/);
  });
  it('says nothing when loopback or a token is set', () => {
    assert.equal(closedRoutesWarning({ loopback: true, apiToken: false, dashboardToken: false }), undefined);
    assert.equal(closedRoutesWarning({ loopback: false, apiToken: true, dashboardToken: false }), undefined);
  });
});

describe('isLoopbackAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['[::1]', true], ['0:0:0:0:0:0:0:1', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.1', false], ['192.168.1.10', false], ['169.254.169.254', false],
    ['128.0.0.1', false], ['::ffff:10.0.0.1', false], ['::2', false], ['localhost', false], ['', false],
  ];
  for (const [address, loopback] of cases) it(`${address || '(none)'}: ${loopback}`, () => assert.equal(isLoopbackAddress(address), loopback));
});

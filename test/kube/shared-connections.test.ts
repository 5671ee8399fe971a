import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { DISPATCHER_MAX_AGE_MS, reuseConnections } from '../../src/kube/shared-connections.ts';

// A KubeConfig whose authentication hands every request a new dispatcher, as client-node 2 does.
function fakeKubeConfig() {
  const made: Array<{ id: number; closed: boolean; close(): Promise<void> }> = [];
  const state = { cluster: { name: 'c', server: 'https://127.0.0.1:6443', caData: 'CA1', skipTLSVerify: false }, user: { name: 'u', token: 't1' } };
  const kc = {
    getCurrentCluster: () => state.cluster,
    getCurrentUser: () => state.user,
    applySecurityAuthentication: async (ctx: k8s.RequestContext) => {
      const d = { id: made.length, closed: false, close: async () => { d.closed = true; } };
      made.push(d);
      ctx.setHeaderParam('Authorization', `Bearer ${state.user.token}`);
      ctx.setDispatcher(d as never);
    },
  };
  return { kc: kc as unknown as k8s.KubeConfig, made, state };
}

// A request context that records what authentication set on it.
function context() {
  const seen: { dispatcher?: { id: number }; headers: Record<string, string> } = { headers: {} };
  const ctx = {
    setHeaderParam: (k: string, v: string) => { seen.headers[k] = v; },
    setDispatcher: (d: { id: number }) => { seen.dispatcher = d; },
  };
  return { ctx: ctx as unknown as k8s.RequestContext, seen };
}

describe('reuseConnections', () => {
  it('gives every request the first dispatcher, closing the ones client-node made meanwhile, and keeps headers per request', async () => {
    const { kc, made, state } = fakeKubeConfig();
    reuseConnections(kc, () => 0);
    const a = context();
    await kc.applySecurityAuthentication(a.ctx);
    state.user.token = 't2'; // a rotated token is a header: the connection stays
    const b = context();
    await kc.applySecurityAuthentication(b.ctx);
    assert.equal(a.seen.dispatcher?.id, 0);
    assert.equal(b.seen.dispatcher?.id, 0);
    assert.equal(b.seen.headers.Authorization, 'Bearer t2');
    assert.deepEqual(made.map((d) => d.closed), [false, true]);
  });

  it('a new CA (or certificate, server) gets a new dispatcher and the old one is closed', async () => {
    const { kc, made, state } = fakeKubeConfig();
    reuseConnections(kc, () => 0);
    await kc.applySecurityAuthentication(context().ctx);
    state.cluster = { ...state.cluster, caData: 'CA2' }; // client-node makes new objects when it loads a kubeconfig
    const b = context();
    await kc.applySecurityAuthentication(b.ctx);
    assert.equal(b.seen.dispatcher?.id, 1);
    assert.deepEqual(made.map((d) => d.closed), [true, false]);
  });

  it(`replaces the dispatcher after ${DISPATCHER_MAX_AGE_MS / 1000} s, so files rotated in place are read again`, async () => {
    const { kc, made } = fakeKubeConfig();
    let t = 0;
    reuseConnections(kc, () => t);
    await kc.applySecurityAuthentication(context().ctx);
    t = DISPATCHER_MAX_AGE_MS - 1;
    const b = context();
    await kc.applySecurityAuthentication(b.ctx);
    t = DISPATCHER_MAX_AGE_MS + 1;
    const c = context();
    await kc.applySecurityAuthentication(c.ctx);
    assert.deepEqual([b.seen.dispatcher?.id, c.seen.dispatcher?.id], [0, 2]);
    assert.deepEqual(made.map((d) => d.closed), [true, true, false]);
  });
});

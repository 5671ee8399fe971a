import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease, HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { RefusalReason, namespaceReferences, releaseRefusal } from '../../src/helm/check-references.ts';
import { SECURE_DEFAULTS } from '../../src/security-config.ts';

const CHART = { repository: 'https://charts.example.com', name: 'hello', version: '1.0.0' };
const hr = (spec: Partial<HelmReleaseSpec>, name = 'web'): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name }, spec: { chart: CHART, ...spec },
});
const LOOSE = { ...SECURE_DEFAULTS, allowCrossNamespaceRefs: true };
const FLAG = /is not the HelmRelease's own \(apps\); a HelmRelease may only (reference|install into) its own namespace unless Capstan runs with --allow-cross-namespace-refs/;

interface Case { what: string; spec: Partial<HelmReleaseSpec>; name?: string; secure?: [string, RegExp] | undefined; loose?: [string, RegExp] | undefined }

const cases: Case[] = [
  { what: 'a release that names nothing', spec: {} },
  { what: 'every reference in the own namespace, explicitly or by default', spec: {
    targetNamespace: 'apps', releaseName: 'web',
    valuesFrom: [{ configMapKeyRef: { name: 'v', namespace: 'apps' } }, { secretKeyRef: { name: 's' } }, { secretKeyRef: { name: 's', namespace: '' } }],
    valueFileSecrets: [{ name: 'old' }], dependsOn: [{ name: 'db' }, { name: 'cache', namespace: 'apps' }],
  } },
  { what: 'valuesFrom secretKeyRef in kube-system', spec: { valuesFrom: [{ configMapKeyRef: { name: 'v' } }, { secretKeyRef: { name: 'admin', namespace: 'kube-system' } }] },
    secure: ['spec.valuesFrom[1].secretKeyRef.namespace', /namespace "kube-system" .*reference/] },
  { what: 'valuesFrom configMapKeyRef elsewhere', spec: { valuesFrom: [{ configMapKeyRef: { name: 'v', namespace: 'team-b' } }] },
    secure: ['spec.valuesFrom[0].configMapKeyRef.namespace', /"team-b"/] },
  { what: 'chart.secretRef of another tenant', spec: { chart: { git: 'https://git.example.com/c.git', path: 'c', secretRef: { name: 'git-auth', namespace: 'team-b' } } },
    secure: ['spec.chart.secretRef.namespace', /"team-b"/] },
  { what: 'targetNamespace elsewhere', spec: { targetNamespace: 'kube-system', releaseName: 'web' },
    secure: ['spec.targetNamespace', /may only install into its own namespace/] },
  { what: 'dependsOn in another namespace', spec: { dependsOn: [{ name: 'db', namespace: 'team-b' }] },
    secure: ['spec.dependsOn[0].namespace', /"team-b"/] },
  { what: 'a release name with a comma', spec: { releaseName: 'web,owner!=helm' },
    secure: ['spec.releaseName', /not a valid Helm release name/], loose: ['spec.releaseName', /not a valid Helm release name/] },
  { what: 'a release name that reads as a flag', spec: { releaseName: '--set' },
    secure: ['spec.releaseName', /not a valid/], loose: ['spec.releaseName', /not a valid/] },
  { what: 'a release name of 54 characters', spec: { releaseName: 'r'.repeat(54) },
    secure: ['spec.releaseName', /at most 53/], loose: ['spec.releaseName', /at most 53/] },
  { what: 'a default release name that is too long', spec: {}, name: 'n'.repeat(60),
    secure: ['spec.releaseName', /the default release name .* set spec\.releaseName/], loose: ['spec.releaseName', /default release name/] },
  { what: 'a targetNamespace that is no namespace name', spec: { targetNamespace: 'Not_A_Namespace' },
    secure: ['spec.targetNamespace', /not a namespace name/], loose: ['spec.targetNamespace', /not a namespace name/] },
  { what: 'a referenced namespace that is no namespace name', spec: { valuesFrom: [{ secretKeyRef: { name: 's', namespace: '..' } }] },
    secure: ['spec.valuesFrom[0].secretKeyRef.namespace', /not a namespace name/], loose: ['spec.valuesFrom[0].secretKeyRef.namespace', /not a namespace name/] },
  { what: 'a referenced name that is no object name', spec: { valuesFrom: [{ configMapKeyRef: { name: '../secrets/x' } }] },
    secure: ['spec.valuesFrom[0].configMapKeyRef.name', /not an object name/], loose: ['spec.valuesFrom[0].configMapKeyRef.name', /not an object name/] },
  { what: 'a chartPullSecret without a name (not read at all)', spec: { chart: { ...CHART, chartPullSecret: { name: '' } } } },
];

describe('releaseRefusal decides from the spec alone', () => {
  for (const c of cases) {
    for (const [mode, security, expected] of [['secure', SECURE_DEFAULTS, c.secure], ['--allow-cross-namespace-refs', LOOSE, c.loose]] as const) {
      it(`${c.what} (${mode}): ${expected ? `refused at ${expected[0]}` : 'allowed'}`, () => {
        const got = releaseRefusal(hr(c.spec, c.name), security);
        if (!expected) return assert.equal(got, undefined, got?.message);
        assert.ok(got instanceof StallingError);
        assert.equal(got.field, expected[0]);
        assert.match(got.message, expected[1]);
        assert.ok(got.message.startsWith(`${expected[0]}: `), 'the status message names the field');
        if (got.reason === RefusalReason.CrossNamespace) assert.match(got.message, FLAG);
      });
    }
  }

  it('tolerates fields of the wrong type without throwing', () => {
    const spec = { valuesFrom: 'oops', valueFileSecrets: [null], dependsOn: {}, chart: { secretRef: 'x' } } as unknown as HelmReleaseSpec;
    assert.equal(releaseRefusal(hr(spec), SECURE_DEFAULTS), undefined);
    const badNamespace = { valuesFrom: [{ secretKeyRef: { name: 's', namespace: 5 } }] } as unknown as HelmReleaseSpec;
    assert.equal(releaseRefusal(hr(badNamespace), LOOSE)?.field, 'spec.valuesFrom[0].secretKeyRef.namespace');
  });
});

describe('namespaceReferences', () => {
  it('lists each explicit namespace with its field, leaving out absent and empty ones', () => {
    const got = namespaceReferences(hr({
      targetNamespace: 't',
      valuesFrom: [{ secretKeyRef: { name: 's', namespace: 'a' } }, { configMapKeyRef: { name: 'c', namespace: '' } }, { externalSourceRef: { url: 'https://x' } }],
      chart: { git: 'https://g', path: 'p', secretRef: { name: 'g', namespace: 'b' } },
      dependsOn: [{ name: 'd', namespace: 'c' }],
    }));
    assert.deepEqual(got, [
      { field: 'spec.targetNamespace', value: 't' },
      { field: 'spec.valuesFrom[0].secretKeyRef.namespace', value: 'a' },
      { field: 'spec.chart.secretRef.namespace', value: 'b' },
      { field: 'spec.dependsOn[0].namespace', value: 'c' },
    ]);
  });
});

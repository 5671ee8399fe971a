import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { load, loadAll } from 'js-yaml';
import { FLAGS, type FlagRole } from '../../src/config/flags.ts';

const file = (path: string) => readFileSync(new URL(`../../deploy/${path}`, import.meta.url), 'utf8');
const ROLES = ['daemon', 'operator', 'worker'] as const;

// The flag names in a role's arguments (`--name=value` or `--name`), after the role itself.
function flagNames(args: readonly string[]): string[] {
  return args.slice(1).map((a) => /^--([a-z0-9-]+)/.exec(a)?.[1] ?? `not a flag: ${a}`);
}

describe('deploy/ files', () => {
  it('the chart carries the same HelmRelease CRD as deploy/crds/, byte for byte', () => {
    assert.equal(file('chart/capstan/crds/helmreleases.helm.fluxcd.io.yaml'), file('crds/helmreleases.helm.fluxcd.io.yaml'),
      'copy deploy/crds/helmreleases.helm.fluxcd.io.yaml to deploy/chart/capstan/crds/');
  });

  for (const role of ROLES) {
    it(`deploy/${role}.yaml runs \`capstan ${role}\` with flags of that role only`, () => {
      const [deployment] = loadAll(file(`${role}.yaml`)) as Array<{ spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }>;
      const args = deployment?.spec.template.spec.containers[0]?.args ?? [];
      assert.equal(args[0], role);
      for (const name of flagNames(args)) {
        const roles: readonly FlagRole[] | undefined = FLAGS[name as keyof typeof FLAGS]?.roles;
        assert.ok(roles?.includes(role), `--${name} is not a flag of capstan ${role}`);
      }
    });
  }

  it("the chart's values name only flags of each role", () => {
    const values = load(file('chart/capstan/values.yaml')) as Record<string, { flags?: Record<string, unknown> }>;
    for (const role of ROLES) {
      for (const name of Object.keys(values[role]?.flags ?? {})) {
        const roles: readonly FlagRole[] | undefined = FLAGS[name as keyof typeof FLAGS]?.roles;
        assert.ok(roles?.includes(role), `${role}.flags.${name} is not a flag of capstan ${role}`);
      }
    }
  });

  it('no token or password is passed as a flag (argv is visible to every process on the node)', () => {
    const texts = [...ROLES.map((r) => file(`${r}.yaml`)), file('chart/capstan/values.yaml'), file('chart/capstan/templates/deployments.yaml')];
    for (const text of texts) assert.doesNotMatch(text, /--(api-token|dashboard-token|webhook-secret)(=|\s)/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CredentialUse, insecureCredentialsRefusal } from '../../../src/helm/chart/credential-transport.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';

const LOOSE = { ...SECURE_DEFAULTS, allowInsecureCredentials: true };

describe('insecureCredentialsRefusal: credentials never travel over plain http:// by default', () => {
  const cases: Array<[string, CredentialUse, RegExp | undefined]> = [
    ['a Secret over https', { field: 'spec.chart.git', url: 'https://git.example.com/c.git', secretField: 'spec.chart.secretRef' }, undefined],
    ['no credentials over http', { field: 'spec.chart.git', url: 'http://git.example.com/c.git' }, undefined],
    ['a Secret over ssh', { field: 'spec.chart.git', url: 'ssh://git@git.example.com/c.git', secretField: 'spec.chart.secretRef' }, undefined],
    ['a Secret over http', { field: 'spec.chart.git', url: 'http://git.example.com/c.git', secretField: 'spec.chart.secretRef' },
      /spec\.chart\.git: refused: the credentials from spec\.chart\.secretRef would be sent over plain http:\/\/ to git\.example\.com; use https:\/\/, or start Capstan with --allow-insecure-credentials/],
    ['a pull secret over HTTP (upper case)', { field: 'spec.chart.repository', url: ' HTTP://charts.example.com:8080', secretField: 'spec.chart.chartPullSecret' },
      /spec\.chart\.repository: refused: the credentials from spec\.chart\.chartPullSecret .* to charts\.example\.com:8080/],
    ['user info in an http URL', { field: 'spec.chart.repository', url: 'http://user:hunter22@charts.example.com/' },
      /the credentials from the user info of the URL would be sent over plain http:\/\/ to charts\.example\.com/],
    ['a token as user name in an http URL', { field: 'spec.chart.git', url: 'http://TOKEN123@git.example.com/c.git' }, /user info of the URL/],
    ['user info in an https URL', { field: 'spec.chart.repository', url: 'https://user:pw@charts.example.com/' }, undefined],
    ['something that is not a URL', { field: 'spec.chart.git', url: 'git@github.com:org/c.git', secretField: 'spec.chart.secretRef' }, undefined],
  ];
  for (const [what, use, refused] of cases) {
    it(`${what}: ${refused ? 'refused' : 'allowed'}, and always allowed with --allow-insecure-credentials`, () => {
      const got = insecureCredentialsRefusal(use, SECURE_DEFAULTS);
      if (refused) {
        assert.equal(got?.field, use.field);
        assert.match(got?.message ?? '', refused);
        assert.doesNotMatch(got?.message ?? '', /hunter22|TOKEN123/, 'the message shows no credential');
      } else {
        assert.equal(got, undefined);
      }
      assert.equal(insecureCredentialsRefusal(use, LOOSE), undefined);
    });
  }
});

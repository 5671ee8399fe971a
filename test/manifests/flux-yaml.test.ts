import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_COMMAND_TIMEOUT_MS, FluxYamlError, parseFluxYaml } from '../../src/manifests/flux-yaml.ts';

describe('parseFluxYaml', () => {
  const accepted: Array<[string, string, unknown]> = [
    ['commandUpdated with generators and updaters', `version: 1
commandUpdated:
  generators:
    - command: kustomize build .
  updaters:
    - containerImage:
        command: ./set-image.sh
        timeout: 30s
      policy:
        command: ./set-policy.sh
`, { kind: 'commandUpdated', generators: [{ command: 'kustomize build .', timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS }],
      updaters: [{ containerImage: { command: './set-image.sh', timeoutMs: 30_000 }, policy: { command: './set-policy.sh', timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS } }] }],
    ['commandUpdated without updaters', 'version: 1\ncommandUpdated:\n  generators:\n  - command: cat *.yaml\n',
      { kind: 'commandUpdated', generators: [{ command: 'cat *.yaml', timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS }], updaters: [] }],
    ['patchUpdated', 'version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n    timeout: 1m30s\n  patchFile: flux-patch.yaml\n',
      { kind: 'patchUpdated', generators: [{ command: 'kustomize build .', timeoutMs: 90_000 }], patchFile: 'flux-patch.yaml' }],
    ['patchUpdated with a patch file in a subdirectory', 'version: 1\npatchUpdated:\n  generators: [{command: x}]\n  patchFile: ./patches/../p.yaml\n',
      { kind: 'patchUpdated', generators: [{ command: 'x', timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS }], patchFile: 'p.yaml' }],
    ['scanForFiles', 'version: 1\nscanForFiles: {}\n', { kind: 'scanForFiles' }],
  ];
  for (const [name, text, want] of accepted) it(`reads ${name}`, () => assert.deepEqual(parseFluxYaml(text), want));

  const refused: Array<[string, string, string | undefined, RegExp]> = [
    ['no version', 'commandUpdated:\n  generators: [{command: x}]\n', 'version', /expected 1, got null/],
    ['version 2', 'version: 2\nscanForFiles: {}\n', 'version', /expected 1, got 2/],
    ['none of the three', 'version: 1\n', undefined, /exactly one of .*found none/],
    ['two of the three', 'version: 1\nscanForFiles: {}\npatchUpdated: {generators: [{command: x}], patchFile: p.yaml}\n', undefined, /found patchUpdated and scanForFiles/],
    ['an unknown top-level key', 'version: 1\nscanForFiles: {}\ngenerators: []\n', undefined, /unknown key "generators"/],
    ['no generator', 'version: 1\ncommandUpdated:\n  generators: []\n', 'commandUpdated.generators', /at least one generator/],
    ['a generator without a command', 'version: 1\ncommandUpdated:\n  generators: [{timeout: 1s}]\n', 'commandUpdated.generators[0].command', /non-empty command/],
    ['a command that is not a string', 'version: 1\ncommandUpdated:\n  generators: [{command: [a, b]}]\n', 'commandUpdated.generators[0].command', /non-empty command/],
    ['a bad timeout', 'version: 1\ncommandUpdated:\n  generators: [{command: x, timeout: soon}]\n', 'commandUpdated.generators[0].timeout', /duration/],
    ['a timeout over the bound', 'version: 1\ncommandUpdated:\n  generators: [{command: x, timeout: 2h}]\n', 'commandUpdated.generators[0].timeout', /at most 10m/],
    ['a misspelt updater key', 'version: 1\ncommandUpdated:\n  generators: [{command: x}]\n  updaters: [{image: {command: y}}]\n', 'commandUpdated.updaters[0]', /unknown key "image"/],
    ['patchUpdated without patchFile', 'version: 1\npatchUpdated:\n  generators: [{command: x}]\n', 'patchUpdated.patchFile', /expected a file path/],
    ['an absolute patchFile', 'version: 1\npatchUpdated:\n  generators: [{command: x}]\n  patchFile: /etc/passwd\n', 'patchUpdated.patchFile', /relative path/],
    ['a patchFile out of the directory', 'version: 1\npatchUpdated:\n  generators: [{command: x}]\n  patchFile: ../../p.yaml\n', 'patchUpdated.patchFile', /relative path/],
    ['a document that is a list', '- version: 1\n', undefined, /expected a mapping/],
    ['broken YAML', 'version: 1\ncommandUpdated: [\n', undefined, /not valid YAML/],
    ['a key written twice', 'version: 1\nversion: 1\nscanForFiles: {}\n', undefined, /not valid YAML/],
  ];
  for (const [name, text, field, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseFluxYaml(text), (err: unknown) => {
        assert.ok(err instanceof FluxYamlError);
        assert.equal(err.field, field);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSopsEncrypted } from '../../src/decrypt/sops-encrypted.ts';

const encrypted = `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: ENC[AES256_GCM,data:mW5z,iv:AAAA,tag:BBBB,type:str]
sops:
  age:
    - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2026-12-02T04:00:00Z"
  mac: ENC[AES256_GCM,data:abcd,iv:AAAA,tag:BBBB,type:str]
  version: 3.13.3
`;

describe('isSopsEncrypted: a file is decrypted only when sops wrote it', () => {
  // [case, text, encrypted]
  const table: Array<[string, string, boolean]> = [
    ['a file sops encrypted (top-level sops mapping with a mac)', encrypted, true],
    ['the second document of a stream is encrypted', `kind: ConfigMap\n---\n${encrypted}`, true],
    ['a plain manifest', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', false],
    ['a sops mapping without mac', 'kind: ConfigMap\nsops:\n  version: 3.13.3\n', false],
    ['a sops key that is a string', 'kind: ConfigMap\nsops: "yes"\n', false],
    ['a mac that is not a string', 'kind: ConfigMap\nsops:\n  mac: 3\n', false],
    ['an empty mac', 'kind: ConfigMap\nsops:\n  mac: ""\n', false],
    ['sops nested below the top level (data that mentions it)', 'kind: ConfigMap\ndata:\n  sops:\n    mac: x\n', false],
    ['a top-level list', '- sops:\n    mac: x\n', false],
    ['text that is not YAML', 'sops: [unclosed\n  mac: x', false],
    ['an empty file', '', false],
  ];
  for (const [name, text, expected] of table) it(name, () => assert.equal(isSopsEncrypted(text), expected));
});

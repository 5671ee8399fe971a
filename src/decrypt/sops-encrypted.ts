import { asRecord } from '../records.ts';
import { readYamlDocuments } from '../yaml/read-yaml.ts';

// Whether a YAML file is SOPS-encrypted: some document of it has a top-level `sops` mapping holding a `mac`
// string, as every file `sops --encrypt` writes does (a `sops:` key of any other shape is plain data). Text that is
// not YAML is not encrypted: the loader reports it as it reports any broken file.
export function isSopsEncrypted(text: string): boolean {
  if (!text.includes('sops')) return false; // cheap: most files never mention it
  try {
    return readYamlDocuments(text).some((doc) => {
      const metadata = asRecord(asRecord(doc.value)?.sops);
      return typeof metadata?.mac === 'string' && metadata.mac !== '';
    });
  } catch {
    return false;
  }
}

// A Secret named by a flag as NAMESPACE/NAME.
export interface SecretRef { readonly namespace: string; readonly name: string }

// What the daemon decrypts before a sync reads manifests: SOPS files (--sops) and git-secret files (--git-secret).
// config/decryption-config.ts reads it from the flags.
export interface DecryptionConfig {
  readonly sops: {
    readonly binary: string; // --sops-binary, default `sops` on PATH
    readonly ageKeyFile: string | undefined; // --sops-age-key-file
    readonly ageKeySecret: SecretRef | undefined; // --sops-age-key-secret: its `age.agekey` entry
  } | undefined; // undefined without --sops
  readonly gitSecret: {
    readonly keyImports: readonly string[]; // --git-gpg-key-import: files, or directories of key files
    readonly keySecret: SecretRef | undefined; // --git-gpg-key-secret: its `private.key` entry
  } | undefined; // undefined without --git-secret
}

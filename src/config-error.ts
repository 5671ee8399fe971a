// A bad flag or config value: main exits with code 2 and a message naming the flag.
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly flag: string;
  constructor(flag: string, message: string, options?: ErrorOptions) {
    super(`--${flag}: ${message}`, options);
    this.flag = flag;
  }
}

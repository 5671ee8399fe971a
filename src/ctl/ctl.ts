// placeholder
export async function runCtl(_argv: readonly string[], _env: NodeJS.ProcessEnv): Promise<number> {
  return 2;
}

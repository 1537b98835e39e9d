// The one sleep of kt: resolves after `ms` (retry backoffs, pacing, polling). Imports nothing,
// so every layer may use it.
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// What a receiver's HTTP status means for a delivery: undefined when delivered (2xx); else whether to try again.
// 408, 429 and 5xx are worth another try; any other answer (a wrong URL, a revoked Slack hook) will not change.
export function deliveryVerdict(status: number): { retry: boolean; detail: string } | undefined {
  if (status >= 200 && status < 300) return undefined;
  return { retry: status === 408 || status === 429 || status >= 500, detail: `HTTP ${status}` };
}

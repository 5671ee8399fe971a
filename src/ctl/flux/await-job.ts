import { CtlError, ExitCode } from '../exit.ts';
import type { Progress } from '../progress.ts';
import type { FluxClient } from './client.ts';

// fluxd's job status: `{Result:{revision, spec, result}, Err, StatusString}`.
export interface JobStatus { Result?: { revision?: string; result?: Record<string, unknown> | null } | null; Err?: string; StatusString?: string }

// How often a wait polls and for how long at most.
export interface Wait { intervalMs: number; timeoutMs: number; sleep?: (ms: number) => Promise<void> }

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Polls `GET /v6/jobs?id=` until the job succeeds (its status) or fails (exit 1 with fluxd's error), with a
// progress line; past `timeoutMs` exit 1 naming the job, which may still finish.
export async function awaitJob(flux: FluxClient, id: string, wait: Wait, progress: Progress): Promise<JobStatus> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const status = (await flux.get('/v6/jobs', { id })) as JobStatus;
    progress.update(`job ${id}: ${status.StatusString ?? 'unknown'}`);
    if (status.StatusString === 'succeeded') return status;
    if (status.StatusString === 'failed') throw new CtlError(`job ${id} failed: ${status.Err ?? 'no reason given'}`, ExitCode.failed);
    if (Date.now() > deadline) throw new CtlError(`job ${id} did not finish within ${wait.timeoutMs / 1000}s (it may still)`, ExitCode.failed);
    await (wait.sleep ?? pause)(wait.intervalMs);
  }
}

// Polls `GET /v6/sync?ref=` until the revision is applied ([] pending), with a progress line.
export async function awaitSync(flux: FluxClient, revision: string, wait: Wait, progress: Progress): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const pending = (await flux.get('/v6/sync', { ref: revision })) as unknown[] | null;
    if (!pending?.length) return;
    progress.update(`waiting for ${revision.slice(0, 7)} to be applied (${pending.length} pending)`);
    if (Date.now() > deadline) throw new CtlError(`revision ${revision} was not applied within ${wait.timeoutMs / 1000}s`, ExitCode.failed);
    await (wait.sleep ?? pause)(wait.intervalMs);
  }
}

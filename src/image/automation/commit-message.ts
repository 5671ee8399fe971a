import type { PlannedUpdate } from './plan-updates.ts';
import { releaseTrailer } from './release-history.ts';

// fluxd's automation message, `Auto-release <image>` or `Auto-release multiple (N) images` with the images
// listed, followed by one Capstan-Release trailer per container changed (what lets a later scan tell a human
// revert from a new tag).
export function autoReleaseMessage(updates: readonly PlannedUpdate[]): string {
  const images = [...new Set(updates.map((u) => u.image))].sort();
  const head = images.length === 1 ? `Auto-release ${images[0]}` : `Auto-release multiple (${images.length}) images\n\n${images.map((i) => ` - ${i}`).join('\n')}`;
  const trailers = updates.map((u) => releaseTrailer(u.workload.id, u.container, u.image));
  return `${head}\n\n${trailers.join('\n')}\n`;
}

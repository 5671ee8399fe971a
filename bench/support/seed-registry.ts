import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { listTagsRaw, pushImage, type Registry } from '../../e2e/support/registry.ts';
import { mapLimit } from '../../src/map-limit.ts';

// What to put in the registry: `repositories` named `${prefix}0`…, each with the same `tags`, tag i built at
// `created(i)` (distinct times, so time-ordered filters have something to order).
export interface SeedPlan { prefix: string; repositories: number; tags: readonly string[]; created: (i: number) => Date }

// Fills a registry fast: the first repository's tags are pushed over the registry API (pushImage); the others are
// copies of its repository directory in the registry's filesystem storage. Blobs are stored once per registry and
// a repository directory holds only links to them, so each copy is the same repository as pushed, made without
// 2 to 4 requests per tag (distribution 2.8 spends about 3 ms CPU on each). One copy is then read back over the
// API, so a change of the storage layout fails here and not in the figures. Returns the requests made.
export async function seedRegistry(reg: Registry, plan: SeedPlan): Promise<number> {
  const first = `${plan.prefix}0`;
  await mapLimit(plan.tags.map((tag, i) => ({ tag, i })), 8, ({ tag, i }) => pushImage(reg, first, tag, { created: plan.created(i) }));
  const repositories = join(reg.storage, 'docker/registry/v2/repositories');
  for (let r = 1; r < plan.repositories; r++) cpSync(join(repositories, first), join(repositories, `${plan.prefix}${r}`), { recursive: true });
  const last = `${plan.prefix}${plan.repositories - 1}`;
  const listed = await listTagsRaw(reg, last);
  if (listed.length !== plan.tags.length) throw new Error(`seeding ${last} on disk gave ${listed.length} tags, not ${plan.tags.length}: has the storage layout changed?`);
  return plan.tags.length * 4;
}

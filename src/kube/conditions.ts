import type { Condition } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';

// Sets one condition in a list: lastTransitionTime moves only when the status really changes; lastUpdateTime
// always does. Returns a new list.
export function setCondition(list: readonly Condition[], next: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>, now: Date): Condition[] {
  const stamp = now.toISOString();
  const current = list.find((c) => c.type === next.type);
  const transition = current && current.status === next.status ? (current.lastTransitionTime ?? stamp) : stamp;
  const updated: Condition = { ...next, lastUpdateTime: stamp, lastTransitionTime: transition };
  return current ? list.map((c) => (c.type === next.type ? updated : c)) : [...list, updated];
}

// Removes a condition type from a list.
export function removeCondition(list: readonly Condition[], type: Condition['type']): Condition[] {
  return list.filter((c) => c.type !== type);
}

export function findCondition(list: readonly Condition[] | undefined, type: Condition['type']): Condition | undefined {
  return list?.find((c) => c.type === type);
}

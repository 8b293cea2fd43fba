import type { Attribution, DependencyEdge } from './types.js';

/**
 * The services a component's file must hold for one environment: its own services, the peers chosen
 * for it, and every backing service they reach (backing services may themselves depend on others:
 * milvus -> etcd, minio). Peer services reached only through a backing service are not pulled in.
 */
export function closeOver(
  own: string[],
  pulledPeers: string[],
  edgesFrom: ReadonlyMap<string, readonly DependencyEdge[]>,
  attributions: Map<string, Attribution>,
): { backing: string[]; peers: string[] } {
  const backing = new Set<string>();
  const queue = [...own, ...pulledPeers];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    for (const e of edgesFrom.get(queue[i] as string) ?? []) {
      if (seen.has(e.service) || attributions.get(e.service)?.role !== 'backing') continue;
      seen.add(e.service);
      backing.add(e.service);
      queue.push(e.service);
    }
  }
  return { backing: [...backing].sort(), peers: [...new Set(pulledPeers)].sort() };
}

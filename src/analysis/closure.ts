import type { Attribution, DependencyEdge } from './types.js';

/**
 * The services a component's file must hold for one environment: its own services, the peers chosen
 * for it, and every backing service they reach (backing services may themselves depend on others:
 * milvus -> etcd, minio). Peer services reached only through a backing service are not pulled in.
 */
export function closeOver(
  own: string[],
  pulledPeers: string[],
  edges: DependencyEdge[],
  attributions: Map<string, Attribution>,
): { backing: string[]; peers: string[] } {
  const out = new Map<string, DependencyEdge[]>();
  for (const e of edges) {
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  }
  const backing = new Set<string>();
  const peers = new Set<string>(pulledPeers);
  const queue = [...own, ...pulledPeers];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const s = queue.shift() as string;
    for (const e of out.get(s) ?? []) {
      if (seen.has(e.service)) continue;
      const role = attributions.get(e.service)?.role;
      if (role !== 'backing') continue;
      seen.add(e.service);
      backing.add(e.service);
      queue.push(e.service);
    }
  }
  return { backing: [...backing].sort(), peers: [...peers].sort() };
}

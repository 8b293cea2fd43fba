import type { Attribution, DependencyEdge } from './types.js';

/**
 * The services a component's file must hold for one environment: its own services, the peers chosen
 * for it, and every backing service they reach (backing services may themselves depend on others:
 * milvus -> etcd, minio). Peer services reached only through a backing service are not pulled in,
 * except a service another one shares its network namespace with (network_mode: service:x).
 */
export function closeOver(
  own: string[],
  pulledPeers: string[],
  edgesFrom: ReadonlyMap<string, readonly DependencyEdge[]>,
  attributions: Map<string, Attribution>,
): { backing: string[]; peers: string[] } {
  const backing = new Set<string>();
  const peers = new Set(pulledPeers);
  const queue = [...own, ...pulledPeers];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    for (const e of edgesFrom.get(queue[i] as string) ?? []) {
      if (seen.has(e.service)) continue;
      const isBacking = attributions.get(e.service)?.role === 'backing';
      // `network_mode: service:x` runs the service inside x's network namespace (a VPN or proxy
      // sidecar): without x it would reach the network some other way, so x always comes along.
      if (!isBacking && e.kind !== 'network_mode') continue;
      seen.add(e.service);
      (isBacking ? backing : peers).add(e.service);
      queue.push(e.service);
    }
  }
  return { backing: [...backing].sort(), peers: [...peers].sort() };
}

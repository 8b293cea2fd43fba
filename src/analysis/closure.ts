import type { Attribution, DependencyEdge } from './types.js';

/**
 * The services a component's file must hold for one environment: its own services, the backing
 * services that belong to it (built in it or named for it, whether or not an edge reaches them), the
 * peers chosen for it, and every backing service they reach (backing services may themselves depend
 * on others: milvus -> etcd, minio). Peer services reached only through a backing service are not
 * pulled in, except a service another one shares its network namespace with (network_mode:
 * service:x). `why` says, per backing service, what brought it in.
 */
export function closeOver(
  own: string[],
  ownBacking: string[],
  pulledPeers: string[],
  edgesFrom: ReadonlyMap<string, readonly DependencyEdge[]>,
  attributions: Map<string, Attribution>,
): { backing: string[]; peers: string[]; why: Map<string, string> } {
  const backing = new Set<string>();
  const why = new Map<string, string>();
  for (const b of ownBacking) {
    backing.add(b);
    why.set(b, attributions.get(b)?.backingNote ?? 'its own');
  }
  const peers = new Set(pulledPeers);
  const queue = [...own, ...ownBacking, ...pulledPeers];
  const seen = new Set(queue);
  const ownSet = new Set(own);
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i] as string;
    for (const e of edgesFrom.get(from) ?? []) {
      if (seen.has(e.service)) continue;
      const isBacking = attributions.get(e.service)?.role === 'backing';
      // `network_mode: service:x` runs the service inside x's network namespace (a VPN or proxy
      // sidecar): without x it would reach the network some other way, so x always comes along.
      if (!isBacking && e.kind !== 'network_mode') continue;
      seen.add(e.service);
      if (isBacking) {
        backing.add(e.service);
        why.set(e.service, ownSet.has(from) ? `${from} ${edgeKey(e)}` : `via ${from}`);
      } else peers.add(e.service);
      queue.push(e.service);
    }
  }
  return { backing: [...backing].sort(), peers: [...peers].sort(), why };
}

/** "depends_on", "links", or for a hostname the key it is written under ("environment.DATABASE_URL"). */
function edgeKey(e: DependencyEdge): string {
  if (e.kind !== 'hostname') return e.kind;
  const space = e.via.indexOf(' ');
  return space < 0 ? e.kind : e.via.slice(space + 1);
}

import type { Plan } from '../types.js';

const id = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');
const label = (s: string): string => s.replace(/"/g, '#quot;');

/** A Mermaid flowchart: one subgraph per component, backing services as cylinders, edges labelled by kind. */
export function renderMermaid(plan: Plan): string {
  const lines = ['flowchart LR'];
  const owner = new Map(plan.analysis.attributions.map((a) => [a.service, a]));
  for (const c of plan.components) {
    lines.push(`  subgraph ${id(`c_${c.name}`)}["${label(c.name)} (${c.kind})"]`);
    for (const s of c.services) lines.push(`    ${id(`s_${s}`)}["${label(s)}"]`);
    lines.push('  end');
  }
  for (const a of plan.analysis.attributions) {
    if (a.role === 'backing') lines.push(`  ${id(`s_${a.service}`)}[("${label(a.service)}")]`);
    if (a.role === 'undecided') lines.push(`  ${id(`s_${a.service}`)}{{"${label(a.service)} ?"}}`);
  }
  const seen = new Set<string>();
  for (const e of plan.analysis.edges) {
    const key = `${e.from}>${e.service}>${e.kind}`;
    if (seen.has(key) || !owner.has(e.from) || !owner.has(e.service)) continue;
    seen.add(key);
    const arrow = e.role === 'peer' ? '-.->' : '-->';
    lines.push(`  ${id(`s_${e.from}`)} ${arrow}|${e.kind}| ${id(`s_${e.service}`)}`);
  }
  return lines.join('\n') + '\n';
}

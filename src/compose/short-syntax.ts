/**
 * Compose's colon-separated short syntaxes ("host:container[:mode]", "[ip:]published:target[/proto]")
 * written by people who also put `${VAR:-default}` and IPv6 brackets in them.
 */

/**
 * Split on `sep` outside `${...}` and `[...]`, so "${HOME:-/x}:/data" and "[::1]:80:80" keep their
 * inner colons.
 */
export function splitOutside(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depthBrace = 0;
  let depthBracket = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '$' && s[i + 1] === '{') {
      depthBrace++;
      cur += '${';
      i++;
      continue;
    }
    if (ch === '}' && depthBrace > 0) depthBrace--;
    else if (ch === '[') depthBracket++;
    else if (ch === ']' && depthBracket > 0) depthBracket--;
    if (ch === sep && depthBrace === 0 && depthBracket === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

export interface ShortPort {
  /** Host IP without IPv6 brackets, "" when none. */
  hostIp: string;
  /** Published (host) port or range as written, "" when none. */
  published: string;
  /** Container port or range as written. */
  target: string;
  protocol: string;
}

/** "[ip:]published:target[/protocol]" or a lone "target", variables and IPv6 kept intact. */
export function parseShortPort(spec: string): ShortPort {
  const [body = '', protocol = 'tcp'] = splitOutside(spec, '/');
  const parts = splitOutside(body, ':');
  const target = parts[parts.length - 1] ?? '';
  const published = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const hostIp =
    parts.length >= 3
      ? parts
          .slice(0, -2)
          .join(':')
          .replace(/^\[(.*)\]$/, '$1')
      : '';
  return { hostIp, published, target, protocol };
}

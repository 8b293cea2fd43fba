/**
 * The quoting module against the real readers: random strings (shell and make metacharacters,
 * quotes, braces, unicode, control characters) go through each quoter, into a real `sh`, `make`,
 * `JSON.parse`, Python's parser and TypeScript's parser, and must come back unchanged and inert.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  UnquotableError,
  jsString,
  jsTemplateText,
  jsonString,
  jsonStringContent,
  makeRecipeWord,
  makeVariableWord,
  pyFStringText,
  pyString,
  shQuote,
  yamlDoubleQuoted,
} from '../../src/quote.js';

const HOSTILE = [
  ...`$\`"'\\;&|<>(){}[]*?!#~=% \t-:,.@^+`,
  '$(id)',
  '${HOME}',
  '`id`',
  "'\\''",
  '"),("',
  '\n',
  '\r',
  '\u2028',
  '\u0085',
  'é',
  '漢',
  '😀',
  '\x7f',
  '\x01',
];

/** Strings mixing hostile fragments with arbitrary unicode. */
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 4 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));
const noNul = hostile.filter((s) => !s.includes('\0'));
const oneLine = noNul.filter((s) => !/[\n\r]/u.test(s));
const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { numRuns: n, seed: 4242 });

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describe('sh', () => {
  it('a real sh reads every quoted word back unchanged, and runs nothing', () => {
    const values = [...HOSTILE, '', ...sample(noNul, 400)];
    const dir = mkdtempSync(join(tmpdir(), 'cm-quote-sh-'));
    const canary = join(dir, 'PWNED');
    const script = values.map((v) => `printf '%s\\0' ${shQuote(v)}`).join('\n') + '\n';
    writeFileSync(join(dir, 'x.sh'), script);
    const out = run('sh', [join(dir, 'x.sh')], dir);
    expect(out.split('\0').slice(0, -1)).toEqual(values);
    expect(spawnSync('test', ['-e', canary]).status).not.toBe(0);
  });

  it('leaves plain paths bare and refuses NUL', () => {
    expect(shQuote('services/api')).toBe('services/api');
    expect(shQuote('x;id>PWNED;')).toBe(`'x;id>PWNED;'`);
    expect(() => shQuote('a\0b')).toThrow(UnquotableError);
  });
});

describe('make', () => {
  it('recipe words and variable words reach the shell unchanged', () => {
    const values = [...HOSTILE.filter((h) => !/[\n\r]/u.test(h)), '', ...sample(oneLine, 300)].filter(
      (v) => !/\\#/u.test(v),
    );
    const dir = mkdtempSync(join(tmpdir(), 'cm-quote-make-'));
    const vars = values.map((v, i) => `V${i} = ${makeVariableWord(v)}`);
    const recipe = values.map((v) => `\tprintf '%s\\0' ${makeRecipeWord(v)}`);
    const fromVars = values.map((_, i) => `\tprintf '%s\\0' $(V${i})`);
    writeFileSync(join(dir, 'Makefile'), [...vars, '', 'all:', ...recipe, ...fromVars, ''].join('\n'));
    const out = run('make', ['-s', '--no-print-directory'], dir);
    expect(out.split('\0').slice(0, -1)).toEqual([...values, ...values]);
  });

  it('refuses line breaks, which would end the make statement', () => {
    expect(() => makeRecipeWord('a\nb')).toThrow(UnquotableError);
    expect(() => makeVariableWord('a\rb')).toThrow(UnquotableError);
  });
});

describe('JSON and YAML', () => {
  it('JSON.parse reads the literal and the embedded content back', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(JSON.parse(jsonString(s))).toBe(s);
        expect(JSON.parse(`{"k":"${jsonStringContent(s)}"}`)).toEqual({ k: s });
      }),
      { numRuns: 500 },
    );
  });

  it('yaml 1.1 and 1.2 parsers read the double-quoted scalar back', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        if (/[\ud800-\udfff]/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/gu, ''))) return;
        const text = `k: ${yamlDoubleQuoted(s)}\n`;
        expect(parseYaml(text, { version: '1.1' })).toEqual({ k: s });
        expect(parseYaml(text)).toEqual({ k: s });
      }),
      { numRuns: 500 },
    );
  });

  it('PyYAML (what docker-compose v1 reads with) agrees', () => {
    const values = sample(noNul, 200).filter(
      (s) => !/[\ud800-\udfff]/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/gu, '')),
    );
    const dir = mkdtempSync(join(tmpdir(), 'cm-quote-yaml-'));
    writeFileSync(
      join(dir, 'x.yml'),
      values.map((v, i) => `k${i}: ${yamlDoubleQuoted(v)}`).join('\n') + '\n',
    );
    const out = run('python3', [
      '-c',
      'import json,sys,yaml; d=yaml.safe_load(open(sys.argv[1],encoding="utf-8")); print(json.dumps([d[f"k{i}"] for i in range(len(d))]))',
      join(dir, 'x.yml'),
    ]);
    expect(JSON.parse(out)).toEqual(values);
  });
});

describe('Python', () => {
  it('ast.literal_eval reads string literals back; f-string text holds no expression', () => {
    const values = [...HOSTILE, '', ...sample(hostile, 300)];
    const dir = mkdtempSync(join(tmpdir(), 'cm-quote-py-'));
    const lines = values.flatMap((v, i) => [
      `${pyString(v, i % 2 ? '"' : "'")}`,
      `f${i % 2 ? "'" : '"'}${pyFStringText(v, i % 2 ? "'" : '"')}${i % 2 ? "'" : '"'}`,
    ]);
    writeFileSync(join(dir, 'lits.txt'), JSON.stringify(lines));
    const program = [
      'import ast, json, sys',
      'out = []',
      'for src in json.load(open(sys.argv[1], encoding="utf-8")):',
      '    node = ast.parse(src, mode="eval").body',
      '    if isinstance(node, ast.JoinedStr):',
      '        assert all(isinstance(p, ast.Constant) for p in node.values), src',
      '        out.append("".join(p.value for p in node.values))',
      '    else:',
      '        out.append(ast.literal_eval(src))',
      'sys.stdout.write(json.dumps(out))',
    ].join('\n');
    const out = run('python3', ['-c', program, join(dir, 'lits.txt')]);
    expect(JSON.parse(out)).toEqual(values.flatMap((v) => [v, v]));
  });
});

describe('TypeScript', () => {
  function literalText(code: string): string | undefined {
    const file = ts.createSourceFile('x.ts', `const x = ${code};`, ts.ScriptTarget.Latest, true);
    const diags = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics;
    if (diags.length) return undefined;
    const stmt = file.statements[0];
    if (!stmt || !ts.isVariableStatement(stmt)) return undefined;
    const init = stmt.declarationList.declarations[0]?.initializer;
    if (init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))) return init.text;
    return undefined;
  }

  it('the TS parser reads string and template literals back with no substitution', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom<'"' | "'">('"', "'"), (s, q) => {
        expect(literalText(jsString(s, q))).toBe(s);
        expect(literalText('`' + jsTemplateText(s) + '`')).toBe(s);
      }),
      { numRuns: 500 },
    );
    for (const h of HOSTILE) {
      expect(literalText(jsString(h))).toBe(h);
      expect(literalText('`' + jsTemplateText(h) + '`')).toBe(h);
    }
  });
});

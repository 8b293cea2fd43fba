import { posix } from 'node:path';
import type { Component } from '../analysis/types.js';
import { recipeCommand, recipeWord } from './make-escape.js';
import { fillTemplate, loadMakefileTemplates, type MakefileTemplates } from './templates.js';

export interface RenderMakefileInput {
  component: Component;
  /** Compose file names inside the component directory. */
  files: { dev?: string; test?: string; prod?: string };
  /** Integration test command; defaults to the component's runner. */
  testCommand?: string;
  /** Env file passed to compose, relative to the component dir (e.g. "../.env"). */
  envFile?: string;
  /** Current Makefile content, if the component has one. */
  existing?: string;
  /** Current compose.mk content, if an earlier run wrote one. */
  existingComposeMk?: string;
  /** Templates to use instead of the shipped ones. */
  templates?: MakefileTemplates;
}

export interface MakefileFile {
  /** Repo-relative path. */
  path: string;
  content: string;
  op: 'create' | 'modify';
}

export interface RenderedMakefile {
  files: MakefileFile[];
  /** Generated target names the existing Makefile already defines; the generated ones were renamed. */
  clashes: string[];
}

const TARGETS = ['dev', 'down', 'logs', 'test', 'test-unit', 'clean'] as const;
type Target = (typeof TARGETS)[number];

const INCLUDE_LINE = 'include compose.mk';

/**
 * The component's Makefile. A Makefile the user already has is never rewritten: the targets go to
 * compose.mk, which the Makefile includes at its end (so the user's first target stays the default
 * goal), and any target the user already defines keeps the user's recipe.
 */
export function renderMakefile(input: RenderMakefileInput): RenderedMakefile {
  const { component } = input;
  const templates = input.templates ?? loadMakefileTemplates();
  const hostOnly = component.kind === 'host' || (input.files.dev === undefined && input.files.test === undefined);

  const userTargets = input.existing === undefined ? new Set<string>() : definedTargets(input.existing);
  const names = {} as Record<Target, string>;
  const clashes: string[] = [];
  const taken = new Set(userTargets);
  for (const t of TARGETS) {
    if (!userTargets.has(t)) {
      names[t] = t;
      taken.add(t);
      continue;
    }
    clashes.push(t);
    let alt = `compose-${t}`;
    for (let i = 2; taken.has(alt); i++) alt = `compose-${t}-${i}`;
    taken.add(alt);
    names[t] = alt;
  }

  const included = input.existing !== undefined;
  const body = hostOnly ? renderHost(input, names, templates, included) : renderCompose(input, names, templates, included);

  const dir = component.path;
  if (!included) {
    return { files: [{ path: posix.join(dir, 'Makefile'), content: body, op: 'create' }], clashes };
  }
  const files: MakefileFile[] = [
    { path: posix.join(dir, 'compose.mk'), content: body, op: input.existingComposeMk === undefined ? 'create' : 'modify' },
  ];
  const existing = input.existing as string;
  if (!hasInclude(existing)) {
    const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
    files.push({ path: posix.join(dir, 'Makefile'), content: `${existing}${sep}\n${INCLUDE_LINE}\n`, op: 'modify' });
  }
  return { files, clashes };
}

function composeCmd(file: string, envFile: string | undefined): string {
  const env = envFile === undefined ? '' : ` --env-file ${recipeWord(envFile, 'env file')}`;
  return `docker compose${env} -f ${recipeWord(file, 'compose file name')}`;
}

function phony(names: Record<Target, string>, used: readonly Target[]): string {
  return used.map((t) => names[t]).join(' ');
}

function renderCompose(input: RenderMakefileInput, names: Record<Target, string>, templates: MakefileTemplates, included: boolean): string {
  const { component, files, envFile } = input;
  const started = recipeWord(`${component.name}: development stack started`, 'component name');
  const testCommand = recipeCommand(input.testCommand ?? component.runner.command, 'test command');
  const unit = recipeCommand(component.runner.unitCommand, 'unit test command');
  const dev = files.dev === undefined ? undefined : composeCmd(files.dev, envFile);
  const test = files.test === undefined ? undefined : composeCmd(files.test, envFile);

  const testRecipe =
    test === undefined
      ? testCommand
      : [
          `${test} up -d --wait || { status=$$?; ${test} down -v; exit $$status; }; \\`,
          `\tstatus=0; ${testCommand} || status=$$?; \\`,
          // A failed teardown fails the target only when the tests passed.
          `\t${test} down -v || { down=$$?; [ $$status -ne 0 ] || status=$$down; }; \\`,
          `\texit $$status`,
        ].join('\n');

  const clean = [dev, test]
    .filter((c): c is string => c !== undefined)
    .map((c) => `${c} down -v --remove-orphans`)
    .join('\n\t');

  const used: Target[] = dev === undefined ? ['test', 'test-unit', 'clean'] : [...TARGETS];
  return fillTemplate(
    templates.compose,
    {
      PHONY: phony(names, used),
      T_DEFAULT: names[dev === undefined ? 'test' : 'dev'],
      T_DEV: names.dev,
      T_DOWN: names.down,
      T_LOGS: names.logs,
      T_TEST: names.test,
      T_TEST_UNIT: names['test-unit'],
      T_CLEAN: names.clean,
      DEV_UP: dev === undefined ? '' : `${dev} up -d\n\t@echo ${started}`,
      DEV_DOWN: dev === undefined ? '' : `${dev} down`,
      DEV_LOGS: dev === undefined ? '' : `${dev} logs -f`,
      TEST: testRecipe,
      TEST_UNIT: unit,
      CLEAN: clean,
    },
    // An included compose.mk leaves the default goal to the user's Makefile.
    { default: !included, dev: dev !== undefined },
  );
}

function renderHost(input: RenderMakefileInput, names: Record<Target, string>, templates: MakefileTemplates, included: boolean): string {
  const { component } = input;
  const label = recipeWord(`${component.name} needs no Docker infrastructure: run its tests with make ${names.test}`, 'component name');
  return fillTemplate(
    templates.host,
    {
      PHONY: phony(names, ['dev', 'test', 'test-unit', 'clean']),
      T_DEFAULT: names.test,
      T_DEV: names.dev,
      T_TEST: names.test,
      T_TEST_UNIT: names['test-unit'],
      T_CLEAN: names.clean,
      DEV_NOTE: `@echo ${label}`,
      TEST: recipeCommand(input.testCommand ?? component.runner.command, 'test command'),
      TEST_UNIT: recipeCommand(component.runner.unitCommand, 'unit test command'),
      CLEAN: '@:',
    },
    { default: !included },
  );
}

/** Targets a Makefile defines (rule lines, not variable assignments or recipe lines). */
export function definedTargets(makefile: string): Set<string> {
  const out = new Set<string>();
  const lines = makefile.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    if (line.startsWith('\t') || /^\s*#/.test(line)) continue;
    const m = /^([^:=#\t][^:=#]*?)\s*::?(?![=])/.exec(line);
    if (!m) continue;
    const head = m[1] as string;
    if (/^\s*(export|override|define|ifeq|ifneq|ifdef|ifndef|include|-include)\b/.test(head)) continue;
    for (const t of head.trim().split(/\s+/)) if (t && !t.startsWith('.')) out.add(t);
  }
  return out;
}

function hasInclude(makefile: string): boolean {
  return /^\s*-?include\s+(\S*\/)?compose\.mk\s*$/m.test(makefile);
}

/**
 * The domain model every stage shares: environments, components, findings and decisions, the
 * adjustments a generated file carries, the plan and its changes, and the user's configuration.
 * Types only, and it imports nothing, so any folder may depend on it without creating a cycle.
 */

/** A position in a source file; line and col are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

// ---- analysis: environments, components, attribution, findings, decisions ----

/** dev | test | prod, or a variant such as "alpine-test", "ci", "staging". */
export type EnvName = string;

/** An environment and the root files layered for it, in compose order. */
export interface Environment {
  name: EnvName;
  files: string[];
  /** Why these files, in this order: "docker-compose.test.yml: run alone (-f docker-compose.test.yml) at ci.yml:12". */
  evidence: string[];
}

export type ComponentKind = 'compose' | 'host';

/** How a dependency was found. */
export type EdgeKind =
  | 'depends_on'
  | 'links'
  | 'network_mode'
  | 'volumes_from'
  /** A service name used as a host in environment / command / entrypoint values. */
  | 'hostname';

/** What the target of an edge is, seen from the component that owns the source service. */
export type EdgeRole = 'own' | 'backing' | 'peer';

export interface DependencyEdge {
  /** Source service. */
  from: string;
  /** Target service. */
  service: string;
  kind: EdgeKind;
  /** Human-readable origin: "docker-compose.test.yaml:14 environment.API_URL". */
  via: string;
  /** The text that names the service, as written: "API_URL=http://api:8000" (hostname edges). */
  evidence?: string;
  env: EnvName;
  pos?: SourcePos;
  role: EdgeRole;
  /** For peer edges: the component that owns the target. */
  peerComponent?: string;
}

/** Which row of the evidence table (analysis/evidence.ts) decided; strongest first. */
export type AttributionEvidence =
  'config' | 'backing-image' | 'build' | 'image' | 'name' | 'mount' | 'registry-image' | 'none';

export interface Attribution {
  service: string;
  /** Owning component, or null for a backing service / undecided. */
  component: string | null;
  role: 'component' | 'backing' | 'undecided';
  /** For a backing service built in or named for one component (`api-db`): that component. */
  backingOf?: string;
  /** With backingOf: why it is that component's, in a few words ("database named for it"). */
  backingNote?: string;
  evidence: AttributionEvidence;
  reason: string;
}

/** What a host-only component runs its tests with, derived from its manifest. */
export interface TestRunner {
  /** e.g. "pytest", "npm test", "go test ./...", "cargo test". */
  command: string;
  unitCommand: string;
  /** The manifest that implied it. */
  manifest: string;
}

export interface Component {
  name: string;
  /** Repo-relative POSIX directory. */
  path: string;
  kind: ComponentKind;
  /** Own services, across environments, sorted. */
  services: string[];
  /** Every edge out of its own services (own, backing and peer), across environments. */
  dependsOn: DependencyEdge[];
  /** Backing services its files will hold, per environment (transitive closure). */
  backing: Record<EnvName, string[]>;
  /** Peer services pulled into its files because the user chose to (per environment, transitive). */
  pulledPeers: Record<EnvName, string[]>;
  /** Why each backing service is in its files: "database named for it", "api depends_on", "via milvus". */
  backingWhy?: Record<string, string>;
  reasons: string[];
  manifests: string[];
  hasDockerfile: boolean;
  runner: TestRunner;
}

export type FindingLevel = 'info' | 'warning' | 'decision';

export interface Finding {
  level: FindingLevel;
  /** Stable kebab-case code, e.g. "port-collision", "unclassified-file", "peer-dependency". */
  code: string;
  message: string;
  file?: string;
  line?: number;
  component?: string;
  /** The service and environment a finding is about (`not-carried`), and the one key where it is one. */
  service?: string;
  env?: EnvName;
  key?: string;
  /**
   * Why, in words that hold for every finding of its kind and target (`not-carried` of one key), so
   * that the text plan can print identical losses of many services as one line.
   */
  reason?: string;
  /** The variable a path is held in, for a finding about such a path. */
  variable?: string;
  /** Present when level is "decision". */
  decision?: Decision;
}

/** A question the plan answered with a default (or could not). */
export interface Decision {
  /** Stable id, e.g. "environment:docker-compose.staging.yml", "peer:pourtier:courier". */
  id: string;
  kind: 'environment' | 'layers' | 'attribution' | 'peer' | 'port' | 'container-name';
  question: string;
  choices: string[];
  /** The answer used when nobody is asked; undefined means there is no safe default. */
  default?: string;
  /** The answer actually in force (from config / prompt / default). */
  answer?: string;
  /** Config key that answers it, as shown to people, e.g. `environments["docker-compose.staging.yml"]`. */
  configKey: string;
  /** The same key as data: where the answer is written in the config (["environments", "x.yml"], ["ports"]). */
  configPath: ConfigPath;
  /** For a peer decision, the service it would pull in (the component is `configPath[1]`). */
  service?: string;
  /** Command-line flag that answers it, where one exists. */
  flag?: string;
  /** One line per choice: what it does, and what breaks with it ("no": "API_URL=http://api:80 no longer resolves"). */
  effects?: Record<string, string>;
  /** The components whose files the answer changes, for a repo-wide decision; absent: every component. */
  concerns?: string[];
}

/** Intentional edits to a service or top-level entry in a generated file; verify ignores exactly these. */
export type Adjustment =
  | { kind: 'container-name'; env: EnvName; service: string; from: string; to: string | null }
  | { kind: 'host-port'; env: EnvName; service: string; target: string; from: string; to: string }
  | { kind: 'volume-name'; env: EnvName; volume: string; name: string }
  /** `replaced`: the volume mount the tmpfs took the place of, when there was one. */
  | { kind: 'tmpfs-data'; env: EnvName; service: string; target: string; replaced?: string }
  /** `test`: the probe added, as compose would print it ("pg_isready -U postgres"). */
  | { kind: 'healthcheck'; env: EnvName; service: string; test?: string }
  | { kind: 'depends-on-healthy'; env: EnvName; service: string; dependency: string }
  | { kind: 'profiles-dropped'; env: EnvName; service: string; profiles: string[] }
  /** A reference to a service the generated file does not hold (depends_on, links, volumes_from, network_mode). */
  | {
      kind: 'dependency-dropped';
      env: EnvName;
      service: string;
      dependency: string;
      key: 'depends_on' | 'links' | 'volumes_from' | 'network_mode';
    };

/**
 * One change a generated file makes to what the root layout says, as the plan lists it: the key and
 * its value before and after ("(none)" where there was or is no value).
 */
export interface PlanAdjustment {
  component: string;
  env: EnvName;
  /** The generated file that carries it. */
  file: string;
  /** The service changed; absent for a top-level entry (a pinned volume). */
  service?: string;
  /** "container_name", "ports", "depends_on.db.condition", "volumes.data.name" (top level), ... */
  key: string;
  before: string;
  after: string;
  kind: Adjustment['kind'];
}

/** An env file the plan read: committed, local (present but not committed) or a committed example. */
export interface EnvFileRead {
  path: string;
  source: 'committed' | 'local' | 'example';
  /** How many variables it sets. */
  variables: number;
}

/**
 * The root .env as the plan read it. Values come from the shell the plan is given (none by
 * default), then the .env, then a committed example; variables count as the root .env's when
 * either file declares them.
 */
export interface PlanEnv {
  /** The .env compose reads for the root files (the project directory's). */
  file: string;
  /** The files read, in the order their values are taken. */
  read: EnvFileRead[];
  /** Variables the root files use that only the local, untracked .env sets. */
  localOnly: string[];
  /** Variables the root files use that the local .env sets to another value than the committed example. */
  differs: string[];
}

export interface Analysis {
  environments: Environment[];
  components: Component[];
  attributions: Attribution[];
  edges: DependencyEdge[];
  findings: Finding[];
  /** Per component, the adjustments its generated files must carry. */
  adjustments: Record<string, Adjustment[]>;
  /** Variables the root .env defines that a component's services use (per component). */
  rootEnvVars: Record<string, string[]>;
}

// ---- plan: the changes apply would make ----

export type ChangeOp = 'create' | 'modify' | 'move' | 'delete';

/** One file-level change apply would make. Contents are carried so plan and apply share one code path. */
export interface Change {
  op: ChangeOp;
  path: string;
  /** Destination, for "move". */
  to?: string;
  /** Component this change belongs to ("" for repo-wide changes such as the archive). */
  component: string;
  /** New full content, for create/modify. */
  content?: string;
  /** Previous content, for modify/delete (used for diffs). */
  before?: string;
  /** Why: "dev compose file for pourtier", "codemod compose-path", ... */
  reason: string;
}

/** A place that names a root compose file and was rewritten or left to a human. */
export interface Reference {
  file: string;
  line: number;
  text: string;
  action: 'rewritten' | 'report';
  note?: string;
}

export interface PlanInput {
  path: string;
  sha256: string;
}

export interface Plan {
  schemaVersion: 1;
  tool: { name: 'compose-migrate'; version: string };
  /** Components selected for this plan (all when none were named). */
  selected: string[];
  analysis: Analysis;
  environments: Environment[];
  components: Component[];
  changes: Change[];
  /** Every intentional change the selected components' generated files make, with before and after. */
  adjustments: PlanAdjustment[];
  /** Which env files the plan read, and what it owes to an untracked one. */
  env: PlanEnv;
  findings: Finding[];
  references: Reference[];
  /** What each orchestrator transform did to each file it ran on (absent with --skip-codemods). */
  codemods?: { summary: CodemodSummary; files: FileOutcome[] };
  /** Every file whose content the plan depends on, with its hash; a saved plan is stale when any differs. */
  inputs: PlanInput[];
}

/**
 * jscodeshift's four outcomes: rewritten (ok), nothing to do (nochange), could not rewrite and left
 * the file as it was (skip, with why), or the transform failed (error).
 */
export type CodemodStatus = 'ok' | 'nochange' | 'skip' | 'error';

export type CodemodSummary = Record<CodemodStatus, number>;

/** Outcome of one transform on one file. */
export interface FileOutcome {
  file: string;
  transform: string;
  status: CodemodStatus;
  /** Why a file was skipped or failed (the first place left to a human, or the error). */
  why?: string;
  /** "file:line: message" lines for sites left to a human (an ok file can have some too). */
  messages: string[];
}

// ---- configuration: compose-migrate.config.{json,yaml} ----

/** A key in the config file as data: `['environments', 'docker-compose.staging.yml']`. */
export type ConfigPath = [keyof MigrateConfig & string, ...string[]];

/**
 * compose-migrate.config.{json,yaml} at the repo root. Every field is optional; every decision the
 * plan makes can be answered here so that non-interactive runs ask nothing.
 */
export interface MigrateConfig {
  /** Extra directories (repo-relative) whose compose files count as root compose files, e.g. ["deploy"]. */
  composeDirs?: string[];
  /** Environment for a root compose file that its name does not classify: { "docker-compose.staging.yml": "prod" }. */
  environments?: Record<string, EnvName>;
  /**
   * The compose files of an environment, in the order compose is given them; one file is that file
   * alone, an empty list means no such environment: { prod: ["docker-compose.yml"], dev: ["docker-compose.yml", "docker-compose.dev.yml"] }.
   * Overrides what the plan infers for the environments it names.
   */
  layers?: Record<EnvName, string[]>;
  /** Components listed explicitly (added to those discovered): { pourtier: "pourtier" } name -> dir. */
  components?: Record<string, string>;
  /** Directories that are never components (e.g. "docs", "postgres"). */
  ignoreDirs?: string[];
  /** Service -> component name, "backing" (shared) or "backing:<component>" (that component's backing service). Strongest attribution evidence. */
  services?: Record<string, string>;
  /**
   * Component -> compose | host, over what its needs imply: `compose` gives a component that needs no
   * backing service (a docs server, a seeder) files holding its own services.
   */
  kinds?: Record<string, ComponentKind>;
  /** Component -> peer services to pull into its files; `true` pulls every peer. */
  peers?: Record<string, string[] | boolean>;
  /** What to do with container_name values: scope (default) | keep | drop. */
  containerNames?: 'scope' | 'keep' | 'drop';
  /** Host-port collisions between files that can run at once: shift (default) | keep. */
  ports?: 'shift' | 'keep';
  /** Root .env variables a component still needs: makefile (--env-file ../.env, default) | ignore. */
  envFile?: 'makefile' | 'ignore';
  /** Output file names per environment. */
  fileNames?: Partial<Record<EnvName, string>>;
  /** Archive directory for the root files (default "todo"). */
  archiveDir?: string;
  /** Test command per component, used in the Makefile's `test` target. */
  testCommands?: Record<string, string>;
}

export interface LoadedConfig {
  config: MigrateConfig;
  /** Repo-relative path of the config file, when one was read. */
  path?: string;
}

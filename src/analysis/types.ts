import type { SourcePos } from '../compose/types.js';

/** dev | test | prod, or a variant such as "alpine-test", "ci", "staging". */
export type EnvName = string;

/** An environment and the root files layered for it, in compose order. */
export interface Environment {
  name: EnvName;
  files: string[];
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
  env: EnvName;
  pos?: SourcePos;
  role: EdgeRole;
  /** For peer edges: the component that owns the target. */
  peerComponent?: string;
}

/** Strongest evidence first; the first that matches decides. */
export type AttributionEvidence = 'config' | 'build' | 'image' | 'name' | 'mount' | 'registry-image' | 'none';

export interface Attribution {
  service: string;
  /** Owning component, or null for a backing service / undecided. */
  component: string | null;
  role: 'component' | 'backing' | 'undecided';
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
  /** Present when level is "decision". */
  decision?: Decision;
}

/** A question the plan answered with a default (or could not). */
export interface Decision {
  /** Stable id, e.g. "environment:docker-compose.staging.yml", "peer:pourtier:courier". */
  id: string;
  kind: 'environment' | 'attribution' | 'peer' | 'port' | 'container-name';
  question: string;
  choices: string[];
  /** The answer used when nobody is asked; undefined means there is no safe default. */
  default?: string;
  /** The answer actually in force (from config / prompt / default). */
  answer?: string;
  /** Config key that answers it, e.g. "environments.docker-compose.staging.yml". */
  configKey: string;
  /** Command-line flag that answers it, where one exists. */
  flag?: string;
}

/** Intentional edits to a service or top-level entry in a generated file; verify ignores exactly these. */
export type Adjustment =
  | { kind: 'container-name'; env: EnvName; service: string; from: string; to: string | null }
  | { kind: 'host-port'; env: EnvName; service: string; target: string; from: string; to: string }
  | { kind: 'volume-name'; env: EnvName; volume: string; name: string }
  | { kind: 'tmpfs-data'; env: EnvName; service: string; target: string }
  | { kind: 'healthcheck'; env: EnvName; service: string }
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

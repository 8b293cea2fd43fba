/**
 * The `plan --json` document as README.md documents it (schemaVersion 1), as a JSON Schema: every
 * documented field required, with its type. Fields the README marks as conditional (a peer edge's
 * `component`, a move's `to`, a finding's place and decision) are typed but optional.
 */
import { Ajv } from 'ajv';

const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;
const perEnv = { type: 'object', additionalProperties: strList } as const;
const count = { type: 'integer', minimum: 0 } as const;

const edge = {
  type: 'object',
  required: ['service', 'kind', 'via', 'from', 'env', 'role'],
  properties: {
    service: str,
    kind: { enum: ['depends_on', 'links', 'network_mode', 'volumes_from', 'hostname'] },
    via: { type: 'string', pattern: '^[^:]+:\\d+ \\S' },
    from: str,
    env: str,
    role: { enum: ['own', 'backing', 'peer'] },
    component: str,
  },
  // A peer edge names the component that owns the service it reaches.
  if: { properties: { role: { const: 'peer' } } },
  then: { required: ['component'] },
} as const;

const component = {
  type: 'object',
  required: ['name', 'path', 'kind', 'services', 'dependsOn', 'backing', 'peers', 'reasons', 'runner'],
  properties: {
    name: str,
    path: str,
    kind: { enum: ['compose', 'host'] },
    services: strList,
    dependsOn: { type: 'array', items: edge },
    backing: perEnv,
    peers: perEnv,
    reasons: { type: 'array', items: str, minItems: 1 },
    runner: str,
  },
} as const;

const decision = {
  type: 'object',
  required: ['id', 'kind', 'question', 'choices', 'default'],
  properties: {
    id: str,
    kind: str,
    question: str,
    choices: { type: 'array', items: str, minItems: 2 },
    default: str,
    answer: str,
    configKey: str,
    flag: str,
    effects: { type: 'object', additionalProperties: str },
    concerns: { type: 'array', items: str },
  },
} as const;

export const PLAN_SCHEMA = {
  type: 'object',
  required: [
    'schemaVersion',
    'tool',
    'selected',
    'components',
    'environments',
    'env',
    'attributions',
    'changes',
    'adjustments',
    'findings',
    'references',
    'inputs',
    'totals',
  ],
  properties: {
    schemaVersion: { const: 1 },
    tool: {
      type: 'object',
      required: ['name', 'version'],
      properties: {
        name: { const: 'compose-migrate' },
        version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
      },
    },
    selected: strList,
    components: { type: 'array', items: component },
    environments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'files'],
        properties: { name: str, files: { type: 'array', items: str, minItems: 1 } },
      },
    },
    env: {
      type: 'object',
      required: ['file', 'read', 'localOnly', 'differs'],
      properties: {
        file: str,
        read: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'source', 'variables'],
            properties: { path: str, source: { enum: ['committed', 'local', 'example'] }, variables: count },
          },
        },
        localOnly: strList,
        differs: strList,
      },
    },
    attributions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['service', 'component', 'role', 'evidence', 'reason'],
        properties: {
          service: str,
          component: { type: ['string', 'null'] },
          role: str,
          evidence: str,
          reason: str,
        },
      },
    },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op', 'path', 'component', 'reason'],
        properties: {
          op: { enum: ['create', 'modify', 'move', 'delete'] },
          path: str,
          to: str,
          component: str,
          reason: str,
          diff: str,
        },
        if: { properties: { op: { const: 'move' } } },
        then: { required: ['to'] },
      },
    },
    adjustments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['component', 'env', 'file', 'key', 'before', 'after', 'kind'],
        properties: {
          component: str,
          env: str,
          file: str,
          service: str,
          key: str,
          before: str,
          after: str,
          kind: {
            enum: [
              'container-name',
              'host-port',
              'volume-name',
              'tmpfs-data',
              'healthcheck',
              'depends-on-healthy',
              'profiles-dropped',
            ],
          },
        },
        additionalProperties: false,
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['level', 'code', 'message'],
        properties: {
          level: { enum: ['info', 'warning', 'decision'] },
          code: str,
          message: str,
          file: str,
          line: { type: 'integer', minimum: 1 },
          component: str,
          service: str,
          env: str,
          key: str,
          reason: str,
          variable: str,
          decision,
        },
        allOf: [
          {
            if: { properties: { level: { const: 'decision' } } },
            then: { required: ['decision'] },
          },
          {
            // A loss names the service and environment it is about.
            if: { properties: { code: { const: 'not-carried' } } },
            then: { required: ['service', 'env', 'reason'] },
          },
        ],
      },
    },
    references: {
      type: 'array',
      items: {
        type: 'object',
        required: ['file', 'line', 'text', 'action'],
        properties: {
          file: str,
          line: { type: 'integer', minimum: 1 },
          text: str,
          action: { enum: ['rewritten', 'report'] },
          note: str,
        },
      },
    },
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'sha256'],
        properties: { path: str, sha256: { type: 'string', pattern: '^([0-9a-f]{64})?$' } },
      },
    },
    totals: {
      type: 'object',
      required: ['components', 'compose', 'host', 'services', 'changes', 'findings'],
      properties: {
        components: count,
        compose: count,
        host: count,
        services: count,
        changes: {
          type: 'object',
          required: ['create', 'modify', 'move', 'delete'],
          additionalProperties: count,
        },
        findings: { type: 'object', required: ['info', 'warning', 'decision'], additionalProperties: count },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const check = ajv.compile(PLAN_SCHEMA);

/** Schema violations as readable lines; empty when the document conforms. */
export function planSchemaErrors(doc: unknown): string[] {
  if (check(doc)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

import { parse } from 'yaml';
import type { Component } from '../../src/analysis/types.js';
import type { CommentMap, EffectiveProject, EffectiveService, YamlMap } from '../../src/compose/types.js';

/** An EffectiveProject as the loader would hand it over: paths already repo-root-relative. */
export function project(
  env: string,
  services: Record<string, YamlMap>,
  top: Partial<Pick<EffectiveProject, 'networks' | 'volumes' | 'configs' | 'secrets'>> = {},
  comments: CommentMap = new Map(),
  projectName = 'lumiere',
): EffectiveProject {
  const map = new Map<string, EffectiveService>();
  for (const [name, config] of Object.entries(services)) {
    map.set(name, {
      name,
      config,
      origin: { file: 'docker-compose.yaml', line: 1, col: 1 },
      sources: ['docker-compose.yaml'],
      positions: new Map(),
    });
  }
  return {
    env,
    files: ['docker-compose.yaml'],
    projectName,
    services: map,
    networks: top.networks ?? {},
    volumes: top.volumes ?? {},
    configs: top.configs ?? {},
    secrets: top.secrets ?? {},
    extensions: {},
    comments,
  };
}

export function component(
  name: string,
  path: string,
  services: string[],
  extra: Partial<Component> = {},
): Component {
  return {
    name,
    path,
    kind: 'compose',
    services,
    dependsOn: [],
    backing: {},
    pulledPeers: {},
    reasons: [],
    manifests: [],
    hasDockerfile: true,
    runner: { command: 'pytest', unitCommand: 'pytest tests/unit', manifest: `${path}/pyproject.toml` },
    ...extra,
  };
}

/** Parsed services of a rendered file. */
export function servicesOf(text: string): Record<string, YamlMap> {
  return (parse(text) as { services: Record<string, YamlMap> }).services;
}

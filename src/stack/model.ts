/**
 * The stack model: built once from the kit's service definitions (compose/*.yml) and the project's
 * config (config/dev.yml `dev:` section, .env, environment overrides). It is the single description
 * of the dev stack: `renderComposeFile` writes it as docker-compose.yml and `up` turns it into
 * dockerode calls, so the two cannot drift.
 */
import { resolve } from 'node:path';
import {
  loadServiceDefinition,
  type PortDefinition,
  SERVICE_NAMES,
  type ServiceDefinition,
  type ServiceName,
} from './definitions.ts';
import { readProjectSettings } from './dev-config.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { workerImageName } from './image-name.ts';
import { stackLabels } from './labels.ts';

export interface StackVolume {
  /** Name in the compose file (`pulsar-data`). */
  key: string;
  /** Docker volume name (`<project>_pulsar-data`, what compose names it too). */
  name: string;
  target: string;
}

export interface StackService {
  name: ServiceName;
  /** Image to run: resolved from env, config, then the definition's default (or the built tag). */
  image: string;
  /** How the image is chosen, for the compose file: `${imageEnv:-imageDefault}`. */
  imageEnv?: string;
  imageDefault?: string;
  build?: {
    context: string;
    dockerfile: string;
    arg: string;
    argEnv: string;
    argDefault: string;
    argValue: string;
  };
  command?: string[];
  /** Explicit environment (definition, then config/dev.yml `dev.env`). */
  env: Record<string, string>;
  /** Values from the project's .env, given to the container before `env`. */
  envFile: Record<string, string>;
  ports: PortDefinition[];
  volumes: StackVolume[];
  healthcheck: ServiceDefinition['healthcheck'];
  readyPath?: string;
  init: boolean;
  restart: ServiceDefinition['restart'];
  dependsOn: ServiceName[];
  replicas: number;
  resources: ServiceDefinition['resources'];
  labels: Record<string, string>;
}

export interface StackModel {
  project: string;
  projectDir: string;
  /** Docker network name (`<project>_infinitic`); `infinitic` in the compose file. */
  network: string;
  networkKey: string;
  services: StackService[];
  volumes: StackVolume[];
  pulsar: { tenant: string; namespace: string };
  /** CA bundle for the worker image build stage (NODE_EXTRA_CA_CERTS or config). */
  caBundle?: string;
  /** Labels added to every object besides the stack's own (tests add io.infinitic.test). */
  extraLabels: Record<string, string>;
}

export interface LoadStackModelOptions {
  projectDir: string;
  /** Worker replicas; default config/dev.yml `dev.replicas`, else 1. */
  replicas?: number;
  /** Environment used for image overrides and placeholders; default process.env. */
  env?: Record<string, string | undefined>;
  /** Host port overrides keyed `service.port` (`pulsar.http`); 0 = any free port. */
  ports?: Record<string, number>;
  /** Include worker replicas; default config, else whether the project has a Dockerfile. */
  worker?: boolean;
  /** Extra labels on every object (e.g. `{ 'io.infinitic.test': 'true' }`). */
  labels?: Record<string, string>;
}

/** Wraps a command so it first writes `base` + overlay lines to `target` (later keys win). */
function withConfOverlay(
  command: string[],
  overlay: NonNullable<ServiceDefinition['confOverlay']>,
  text: string,
) {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    if (!/^[\w.-]+=[^'$`\\]*$/.test(line)) {
      throw new StackError(STACK_CODES.definition, `${overlay.file}: unsupported line "${line}"`);
    }
  }
  const printf = `printf '%s\\n' ${lines.map((line) => `'${line}'`).join(' ')}`;
  // `echo` because the image's file may not end with a newline
  const script = `{ cat ${overlay.base}; echo; ${printf}; } > ${overlay.target} && exec "$@"`;
  return ['sh', '-c', script, 'sh', ...command];
}

function stringify(values: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

export function loadStackModel(options: LoadStackModelOptions): StackModel {
  const projectDir = resolve(options.projectDir);
  const env = options.env ?? process.env;
  const settings = readProjectSettings(projectDir, env);
  const { dev, project } = settings;
  const extraLabels = options.labels ?? {};
  const withWorker = options.worker ?? dev.worker ?? settings.hasDockerfile;
  const replicas = options.replicas ?? dev.replicas ?? 1;
  if (withWorker && !settings.hasDockerfile) {
    throw new StackError(
      STACK_CODES.devConfig,
      `${projectDir}: worker replicas need a Dockerfile in the project`,
    );
  }
  const volumes: StackVolume[] = [];
  const services: StackService[] = [];

  for (const name of SERVICE_NAMES) {
    if (name === 'worker' && !withWorker) continue;
    const def = loadServiceDefinition(name);
    const configured = name === 'worker' ? undefined : dev.images[name];
    const imageDefault = configured ?? def.image;
    const image = (def.imageEnv && env[def.imageEnv]) || imageDefault || `${workerImageName(project)}:dev`;

    const ports = def.ports.map((port) => ({
      ...port,
      host: options.ports?.[`${name}.${port.name}`] ?? dev.ports[name]?.[port.name] ?? port.host,
    }));
    const serviceVolumes = def.volumes.map((v) => ({
      key: v.name,
      name: `${project}_${v.name}`,
      target: v.target,
    }));
    volumes.push(...serviceVolumes);

    let command = def.command;
    if (def.confOverlay && def.confOverlayText !== undefined && command) {
      command = withConfOverlay(command, def.confOverlay, def.confOverlayText);
    }
    const serviceEnv = { ...def.environment };
    if (def.confOverlay) serviceEnv[def.confOverlay.env] = def.confOverlay.target;

    const build = def.build && {
      context: projectDir,
      dockerfile: def.build.dockerfile,
      arg: def.build.imageArg,
      argEnv: def.build.imageArgEnv,
      argDefault: dev.images.node ?? def.build.imageArgDefault,
      argValue: env[def.build.imageArgEnv] || dev.images.node || def.build.imageArgDefault,
    };

    services.push({
      name,
      image,
      imageEnv: def.imageEnv,
      imageDefault: def.build ? undefined : imageDefault,
      build,
      command,
      env: name === 'worker' ? { ...serviceEnv, ...stringify(dev.env) } : serviceEnv,
      envFile: name === 'worker' ? settings.dotenv : {},
      ports,
      volumes: serviceVolumes,
      healthcheck: def.healthcheck,
      readyPath: def.readyPath,
      init: def.init,
      restart: def.restart,
      dependsOn: def.dependsOn.filter((d): d is ServiceName => d !== name) as ServiceName[],
      replicas: name === 'worker' ? replicas : 1,
      resources: def.resources,
      labels: stackLabels(project, name, undefined, extraLabels),
    });
  }

  return {
    project,
    projectDir,
    network: `${project}_infinitic`,
    networkKey: 'infinitic',
    services,
    volumes,
    pulsar: { tenant: settings.tenant, namespace: settings.namespace },
    caBundle: dev.caBundle ? resolve(projectDir, dev.caBundle) : env.NODE_EXTRA_CA_CERTS || undefined,
    extraLabels,
  };
}

/** The service of a model, or a clear error when the stack does not run it. */
export function serviceOf(model: StackModel, name: ServiceName): StackService {
  const service = model.services.find((s) => s.name === name);
  if (!service) throw new StackError(STACK_CODES.usage, `the ${model.project} stack has no ${name} service`);
  return service;
}

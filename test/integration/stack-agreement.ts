/**
 * Checks that a rendered docker-compose.yml and the containers `up` created describe the same
 * stack: image, command, environment, ports, volumes, healthcheck, labels, init, restart, limits,
 * network. Returns every disagreement as a line (empty = they agree).
 */
import type Docker from 'dockerode';
import { parse } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field below
type ComposeService = Record<string, any>;

function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value
    .replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => env[name] || fallback)
    .replaceAll('$$', '$');
}

const nanos = (d: string) => (d.endsWith('ms') ? Number(d.slice(0, -2)) * 1e6 : Number(d.slice(0, -1)) * 1e9);

export async function composeDisagreements(
  docker: Docker,
  composeText: string,
  project: string,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const compose = parse(composeText) as { services: Record<string, ComposeService> };
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
      problems.push(
        `${what}: compose says ${JSON.stringify(wanted)}, container has ${JSON.stringify(actual)}`,
      );
    }
  };
  for (const [name, service] of Object.entries(compose.services)) {
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`io.infinitic.project=${project}`, `io.infinitic.service=${name}`] },
    });
    expect(`${name} replicas`, containers.length, service.deploy?.replicas ?? 1);
    for (const summary of containers) {
      const info = await docker.getContainer(summary.Id).inspect();
      const at = `${name}/${info.Name}`;
      expect(`${at} image`, info.Config.Image, interpolate(service.image, env));
      // without a command both use the image's CMD
      if (service.command)
        expect(
          `${at} command`,
          info.Config.Cmd,
          service.command.map((c: string) => interpolate(c, env)),
        );
      const containerEnv = new Map(
        info.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
      );
      for (const [k, v] of Object.entries(service.environment ?? {})) {
        expect(`${at} env ${k}`, containerEnv.get(k), interpolate(String(v), env));
      }
      const ports = Object.entries(info.HostConfig.PortBindings ?? {}).map(([port, bindings]) => {
        const b = (bindings as { HostIp: string; HostPort: string }[])[0];
        return `${b?.HostIp}:${b?.HostPort}:${port.replace('/tcp', '')}`;
      });
      expect(`${at} ports`, ports.sort(), [...(service.ports ?? [])].sort());
      expect(
        `${at} volumes`,
        info.HostConfig.Binds ?? [],
        (service.volumes ?? []).map((v: string) => `${project}_${v}`),
      );
      const health = info.Config.Healthcheck;
      expect(
        `${at} healthcheck test`,
        health?.Test,
        service.healthcheck.test.map((c: string) => interpolate(c, env)),
      );
      expect(`${at} healthcheck interval`, health?.Interval, nanos(service.healthcheck.interval));
      expect(`${at} healthcheck timeout`, health?.Timeout, nanos(service.healthcheck.timeout));
      expect(`${at} healthcheck retries`, health?.Retries, service.healthcheck.retries);
      for (const [k, v] of Object.entries(service.labels ?? {}))
        expect(`${at} label ${k}`, info.Config.Labels[k], v);
      expect(`${at} init`, info.HostConfig.Init ?? false, service.init ?? false);
      expect(`${at} restart`, info.HostConfig.RestartPolicy?.Name || 'no', service.restart ?? 'no');
      const limits = service.deploy.resources.limits;
      expect(`${at} memory`, info.HostConfig.Memory, Number.parseInt(limits.memory, 10) * 1024 * 1024);
      expect(`${at} cpus`, info.HostConfig.NanoCpus, Number(limits.cpus) * 1e9);
      expect(`${at} network`, info.HostConfig.NetworkMode, `${project}_${service.networks[0]}`);
    }
  }
  return problems;
}

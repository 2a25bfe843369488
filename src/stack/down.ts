/** `dev down [-v]`: removes every container and network labelled for the project; `volumes` also its volumes. */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { labelFilter } from './labels.ts';

export interface DownResult {
  containers: number;
  networks: number;
  volumes: number;
}

export async function down(
  project: string,
  options: { volumes?: boolean; docker?: Docker } = {},
): Promise<DownResult> {
  const docker = options.docker ?? (await connectDocker());
  const filters = labelFilter(project);
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove();
  let volumes = 0;
  if (options.volumes) {
    const found = (await docker.listVolumes({ filters })).Volumes ?? [];
    for (const v of found) await docker.getVolume(v.Name).remove();
    volumes = found.length;
  }
  return { containers: containers.length, networks: networks.length, volumes };
}

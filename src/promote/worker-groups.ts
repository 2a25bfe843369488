/** The worker groups to deploy, each with its settings resolved against `deployment:`'s defaults. */
import type { DeploymentConfig } from './project.ts';

export type Resources = DeploymentConfig['resources'];
export type Autoscaling = DeploymentConfig['autoscaling'];

export interface WorkerGroup {
  /** Group name (`worker` when the config defines no group). */
  name: string;
  /** Name of its Deployment, Service, HPA, PDB: `<app>-<group>`. */
  fullName: string;
  /** Empty when the group runs everything. */
  services: string[];
  workflows: string[];
  replicas: number;
  resources: Resources;
  autoscaling: Autoscaling;
  /** Worker arguments selecting what it runs (`--services A,B`). */
  args: string[];
  /**
   * Environment selecting the group's workflows (`INFINITIC_WORKFLOWS=A,B`, which the worker reads
   * like `--workflows A,B`): a workflow-only group then runs no services.
   */
  env: Record<string, string>;
}

export const DEFAULT_GROUP = 'worker';

export function workerGroups(appName: string, deployment: DeploymentConfig): WorkerGroup[] {
  const groups =
    deployment.workerGroups.length > 0
      ? deployment.workerGroups
      : [{ name: DEFAULT_GROUP, services: [], workflows: [] }];
  return groups.map((group) => {
    const autoscaling = { ...deployment.autoscaling, ...definedOnly(group.autoscaling ?? {}) };
    const args = group.services.length > 0 ? ['--services', group.services.join(',')] : [];
    const env: Record<string, string> =
      group.workflows.length > 0 ? { INFINITIC_WORKFLOWS: group.workflows.join(',') } : {};
    return {
      name: group.name,
      fullName: `${appName}-${group.name}`,
      services: group.services,
      workflows: group.workflows,
      replicas: group.replicas ?? deployment.replicas,
      resources: group.resources ?? deployment.resources,
      autoscaling,
      args,
      env,
    };
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

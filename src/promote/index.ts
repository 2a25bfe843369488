/**
 * Promotion: a project's environment (config/base.yml + config/<env>.yml, placeholders kept) →
 * Kubernetes manifests, a production compose file, a Pulsar provisioning script and a deploy README;
 * `checkFiles` for drift.
 */
export { buildCompose } from './compose-production.ts';
export { buildDeployReadme } from './deploy-readme.ts';
export { buildManifests, type K8sObject, type ManifestFile } from './k8s-manifests.ts';
export { HPA_BEHAVIOR } from './k8s-workload.ts';
export { type LoadProjectOptions, loadProject, type PromoteProject } from './project.ts';
export {
  checkFiles,
  type Drift,
  defaultOutDir,
  type GeneratedFile,
  generateFiles,
  outDirProblem,
  type PromoteFormat,
  writeFiles,
} from './promote.ts';
export { buildProvisionScript, PROVISION_SCRIPT } from './provision-script.ts';
export { type ConsumedTopic, type PulsarProvisioning, pulsarProvisioning } from './pulsar-provisioning.ts';
export { unifiedDiff } from './unified-diff.ts';
export { type WorkerGroup, workerGroups } from './worker-groups.ts';

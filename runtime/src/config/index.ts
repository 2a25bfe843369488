/**
 * Configuration: layered YAML files (later wins), Docker Compose interpolation, one strict zod
 * schema (types, defaults, validation, docs), provenance of every value, render and validate.
 * See README.md for the rules and REFERENCE.md for every key.
 */
export { parseDotenv } from './dotenv.ts';
export {
  type EnvironmentOptions,
  environmentFiles,
  listEnvironments,
  loadEnvironment,
} from './environment.ts';
export { ConfigError, type ConfigIssue, formatIssue } from './errors.ts';
export { interpolate } from './interpolate.ts';
export { findLiteralSecrets } from './literal-secrets.ts';
export {
  type LoadedConfig,
  type LoadOptions,
  loadConfig,
  parseConfig,
  parseConfigFlag,
  type ValidationReport,
  validateConfigFiles,
} from './load-config.ts';
export { describeSource, provenanceOf, sourceOf } from './provenance.ts';
export { renderReferenceDocs } from './reference-docs.ts';
export { type RenderOptions, renderConfig } from './render.ts';
export { type DevStackConfig, devStackSchema } from './schema/dev.ts';
export {
  configSchema,
  defaultPulsarPolicies,
  type InfiniticConfig,
  type InfiniticConfigInput,
  type LoggingConfig,
  type ObservabilityConfig,
  type PulsarConfig,
  type RetryPolicyConfig,
  type ServiceConfig,
  type StorageConfig,
  type TransportConfig,
  type WorkflowConfig,
} from './schema/index.ts';
export { isSecretPath, SECRET_MASK } from './secrets.ts';
export type { ValueSource } from './tree.ts';

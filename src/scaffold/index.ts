/** The scaffolder behind `create-infinitic-app`. */
export {
  type Answers,
  type CreateFlags,
  PACKAGE_MANAGERS,
  type PackageManager,
  QUESTIONS,
  SAMPLES,
  type Sample,
  STORAGE_BACKENDS,
  type StorageBackend,
} from './answers.ts';
export { askMissing, type PromptFns } from './ask.ts';
export { type CreateAppOptions, type CreateAppResult, createApp, resolveAnswers } from './create-app.ts';
export { renderEnvExample, scanPlaceholders } from './env-example.ts';
export { RENAMES, renderTemplates } from './render-templates.ts';
export { formatSummary } from './summary.ts';
export { tarballName, vendoredPackage } from './vendor.ts';

/**
 * docker-compose.yml of a generated project comes from the dev-stack model (one source of truth
 * with `infinitic dev up`); it is rendered after the config files exist because the model reads them.
 */
// The two modules directly, not the src/stack barrel: it also loads dockerode (~0.3 s of startup).
import { renderComposeFile } from '../stack/compose-render.ts';
import { loadStackModel } from '../stack/model.ts';

export function composeFileFor(projectDir: string, replicas: number): string {
  // An empty environment keeps the file independent of the machine that generates it.
  return renderComposeFile(loadStackModel({ projectDir, replicas, env: {} }));
}

/** The few lines printed after a successful run: what was created and the next three commands. */
import type { CreateAppResult } from './create-app.ts';

export function formatSummary(result: CreateAppResult, cwd: string): string {
  const { answers } = result;
  const where = result.target.startsWith(cwd)
    ? `./${result.target.slice(cwd.length + 1) || '.'}`
    : result.target;
  const top = [...new Set(result.files.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))];
  const lines = [
    `Created ${answers.name} in ${where}: ${result.files.length} files`,
    `  storage ${answers.storage} · Pulsar ${answers.tenant}/${answers.namespace} · sample ${answers.sample} · ${answers.replicas} dev replica(s)`,
    `  ${top.join('  ')}`,
    answers.install ? '  dependencies installed' : '  dependencies not installed (--no-install)',
    '',
    'Next:',
    ...result.nextSteps.map((step) => `  ${step}`),
  ];
  return `${lines.join('\n')}\n`;
}

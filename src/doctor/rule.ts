/** The production checklist's vocabulary and helpers shared by its rules. */
import { describeSource } from '@infinitic/runtime';
import type { PromoteProject } from '../promote/project.ts';
import { workerGroups } from '../promote/worker-groups.ts';

export type Level = 'error' | 'warning';

export interface Finding {
  id: string;
  level: Level;
  /** Dotted config path concerned, when there is one. */
  path?: string;
  /** `config/production.yml:4:5`, `default`, … */
  at?: string;
  message: string;
  fix: string;
}

export interface Rule {
  id: string;
  level: Level;
  title: string;
  check(project: PromoteProject): Omit<Finding, 'id' | 'level'>[];
}

/** Where a path is written: its value's source, else the nearest written key above it; else 'default'. */
export function at(project: PromoteProject, path: string): string {
  const source = project.sourceOf(path);
  if (source.kind !== 'default') return describeSource(source);
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[]+|\[\d+\]|^[^.[]+)$/, '')) {
    const where = project.positions.get(p);
    if (where) return `${where.file}:${where.line}:${where.col}`;
  }
  return 'default';
}

export const LOCAL_HOST = /^(localhost|127(\.\d+){3}|::1|0\.0\.0\.0|.*\.localhost)$/i;

export function known(project: PromoteProject, path: string): boolean {
  return !project.unresolved.has(path);
}

export function groupsOf(project: PromoteProject) {
  return workerGroups(project.appName, project.config.deployment);
}

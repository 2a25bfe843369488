/**
 * The production checklist as rules. Each rule has a stable id, looks at a promoted project and
 * returns its findings (message + fix, located when a file set the value). Values that stay a
 * `${VAR}` placeholder are judged by what the pod will get, or skipped when unknowable.
 */

import type { Rule } from './rule.ts';
import { CONNECTION_RULES } from './rules-connections.ts';
import { DEPLOYMENT_RULES } from './rules-deployment.ts';

export type { Finding, Level, Rule } from './rule.ts';

/** Every rule, in id order. */
export const RULES: Rule[] = [...CONNECTION_RULES, ...DEPLOYMENT_RULES];

/** Every top-level verb of `infinitic`, one module each. Add new verbs here. */
import type { CommandModule } from 'yargs';
import { configCommand } from './config.ts';
import { devCommand } from './dev.ts';
import { dispatchCommand } from './dispatch.ts';
import { doctorCommand } from './doctor.ts';
import { promoteCommand } from './promote.ts';
import { workflowsCommand } from './workflows.ts';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [
  configCommand,
  devCommand,
  dispatchCommand,
  workflowsCommand,
  promoteCommand,
  doctorCommand,
];

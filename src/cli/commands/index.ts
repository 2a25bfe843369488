/** Every top-level verb of `infinitic`, one module each. Add new verbs here. */
import type { CommandModule } from 'yargs';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [];

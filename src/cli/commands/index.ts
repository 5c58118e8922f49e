import type { Command } from 'commander';
import { registerBasicCommands } from './basic';

/** Each feature area adds its verbs here. */
export function registerCommands(program: Command, setExit: (code: number) => void): void {
  registerBasicCommands(program, setExit);
}

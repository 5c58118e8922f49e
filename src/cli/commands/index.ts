import type { Command } from 'commander';
import { registerBasicCommands } from './basic';
import { registerExpressionCommands } from './expression';
import { registerConfigCommands } from './config';
import { registerEngineCommands } from './engine';
import { registerMigrateCommands } from './migrate';

/** Each feature area adds its verbs here. */
export function registerCommands(program: Command, setExit: (code: number) => void): void {
  registerBasicCommands(program, setExit);
  registerExpressionCommands(program, setExit);
  registerConfigCommands(program, setExit);
  registerEngineCommands(program, setExit);
  registerMigrateCommands(program, setExit);
}

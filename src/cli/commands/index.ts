import type { Command } from '../command.js';
import { demo } from './demo.js';
import { evalCommand } from './eval.js';
import { predict } from './predict.js';
import { exportCommand } from './export.js';
import { explainCommand } from './explain.js';
import { grad } from './grad.js';
import { healthCommand } from './health.js';
import { importCommand } from './import.js';
import { playground } from './playground.js';
import { train } from './train.js';
import { practice } from './practice.js';
import { check } from './check.js';

/** Every command, in the order `backprop --help` lists them. Add a command with one line here. */
export const COMMANDS: readonly Command[] = [demo, grad, train, evalCommand, healthCommand, predict, exportCommand, importCommand, explainCommand, practice, check, playground];

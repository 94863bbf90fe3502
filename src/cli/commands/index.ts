/** Every CLI command, one module each. Add a new command's register function here. */
import type { RegisterCommand } from "../command.js";
import { registerExplain } from "./explain.js";
import { registerPolicy } from "./policy.js";

export const COMMANDS: readonly RegisterCommand[] = [registerExplain, registerPolicy];

/** Every CLI command, one module each. Add a new command's register function here. */
import type { RegisterCommand } from "../command.js";
import { registerCompile } from "./compile.js";
import { registerDemo } from "./demo.js";
import { registerApiKeys } from "./api-keys.js";
import { registerExplain } from "./explain.js";
import { registerPolicy } from "./policy.js";
import { registerRedact } from "./redact.js";
import { registerRedact } from "./redact.js";
import { registerServe } from "./serve.js";

export const COMMANDS: readonly RegisterCommand[] = [
  registerExplain,
  registerPolicy,
  registerRedact,
  registerRedact,
  registerCompile,
  registerServe,
  registerApiKeys,
  registerDemo,
];

/** Every CLI command, one module each. Add a new command's register function here. */
import type { RegisterCommand } from "../command.js";
import { registerApiKeys } from "./api-keys.js";
import { registerAudit } from "./audit.js";
import { registerBuild } from "./build.js";
import { registerCompile } from "./compile.js";
import { registerDemo } from "./demo.js";
import { registerExplain } from "./explain.js";
import { registerKeys } from "./keys.js";
import { registerLedger } from "./ledger.js";
import { registerModel } from "./model.js";
import { registerObligations } from "./obligations.js";
import { registerPolicy } from "./policy.js";
import { registerProve } from "./prove.js";
import { registerRedact } from "./redact.js";
import { registerReport } from "./report.js";
import { registerServe } from "./serve.js";
import { registerVerify } from "./verify.js";
import { registerVerifyProof } from "./verify-proof.js";

export const COMMANDS: readonly RegisterCommand[] = [
  registerExplain,
  registerPolicy,
  registerRedact,
  registerCompile,
  registerBuild,
  registerKeys,
  registerServe,
  registerApiKeys,
  registerDemo,
  registerVerify,
  registerProve,
  registerVerifyProof,
  registerModel,
  registerObligations,
  registerReport,
  registerLedger,
  registerAudit,
];

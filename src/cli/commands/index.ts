/**
 * Every CLI command, one module each, loaded only when needed: `traingate build` imports the
 * build's modules and not the server's, the ledger's or the redactor's word lists, so a
 * command starts in a fraction of the time (help and unknown commands load them all). Add a
 * new command here with the name it registers.
 */
import type { RegisterCommand } from "../command.js";

/** A command's top-level name and the loader of its module's register function. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "explain", load: async () => (await import("./explain.js")).registerExplain },
  { name: "policy", load: async () => (await import("./policy.js")).registerPolicy },
  { name: "redact", load: async () => (await import("./redact.js")).registerRedact },
  { name: "compile", load: async () => (await import("./compile.js")).registerCompile },
  { name: "build", load: async () => (await import("./build.js")).registerBuild },
  { name: "keys", load: async () => (await import("./keys.js")).registerKeys },
  { name: "serve", load: async () => (await import("./serve.js")).registerServe },
  { name: "api-keys", load: async () => (await import("./api-keys.js")).registerApiKeys },
  { name: "demo", load: async () => (await import("./demo.js")).registerDemo },
  { name: "verify", load: async () => (await import("./verify.js")).registerVerify },
  { name: "prove", load: async () => (await import("./prove.js")).registerProve },
  {
    name: "verify-proof",
    load: async () => (await import("./verify-proof.js")).registerVerifyProof,
  },
  { name: "model", load: async () => (await import("./model.js")).registerModel },
  { name: "obligations", load: async () => (await import("./obligations.js")).registerObligations },
  { name: "report", load: async () => (await import("./report.js")).registerReport },
  { name: "ledger", load: async () => (await import("./ledger.js")).registerLedger },
  { name: "audit", load: async () => (await import("./audit.js")).registerAudit },
];

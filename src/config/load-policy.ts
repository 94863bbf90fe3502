/**
 * Finds and loads policies from files and from the shipped presets (presets/*.yaml).
 * The only place that reads policy files; the policy/ core stays pure.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TrainGateError } from "../errors.js";
import type { Policy } from "../policy/model.js";
import { parsePolicyText } from "../policy/parse-policy.js";
import { resolvePolicy } from "../policy/resolve-policy.js";
import type { PolicyFile } from "../policy/schema.js";

/** The folder of shipped presets (the same relative place from src/ and dist/). */
export const PRESETS_DIR = fileURLToPath(new URL("../../presets/", import.meta.url));

/** Names of the shipped presets, sorted. */
export function presetNames(): string[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -5))
    .sort();
}

function readPolicyFile(file: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new TrainGateError("TG_E_NOT_FOUND", `${file}: no such policy file`, { file });
  }
  return parsePolicyText(text, file);
}

function presetFile(name: string): string {
  if (!presetNames().includes(name)) {
    throw new TrainGateError(
      "TG_E_NOT_FOUND",
      `unknown preset ${JSON.stringify(name)}; presets are ${presetNames().join(", ")}`,
      { preset: name },
    );
  }
  return resolve(PRESETS_DIR, `${name}.yaml`);
}

/** An `extends` reference: a preset name, or a path relative to the file that names it. */
function lookup(ref: string, from: string): { file: string; policy: PolicyFile } {
  const looksLikePath = ref.includes("/") || ref.endsWith(".yaml") || ref.endsWith(".yml");
  const file = looksLikePath ? resolve(dirname(from), ref) : presetFile(ref);
  return { file, policy: readPolicyFile(file) };
}

/** Loads and resolves a policy file (following `extends`). */
export function loadPolicyFile(file: string): Policy {
  const path = resolve(file);
  return resolvePolicy(file, readPolicyFile(path), (ref, from) =>
    lookup(ref, from === file ? path : from),
  );
}

/** Loads a shipped preset by name. */
export function loadPreset(name: string): Policy {
  const file = presetFile(name);
  return resolvePolicy(file, readPolicyFile(file), lookup);
}

/** Resolves policy text given inline (the what-if editor, the API); `extends` may name presets only. */
export function loadPolicyText(text: string, label = "(inline policy)"): Policy {
  const doc = parsePolicyText(text, label);
  return resolvePolicy(label, doc, (ref) => {
    const file = presetFile(ref);
    return { file, policy: readPolicyFile(file) };
  });
}

/** `--preset NAME` or `--policy FILE`, exactly one. */
export function loadPolicyOption(opts: {
  preset?: string | undefined;
  policy?: string | undefined;
}): Policy {
  if ((opts.preset === undefined) === (opts.policy === undefined)) {
    throw new TrainGateError("TG_E_USAGE", "give exactly one of --preset NAME or --policy FILE");
  }
  return opts.preset !== undefined ? loadPreset(opts.preset) : loadPolicyFile(opts.policy!);
}

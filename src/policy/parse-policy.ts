/**
 * Parses policy text (YAML) into a validated {@link PolicyFile}. Errors name the file, the
 * line and the path inside the document, and say what was expected.
 */
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { TrainGateError } from "../errors.js";
import { type PolicyFile, policyFileSchema } from "./schema.js";

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

/**
 * Formats Zod issues as `file:line: at path: message` lines. `lineOf` maps a path to a line
 * of the source, when known.
 */
export function formatIssues(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  lineOf: (path: readonly PropertyKey[]) => number | null = () => null,
): string {
  return issues
    .map((issue) => {
      let message = issue.message;
      if (issue.code === "unrecognized_keys") {
        message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
      }
      const line = lineOf(issue.path);
      return `${file}${line === null ? "" : `:${line}`}: at ${pathText(issue.path)}: ${message}`;
    })
    .join("\n");
}

/**
 * Parses and validates one policy file's text. Throws `TG_E_BAD_POLICY` naming the file, the
 * line and the path of every problem.
 */
export function parsePolicyText(text: string, file: string): PolicyFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    throw new TrainGateError(
      "TG_E_BAD_POLICY",
      `${file}${pos ? `:${pos.line}` : ""}: not valid YAML: ${first.message.split("\n")[0]}`,
      { file },
    );
  }
  const data: unknown = doc.toJS();
  const parsed = policyFileSchema.safeParse(data);
  if (!parsed.success) {
    const lineOf = (path: readonly PropertyKey[]): number | null => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return null;
    };
    throw new TrainGateError("TG_E_BAD_POLICY", formatIssues(file, parsed.error.issues, lineOf), {
      file,
    });
  }
  return parsed.data;
}

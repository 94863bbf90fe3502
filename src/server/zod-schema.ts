/**
 * Zod at the HTTP boundary: route schemas are Zod types, validated by Zod (so a bad body gets
 * Zod's path and expectation, never a 5xx) and rendered into /openapi.json as JSON Schema.
 * Routes written with plain JSON Schema (other plugins) keep Fastify's default Ajv validator;
 * this compiler is set only inside the scopes that use it.
 */
import type { FastifySchemaCompiler } from "fastify";
import { type ZodType, z } from "zod";
import { TrainGateError } from "../errors.js";

/** True when a route schema part is a Zod type. */
export function isZod(schema: unknown): schema is ZodType {
  return (
    typeof schema === "object" &&
    schema !== null &&
    "safeParse" in schema &&
    typeof (schema as { safeParse?: unknown }).safeParse === "function"
  );
}

/** One Zod issue as `path: message` (`body.choice: expected one of allow|deny`). */
export function describeIssues(part: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const path = [part, ...i.path.map(String)].join(".");
    return `${path}: ${i.message}`;
  });
}

/**
 * The validator compiler for Zod route schemas: a failure is a TG_E_BAD_INPUT (400) whose
 * message names each path and what was expected, with the issues in `details`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!isZod(schema)) {
    throw new TrainGateError("TG_E_INTERNAL", "a route in a Zod scope declared a non-Zod schema");
  }
  const part = httpPart ?? "request";
  return (data: unknown) => {
    const nul = findNul(data, [part]);
    if (nul !== null) {
      return {
        error: new TrainGateError(
          "TG_E_BAD_INPUT",
          `invalid ${part}: ${nul}: NUL characters (\\u0000) are not allowed in text`,
          { part, path: nul },
        ),
      };
    }
    const r = schema.safeParse(data ?? (part === "body" ? undefined : {}));
    if (r.success) return { value: r.data };
    const problems = describeIssues(part, r.error.issues);
    return {
      error: new TrainGateError("TG_E_BAD_INPUT", `invalid ${part}: ${problems.join("; ")}`, {
        part,
        issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      }),
    };
  };
};

/**
 * The path of the first string containing U+0000, or null. PostgreSQL cannot store NUL in
 * text, and no TrainGate field needs it, so it is refused at the boundary on every backend.
 */
export function findNul(value: unknown, path: string[]): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], [...path, String(i)]);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(k, [...path, "(key)"]) ?? findNul(v, [...path, k]);
      if (hit !== null) return hit;
    }
  }
  return null;
}

/** JSON Schema (OpenAPI 3.0 dialect) of a route schema part; non-Zod parts pass through. */
export function toOpenApiSchema(schema: unknown): unknown {
  if (!isZod(schema)) return schema;
  return z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" });
}

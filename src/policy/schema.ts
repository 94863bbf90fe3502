/**
 * The policy file format (YAML), as Zod schemas. A file is validated on its own before its
 * `extends` chain is applied; the merged result is validated again (see resolve-policy.ts).
 */
import { z } from "zod";
import { KINDS, PURPOSE_PATTERN, REGIMES, VISIBILITIES } from "./domain.js";
import { REDACTION_TYPES } from "./model.js";
import { isRegionKey } from "./regions.js";
import { parseTimestamp } from "./time.js";

const timestamp = z
  .string({ error: "expected an RFC 3339 timestamp such as 2024-09-18T00:00:00Z" })
  .refine((s) => parseTimestamp(s) !== null, {
    error: "expected an RFC 3339 timestamp such as 2024-09-18T00:00:00Z",
  });

const regime = z.enum(REGIMES, { error: `expected one of ${REGIMES.join(", ")}` });

const period = z.strictObject({
  regime,
  from: timestamp.nullish(),
  until: timestamp.nullish(),
});

/** A region's rule: one regime for all time, or a list of dated periods. */
const regionRule = z.union(
  [regime, z.array(period).min(1, { error: "expected at least one period" })],
  {
    error: `expected a regime (${REGIMES.join(", ")}) or a list of {regime, from, until}`,
  },
);

const visibilityList = z.union([
  z.literal("any"),
  z.array(z.enum(VISIBILITIES, { error: `expected one of ${VISIBILITIES.join(", ")}` })),
]);

const purposeRule = z.strictObject({
  regions: z
    .record(z.string(), regionRule.nullable())
    .refine((r) => Object.keys(r).every(isRegionKey), {
      error: "region keys are EU, EEA, CH, GB, REST or ISO 3166-1 alpha-2 country codes",
    })
    .optional(),
  content: z
    .partialRecord(
      z.enum(KINDS, { error: `expected one of ${KINDS.join(", ")}` }),
      visibilityList.nullable(),
    )
    .optional(),
  minimum_age: z.number().int().min(0).max(150).nullable().optional(),
  history: z
    .strictObject({
      include: z.boolean(),
      notice: timestamp.nullish(),
    })
    .optional(),
  gpc: z.boolean().optional(),
});

/** One policy file as written, before `extends` is applied. */
export const policyFileSchema = z.strictObject({
  name: z
    .string({ error: "a name is required, such as my-policy" })
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
      error: "expected a lower-case name such as my-policy",
    }),
  title: z.string().optional(),
  description: z.string().optional(),
  sources: z.array(z.strictObject({ title: z.string(), url: z.string().url() })).optional(),
  extends: z.string().optional(),
  purposes: z
    .record(
      z
        .string()
        .regex(PURPOSE_PATTERN, { error: "expected a purpose name such as genai_training" }),
      purposeRule.nullable(),
    )
    .optional(),
  redact: z
    .partialRecord(
      z.enum(REDACTION_TYPES, { error: `expected one of ${REDACTION_TYPES.join(", ")}` }),
      z.boolean(),
    )
    .optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;

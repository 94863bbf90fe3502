/**
 * The external evaluation set: Presidio's `generated_large.json` (MIT, Microsoft), read in
 * place from the shared folder, never copied into the repository. See its SOURCE.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { EvalEntity, LabelledText } from "./labelled-text.js";

/** Where the file is: `PII_EVAL_EXTERNAL`, or `../shared/eval/pii/` beside the repository. */
export const PRESIDIO_PATH =
  process.env.PII_EVAL_EXTERNAL ??
  fileURLToPath(new URL("../../shared/eval/pii/presidio_generated_large.json", import.meta.url));

/** Presidio's entity types mapped to ours; `null` marks a type TrainGate does not redact. */
export const PRESIDIO_MAPPING: Readonly<Record<string, EvalEntity | null>> = {
  PERSON: "person",
  EMAIL_ADDRESS: "email",
  PHONE_NUMBER: "phone",
  CREDIT_CARD: "card",
  IBAN_CODE: "iban",
  US_SSN: "national_id",
  IP_ADDRESS: "ip",
  ADDRESS: "address",
  DOMAIN_NAME: "url",
  LOCATION: null,
  ORGANIZATION: null,
  DATE_TIME: null,
  TITLE: null,
  PREFIX: null,
  US_DRIVER_LICENSE: null,
};

/** Why each unmapped type is out of scope (printed in EVAL.md). */
export const OUT_OF_SCOPE_REASONS: Readonly<Record<string, string>> = {
  LOCATION: "countries and cities alone do not identify a person",
  ORGANIZATION: "company names are not personal data",
  DATE_TIME: "dates are kept: they carry meaning and identify no one alone",
  TITLE: "job titles are kept",
  PREFIX: 'honorifics alone ("Mr.") identify no one; with a name they are redacted with it',
  US_DRIVER_LICENSE: "no checksum and no fixed shape across states; not targeted",
};

const fileSchema = z.array(
  z.object({
    full_text: z.string(),
    spans: z.array(
      z.object({
        entity_type: z.string(),
        start_position: z.number().int(),
        end_position: z.number().int(),
      }),
    ),
  }),
);

/** Loads the set; an entity type missing from `PRESIDIO_MAPPING` is an error, not dropped. */
export function loadPresidioSet(path = PRESIDIO_PATH): LabelledText[] {
  const records = fileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  return records.map((r) => ({
    text: r.full_text,
    spans: r.spans.map((s) => {
      if (!(s.entity_type in PRESIDIO_MAPPING)) {
        throw new Error(
          `${path}: entity type ${s.entity_type} has no mapping; add it to PRESIDIO_MAPPING`,
        );
      }
      return {
        start: s.start_position,
        end: s.end_position,
        type: PRESIDIO_MAPPING[s.entity_type] ?? null,
        label: s.entity_type,
      };
    }),
  }));
}

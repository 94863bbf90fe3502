/**
 * The single-threaded redactor: runs the enabled detectors over a text, resolves overlaps
 * and replaces what it found with typed placeholders (`[EMAIL]`, `[PERSON]`, ...).
 */
import { REDACTION_TYPES } from "../policy/model.js";
import type { GatedDetector } from "./detectors/index.js";
import { DETECTORS } from "./detectors/index.js";
import { MemberNameDetector } from "./detectors/member-names.js";
import { scanText, wordsOf } from "./detectors/person.js";
import { warmLexicon } from "./lexicon.js";
import type { Span } from "./span.js";
import { applySpans, resolveSpans } from "./span.js";
import { emptyFacts, scanFacts } from "./text-facts.js";

/** What a redactor needs: members' display names and the policy's `redact` switches. */
export interface RedactorOptions {
  /** Display names of platform members, matched as whole words (see `MemberNameDetector`). */
  readonly memberNames: readonly string[];
  /**
   * The policy's switches by `REDACTION_TYPES` key. A type missing here is redacted: when in
   * doubt, remove the data.
   */
  readonly enabled: Readonly<Record<string, boolean>>;
}

/** A configured redactor. Stateless between calls; safe to reuse for any number of texts. */
export interface Redactor {
  /** The text with every detected span replaced by its placeholder. */
  redact(text: string): string;
  /** The spans `redact` would replace, non-overlapping and sorted by start. */
  spans(text: string): Span[];
}

/** Builds a redactor. Building indexes the member names once; each call is then one pass each. */
export function createRedactor(options: RedactorOptions): Redactor {
  const on = (type: string): boolean => options.enabled[type] !== false;
  const gated: GatedDetector[] = [];
  for (const type of REDACTION_TYPES) {
    const d = DETECTORS[type];
    if (d !== undefined && on(type)) gated.push(d);
  }
  // With the person detector on, its tokeniser makes the pre-scan (one pass over the text).
  const scan = on("person") ? scanText : scanFacts;
  if (on("person")) warmLexicon();
  if (on("member_name") && options.memberNames.length > 0) {
    const members = new MemberNameDetector(options.memberNames);
    // From the words of the person detector's tokeniser when it made the pre-scan.
    gated.push({
      detect: (text, out) => {
        const words = wordsOf(text);
        if (words === null) members.detect(text, out);
        else members.detectWords(text, out, words);
      },
      wants: () => true,
    });
  }
  const facts = emptyFacts();
  // Reused for every text: `resolveSpans` returns a new array and keeps no reference to it.
  const found: Span[] = [];
  const spans = (text: string): Span[] => {
    scan(text, facts);
    found.length = 0;
    for (let k = 0; k < gated.length; k++) {
      const d = gated[k]!;
      if (d.wants(facts)) d.detect(text, found, facts);
    }
    return resolveSpans(found, text);
  };
  return {
    spans,
    redact: (text) => applySpans(text, spans(text)),
  };
}

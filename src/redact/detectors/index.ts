/**
 * The general detectors (everything except members' names, which need the members table),
 * by the redaction type they report, each with the cheapest condition a text must meet for it
 * to find anything (see `text-facts.ts`).
 */
import type { RedactionType } from "../../policy/model.js";
import type { Span } from "../span.js";
import type { TextFacts } from "../text-facts.js";
import { detectAddresses } from "./address.js";
import { detectCards } from "./card.js";
import { detectEmails } from "./email.js";
import { detectHandles } from "./handle.js";
import { detectIbans } from "./iban.js";
import { detectIps } from "./ip.js";
import { detectNationalIds } from "./national-id.js";
import { detectPersons } from "./person.js";
import { detectPhones } from "./phone.js";
import { detectUrls } from "./url.js";

/**
 * A detector: appends the spans it finds in `text` to `out`. `facts` is the redactor's
 * pre-scan of the same text; a detector that uses it computes it when called without.
 */
export type Detector = (text: string, out: Span[], facts: TextFacts) => void;

/**
 * A detector with its gate: `wants` says from the pre-scan's facts whether the text can hold
 * anything the detector finds. It must never say no to a text the detector would find
 * something in (a gate only saves work); most posts fail the number-based gates.
 */
export interface GatedDetector {
  readonly detect: Detector;
  readonly wants: (facts: TextFacts) => boolean;
}

const always = (): boolean => true;

/** Every general detector, keyed by the policy switch that turns it on. */
export const DETECTORS: Readonly<Partial<Record<RedactionType, GatedDetector>>> = {
  email: { detect: detectEmails, wants: (f) => f.ats > 0 },
  // Seven digits, or six next to a phone word.
  phone: { detect: detectPhones, wants: (f) => f.digits >= 6 },
  // A scheme ("://"), "www." or a domain with a path: a full stop or a slash either way.
  url: { detect: detectUrls, wants: (f) => f.dots > 0 || f.slashes > 0 },
  // "@name" or "u/name".
  handle: { detect: detectHandles, wants: (f) => f.ats > 0 || f.slashes > 0 },
  // A dotted quad has at least four digits and three dots; IPv6 at least two colons.
  ip: { detect: detectIps, wants: (f) => (f.digits >= 4 && f.dots >= 3) || f.colons >= 2 },
  // 13 to 19 digits.
  card: { detect: detectCards, wants: (f) => f.digits >= 13 },
  // Two check digits and at least two more in any country's account number.
  iban: { detect: detectIbans, wants: (f) => f.digits >= 4 },
  // The shortest identifier (a UK NINO) has six digits.
  national_id: { detect: detectNationalIds, wants: (f) => f.digits >= 6 },
  // A house number or a postcode's digit.
  address: { detect: detectAddresses, wants: (f) => f.digits >= 1 },
  person: { detect: detectPersons, wants: always },
};

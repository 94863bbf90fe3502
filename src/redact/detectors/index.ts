/**
 * The general detectors (everything except members' names, which need the members table),
 * by the redaction type they report. Each runs its own cheap pre-check before any real work.
 */
import type { RedactionType } from "../../policy/model.js";
import type { Span } from "../span.js";
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

/** A detector: appends the spans it finds in `text` to `out`. */
export type Detector = (text: string, out: Span[]) => void;

/**
 * A detector with the fewest ASCII digits a text must hold for it to find anything: the
 * redactor counts digits once per text and skips the number-based detectors on texts that
 * have too few (most posts).
 */
export interface GatedDetector {
  readonly detect: Detector;
  readonly minDigits: number;
}

/** Every general detector, keyed by the policy switch that turns it on. */
export const DETECTORS: Readonly<Partial<Record<RedactionType, GatedDetector>>> = {
  email: { detect: detectEmails, minDigits: 0 },
  phone: { detect: detectPhones, minDigits: 6 },
  url: { detect: detectUrls, minDigits: 0 },
  handle: { detect: detectHandles, minDigits: 0 },
  ip: { detect: detectIps, minDigits: 0 },
  card: { detect: detectCards, minDigits: 12 },
  iban: { detect: detectIbans, minDigits: 4 },
  national_id: { detect: detectNationalIds, minDigits: 6 },
  address: { detect: detectAddresses, minDigits: 1 },
  person: { detect: detectPersons, minDigits: 0 },
};

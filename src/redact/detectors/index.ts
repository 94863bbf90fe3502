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

/** Every general detector, keyed by the policy switch that turns it on. */
export const DETECTORS: Readonly<Partial<Record<RedactionType, Detector>>> = {
  email: detectEmails,
  phone: detectPhones,
  url: detectUrls,
  handle: detectHandles,
  ip: detectIps,
  card: detectCards,
  iban: detectIbans,
  national_id: detectNationalIds,
  address: detectAddresses,
  person: detectPersons,
};

/**
 * The demo platform's published policy documents: the Privacy Policy before and after the
 * generative-AI notice of 2024-09-18 (the notice the `recommended` preset's history rule
 * refers to) and a User Agreement, so the privacy center's notices page has a story to tell.
 */
import type { LedgerStore, NewPolicyDocument, WriteContext } from "../ledger/ledger-store.js";
import { parseTimestamp } from "../policy/time.js";

function at(text: string): number {
  const t = parseTimestamp(text);
  if (t === null) throw new Error(`bad demo document date ${text}`);
  return t;
}

/** The documents, oldest first. Ids are `${kind}-${version}`. */
export const DEMO_DOCUMENTS: readonly NewPolicyDocument[] = [
  {
    kind: "privacy_policy",
    version: "2023-06",
    title: "Privacy Policy (June 2023)",
    body: "We use what you post to run the service, keep it safe and show you relevant content. We do not use your content to train generative AI models.",
    publishedAt: at("2023-05-15T00:00:00Z"),
    effectiveAt: at("2023-06-01T00:00:00Z"),
  },
  {
    kind: "privacy_policy",
    version: "2024-09",
    title: "Privacy Policy (September 2024): generative AI",
    body: "From 18 September 2024 we may use your public posts, comments and articles to train generative AI models. Messages, content shown only to your connections and your profile are never used, nor is anything from members under 18. In the EEA, Switzerland and the UK we ask first (opt-in); elsewhere you can switch it off at any time under Settings > Data for generative AI (opt-out). Content you wrote before this date is used only if you say yes. A Global Privacy Control signal from your browser counts as no.",
    publishedAt: at("2024-08-19T00:00:00Z"),
    effectiveAt: at("2024-09-18T00:00:00Z"),
  },
  {
    kind: "user_agreement",
    version: "2024-11",
    title: "User Agreement (November 2024)",
    body: "You own what you post. You give us a licence to show it to the audience you chose and to process it as the Privacy Policy describes.",
    publishedAt: at("2024-10-21T00:00:00Z"),
    effectiveAt: at("2024-11-20T00:00:00Z"),
  },
];

/** Publishes the demo documents that are not published yet; returns how many it published. */
export async function publishDemoDocuments(store: LedgerStore, ctx: WriteContext): Promise<number> {
  let published = 0;
  for (const doc of DEMO_DOCUMENTS) {
    if ((await store.getDocument(`${doc.kind}-${doc.version}`)) !== null) continue;
    await store.publishDocument(doc, ctx);
    published++;
  }
  return published;
}

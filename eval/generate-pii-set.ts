/**
 * TrainGate's own labelled set: social-media posts from templates written for this project,
 * filled with values from `@faker-js/faker` in 14 locales (names, phone numbers in national
 * and international form, addresses, IBANs and cards of many countries), plus members'
 * display names, handles, hashtags, emoji, lower-case names and PII-free distractors
 * (prices, dates, scores, versions, hashtags, places, brands). People's names also come from
 * ten more locales, and stand where a capital letter says little: alone at a sentence start,
 * addressed by name, in lists, as owners, in all-lower-case chat. Firms named after people
 * and towns with their country are labelled as not personal data (type `null`), so a
 * detector that takes them for names loses precision. Deterministic: a fixed seed gives the
 * same set on every run.
 */
import type { Faker } from "@faker-js/faker";
import {
  fakerCS_CZ,
  fakerDA,
  fakerDE,
  fakerEN,
  fakerEN_AU,
  fakerEN_GB,
  fakerEN_IN,
  fakerEN_US,
  fakerES,
  fakerFI,
  fakerFR,
  fakerHR,
  fakerHU,
  fakerID_ID,
  fakerIT,
  fakerNB_NO,
  fakerNL,
  fakerPL,
  fakerPT_BR,
  fakerRO,
  fakerSK,
  fakerSR_RS_latin,
  fakerSV,
  fakerTR,
  fakerYO_NG,
} from "@faker-js/faker";
import type { EvalEntity, LabelledSpan, LabelledText } from "./labelled-text.js";

/** The seed of the published numbers in EVAL.md. */
export const DEFAULT_SEED = 20241118;

/** A generated set: texts, and the display names of the members it mentions. */
export interface GeneratedSet {
  readonly texts: LabelledText[];
  readonly memberNames: string[];
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG, for template and slot choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Locale {
  readonly faker: Faker;
  /** ISO country of the locale, for IBANs. */
  readonly country: string;
}

const LOCALES: readonly Locale[] = [
  { faker: fakerEN_US, country: "US" },
  { faker: fakerEN_GB, country: "GB" },
  { faker: fakerDE, country: "DE" },
  { faker: fakerFR, country: "FR" },
  { faker: fakerES, country: "ES" },
  { faker: fakerIT, country: "IT" },
  { faker: fakerPT_BR, country: "BR" },
  { faker: fakerNL, country: "NL" },
  { faker: fakerPL, country: "PL" },
  { faker: fakerSV, country: "SE" },
  { faker: fakerEN_IN, country: "IN" },
  { faker: fakerCS_CZ, country: "CZ" },
  { faker: fakerDA, country: "DK" },
  { faker: fakerEN_AU, country: "AU" },
];

/**
 * More name locales, for people's names only (phones, IBANs and addresses keep the post's
 * locale, whose formats the set was built around): surnames the census lists rarely hold
 * (Croatian, Finnish, Hungarian, Slovak, Turkish, Romanian, Norwegian, Serbian, Yoruba,
 * Indonesian).
 */
const NAME_LOCALES: readonly Faker[] = [
  ...LOCALES.map((l) => l.faker),
  fakerHR,
  fakerFI,
  fakerHU,
  fakerSK,
  fakerTR,
  fakerRO,
  fakerNB_NO,
  fakerSR_RS_latin,
  fakerYO_NG,
  fakerID_ID,
];

/** A piece of a template: literal text, or a slot that produces a value of a type. */
type Piece = string | { readonly slot: Slot };
type Slot =
  | "first"
  | "full"
  | "last"
  | "last_lower"
  | "first_lower"
  | "full_lower"
  | "member"
  | "member_lower"
  | "email"
  | "phone_national"
  | "phone_intl"
  | "card"
  | "iban"
  | "ip4"
  | "ip6"
  | "url"
  | "handle"
  | "ssn"
  | "nino"
  | "dni"
  | "street"
  | "company"
  | "town_country";

/** What a slot's value is labelled as; `null` for text that is not personal data (a firm, a town). */
const SLOT_TYPE: Readonly<Record<Slot, EvalEntity | null>> = {
  first: "person",
  full: "person",
  last: "person",
  last_lower: "person",
  first_lower: "person",
  full_lower: "person",
  member: "person",
  member_lower: "person",
  email: "email",
  phone_national: "phone",
  phone_intl: "phone",
  card: "card",
  iban: "iban",
  ip4: "ip",
  ip6: "ip",
  url: "url",
  handle: "handle",
  ssn: "national_id",
  nino: "national_id",
  dni: "national_id",
  street: "address",
  company: null,
  town_country: null,
};

/** Parses "text {slot} text" into pieces. */
function template(s: string): Piece[] {
  return s.split(/(\{[a-z0-9_]+\})/).flatMap((part): Piece[] => {
    if (part === "") return [];
    const m = /^\{([a-z0-9_]+)\}$/.exec(part);
    return m === null ? [part] : [{ slot: m[1] as Slot }];
  });
}

/** Posts with PII: social-media English first, then other languages. */
const TEMPLATES: readonly Piece[][] = [
  "omg {first_lower} just posted the pics from saturday 😍😍 #tbt",
  "Shoutout to {handle} and {full} for an amazing night!! 🎉🎉",
  "DM me or email {email} for the details, first come first served",
  "my number changed, it's {phone_national} now. text me 📱",
  "new number!! {phone_intl} (whatsapp only)",
  "Moved into our new place at {street} 🏡 housewarming on the 14th!",
  "can someone tell {full_lower} to check {url} lol",
  "server at {ip4} keeps timing out since the 2.3.1 deploy #devops #oncall",
  "ipv6 only box: {ip6} — anyone seeing packet loss?",
  "Please refund to {iban}, order #48213 was never delivered",
  "Paid with my card {card} and still no confirmation email 😡",
  "HR asked for my SSN ({ssn}) over plain email?? is that normal",
  "Happy birthday {first}!!! 🥳🎂 love you loads",
  "{full} and {full} are getting married in June 💍✨",
  "Congrats {member} on the new job!! well deserved 👏",
  "ran into {member_lower} at the farmers market today haha",
  "Thanks {member} and {first} for organising, best meetup so far",
  "lost my wallet near the station, if found pls call {phone_national} 🙏",
  "Interview with {full} (CEO) now live: {url}",
  "hey {first_lower} did you get my email? sent it to {email}",
  "NI number {nino} keeps getting rejected by the portal, any ideas?",
  "Mi DNI es {dni}, ¿por qué me lo piden otra vez?",
  "{first} said the parcel went to {street} instead of ours 🙄",
  "follow {handle} for more recipes 🍝 #foodie #homemade",
  "Quick q for {member}: is the 10:30 slot still free?",
  "RIP {full}, you will be missed. 1941–2024 🕊️",
  "me and {first_lower} at the beach 🏖️ #summer2024",
  "Ruf mich an unter {phone_national}, ich bin ab 18 Uhr zu Hause",
  "Écris-moi à {email} ou appelle le {phone_national} !",
  "Mi número nuevo es {phone_intl}, guárdalo 😉",
  "Nuova casa: {street}. Venite a trovarci!",
  "Obrigado {full} pela ajuda ontem 🙌",
  "Bedankt {first}! Tot volgende week.",
  "Dziękuję {full} za pomoc przy przeprowadzce",
  "Tack {first} för allt ❤️",
  "cc {handle} {handle} — thoughts on this thread?",
  "Invoice to {full}, {street}. IBAN {iban}. Thanks!",
  "my ip is {ip4} if you need to whitelist it",
  "Book via {url} or call {phone_intl}",
  "{first_lower} {first_lower} and me went to the gig, 10/10 would go again",
  // Names where a capital letter says little: at a sentence start, alone, addressed by name.
  "{first}, can you send me the slides from this morning? 🙏",
  "{first}, are you still coming tonight or not??",
  "see you tomorrow, {first}! don't be late this time 😅",
  "good luck with the exam, {first}!",
  "{last} argued that the new stadium was never affordable.",
  "{full} announced on Monday that she is stepping down as coach.",
  "Last night {last} scored twice in the second half ⚽🔥",
  "Nobody expected {last} to win the chess final this year.",
  "The jury thanked {last} for twelve years of service",
  "Team for saturday: {first}, {first}, {first} and {first} 🏀",
  // Possessives and lower-case chat.
  "Just finished {full}'s new novel, couldn't put it down 📚",
  "movie night at {first}'s place, bring snacks 🍿",
  "lol {first_lower} is so dramatic sometimes",
  "{first_lower}: where r u?? still waiting outside",
  "ok so {last_lower} from accounting replied all again 🙃",
  // Firms named after people, towns with their country, a mail signature: not names.
  "{full} just got a job at {company}, so proud!!",
  "{company} is hiring again, has anyone applied?",
  "Greetings from {town_country}! weather is perfect ☀️",
  "Best regards,\n{full}\n{company}\n{street}\n{town_country}",
].map(template);

/** Posts with no PII at all: what a detector must leave alone. */
const DISTRACTORS: readonly string[] = [
  "Just finished a 10k run in 52:13 🏃 #fitness #MondayMotivation",
  "Version 2.14.3 is out, changelog in the usual place",
  "Prices went up 12.5% since 2021, rent is now 1,450 a month",
  "Watching the game, 3-1 at half time ⚽ come on!!",
  "Meeting moved to 10:30 in room 4B, bring the Q3 numbers",
  "Best pizza in New York, hands down #nyc #pizza",
  "Apple and Google report earnings on Tuesday, 24 October",
  "Order #48213 shipped, arriving 2024-11-02 between 8 and 12",
  "call me maybe 🎶 still a banger in 2024",
  "Reading Pride and Prejudice again, Chapter 12 is so good",
  "The meeting on 12/05/2023 ran from 09:00 to 17:30",
  "Temperature hit 38.6°C in Madrid today ☀️ stay hydrated",
  "Top 5 cities to visit: Lisbon, Prague, Kyoto, Cape Town, Montreal",
  "Black Friday deal: 3 for 2 on everything, code SAVE20",
  "We raised 25,000 for the shelter!! thank you all 🐶",
  "Train 8:15 to Paris delayed by 45 minutes again #SNCF",
  "New blog post on Rust vs Go for CLI tools, link in bio",
  "Voting opens at 7 am, polling station 12 on Main Road",
  "Grandma's recipe: 250 g flour, 2 eggs, 100 ml milk 🥞",
  "Microsoft Teams is down for everyone? #outage",
  "The Beatles released Abbey Road in 1969",
  "Season 3 episode 7 was wild, no spoilers pls",
  "Our team won 2-0 against Real Madrid in the friendly",
  "Flight BA 2490 lands at 16:40, gate B12",
  "ISBN 978-3-16-148410-0 is the edition you want",
  "new PR merged: fixes #1234 and #1250, thanks all",
  "summer vibes only ☀️🌊 #beachlife #goodvibes",
  "Happy Thanksgiving everyone! 🦃 grateful for this community",
  "Amazon Prime Day starts 16 July, set your alarms",
  "the river Thames was so high this morning",
];

/** How many PII templates and PII-free posts the set draws from (reported in EVAL.md). */
export const TEMPLATE_COUNTS = { pii: TEMPLATES.length, distractors: DISTRACTORS.length } as const;

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function digits(rand: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}

/** A US SSN within the SSA's rules. */
function ssn(rand: () => number): string {
  const area = 1 + Math.floor(rand() * 665);
  const group = 1 + Math.floor(rand() * 99);
  const serial = 1 + Math.floor(rand() * 9999);
  return `${String(area).padStart(3, "0")}-${String(group).padStart(2, "0")}-${String(serial).padStart(4, "0")}`;
}

function nino(rand: () => number): string {
  const first = "ABCEGHJKLMNOPRSTWXYZ";
  const second = "ABCEGHJKLMNPRSTWXYZ";
  let prefix = "GB";
  while (["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(prefix)) {
    prefix = pick(rand, [...first]) + pick(rand, [...second]);
  }
  const d = digits(rand, 6);
  return `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${pick(rand, ["A", "B", "C", "D"])}`;
}

function dni(rand: () => number): string {
  const n = digits(rand, 8);
  return `${n}${"TRWAGMYFPDXBNJZSQVHLCKE"[Number(n) % 23]}`;
}

/** A first name without a locale's honorific, as people write it. */
function firstName(f: Faker): string {
  return f.person.firstName();
}

function fullName(f: Faker): string {
  return `${f.person.firstName()} ${f.person.lastName()}`;
}

function personalUrl(rand: () => number, f: Faker): string {
  const user = f.internet.username().toLowerCase();
  return pick(rand, [
    `https://instagram.com/${user}`,
    `https://www.facebook.com/profile.php?id=${digits(rand, 15)}`,
    `linkedin.com/in/${user.replace(/[._]/g, "-")}`,
    `https://github.com/${user}`,
    `https://example.org/u/${user}?ref=share&utm_source=app`,
    `www.tiktok.com/@${user.replace(/[.]/g, "_")}`,
  ]);
}

function handle(f: Faker): string {
  return `@${f.internet
    .username()
    .replace(/[^A-Za-z0-9_]/g, "_")
    .slice(0, 15)}`;
}

/** Generates `count` labelled posts (about one in five without PII) from `seed`. */
export function generatePiiSet(count = 10_000, seed = DEFAULT_SEED): GeneratedSet {
  const rand = prng(seed);
  // The post locales first, as before the name-only locales were added, then those.
  for (const [i, f] of NAME_LOCALES.entries()) f.seed(seed + i);
  fakerEN.seed(seed + NAME_LOCALES.length);
  // Members: display names from several locales; posts mention some of them.
  const memberNames: string[] = [];
  for (let i = 0; i < 2000; i++) memberNames.push(fullName(pick(rand, LOCALES).faker));
  const texts: LabelledText[] = [];
  for (let n = 0; n < count; n++) {
    if (rand() < 0.2) {
      texts.push({ text: pick(rand, DISTRACTORS), spans: [] });
      continue;
    }
    const { faker: f, country } = pick(rand, LOCALES);
    const names = pick(rand, NAME_LOCALES);
    const pieces = pick(rand, TEMPLATES);
    let text = "";
    const spans: LabelledSpan[] = [];
    for (const p of pieces) {
      if (typeof p === "string") {
        text += p;
        continue;
      }
      const value = fill(p.slot, rand, f, names, country, memberNames);
      spans.push({
        start: text.length,
        end: text.length + value.length,
        type: SLOT_TYPE[p.slot],
        label: p.slot,
      });
      text += value;
    }
    texts.push({ text, spans });
  }
  return { texts, memberNames };
}

function fill(
  slot: Slot,
  rand: () => number,
  f: Faker,
  names: Faker,
  country: string,
  members: readonly string[],
): string {
  switch (slot) {
    case "first":
      return firstName(names);
    case "full":
      return fullName(names);
    case "last":
      return names.person.lastName();
    case "first_lower":
      return firstName(names).toLowerCase();
    case "full_lower":
      return fullName(names).toLowerCase();
    case "last_lower":
      return names.person.lastName().toLowerCase();
    case "member":
      return pick(rand, members);
    case "member_lower":
      return pick(rand, members).toLowerCase();
    case "email":
      return f.internet.email().toLowerCase();
    case "phone_national":
      return f.phone.number({ style: "national" });
    case "phone_intl":
      return f.phone.number({ style: "international" });
    case "card":
      return f.finance.creditCardNumber(pick(rand, ["visa", "mastercard", "amex", "discover"]));
    case "iban": {
      const formatted = rand() < 0.5;
      try {
        return f.finance.iban({ formatted, countryCode: country });
      } catch {
        return f.finance.iban({ formatted, countryCode: "DE" });
      }
    }
    case "ip4":
      return f.internet.ipv4();
    case "ip6":
      return f.internet.ipv6();
    case "url":
      return personalUrl(rand, f);
    case "handle":
      return handle(f);
    case "ssn":
      return ssn(rand);
    case "nino":
      return nino(rand);
    case "dni":
      return dni(rand);
    case "street":
      return `${f.location.streetAddress()}, ${f.location.zipCode()} ${f.location.city()}`;
    case "company":
      return f.company.name();
    case "town_country":
      return `${f.location.city()}, ${fakerEN.location.country()}`;
  }
}

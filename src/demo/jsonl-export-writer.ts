/**
 * Writes the synthetic platform export as JSON Lines: members across many countries, what
 * they wrote, and their consent histories, in exactly the columns of contract §1.
 * Deterministic for a seed (one xoshiro stream, drawn in a fixed order), streamed to disk in
 * large chunks so ten million items take seconds, not minutes.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { TrainGateError } from "../errors.js";
import { reportingGroup } from "../policy/regions.js";
import { civilFromDays, daysFromCivil, isLeapYear } from "../policy/time.js";
import { Prng } from "./prng.js";
import {
  ARTICLE_TITLES,
  type CompiledTemplate,
  TEMPLATES,
  type TextKind,
} from "./text-templates.js";
import { epochSeconds, TimestampWriter } from "./timestamp-writer.js";
import {
  ASCII_FIRST,
  ASCII_LAST,
  CARDS,
  CITIES,
  COMPANIES,
  COUNTRIES,
  type CountryProfile,
  CULTURES,
  type CultureName,
  EVENTS,
  HANDLE_SUFFIXES,
  IBANS,
  type Lang,
  MAIL_DOMAINS,
  ROLES,
  TOPICS,
  URL_SHAPES,
  WEEKDAYS,
} from "./vocabulary.js";
import { WeightedTable } from "./weighted-table.js";

/** What to generate. */
export interface JsonlExportOptions {
  readonly members: number;
  readonly items: number;
  /** Any text; the same seed gives the same bytes. */
  readonly seed: string;
  /** The export's snapshot instant, epoch microseconds: nothing in it is dated later. */
  readonly asOf: number;
  /** Folder for `members.jsonl`, `items.jsonl`, `consent_events.jsonl`. Created if missing. */
  readonly out: string;
  /** Add a few rows a real export also has: unknown kinds, unknown authors, malformed rows. */
  readonly dirty?: boolean;
}

/** What was written. */
export interface JsonlExportResult {
  readonly files: { readonly members: string; readonly items: string; readonly consent: string };
  readonly counts: { readonly members: number; readonly items: number; readonly consent: number };
  readonly seconds: number;
}

/** The demo platform's AI-training notice (as in the recommended preset): the wave starts here. */
const NOTICE = epochSeconds(2024, 9, 18);
const DAY = 86400;
const CMP_MIGRATION = epochSeconds(2023, 6, 1);
const GPC_FROM = epochSeconds(2023, 1, 1);
const PLATFORM_OPENED = epochSeconds(2012, 1, 1);
const FLUSH_AT = 1 << 23;
const PENDING_AT = 1 << 16;

const PURPOSE_GENAI = "genai_training";
const PURPOSE_SAFETY = "safety_training";
const PURPOSE_ADS = "ads_targeting";

/** Ages at the snapshot, by bracket: a professional network's spread, with some minors. */
const AGE_BRACKETS = new WeightedTable<readonly [number, number]>([
  [[13, 17], 5],
  [[18, 24], 14],
  [[25, 34], 30],
  [[35, 44], 24],
  [[45, 54], 15],
  [[55, 64], 9],
  [[65, 85], 3],
]);

const KIND_TABLE = new WeightedTable<TextKind>([
  ["post", 38],
  ["comment", 36],
  ["article", 4],
  ["message", 17],
  ["profile", 5],
]);

const VISIBILITY: Readonly<Record<TextKind, WeightedTable<string>>> = {
  post: new WeightedTable([
    ["public", 78],
    ["connections", 17],
    ["private", 5],
  ]),
  comment: new WeightedTable([
    ["public", 85],
    ["connections", 15],
  ]),
  article: new WeightedTable([
    ["public", 95],
    ["connections", 5],
  ]),
  // Some exports carry a stale visibility on messages; the contract reads them as private anyway.
  message: new WeightedTable([
    ["private", 96],
    ["connections", 4],
  ]),
  profile: new WeightedTable([
    ["public", 80],
    ["connections", 15],
    ["private", 5],
  ]),
};

const UNKNOWN_KINDS = ["story", "reaction", "event", "poll"];

const COUNTRY_TABLE = new WeightedTable(COUNTRIES.map((c, i) => [i, c.weight] as const));
const CULTURE_TABLES = COUNTRIES.map(
  (c) => new WeightedTable<CultureName>(c.cultures.map(([n, w]) => [n, w] as const)),
);
const COUNTRY_JSON = COUNTRIES.map((c) => JSON.stringify(c.code));
/** 0 opt-in region (EEA, CH, GB), 1 elsewhere or unknown: decides who joins which wave. */
const OPT_IN_REGION = COUNTRIES.map((c) => {
  const g = reportingGroup(c.code);
  return g === "EEA" || g === "CH" || g === "GB";
});

/** A pending consent event of one member, written after sorting by time. */
interface PendingEvent {
  at: number;
  purpose: string;
  choice: "allow" | "deny";
  source: string;
}

/**
 * Buffered file output. Lines are appended to a short string (kept under 64 K characters, so
 * the rope V8 builds stays cheap to flatten), which is encoded into one large buffer, written
 * in one call when full. Appending everything to one long string instead costs more in
 * flattening and garbage collection than the rest of the generator together.
 */
class ChunkedFile {
  private readonly buffer = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  private pending = "";
  private readonly fd: number;
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  line(text: string): void {
    this.pending += text;
    this.rows++;
    if (this.pending.length >= PENDING_AT) this.encode();
  }

  private encode(): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + this.pending.length * 3 > FLUSH_AT) this.flush();
    if (this.pending.length * 3 > FLUSH_AT) writeSync(this.fd, this.pending);
    else this.used += this.buffer.write(this.pending, this.used, "utf8");
    this.pending = "";
  }

  private flush(): void {
    let at = 0;
    while (at < this.used) at += writeSync(this.fd, this.buffer, at, this.used - at);
    this.used = 0;
  }

  close(): void {
    this.encode();
    this.flush();
    closeSync(this.fd);
  }
}

const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** The generator's state while it writes one export. */
class ExportWriter {
  private readonly rng: Prng;
  private readonly ts = new TimestampWriter();
  private readonly asOf: number;
  private readonly memberWidth: number;
  private readonly memberCreated: Float64Array;
  private readonly memberEnd: Float64Array;
  private readonly memberCountry: Uint8Array;
  private readonly names: (string | null)[];
  /** Member ids, formatted once: items name their author by index. */
  private readonly memberIds: string[];
  private readonly namedMembers: number[] = [];

  constructor(private readonly opts: JsonlExportOptions) {
    this.rng = new Prng(opts.seed);
    this.asOf = Math.floor(opts.asOf / 1_000_000);
    this.memberWidth = Math.max(6, String(opts.members).length);
    this.memberCreated = new Float64Array(opts.members);
    this.memberEnd = new Float64Array(opts.members);
    this.memberCountry = new Uint8Array(opts.members);
    this.names = new Array<string | null>(opts.members);
    this.memberIds = new Array<string>(opts.members);
  }

  /** A time in [lo, hi), or null when the interval is empty. */
  private between(lo: number, hi: number): number | null {
    if (hi <= lo) return null;
    return lo + Math.floor(this.rng.float() * (hi - lo));
  }

  private displayName(country: number): string | null {
    if (this.rng.chance(0.015)) return null;
    const culture = CULTURES[CULTURE_TABLES[country]!.draw(this.rng)];
    const first = this.rng.pick<string>(culture.first);
    const last = this.rng.pick<string>(culture.last);
    return "familyFirst" in culture ? `${last}${first}` : `${first} ${last}`;
  }

  private birthDay(): number | null {
    if (this.rng.chance(0.06)) return null;
    const [lo, hi] = AGE_BRACKETS.draw(this.rng);
    const age = lo + this.rng.int(hi - lo + 1);
    const asOfDay = Math.floor(this.asOf / DAY);
    const day = asOfDay - Math.floor((age + this.rng.float()) * 365.2425);
    if (!this.rng.chance(0.006)) return day;
    // A 29 February birthday: the anniversary rule of contract §3 needs some.
    let y = civilFromDays(day).year;
    while (!isLeapYear(y)) y--;
    return daysFromCivil(y, 2, 29);
  }

  writeMembers(members: ChunkedFile, consent: ChunkedFile): void {
    const { rng } = this;
    for (let i = 0; i < this.opts.members; i++) {
      const country = COUNTRY_TABLE.draw(rng);
      const name = this.displayName(country);
      const birth = this.birthDay();
      let lo = PLATFORM_OPENED;
      if (birth !== null) lo = Math.max(lo, (birth + Math.floor(13 * 365.2425) + 1) * DAY);
      const hi = this.asOf - 3600;
      if (lo > hi - DAY) lo = hi - DAY;
      const created = lo + Math.floor((hi - lo) * rng.float() ** 0.8);
      const deleted = rng.chance(0.02) ? this.between(created + 3600, this.asOf) : null;
      this.memberCreated[i] = created;
      this.memberEnd[i] = deleted ?? this.asOf;
      this.memberCountry[i] = country;
      this.names[i] = name;
      if (name !== null) this.namedMembers.push(i);
      const id = `m${pad(i + 1, this.memberWidth)}`;
      this.memberIds[i] = id;
      members.line(
        `{"id":"${id}","country":${COUNTRY_JSON[country]},"birth_date":${birth === null ? "null" : `"${this.ts.date(birth)}"`},"display_name":${name === null ? "null" : `"${name}"`},"created_at":"${this.ts.instant(created)}","deleted_at":${deleted === null ? "null" : `"${this.ts.instant(deleted)}"`}}\n`,
      );
      for (const e of this.consentHistory(created, deleted ?? this.asOf, country)) {
        consent.line(
          `{"member_id":"${id}","purpose":"${e.purpose}","choice":"${e.choice}","at":"${this.ts.instant(e.at)}","source":"${e.source}"}\n`,
        );
      }
    }
  }

  /**
   * One member's consent history: legacy imports, the genai opt-out wave after the notice
   * (an opt-in prompt where the region requires consent), explicit allows and reversals,
   * GPC signals, an occasional same-instant allow/deny tie, rare admin actions.
   */
  private consentHistory(created: number, end: number, country: number): PendingEvent[] {
    const { rng } = this;
    const events: PendingEvent[] = [];
    const add = (
      at: number | null,
      purpose: string,
      choice: "allow" | "deny",
      source: string,
    ): void => {
      if (at !== null && at >= created && at <= end) events.push({ at, purpose, choice, source });
    };
    // ads_targeting: members of the old consent tool were imported on the migration day.
    if (created < CMP_MIGRATION && rng.chance(0.35)) {
      add(CMP_MIGRATION + rng.int(DAY), PURPOSE_ADS, rng.chance(0.8) ? "allow" : "deny", "import");
    }
    if (rng.chance(0.08))
      add(this.between(Math.max(created, CMP_MIGRATION), end), PURPOSE_ADS, "deny", "settings");
    // genai_training: a few early allows from a beta programme, before the notice.
    if (rng.chance(0.02)) add(this.between(created, NOTICE), PURPOSE_GENAI, "allow", "api");
    let denied: number | null = null;
    let allowed: number | null = null;
    if (OPT_IN_REGION[country]) {
      if (rng.chance(0.14)) {
        allowed = NOTICE + Math.floor(rng.exponential(10 * DAY));
        add(allowed, PURPOSE_GENAI, "allow", rng.chance(0.7) ? "settings" : "api");
      }
    } else if (rng.chance(0.17)) {
      // The opt-out wave: most within days of the notice, a long tail after.
      denied = NOTICE + Math.floor(rng.exponential(3 * DAY));
      add(denied, PURPOSE_GENAI, "deny", rng.chance(0.8) ? "settings" : "api");
    }
    if (rng.chance(0.04)) {
      const at = this.between(Math.max(created, NOTICE), end);
      add(at, PURPOSE_GENAI, "allow", "settings");
      allowed ??= at;
    }
    if (denied !== null && rng.chance(0.12))
      add(this.between(denied + 1, end), PURPOSE_GENAI, "allow", "settings");
    if (allowed !== null && rng.chance(0.08))
      add(this.between(allowed + 1, end), PURPOSE_GENAI, "deny", "settings");
    if (rng.chance(0.035)) {
      const at = this.between(Math.max(created, GPC_FROM), end);
      add(at, PURPOSE_GENAI, "deny", "gpc");
      add(at, PURPOSE_ADS, "deny", "gpc");
    }
    if (rng.chance(0.006)) {
      // Two devices at the same second: contract §3 says deny wins the tie.
      const at = this.between(Math.max(created, NOTICE - 30 * DAY), end);
      add(at, PURPOSE_GENAI, "allow", "settings");
      add(at, PURPOSE_GENAI, "deny", "api");
    }
    if (rng.chance(0.002)) add(this.between(created, end), PURPOSE_GENAI, "deny", "admin");
    if (rng.chance(0.03))
      add(
        this.between(Math.max(created, NOTICE - 260 * DAY), end),
        PURPOSE_SAFETY,
        "deny",
        "settings",
      );
    return events.sort((a, b) => a.at - b.at);
  }

  writeItems(items: ChunkedFile, format: "jsonl" | "parquet"): void {
    const { rng, opts } = this;
    const width = Math.max(6, String(opts.items).length);
    const n = opts.members;
    let idPrefix = "";
    for (let j = 0; j < opts.items; j++) {
      // Ids are i000001, i000002, ...: the prefix changes once per thousand items.
      const n1 = j + 1;
      const low = n1 % 1000;
      if (low === 0 || j === 0) idPrefix = `i${pad(Math.floor(n1 / 1000), width - 3)}`;
      const id = idPrefix + P3[low];
      let author = Math.floor(n * rng.float() ** 1.8);
      let authorId = this.memberIds[author]!;
      let kind: string = KIND_TABLE.draw(rng);
      const textKind = kind as TextKind;
      const visibility = VISIBILITY[textKind].draw(rng);
      const lo = this.memberCreated[author]!;
      const hi = this.memberEnd[author]!;
      const created = lo + Math.floor((hi - lo) * rng.float() ** 0.6);
      const deleted = rng.chance(0.025) ? this.between(created + 60, this.asOf) : null;
      const profile = COUNTRIES[this.memberCountry[author]!]!;
      const lang = this.language(profile);
      const text = this.text(textKind, lang ?? "en", profile);
      let createdText = `"${this.ts.instant(created)}"`;
      if (opts.dirty) {
        const u = rng.float();
        if (u < 0.002) {
          author = n + 1 + rng.int(1000);
          authorId = `m${pad(author, this.memberWidth)}`;
        } else if (u < 0.005) {
          kind = rng.pick(UNKNOWN_KINDS);
        } else if (u < 0.006) {
          createdText = "null";
        } else if (u < 0.007 && format === "jsonl") {
          createdText = '"2024-02-30T25:61:00Z"';
        } else if (u < 0.008 && format === "jsonl") {
          // A row cut short by a crashed exporter.
          items.line(
            `{"id":"${id}","author_id":"${authorId}","kind":"${kind}","text":"${text.slice(0, 20)}\n`,
          );
          continue;
        }
      }
      items.line(
        `{"id":"${id}","author_id":"${authorId}","kind":"${kind}","visibility":"${visibility}","created_at":${createdText},"deleted_at":${deleted === null ? "null" : `"${this.ts.instant(deleted)}"`},"text":"${text}","lang":${lang === null ? "null" : `"${lang}"`}}\n`,
      );
    }
  }

  private language(profile: CountryProfile): Lang | null {
    const u = this.rng.float();
    if (u < 0.04) return null;
    const local = profile.localLang;
    return local !== undefined && this.rng.float() < local[1] ? local[0] : "en";
  }

  /** An item's text, JSON-escaped, from the templates of its kind and language. */
  private text(kind: TextKind, lang: Lang, profile: CountryProfile): string {
    const templates = TEMPLATES[lang][kind];
    if (kind !== "article") return this.fill(this.rng.pick(templates), lang, profile);
    let out = this.fill(this.rng.pick(ARTICLE_TITLES), lang, profile);
    const paragraphs = 3 + this.rng.int(3);
    for (let p = 0; p < paragraphs; p++)
      out += `\\n\\n${this.fill(this.rng.pick(templates), lang, profile)}`;
    return out;
  }

  private fill(t: CompiledTemplate, lang: Lang, profile: CountryProfile): string {
    let out = t.parts[0]!;
    for (let s = 0; s < t.slots.length; s++) {
      out += this.slot(t.slots.charCodeAt(s), lang, profile) + t.parts[s + 1]!;
    }
    return out;
  }

  private slot(code: number, lang: Lang, profile: CountryProfile): string {
    const { rng } = this;
    switch (code) {
      case 77: // M: another member, by display name
        return this.namedMembers.length === 0
          ? "a colleague"
          : this.names[this.namedMembers[rng.int(this.namedMembers.length)]!]!;
      case 72: // H
        return `@${rng.pick(ASCII_FIRST)}${rng.pick(HANDLE_SUFFIXES)}`;
      case 69: // E
        return this.email();
      case 80: // P
        return this.digits(rng.pick(profile.phones));
      case 85: // U
        return this.url();
      case 67: // C
        return rng.pick(COMPANIES);
      case 82: // R
        return rng.pick(ROLES);
      case 84: // T
        return rng.pick(TOPICS);
      case 89: // Y
        return rng.pick(CITIES);
      case 86: // V
        return rng.pick(EVENTS);
      case 78: // N
        return String(2 + rng.int(39));
      case 68: // D
        return rng.pick(WEEKDAYS[lang]);
      case 73: // I
        return rng.pick(IBANS);
      case 75: // K
        return rng.pick(CARDS);
      default:
        throw new TrainGateError(
          "TG_E_INTERNAL",
          `unknown template slot ${String.fromCharCode(code)}`,
        );
    }
  }

  private email(): string {
    const { rng } = this;
    const first = rng.pick(ASCII_FIRST);
    const last = rng.pick(ASCII_LAST);
    const domain = rng.pick(MAIL_DOMAINS);
    switch (rng.int(3)) {
      case 0:
        return `${first}.${last}@${domain}`;
      case 1:
        return `${first[0]}${last}${rng.int(100)}@${domain}`;
      default:
        return `${first}_${last}@${domain}`;
    }
  }

  private url(): string {
    const shape = this.rng.pick(URL_PATTERNS);
    let out = shape.parts[0]!;
    for (let i = 0; i < shape.slots.length; i++) {
      const k = shape.slots[i];
      out +=
        (k === "h"
          ? this.rng.pick(ASCII_FIRST)
          : k === "n"
            ? String(1000 + this.rng.int(900000))
            : this.shortCode()) + shape.parts[i + 1]!;
    }
    return out;
  }

  private shortCode(): string {
    let out = "";
    for (let i = 0; i < 7; i++) out += SHORT_ALPHABET[this.rng.int(SHORT_ALPHABET.length)];
    return out;
  }

  /** A phone number in `format`, where each run of `#` is filled with random digits. */
  private digits(format: string): string {
    let pattern = PHONE_PATTERNS.get(format);
    if (pattern === undefined) {
      pattern = splitPattern(format, /#+/g, (m) => m.length);
      PHONE_PATTERNS.set(format, pattern);
    }
    let out = pattern.parts[0]!;
    for (let i = 0; i < pattern.slots.length; i++) {
      let run = pattern.slots[i]!;
      // At most nine digits per draw: 10^9 < 2^32, so every digit is uniform.
      while (run > 0) {
        const n = Math.min(run, 9);
        out += String(this.rng.int(10 ** n)).padStart(n, "0");
        run -= n;
      }
      out += pattern.parts[i + 1]!;
    }
    return out;
  }
}

/** A text split once into literal parts and the generated runs between them. */
interface Pattern<T> {
  /** `parts.length === slots.length + 1`. */
  readonly parts: readonly string[];
  readonly slots: readonly T[];
}

function splitPattern<T>(text: string, re: RegExp, slot: (m: string, g: string) => T): Pattern<T> {
  const parts: string[] = [];
  const slots: T[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index));
    slots.push(slot(m[0], m[1] ?? ""));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return { parts, slots };
}

/** URL shapes split once: `{h}` a handle stem, `{n}` a number, `{s}` a short code. */
const URL_PATTERNS = URL_SHAPES.map((shape) => splitPattern(shape, /\{([hns])\}/g, (_m, g) => g));
/** Phone formats split on their digit runs, on first use. */
const PHONE_PATTERNS = new Map<string, Pattern<number>>();
const SHORT_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/**
 * Writes a demo export as JSON Lines into `opts.out`. Files appear whole or not at all:
 * each is written under a `.partial` name and renamed when complete. `format` says what the
 * files will become: rows that only JSON can carry (unparseable lines, impossible
 * timestamps) are left out of `dirty` exports headed for Parquet.
 */
export function writeJsonlExport(
  opts: JsonlExportOptions,
  format: "jsonl" | "parquet" = "jsonl",
): JsonlExportResult {
  if (!Number.isInteger(opts.members) || opts.members < 1)
    throw new TrainGateError("TG_E_USAGE", "--members must be a whole number of at least 1");
  if (!Number.isInteger(opts.items) || opts.items < 0)
    throw new TrainGateError("TG_E_USAGE", "--items must be a whole number of at least 0");
  const started = performance.now();
  mkdirSync(opts.out, { recursive: true });
  const files = {
    members: join(opts.out, "members.jsonl"),
    items: join(opts.out, "items.jsonl"),
    consent: join(opts.out, "consent_events.jsonl"),
  };
  const members = new ChunkedFile(`${files.members}.partial`);
  const consent = new ChunkedFile(`${files.consent}.partial`);
  const items = new ChunkedFile(`${files.items}.partial`);
  try {
    const writer = new ExportWriter(opts);
    writer.writeMembers(members, consent);
    writer.writeItems(items, format);
  } catch (e) {
    for (const f of [members, consent, items]) {
      f.close();
      rmSync(f.path, { force: true });
    }
    throw e;
  }
  for (const f of [members, consent, items]) f.close();
  renameSync(members.path, files.members);
  renameSync(consent.path, files.consent);
  renameSync(items.path, files.items);
  return {
    files,
    counts: { members: members.rows, items: items.rows, consent: consent.rows },
    seconds: (performance.now() - started) / 1000,
  };
}

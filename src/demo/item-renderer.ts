/**
 * Renders the demo export's items, chunk by chunk. Each chunk of {@link ITEM_CHUNK} items has
 * its own random stream (seeded by the export's seed and the chunk's index), so chunks can be
 * rendered on several threads and written in order, and the file is the same bytes whatever
 * the number of threads.
 */
import { TrainGateError } from "../errors.js";
import { Prng } from "./prng.js";
import {
  ARTICLE_TITLES,
  type CompiledTemplate,
  TEMPLATES,
  type TextKind,
} from "./text-templates.js";
import { TimestampWriter } from "./timestamp-writer.js";
import {
  ASCII_FIRST,
  ASCII_LAST,
  CARDS,
  CITIES,
  COMPANIES,
  COUNTRIES,
  type CountryProfile,
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

/** Items per chunk: the unit of parallel rendering and of the random streams. */
export const ITEM_CHUNK = 65536;

const PIECE_CHARS = 1 << 16;

/** UTF-8 bytes in one growing buffer of its own (so they can be transferred between threads). */
class ByteSink {
  private buffer: Buffer;
  private used = 0;

  constructor(estimate: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(1024, estimate));
  }

  write(text: string): void {
    const need = this.used + text.length * 3;
    if (need > this.buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, 0, this.used);
      this.buffer = bigger;
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.used);
  }
}

/** What items need to know about the members (by member index), as plain transferable data. */
export interface MemberFacts {
  readonly members: number;
  /** Digits of member ids (`m000042`). */
  readonly memberWidth: number;
  /** Account creation, epoch seconds. */
  readonly created: Float64Array;
  /** Account deletion, or the snapshot when not deleted, epoch seconds. */
  readonly end: Float64Array;
  /** Index into COUNTRIES. */
  readonly country: Uint8Array;
  readonly names: readonly (string | null)[];
}

/** The export-wide options items depend on. */
export interface ItemOptions {
  readonly seed: string;
  readonly items: number;
  /** The snapshot, epoch seconds. */
  readonly asOfSeconds: number;
  readonly dirty: boolean;
  /** Rows only JSON can carry are left out of exports headed for Parquet. */
  readonly format: "jsonl" | "parquet";
}

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

const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Renders item chunks of one export. */
export class ItemRenderer {
  private rng: Prng;
  private readonly ts = new TimestampWriter();
  private readonly asOf: number;
  private readonly itemWidth: number;
  /** Indexes of members with a display name: who can be mentioned. */
  private readonly named: Int32Array;

  constructor(
    private readonly facts: MemberFacts,
    private readonly opts: ItemOptions,
  ) {
    this.rng = new Prng(opts.seed);
    this.asOf = opts.asOfSeconds;
    this.itemWidth = Math.max(6, String(opts.items).length);
    const named: number[] = [];
    facts.names.forEach((name, i) => {
      if (name !== null) named.push(i);
    });
    this.named = Int32Array.from(named);
  }

  /**
   * The JSON lines of items `[index * ITEM_CHUNK, ...)`, from the chunk's own random stream:
   * a chunk renders the same wherever and in whatever order it is rendered.
   */
  chunk(index: number): Uint8Array {
    const { opts, facts } = this;
    const rng = new Prng(`${opts.seed}\u0000items\u0000${index}`);
    this.rng = rng;
    const first = index * ITEM_CHUNK;
    const last = Math.min(opts.items, first + ITEM_CHUNK);
    const n = facts.members;
    // Text is encoded every 64 K characters: strings die young (cheap to collect) and the
    // ropes stay short (cheap to flatten). Holding a whole chunk's strings costs more in
    // garbage collection than rendering them.
    const bytes = new ByteSink((last - first) * 320);
    let out = "";
    let idPrefix = "";
    for (let j = first; j < last; j++) {
      if (out.length >= PIECE_CHARS) {
        bytes.write(out);
        out = "";
      }
      // Ids are i000001, i000002, ...: the prefix changes once per thousand items.
      const n1 = j + 1;
      const low = n1 % 1000;
      if (low === 0 || j === first) idPrefix = `i${pad(Math.floor(n1 / 1000), this.itemWidth - 3)}`;
      const id = idPrefix + P3[low];
      let author = Math.floor(n * rng.float() ** 1.8);
      let authorId = `m${pad(author + 1, facts.memberWidth)}`;
      let kind: string = KIND_TABLE.draw(rng);
      const textKind = kind as TextKind;
      const visibility = VISIBILITY[textKind].draw(rng);
      const lo = facts.created[author]!;
      const hi = facts.end[author]!;
      const created = lo + Math.floor((hi - lo) * rng.float() ** 0.6);
      const deleted = rng.chance(0.025) ? this.between(created + 60, this.asOf) : null;
      const profile = COUNTRIES[facts.country[author]!]!;
      const lang = this.language(profile);
      const text = this.text(textKind, lang ?? "en", profile);
      let createdText = `"${this.ts.instant(created)}"`;
      if (opts.dirty) {
        const u = rng.float();
        if (u < 0.002) {
          author = n + 1 + rng.int(1000);
          authorId = `m${pad(author, facts.memberWidth)}`;
        } else if (u < 0.005) {
          kind = rng.pick(UNKNOWN_KINDS);
        } else if (u < 0.006) {
          createdText = "null";
        } else if (u < 0.007 && opts.format === "jsonl") {
          createdText = '"2024-02-30T25:61:00Z"';
        } else if (u < 0.008 && opts.format === "jsonl") {
          // A row cut short by a crashed exporter.
          out += `{"id":"${id}","author_id":"${authorId}","kind":"${kind}","text":"${text.slice(0, 20)}\n`;
          continue;
        }
      }
      out += `{"id":"${id}","author_id":"${authorId}","kind":"${kind}","visibility":"${visibility}","created_at":${createdText},"deleted_at":${deleted === null ? "null" : `"${this.ts.instant(deleted)}"`},"text":"${text}","lang":${lang === null ? "null" : `"${lang}"`}}\n`;
    }
    bytes.write(out);
    return bytes.bytes();
  }

  /** A time in [lo, hi), or null when the interval is empty. */
  private between(lo: number, hi: number): number | null {
    if (hi <= lo) return null;
    return lo + Math.floor(this.rng.float() * (hi - lo));
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
        return this.named.length === 0
          ? "a colleague"
          : this.facts.names[this.named[rng.int(this.named.length)]!]!;
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

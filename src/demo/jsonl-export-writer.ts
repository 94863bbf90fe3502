/**
 * Writes the synthetic platform export as JSON Lines: members across many countries, what
 * they wrote, and their consent histories, in exactly the columns of contract §1.
 * Deterministic for a seed (members and consent from one xoshiro stream drawn in a fixed
 * order, items from one stream per chunk), streamed to disk in large blocks, items rendered
 * on worker threads, so ten million items take seconds, not minutes.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { TrainGateError } from "../errors.js";
import { reportingGroup } from "../policy/regions.js";
import { civilFromDays, daysFromCivil, isLeapYear } from "../policy/time.js";
import type { MemberFacts } from "./item-renderer.js";
import { Prng } from "./prng.js";
import { renderItems } from "./render-items.js";
import { epochSeconds, TimestampWriter } from "./timestamp-writer.js";
import { COUNTRIES, CULTURES, type CultureName } from "./vocabulary.js";
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
  /** Item rendering threads (default: one per core but one, at most 8). Same bytes for any. */
  readonly threads?: number;
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

  /** A block of whole lines, already encoded. */
  block(chunk: Uint8Array, rows: number): void {
    this.encode();
    this.flush();
    let at = 0;
    while (at < chunk.length) at += writeSync(this.fd, chunk, at, chunk.length - at);
    this.rows += rows;
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

  constructor(private readonly opts: JsonlExportOptions) {
    this.rng = new Prng(opts.seed);
    this.asOf = Math.floor(opts.asOf / 1_000_000);
    this.memberWidth = Math.max(6, String(opts.members).length);
    this.memberCreated = new Float64Array(opts.members);
    this.memberEnd = new Float64Array(opts.members);
    this.memberCountry = new Uint8Array(opts.members);
    this.names = new Array<string | null>(opts.members);
  }

  /** What items need to know about the members, once they are written. */
  facts(): MemberFacts {
    return {
      members: this.opts.members,
      memberWidth: this.memberWidth,
      created: this.memberCreated,
      end: this.memberEnd,
      country: this.memberCountry,
      names: this.names,
    };
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
      const id = `m${pad(i + 1, this.memberWidth)}`;
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
}

/**
 * Writes a demo export as JSON Lines into `opts.out`. Files appear whole or not at all:
 * each is written under a `.partial` name and renamed when complete. `format` says what the
 * files will become: rows that only JSON can carry (unparseable lines, impossible
 * timestamps) are left out of `dirty` exports headed for Parquet.
 */
export async function writeJsonlExport(
  opts: JsonlExportOptions,
  format: "jsonl" | "parquet" = "jsonl",
): Promise<JsonlExportResult> {
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
    await renderItems(
      writer.facts(),
      {
        seed: opts.seed,
        items: opts.items,
        asOfSeconds: Math.floor(opts.asOf / 1_000_000),
        dirty: opts.dirty ?? false,
        format,
      },
      (chunk, rows) => items.block(chunk, rows),
      opts.threads,
    );
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

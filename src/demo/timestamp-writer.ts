import { daysFromCivil, formatDate } from "../policy/time.js";

/** Days from 1870-01-01 to 1970-01-01: dates from then on are cached. */
const DAY_OFFSET = 36524;

const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/**
 * Formats whole epoch seconds as RFC 3339 (`2024-09-18T07:41:09Z`) and day numbers as
 * `YYYY-MM-DD`, fast: the date part of each day is formatted once and kept, so writing
 * millions of rows costs a few string concatenations each, not a calendar conversion.
 */
export class TimestampWriter {
  /** Formatted days, indexed by day number plus {@link DAY_OFFSET} (birth dates reach back). */
  private readonly days: string[] = [];

  /** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
  date(day: number): string {
    const i = day + DAY_OFFSET;
    let s = this.days[i];
    if (s === undefined) {
      s = formatDate(day);
      if (i >= 0) this.days[i] = s;
    }
    return s;
  }

  /** RFC 3339 UTC text of whole epoch seconds. */
  instant(seconds: number): string {
    const day = Math.floor(seconds / 86400);
    let rest = seconds - day * 86400;
    const h = (rest / 3600) | 0;
    rest -= h * 3600;
    const m = (rest / 60) | 0;
    return `${this.date(day)}T${P2[h]}:${P2[m]}:${P2[rest - m * 60]}Z`;
  }
}

/** Whole epoch seconds of a UTC calendar date and time. */
export function epochSeconds(year: number, month: number, day: number, hour = 0): number {
  return daysFromCivil(year, month, day) * 86400 + hour * 3600;
}

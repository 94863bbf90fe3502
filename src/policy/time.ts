/**
 * Instants and calendar dates, exactly and without the wall clock.
 *
 * Instants are epoch microseconds (a JS number is exact to the microsecond for ±285 years
 * around 1970, the precision DuckDB and PostgreSQL keep). Dates are days since 1970-01-01.
 * Parsing is strict RFC 3339 (contract §1): a value that is not one is rejected, never guessed.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const US_PER_DAY = 86_400_000_000;

/** True for leap years of the proleptic Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The (year, month, day) of a day number (inverse of {@link daysFromCivil}). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Parses an RFC 3339 timestamp (`Z` or an offset; `T`, `t` or a space between date and time)
 * to epoch microseconds. Returns null for anything else, including impossible dates.
 * Digits beyond the microsecond are truncated.
 */
export function parseTimestamp(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (!z) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (sign === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const micros = frac ? Number(frac.slice(0, 6).padEnd(6, "0")) : 0;
  // A leap second (:60) is read as the last microsecond of its minute, so it stays inside it.
  const secs = second === 60 ? 59 : second;
  const extra = second === 60 ? 999_999 : micros;
  return (
    daysFromCivil(year, month, day) * US_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + secs) * 1_000_000 +
    extra
  );
}

/** Parses `YYYY-MM-DD` to days since 1970-01-01, or null when it is not a real date. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/** The UTC calendar day (days since 1970-01-01) of an instant. */
export function utcDay(instant: number): number {
  return Math.floor(instant / US_PER_DAY);
}

/** Epoch microseconds of a JS Date. */
export function fromDate(date: Date): number {
  return date.getTime() * 1000;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Formats a day number as `YYYY-MM-DD`. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Formats an instant as RFC 3339 in UTC with a `Z`: milliseconds always, microseconds when
 * the instant has them, so formatting then parsing gives back the same instant.
 */
export function formatInstant(instant: number): string {
  const days = Math.floor(instant / US_PER_DAY);
  let rest = instant - days * US_PER_DAY;
  const hour = Math.floor(rest / 3_600_000_000);
  rest -= hour * 3_600_000_000;
  const minute = Math.floor(rest / 60_000_000);
  rest -= minute * 60_000_000;
  const second = Math.floor(rest / 1_000_000);
  const micros = rest - second * 1_000_000;
  const frac = micros % 1000 === 0 ? pad(micros / 1000, 3) : pad(micros, 6);
  return `${formatDate(days)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${frac}Z`;
}

/**
 * The UTC day on which a member born on `birthDay` turns `years` old: the N-th anniversary,
 * where a 29 February birthday falls on 1 March in non-leap years (contract §3).
 */
export function anniversaryDay(birthDay: number, years: number): number {
  const { year, month, day } = civilFromDays(birthDay);
  const y = year + years;
  if (month === 2 && day === 29 && !isLeapYear(y)) return daysFromCivil(y, 3, 1);
  return daysFromCivil(y, month, day);
}

/** The age in whole years, on the UTC calendar date of `instant`, of a member born on `birthDay`. */
export function ageAt(birthDay: number, instant: number): number {
  const today = utcDay(instant);
  const born = civilFromDays(birthDay);
  const now = civilFromDays(today);
  let age = now.year - born.year;
  if (today < anniversaryDay(birthDay, age)) age -= 1;
  return age;
}

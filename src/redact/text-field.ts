/**
 * Finds the raw JSON of a JSON Lines object's top-level `text` value, so that `traingate
 * redact` can replace that value and leave every other byte of the line as it was (numbers
 * beyond 2^53, key order, spacing).
 */

/** Where a top-level string value sits in the line: `[start, end)` including its quotes. */
export interface RawValue {
  readonly start: number;
  readonly end: number;
}

function skipSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    j++;
  }
  return j;
}

function skipString(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === 34) return j + 1;
    else j++;
  }
  return j;
}

/** End of the value starting at `i` (a string, number, literal, object or array). */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return skipString(s, i);
  if (c !== 123 && c !== 91) {
    let j = i;
    while (j < s.length && !",}] \t\r\n".includes(s[j]!)) j++;
    return j;
  }
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d === 34) {
      j = skipString(s, j);
      continue;
    }
    if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return j;
}

/**
 * The raw `text` value of a line already known to be a valid JSON object, or null when it
 * has no `text` key or its value is not a string. With a repeated key the last one counts,
 * as in `JSON.parse`.
 */
export function locateTextField(line: string): RawValue | null {
  let found: RawValue | null = null;
  let i = skipSpace(line, 0) + 1;
  while (i < line.length) {
    i = skipSpace(line, i);
    if (line.charCodeAt(i) !== 34) break;
    const keyEnd = skipString(line, i);
    const key = JSON.parse(line.slice(i, keyEnd)) as string;
    i = skipSpace(line, keyEnd) + 1;
    i = skipSpace(line, i);
    const valueEnd = skipValue(line, i);
    if (key === "text") found = line.charCodeAt(i) === 34 ? { start: i, end: valueEnd } : null;
    i = skipSpace(line, valueEnd);
    if (line.charCodeAt(i) !== 44) break;
    i++;
  }
  return found;
}

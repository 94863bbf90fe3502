/**
 * People's names that are not members' display names: a rule-based detector over word
 * lists shipped in npm packages (see `lexicon.ts`). It tokenises once and looks words up only
 * where a name can start: capitalised words, and lower-case words right after a greeting or
 * mention word. A span is a name when:
 * - a title precedes it ("Dr. Okafor", "Mrs Lee", "Herr Müller");
 * - a run of capitalised words starts with a name and holds no ordinary word
 *   ("Donald van der Voet", "James Koumura", "Walerian Błaszczyk");
 * - a greeting, thanks or mention word precedes it ("Happy birthday Armande", "Bedankt
 *   Rasmus", "hey priya", "thanks tomasz nowak"), in several languages;
 * - it is coordinated with a name already found ("Sousa and Ball");
 * - one capitalised word is a name that is nothing else ("Judy", "Kowalski"), or, away from a
 *   sentence start, a name that is only a rarer English word ("Lee"), or a name from the long
 *   list in a text that is not German (where every noun is capitalised).
 * Runs that end in a company, street or institution word ("Smith Ltd.", "Baker Street") are
 * not people.
 */
import { isUpper, isWordChar } from "../chars.js";
import { isFirstName, NameClass, nameClass } from "../lexicon.js";
import type { Span } from "../span.js";

function words(s: string): ReadonlySet<string> {
  return new Set(s.split(/\s+/).filter((w) => w.length > 0));
}

const TITLES = words(`mr mrs ms miss mx dr prof professor sir dame lady lord herr frau mme mlle
  madame monsieur sr sra srta señor señora dott dottssa signor signora rev fr capt sgt uncle
  aunt auntie`);
const PARTICLES = words(
  "van von der den de da di del della du la le bin ibn al el ten ter y dos das",
);
/** Words after which a name is likely, capitalised or not ("hey priya", "Bedankt Rasmus"). */
const GREETINGS = words(`hi hey hello hiya yo dear thanks thank thx ty cc congrats congratulations
  rip omg birthday bday bedankt danke dank merci gracias grazie obrigado obrigada tack tak takk
  dziękuję dzięki díky kiitos hola hallo ciao salut bonjour hej moin ahoj cześć`);
/** Words after which a lower-case census first name is likely ("met with ana", "me and sam"). */
const MENTIONS = words(`with met ask tell told call called love miss named ping dm and by to from
  via friend bro sis mate is am im i'm`);
/** Company, street and institution words: a run holding one is not a person. */
const NOT_PERSON_HEADS = words(`ltd limited inc llc llp plc gmbh ag sa sas srl bv nv oy ab corp
  corporation co company group holdings partners associates foundation institute university
  college school academy hospital clinic hotel bank church museum centre center club street st
  road rd avenue ave lane ln drive boulevard blvd way court place square park bridge station
  airport river lake mount county city state province district royal princess prince king queen
  bot team support admin news ranch corner`);
/** US states: capitalised, often also surnames, never people in context. */
const REGIONS = words(`alabama alaska arizona arkansas california colorado connecticut delaware
  florida hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland
  massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma
  oregon pennsylvania tennessee texas utah vermont wisconsin wyoming`);
/** Prepositions before places and companies ("from Gallup", "at Optigov", "in Madrid"). */
const PLACE_PREPOSITIONS = words("in from at near into inside outside across around via");
/** Word pairs that introduce a name: "my name is", "call me", "says". */
const INTRODUCTIONS = words(
  "name:is call:me calls:me called:me this:is i:am i'm says said named nicknamed",
);

/** The second word of the two-word introductions above. */
const INTRODUCTION_ENDS = words("is me am");

/** Whether the words before token `i` introduce a name ("my name is X", "call me X", "says X"). */
function introduces(tokens: readonly Token[], i: number): boolean {
  const p1 = tokens[i - 1];
  if (p1 === undefined) return false;
  if (INTRODUCTIONS.has(p1.lower)) return true;
  if (!INTRODUCTION_ENDS.has(p1.lower)) return false;
  const p2 = tokens[i - 2];
  return p2 !== undefined && INTRODUCTIONS.has(`${p2.lower}:${p1.lower}`);
}

/** German function words: two or more in a text mean its nouns are capitalised too. */
const GERMAN = words(`der die das und ist nicht ich du er sie wir ihr mit auf für von zu bei
  ein eine einen dem den des im am um aus nach noch auch aber wenn mich dich uns bin sind war`);

interface Token {
  readonly start: number;
  /** End without a possessive "'s". */
  readonly end: number;
  readonly lower: string;
  readonly capital: boolean;
  /** Whether a sentence ends between the previous token and this one. */
  readonly sentenceStart: boolean;
}

function isApostrophe(c: number): boolean {
  return c === 39 || c === 0x2019;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let sentenceStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      // . ! ? and line breaks end a sentence.
      if (c === 46 || c === 33 || c === 63 || c === 10) sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (isWordChar(d)) i++;
      else if ((d === 45 || isApostrophe(d)) && i + 1 < n && isWordChar(text.charCodeAt(i + 1)))
        i += 2;
      else break;
    }
    let end = i;
    // Possessive: "Judy's" names Judy.
    if (
      end - start > 3 &&
      isApostrophe(text.charCodeAt(end - 2)) &&
      (text.charCodeAt(end - 1) | 32) === 115
    )
      end -= 2;
    const word = text.slice(start, end);
    // An all-capitals word ("DNI", "NEWS") is an acronym or shouting, not a capitalised name.
    const shouted =
      end - start > 1 && isUpper(text.charCodeAt(start + 1)) && word === word.toUpperCase();
    tokens.push({
      start,
      end,
      lower: word.toLowerCase(),
      capital: isUpper(c) && !shouted,
      sentenceStart,
    });
    sentenceStart = false;
  }
  return tokens;
}

/** The class of a token, looking at the parts of a hyphenated name ("Jean-Luc", "Smith-Jones"). */
function classOf(lower: string): NameClass {
  if (NOT_PERSON_HEADS.has(lower) || REGIONS.has(lower)) return NameClass.Word;
  const whole = nameClass(lower);
  if (whole !== NameClass.Unknown || !lower.includes("-")) return whole;
  let best: NameClass = NameClass.Word;
  for (const part of lower.split("-")) best = Math.max(best, nameClass(part)) as NameClass;
  return best;
}

/** Whether only spaces (no punctuation, no line break) separate two tokens. */
function adjacent(text: string, a: Token, b: Token): boolean {
  if (b.start - a.end > 2) return false;
  for (let i = a.end; i < b.start; i++) if (text.charCodeAt(i) !== 32) return false;
  return true;
}

const CONJUNCTIONS = words("and or und et y e en och i");

/** Whether token `i` is coordinated with a name ending at token `last`: "A, B", "A & B", "A and B". */
function coordinated(text: string, tokens: readonly Token[], last: number, i: number): boolean {
  const t = tokens[i]!;
  if (last < 0) return false;
  if (last === i - 1) return /^(?:,\s?|\s&\s)$/.test(text.slice(tokens[last]!.end, t.start));
  if (last !== i - 2) return false;
  const conj = tokens[i - 1]!;
  return (
    CONJUNCTIONS.has(conj.lower) && adjacent(text, tokens[last]!, conj) && adjacent(text, conj, t)
  );
}

/** Appends a `person` span for each name found in `text`. */
function isNumberToken(t: Token): boolean {
  const c = t.lower.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function isGermanText(tokens: readonly Token[]): boolean {
  let k = 0;
  for (const t of tokens) if (GERMAN.has(t.lower) && ++k >= 2) return true;
  return false;
}

/** Extends a name from token `j` over adjacent capitalised words that are not ordinary words. */
function extendCapital(text: string, tokens: readonly Token[], j: number): number {
  let k = j;
  while (
    k + 1 < tokens.length &&
    tokens[k + 1]!.capital &&
    adjacent(text, tokens[k]!, tokens[k + 1]!) &&
    classOf(tokens[k + 1]!.lower) !== NameClass.Word
  )
    k++;
  return k;
}

/** Extends a lower-case name from token `j` by one more name word ("larry lombardo"). */
function extendLower(text: string, tokens: readonly Token[], j: number): number {
  const nx = tokens[j + 1];
  return nx !== undefined &&
    !nx.capital &&
    adjacent(text, tokens[j]!, nx) &&
    classOf(nx.lower) >= NameClass.Listed
    ? j + 1
    : j;
}

/** The last token of the capitalised run starting at `i`, and whether a company/street word ends it. */
function capitalRun(
  text: string,
  tokens: readonly Token[],
  i: number,
): { end: number; head: boolean } {
  const n = tokens.length;
  let j = i;
  while (j + 1 < n && adjacent(text, tokens[j]!, tokens[j + 1]!)) {
    const nx = tokens[j + 1]!;
    if (nx.capital) {
      if (classOf(nx.lower) === NameClass.Word)
        return { end: j, head: NOT_PERSON_HEADS.has(nx.lower) };
      j++;
    } else if (PARTICLES.has(nx.lower)) {
      // One or more particles, then a capitalised word: "van der Voet", "de la Cruz".
      let k = j + 1;
      while (
        k + 1 < n &&
        PARTICLES.has(tokens[k + 1]!.lower) &&
        adjacent(text, tokens[k]!, tokens[k + 1]!)
      )
        k++;
      const after = tokens[k + 1];
      if (after === undefined || !after.capital || !adjacent(text, tokens[k]!, after)) break;
      j = k;
    } else break;
  }
  return { end: j, head: false };
}

/** Appends a `person` span for each name found in `text`. */
export function detectPersons(text: string, out: Span[]): void {
  const tokens = tokenize(text);
  const n = tokens.length;
  let german: boolean | undefined;
  /** Index of the last token of the last person found, for coordination. */
  let lastPerson = -2;
  let i = 0;
  while (i < n) {
    const t = tokens[i]!;
    const prev = i > 0 ? tokens[i - 1]! : undefined;
    const next = tokens[i + 1];
    // Title + name: "Dr. Okafor", "Mrs Lee Chang", and in lower case "mr. larry lombardo".
    if (next !== undefined && TITLES.has(t.lower)) {
      const gap = text.slice(t.end, next.start);
      if ((gap === " " || gap === ". ") && classOf(next.lower) !== NameClass.Word) {
        const j = next.capital
          ? extendCapital(text, tokens, i + 1)
          : extendLower(text, tokens, i + 1);
        out.push({ start: t.start, end: tokens[j]!.end, type: "person" });
        lastPerson = j;
        i = j + 1;
        continue;
      }
    }
    if (!t.capital && t.lower.length < 3) {
      i++;
      continue;
    }
    const near = prev !== undefined && adjacent(text, prev, t);
    const introduced = near && introduces(tokens, i);
    const greeted = near && (introduced || GREETINGS.has(prev.lower));
    let j = -1;
    if (t.capital) {
      const first = classOf(t.lower);
      // The run of capitalised words (and name particles between them) starting here.
      const run = capitalRun(text, tokens, i);
      if (run.head) {
        // "Smith Ltd.", "Baker Street": the whole run names a company or a street.
        i = run.end + 2;
        continue;
      }
      if (first !== NameClass.Word) {
        const r = run.end;
        const afterName = coordinated(text, tokens, lastPerson, i);
        // After "in", "from", "at": a place or a company, unless it starts with a first name.
        const placeContext =
          prev !== undefined && PLACE_PREPOSITIONS.has(prev.lower) && !isFirstName(t.lower);
        // A lone double-barrelled surname ("Brown-Weaver") is more often a firm than a person.
        const firmLike = r === i && t.lower.includes("-") && !isFirstName(t.lower.split("-")[0]!);
        // Next to a bare number it is a street or a town of an address ("12 Drangahrauni",
        // "Eusebio Dávila 57"), not a person.
        const numbered =
          (prev !== undefined && adjacent(text, prev, t) && isNumberToken(prev)) ||
          (tokens[r + 1] !== undefined &&
            adjacent(text, tokens[r]!, tokens[r + 1]!) &&
            isNumberToken(tokens[r + 1]!));
        const blocked = (placeContext || firmLike || numbered) && !greeted && !afterName;
        if (first === NameClass.Listed && !t.sentenceStart && german === undefined)
          german = isGermanText(tokens);
        if (
          !blocked &&
          ((r > i && first >= NameClass.Listed) ||
            greeted ||
            afterName ||
            first === NameClass.Strong ||
            (first === NameClass.Medium && !t.sentenceStart) ||
            (first === NameClass.Listed && !t.sentenceStart && german === false))
        )
          j = r;
        else if (blocked) i = r;
      }
    } else {
      // Lower case: a name from the long list right after a greeting or an introduction
      // ("hey priya", "my name is nunzia"), a census first name after a mention word ("me
      // and sam"), or a census first name followed by a surname ("david lange").
      const c = classOf(t.lower);
      const first = c >= NameClass.Medium && isFirstName(t.lower);
      if (greeted || first) {
        const mentioned =
          first && prev !== undefined && MENTIONS.has(prev.lower) && adjacent(text, prev, t);
        const k = extendLower(text, tokens, i);
        if (
          (greeted && c >= NameClass.Listed) ||
          (introduced && c >= NameClass.Unknown) ||
          mentioned ||
          (first && k > i)
        )
          j = k;
      }
    }
    if (j >= 0) {
      out.push({ start: t.start, end: tokens[j]!.end, type: "person" });
      lastPerson = j;
      i = j + 1;
    } else i++;
  }
}

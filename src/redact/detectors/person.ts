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
 * - it is coordinated with a name already found ("Sousa and Ball"), or it is a full name
 *   coordinated before one ("Colombano Sacchet and Judy Smith");
 * - it is a name that is not also a common word and the subject of a reporting verb ("Jaron
 *   said", not "Police said"), or of a verb in the past tense ("Okonkwo scored twice");
 * - it is said to someone: at a sentence start before ", you/can/are…" ("Jovana, can you…"),
 *   or between a comma and the end of a sentence ("good luck, Charlotte!");
 * - it owns something, even at a sentence start ("Jovana's party");
 * - it is one of a list of three or more single words that holds first names ("Nimród, Kamal,
 *   Anna and Sergi"); a list of surnames alone is a firm ("Hills, Smith and Morissette");
 * - in lower case, two name words follow a mention word ("tell giocondo sodano"), or a name
 *   from any list stands beside "me" ("me and zackery", "radko rainold and me"), or, in a
 *   text with no capital letter at all, it is a census first name and nothing else;
 * - one capitalised word is a name that is nothing else ("Judy", "Kowalski"), or, away from a
 *   sentence start, a name that is only a rarer English word ("Lee"), a word in no list shaped
 *   like a surname of many languages ("Horvatinčić", "Gąsiorowski", "Virtanen"), or a name
 *   from the long list in a text that is not German (where every noun is capitalised).
 * Runs that end in a company, street or institution word ("Smith Ltd.", "Baker Street",
 * "Ortiz LLC"), words right after a kind of place in lower case ("the river Thames") or after
 * a word that opens a street's name ("Via Carlo Cattaneo"), runs beside a house number (even
 * coordinated with a name: "Marta and Kongensgade 12") and runs followed by a comma or line
 * break and a country's name ("Santa Cruz, Bolivia") are not people.
 *
 * Speed: every token is looked up once, in a cache from the token as written to a bit set of
 * everything the rules ask about it (its name class, whether it is a title, a greeting, a
 * particle, …), so the rules below work on small integers, and a word seen before costs one
 * hash lookup. Tokens live in reused typed arrays, not objects.
 */
import { FNV_OFFSET, FNV_PRIME, isUpper, WORD_CHAR } from "../chars.js";
import {
  countryNameAt,
  FIRST_NAME_BIT,
  isFirstName,
  NameClass,
  nameClass,
  nameInfo,
} from "../lexicon.js";
import { AUTOMATON_KEY } from "../name-automaton.js";
import type { Span } from "../span.js";
import type { TextFacts, Words } from "../text-facts.js";
import { addRun, JOINED } from "../text-facts.js";

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
  bot team support admin news ranch corner sarl sasu spa sro kft zrt bt oyj asa aps hermanos
  hijos asociados sons brothers research systems technologies solutions consulting software labs
  studios records media agency services industries enterprises ventures capital analytics
  logistics insurance motors airlines pharmaceuticals productions entertainment publishing`);
/**
 * Words that open a street's name in Romance and Slavic languages ("Via Carlo Cattaneo",
 * "Rue Victor Hugo", "ul. Lubartowska"): the capitalised words after one name a street, even
 * when they are a person's name.
 */
const STREET_LEADS = words(`via viale vicolo corso piazza piazzale largo strada contrada rotonda
  rua travessa avenida av avda calle carrer camino paseo plaza praça ronda rambla estrada rue
  cours chemin allée impasse quai boulevard bd ul ulica aleja utca náměstí nám třída`);
/** Words that follow a name said to someone ("Anna, can you…", "Marek, are you coming?"). */
const ADDRESSED = words(`you your can could would will please are do did have where when what
  how why thanks thank come don't let's`);
/**
 * Past-tense verbs without the regular "-ed" whose subject is usually a person ("Novak won",
 * "Ana spent a year"); a regular past tense ("scored", "argued") is known by its ending.
 */
const IRREGULAR_PAST = words(`went won spent gave got came left met thought knew felt saw took made
  became wrote ran sang began brought bought kept lost sent taught drove flew fought`);
/**
 * Endings of surnames in many languages ("Perić", "Sigurðsson", "Kowalski", "Nováková",
 * "Ivanov", "Shevchenko", "Beridze", "Popescu", "Papadopoulos", "Virtanen", "Öztürk"…): a
 * capitalised word in no list that ends so is taken as a surname.
 */
const SURNAME_ENDINGS = [
  "ić",
  "ič",
  "vić",
  "sson",
  "dóttir",
  "dottir",
  "sen",
  "ov",
  "ova",
  "ová",
  "ev",
  "eva",
  "enko",
  "shvili",
  "dze",
  "poulos",
  "akis",
  "idis",
  "escu",
  "eanu",
  "oğlu",
  "oglu",
  "yan",
  "ski",
  "ska",
  "cki",
  "cka",
  "ský",
  "ská",
  "wicz",
  "czyk",
  "czak",
  "chuk",
  "czuk",
  "ovich",
  "evich",
  "ovna",
  "evna",
  "nen",
  "ström",
  "strom",
  "qvist",
  "kvist",
];

/** `SURNAME_ENDINGS` by their last code unit, so a word is compared with a handful at most. */
const SURNAME_ENDINGS_BY_LAST: ReadonlyMap<number, readonly string[]> = (() => {
  const m = new Map<number, string[]>();
  for (const e of SURNAME_ENDINGS) {
    const last = e.charCodeAt(e.length - 1);
    const list = m.get(last) ?? [];
    list.push(e);
    m.set(last, list);
  }
  return m;
})();

/** Whether `lower` ends with one of `SURNAME_ENDINGS`. */
function hasSurnameEnding(lower: string): boolean {
  const list = SURNAME_ENDINGS_BY_LAST.get(lower.charCodeAt(lower.length - 1));
  if (list === undefined) return false;
  for (const e of list) if (lower.endsWith(e)) return true;
  return false;
}

/** US states: capitalised, often also surnames, never people in context. */
const REGIONS = words(`alabama alaska arizona arkansas california colorado connecticut delaware
  florida hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland
  massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma
  oregon pennsylvania tennessee texas utah vermont wisconsin wyoming`);
/**
 * Words of social-media writing that the noisy name list holds but that stand for someone
 * without naming them ("me and bae", "hey fam", "lil bro"): never a name.
 */
const SOCIAL_WORDS = words(`bae babe baby bro bros bruh sis fam hubby wifey bestie bestis bff bf gf
  boo homie homies lil mama papa mom mum dad dada nana nan granny grandma grandpa gramps bby
  babes hun hon sweetie lol lmao omg idk tbh ngl fr yall ya`);
/** Prepositions before places and companies ("from Gallup", "at Optigov", "in Madrid"). */
const PLACE_PREPOSITIONS = words("in from at near into inside outside across around via");
/** Word pairs that introduce a name: "my name is", "call me", "says". */
const INTRODUCTIONS = words(
  "name:is call:me calls:me called:me this:is i:am i'm says said named nicknamed",
);
/** The second word of the two-word introductions above. */
const INTRODUCTION_ENDS = words("is me am");
/** German function words: two or more in a text mean its nouns are capitalised too. */
const GERMAN = words(`der die das und ist nicht ich du er sie wir ihr mit auf für von zu bei
  ein eine einen dem den des im am um aus nach noch auch aber wenn mich dich uns bin sind war`);
const CONJUNCTIONS = words("and or und et y e en och i");
/** Lower-case words that name the place after them ("the river Thames", "lake Bled"). */
const PLACE_KINDS = words(`river lake mount mt sea bay island isle valley county city town
  village province district region street road avenue station airport bridge park hotel`);
/** "me": "me and sam", "sam and me". */
const ME_WORDS = words("me");
/** Reporting verbs: a name is their usual subject ("Piera said", "Tom Ward told us"). */
const REPORTING = words("said says told asks asked wrote writes replied texted tweeted");

// What the rules ask about a token, as bits of one number (the low 3 bits are its class).
const CLASS_MASK = 7;
const TITLE = 1 << 3;
const PARTICLE = 1 << 4;
const GREETING = 1 << 5;
const MENTION = 1 << 6;
const NOT_PERSON_HEAD = 1 << 7;
const PLACE_PREPOSITION = 1 << 8;
const INTRODUCTION = 1 << 9;
const INTRODUCTION_END = 1 << 10;
const GERMAN_WORD = 1 << 11;
const CONJUNCTION = 1 << 12;
/** A census first name. */
const FIRST = 1 << 13;
/** Hyphenated, and its first part is not a census first name ("Brown-Weaver"). */
const FIRM_LIKE = 1 << 14;
/** Capitalised and not all capitals ("Judy", not "DNI" or "NEWS"). */
const CAPITAL = 1 << 15;
/** Fewer than three characters in lower case. */
const SHORT = 1 << 16;

/** A region word ("Texas"): never a person, whatever the name lists say. */
const REGION = 1 << 17;
/** A reporting verb ("said"). */
const REPORTING_VERB = 1 << 18;
/** "me". */
const ME = 1 << 19;
/** A kind of place ("river"). */
const PLACE_KIND = 1 << 20;
/** A social-media word for a person ("bae", "bro"). */
const SOCIAL_WORD = 1 << 21;
/** In no list and shaped like a surname ("Horvatinčić", "Gąsiorowski"). */
const SURNAME_SHAPE = 1 << 22;
/** Opens a street's name ("Via", "Rue"). */
const STREET_LEAD = 1 << 23;
/** Follows a name said to someone ("you", "can"). */
const ADDRESSED_WORD = 1 << 24;
/** A past-tense verb in lower case ("scored", "won"). */
const PAST_VERB = 1 << 25;
/** All capitals, two or more letters ("LLC", "NEWS"). */
const SHOUTED = 1 << 26;
/** The first word of a two-word introduction ("name" of "name is", "call" of "call me"). */
const INTRODUCTION_PAIR = 1 << 27;

/** Word -> the bits of the word lists above it belongs to (one lookup instead of one per list). */
const LISTED_BITS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  const mark = (set: ReadonlySet<string>, bit: number): void => {
    for (const w of set) m.set(w, (m.get(w) ?? 0) | bit);
  };
  mark(TITLES, TITLE);
  mark(PARTICLES, PARTICLE);
  mark(GREETINGS, GREETING);
  mark(MENTIONS, MENTION);
  mark(NOT_PERSON_HEADS, NOT_PERSON_HEAD);
  mark(PLACE_PREPOSITIONS, PLACE_PREPOSITION);
  mark(INTRODUCTIONS, INTRODUCTION);
  mark(INTRODUCTION_ENDS, INTRODUCTION_END);
  mark(GERMAN, GERMAN_WORD);
  mark(CONJUNCTIONS, CONJUNCTION);
  mark(REGIONS, REGION);
  mark(REPORTING, REPORTING_VERB);
  mark(ME_WORDS, ME);
  mark(PLACE_KINDS, PLACE_KIND);
  mark(SOCIAL_WORDS, SOCIAL_WORD);
  mark(STREET_LEADS, STREET_LEAD);
  mark(ADDRESSED, ADDRESSED_WORD);
  mark(IRREGULAR_PAST, PAST_VERB);
  mark(
    new Set([...INTRODUCTIONS].filter((w) => w.includes(":")).map((w) => w.split(":")[0]!)),
    INTRODUCTION_PAIR,
  );
  return m;
})();

/**
 * The class of a token, looking at the parts of a hyphenated name ("Jean-Luc", "Smith-Jones");
 * `info` is the token's `nameInfo`.
 */
function classOf(lower: string, listed: number, info: number): NameClass {
  if ((listed & (NOT_PERSON_HEAD | REGION | SOCIAL_WORD | STREET_LEAD)) !== 0)
    return NameClass.Word;
  const whole = (info & CLASS_MASK) as NameClass;
  if (whole !== NameClass.Unknown || !lower.includes("-")) return whole;
  let best: NameClass = NameClass.Word;
  for (const part of lower.split("-")) best = Math.max(best, nameClass(part)) as NameClass;
  return best;
}

/** Everything the rules ask about a token as written (see the bits above). */
function describe(word: string): number {
  const lower = word.toLowerCase();
  // An all-capitals word ("DNI", "NEWS") is an acronym or shouting, not a capitalised name.
  const shouted = word.length > 1 && isUpper(word.charCodeAt(1)) && word === word.toUpperCase();
  const listed = LISTED_BITS.get(lower) ?? 0;
  const info = nameInfo(lower);
  let bits = classOf(lower, listed, info) | (listed & ~REGION);
  if ((info & FIRST_NAME_BIT) !== 0) bits |= FIRST;
  if (lower.includes("-") && !isFirstName(lower.split("-")[0]!)) bits |= FIRM_LIKE;
  if (isUpper(word.charCodeAt(0)) && !shouted) bits |= CAPITAL;
  if (shouted) bits |= SHOUTED;
  if (lower.length < 3) bits |= SHORT;
  const c = bits & CLASS_MASK;
  if (c === NameClass.Unknown && lower.length >= 5 && hasSurnameEnding(lower))
    bits |= SURNAME_SHAPE;
  // A regular past tense: an English word ending in "-ed" ("scored"), not "-eed" ("need").
  if (c === NameClass.Word && lower.length >= 5 && lower.endsWith("ed") && !lower.endsWith("eed"))
    bits |= PAST_VERB;
  // A past tense only in lower case: "Won" or "Left" may start a heading.
  if (word !== lower) bits &= ~PAST_VERB;
  return bits;
}

/**
 * Token as written -> its bits, in a two-way set-associative cache keyed by the token's code
 * units (as a CPU cache is): a token hashes to one set of two slots, a lookup compares the
 * stored hash, length and code units with the token in place, first in the set's first slot
 * (the one used last), then in its second. A hit in the second slot swaps the two; a miss
 * moves the first slot's token to the second, dropping the one there (the least recently
 * used), and fills the first. A slot is 32 bytes of one typed array (hash, bits, length and
 * up to `INLINE` code units) and a set is one 64-byte memory line, so a lookup touches one
 * line, not a line of hashes, a line of string pointers and the string itself; only a token
 * longer than `INLINE` also keeps its string, in `longKeys`. A seen token thus costs no
 * string; the table has a fixed size whatever the input, and keeps the vocabulary that
 * repeats (function words, common names) while words seen once pass through. With one slot
 * per hash (direct-mapped, the same 8 MB) two words that repeat could keep evicting each
 * other: after 50,000 warm-up posts, 200,000 bench posts cost 47,000 look-ups in the word
 * lists (`describe`) and the same posts again 20,000; with two ways 35,000 and 3,900.
 */
const SLOTS = 1 << 18;
/** Sets of two slots: a set's slots are `2 * set` and `2 * set + 1`. */
const SET_MASK = SLOTS / 2 - 1;
/** Int32s per slot: hash, bits, length, then the code units, two per int (low half first). */
const SLOT_INTS = 8;
/** Code units stored in a slot itself (the 5 ints after hash, bits and length). */
const INLINE = 10;
const cacheSlots = new Int32Array(SLOTS * SLOT_INTS);
/**
 * Per slot: the stored token when it is longer than `INLINE`, else "". Filled, so V8 keeps
 * it packed. A stored length of 0 marks a free slot (a token is never empty).
 */
const longKeys: string[] = new Array<string>(SLOTS).fill("");

/** FNV-1a over the code units of `text[start, end)`. */
function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

function sameWord(key: string, text: string, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = start; i < end; i++)
    if (key.charCodeAt(i - start) !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * The bits of an ASCII token whose every hyphen-separated part holds a digit ("2024",
 * "A56319335", "555-0123"), or -1 for any other token. Such a token is in no list (see
 * `hasAsciiDigit`) and neither is any part of it, so its bits follow from its characters
 * alone, with no lookup and nothing remembered: these are most of the distinct tokens in
 * posts, and each would otherwise take a cache slot once and never be seen again.
 */
function digitTokenBits(text: string, start: number, end: number): number {
  let partDigit = false;
  let hyphen = false;
  let lowerCase = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    if (c >= 48 && c <= 57) partDigit = true;
    else if (c === 45) {
      if (!partDigit) return -1;
      hyphen = true;
      partDigit = false;
    } else if (c >= 97 && c <= 122) lowerCase = true;
  }
  if (!partDigit) return -1;
  let bits: number = NameClass.Unknown;
  // A hyphenated token's first part holds a digit, so it is not a first name.
  if (hyphen) bits |= FIRM_LIKE;
  if (end - start < 3) bits |= SHORT;
  // In ASCII, "the same in upper case" means "no lower-case letter".
  const shouted = end - start > 1 && isUpper(text.charCodeAt(start + 1)) && !lowerCase;
  if (isUpper(text.charCodeAt(start)) && !shouted) bits |= CAPITAL;
  return bits;
}

/** Whether the code units stored inline at `base` are those of `text[start, end)`. */
function sameInline(base: number, text: string, start: number, end: number): boolean {
  let k = base + 3;
  for (let i = start; i < end; i += 2, k++) {
    const hi = i + 1 < end ? text.charCodeAt(i + 1) : 0;
    if (cacheSlots[k] !== (text.charCodeAt(i) | (hi << 16))) return false;
  }
  return true;
}

/** Whether cache slot `slot` holds the token `text[start, end)`, whose `hashOf` is `h`. */
function holds(slot: number, text: string, start: number, end: number, h: number): boolean {
  const base = slot * SLOT_INTS;
  const length = end - start;
  return (
    cacheSlots[base] === h &&
    cacheSlots[base + 2] === length &&
    (length <= INLINE
      ? sameInline(base, text, start, end)
      : sameWord(longKeys[slot]!, text, start, end))
  );
}

/** Swaps the contents of the cache slots `a` and `b`. */
function swapSlots(a: number, b: number): void {
  const baseA = a * SLOT_INTS;
  const baseB = b * SLOT_INTS;
  for (let k = 0; k < SLOT_INTS; k++) {
    const x = cacheSlots[baseA + k]!;
    cacheSlots[baseA + k] = cacheSlots[baseB + k]!;
    cacheSlots[baseB + k] = x;
  }
  const key = longKeys[a]!;
  longKeys[a] = longKeys[b]!;
  longKeys[b] = key;
}

/** The bits of the token `text[start, end)`, whose `hashOf` is `h`. */
function bitsOf(text: string, start: number, end: number, h: number): number {
  const slot = (h & SET_MASK) << 1;
  if (holds(slot, text, start, end, h)) return cacheSlots[slot * SLOT_INTS + 1]!;
  return olderBitsOf(text, start, end, h, slot);
}

/** `bitsOf` when the token is not in the first slot of its set, `slot`. */
function olderBitsOf(text: string, start: number, end: number, h: number, slot: number): number {
  const base = slot * SLOT_INTS;
  if (holds(slot + 1, text, start, end, h)) {
    swapSlots(slot, slot + 1);
    return cacheSlots[base + 1]!;
  }
  // The first slot's token becomes the set's older one; the token in the second is dropped.
  for (let k = base; k < base + SLOT_INTS; k++) cacheSlots[k + SLOT_INTS] = cacheSlots[k]!;
  longKeys[slot + 1] = longKeys[slot]!;
  const length = end - start;
  const word = text.slice(start, end);
  const bits = describe(word);
  cacheSlots[base] = h;
  cacheSlots[base + 1] = bits;
  cacheSlots[base + 2] = length;
  if (length <= INLINE) {
    longKeys[slot] = "";
    let k = base + 3;
    for (let i = start; i < end; i += 2, k++) {
      const hi = i + 1 < end ? text.charCodeAt(i + 1) : 0;
      cacheSlots[k] = text.charCodeAt(i) | (hi << 16);
    }
  } else longKeys[slot] = word;
  return bits;
}

function isApostrophe(c: number): boolean {
  return c === 39 || c === 0x2019;
}

/** The tokens of the text being scanned, in reused arrays (grown when a text needs more). */
let tokStart = new Int32Array(256);
/** End without a possessive "'s". */
let tokEnd = new Int32Array(256);
let tokBits = new Int32Array(256);
/**
 * Bit 1 (`SENTENCE_START`) when a sentence ends between the previous token and this one,
 * bit 2 (`POSSESSIVE`) when the token ended in a possessive "'s", bit 8 (`SPACED`) when it
 * is adjacent to the previous one (see `adjacent`), `JOINED` (4) when a hyphen or apostrophe
 * joins two of its words.
 */
let tokSentence = new Uint8Array(256);
/** Per token: FNV-1a over the member-name automaton's keys of its characters (see `Words`). */
let tokKeyHash = new Int32Array(256);
const SENTENCE_START = 1;
const POSSESSIVE = 2;
/** Only spaces (one or two, no punctuation, no line break) separate it from the previous token. */
const SPACED = 8;
/** Set by `tokenize`: whether some token of the text starts with a capital letter. */
let textHasCapital = false;

function grow(): void {
  const size = tokStart.length * 2;
  const copy = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
    b.set(a);
    return b;
  };
  tokStart = copy(tokStart, new Int32Array(size));
  tokEnd = copy(tokEnd, new Int32Array(size));
  tokBits = copy(tokBits, new Int32Array(size));
  tokSentence = copy(tokSentence, new Uint8Array(size));
  tokKeyHash = copy(tokKeyHash, new Int32Array(size));
}

/** The text whose tokens the arrays below hold, and their number. */
let tokenizedText = "";
let tokenCount = 0;

const sharedWords: Words = {
  count: 0,
  start: tokStart,
  end: new Int32Array(256),
  flags: tokSentence,
  keyHash: tokKeyHash,
};

/**
 * The words of `text` for the member-name detector when the tokens held are `text`'s (the
 * redactor's pre-scan made them), else null. Reused between calls.
 */
export function wordsOf(text: string): Words | null {
  if (text !== tokenizedText) return null;
  const n = tokenCount;
  if (sharedWords.end.length < tokEnd.length) sharedWords.end = new Int32Array(tokEnd.length);
  const end = sharedWords.end;
  for (let k = 0; k < n; k++) end[k] = tokEnd[k]! + ((tokSentence[k]! & POSSESSIVE) !== 0 ? 2 : 0);
  sharedWords.count = n;
  sharedWords.start = tokStart;
  sharedWords.flags = tokSentence;
  sharedWords.keyHash = tokKeyHash;
  return sharedWords;
}

/**
 * The redactor's pre-scan and this detector's tokeniser in one pass: fills `facts` for `text`
 * as `scanFacts` does and tokenises it, so that `detectPersons` on the same text next reuses
 * the tokens.
 */
export function scanText(text: string, facts: TextFacts): TextFacts {
  tokenCount = tokenize(text, facts);
  tokenizedText = text;
  return facts;
}

/**
 * Splits `text` into tokens (words with inner hyphens and apostrophes); returns their count.
 * With `facts`, also counts what the redactor's pre-scan counts (`text-facts.ts`) on the way:
 * `@ . : /` are never inside a token, and a run of ASCII digits never crosses a token's edge.
 */
function tokenize(text: string, facts: TextFacts | null): number {
  const n = text.length;
  let count = 0;
  let sentenceStart = 1;
  let i = 0;
  let capitals = 0;
  let digits = 0;
  let ats = 0;
  let dots = 0;
  let colons = 0;
  let slashes = 0;
  if (facts !== null) facts.runs = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (WORD_CHAR[c] !== 1) {
      // . ! ? and line breaks end a sentence.
      if (c === 46 || c === 33 || c === 63 || c === 10) sentenceStart = 1;
      if (c === 64) ats++;
      else if (c === 58) colons++;
      else if (c === 46) dots++;
      else if (c === 47) slashes++;
      i++;
      continue;
    }
    const start = i;
    // The token's hash (as `hashOf`) and its ASCII digits, in the same pass.
    let h = FNV_OFFSET;
    // The same over the member-name automaton's keys, for `wordsOf`.
    let keyHash = FNV_OFFSET;
    let joined = 0;
    const digitsBefore = digits;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (WORD_CHAR[d] === 1) {
        h = Math.imul(h ^ d, FNV_PRIME);
        keyHash = Math.imul(keyHash ^ AUTOMATON_KEY[d]!, FNV_PRIME);
        if (d >= 48 && d <= 57) digits++;
        i++;
      } else if (
        (d === 45 || isApostrophe(d)) &&
        i + 1 < n &&
        WORD_CHAR[text.charCodeAt(i + 1)] === 1
      ) {
        const e = text.charCodeAt(i + 1);
        h = Math.imul(Math.imul(h ^ d, FNV_PRIME) ^ e, FNV_PRIME);
        if (e >= 48 && e <= 57) digits++;
        joined = JOINED;
        i += 2;
      } else break;
    }
    const digit = digits !== digitsBefore;
    if (digit && facts !== null) addRuns(text, start, i, facts);
    let end = i;
    let possessive = 0;
    // Possessive: "Judy's" names Judy.
    if (
      end - start > 3 &&
      isApostrophe(text.charCodeAt(end - 2)) &&
      (text.charCodeAt(end - 1) | 32) === 115
    ) {
      end -= 2;
      h = hashOf(text, start, end);
      possessive = POSSESSIVE;
    }
    if (count === tokStart.length) grow();
    let spaced = 0;
    if (count > 0) {
      const from = tokEnd[count - 1]!;
      if (start - from <= 2) {
        spaced = SPACED;
        for (let k = from; k < start; k++) if (text.charCodeAt(k) !== 32) spaced = 0;
      }
    }
    tokStart[count] = start;
    tokEnd[count] = end;
    const numeric = digit ? digitTokenBits(text, start, end) : -1;
    const bits = numeric >= 0 ? numeric : bitsOf(text, start, end, h);
    tokBits[count] = bits;
    capitals |= bits;
    tokSentence[count] = sentenceStart | possessive | spaced | joined;
    tokKeyHash[count] = keyHash;
    count++;
    sentenceStart = 0;
  }
  textHasCapital = (capitals & (CAPITAL | SHOUTED)) !== 0;
  if (facts !== null) {
    facts.digits = digits;
    facts.ats = ats;
    facts.dots = dots;
    facts.colons = colons;
    facts.slashes = slashes;
  }
  return count;
}

/** Appends the runs of ASCII digits in `text[start, end)` (one token) to `facts`. */
function addRuns(text: string, start: number, end: number, facts: TextFacts): void {
  let run = -1;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      if (run < 0) run = k;
    } else if (run >= 0) {
      addRun(facts, run, k);
      run = -1;
    }
  }
  if (run >= 0) addRun(facts, run, end);
}

function cls(i: number): NameClass {
  return (tokBits[i]! & CLASS_MASK) as NameClass;
}

function has(i: number, bit: number): boolean {
  return (tokBits[i]! & bit) !== 0;
}

/**
 * Whether only spaces (one or two, no punctuation, no line break) separate token `b` from the
 * token before it (found by `tokenize`).
 */
function adjacent(b: number): boolean {
  return (tokSentence[b]! & SPACED) !== 0;
}

function lowerAt(text: string, i: number): string {
  return text.slice(tokStart[i]!, tokEnd[i]!).toLowerCase();
}

/** Whether the words before token `i` introduce a name ("my name is X", "call me X", "says X"). */
function introduces(text: string, i: number): boolean {
  if (i < 1) return false;
  if (has(i - 1, INTRODUCTION)) return true;
  if (!has(i - 1, INTRODUCTION_END) || i < 2 || !has(i - 2, INTRODUCTION_PAIR)) return false;
  return INTRODUCTIONS.has(`${lowerAt(text, i - 2)}:${lowerAt(text, i - 1)}`);
}

/** Whether token `i` is coordinated with a name ending at token `last`: "A, B", "A & B", "A and B". */
function coordinated(text: string, last: number, i: number): boolean {
  if (last < 0) return false;
  if (last === i - 1) return /^(?:,\s?|\s&\s)$/.test(text.slice(tokEnd[last]!, tokStart[i]!));
  if (last !== i - 2) return false;
  return has(i - 1, CONJUNCTION) && adjacent(i - 1) && adjacent(i);
}

/** Whether "and me" (or another conjunction and "me") follows token `k`. */
function meAfter(n: number, k: number): boolean {
  return (
    k + 2 < n && has(k + 1, CONJUNCTION) && has(k + 2, ME) && adjacent(k + 1) && adjacent(k + 2)
  );
}

function isNumberToken(text: string, i: number): boolean {
  const c = text.charCodeAt(tokStart[i]!);
  return c >= 48 && c <= 57;
}

function isGermanText(n: number): boolean {
  let k = 0;
  for (let i = 0; i < n; i++) if (has(i, GERMAN_WORD) && ++k >= 2) return true;
  return false;
}

/** Extends a name from token `j` over adjacent capitalised words that are not ordinary words. */
function extendCapital(n: number, j: number): number {
  let k = j;
  while (k + 1 < n && has(k + 1, CAPITAL) && adjacent(k + 1) && cls(k + 1) !== NameClass.Word) k++;
  return k;
}

/** Extends a lower-case name from token `j` by one more name word ("larry lombardo"). */
function extendLower(n: number, j: number): number {
  return j + 1 < n && !has(j + 1, CAPITAL) && adjacent(j + 1) && cls(j + 1) >= NameClass.Listed
    ? j + 1
    : j;
}

/** Set by `capitalRun`: whether a company or street word ended the run. */
let runHead = false;

/** The last token of the capitalised run starting at `i` (and `runHead`). */
function capitalRun(n: number, i: number): number {
  runHead = false;
  let j = i;
  while (j + 1 < n && adjacent(j + 1)) {
    const nx = j + 1;
    if (has(nx, CAPITAL)) {
      if (cls(nx) === NameClass.Word) {
        runHead = has(nx, NOT_PERSON_HEAD);
        return j;
      }
      j++;
    } else if (has(nx, SHOUTED) && has(nx, NOT_PERSON_HEAD)) {
      // "Ortiz LLC", "Drake PLC".
      runHead = true;
      return j;
    } else if (has(nx, PARTICLE)) {
      // One or more particles, then a capitalised word: "van der Voet", "de la Cruz".
      let k = nx;
      while (k + 1 < n && has(k + 1, PARTICLE) && adjacent(k + 1)) k++;
      if (k + 1 >= n || !has(k + 1, CAPITAL) || !adjacent(k + 1)) break;
      j = k;
    } else break;
  }
  return j;
}

/** Appends a `person` span for each name found in `text`. */
export function detectPersons(text: string, out: Span[]): void {
  if (text !== tokenizedText) {
    tokenCount = tokenize(text, null);
    tokenizedText = text;
  }
  const n = tokenCount;
  let german: boolean | undefined;
  /** Index of the last token of the last person found, for coordination. */
  let lastPerson = -2;
  let i = 0;
  while (i < n) {
    const bits = tokBits[i]!;
    const capital = (bits & CAPITAL) !== 0;
    // Title + name: "Dr. Okafor", "Mrs Lee Chang", and in lower case "mr. larry lombardo".
    if (i + 1 < n && (bits & TITLE) !== 0) {
      const from = tokEnd[i]!;
      const gap = tokStart[i + 1]! - from;
      const spaced =
        (gap === 1 && text.charCodeAt(from) === 32) ||
        (gap === 2 && text.charCodeAt(from) === 46 && text.charCodeAt(from + 1) === 32);
      if (spaced && cls(i + 1) !== NameClass.Word) {
        const j = has(i + 1, CAPITAL) ? extendCapital(n, i + 1) : extendLower(n, i + 1);
        out.push({ start: tokStart[i]!, end: tokEnd[j]!, type: "person" });
        lastPerson = j;
        i = j + 1;
        continue;
      }
    }
    if (!capital && (bits & SHORT) !== 0) {
      i++;
      continue;
    }
    const prev = i - 1;
    const near = i > 0 && adjacent(i);
    const introduced = near && introduces(text, i);
    const greeted = near && (introduced || has(prev, GREETING));
    let j = -1;
    if (capital) {
      const first = (bits & CLASS_MASK) as NameClass;
      // The run of capitalised words (and name particles between them) starting here.
      const r = capitalRun(n, i);
      if (runHead) {
        // "Smith Ltd.", "Baker Street": the whole run names a company or a street.
        i = r + 2;
        continue;
      }
      // A list of three or more single capitalised words: people or a firm (see `listAt`).
      if (r === i && first !== NameClass.Word && text.charCodeAt(tokEnd[i]!) === 44) {
        const last = listAt(text, n, i);
        if (last > i) {
          if (listOfPeople) {
            for (let k = i; k <= last; k++)
              if (tokBits[k]! & CAPITAL)
                out.push({ start: tokStart[k]!, end: tokEnd[k]!, type: "person" });
            lastPerson = last;
          }
          i = last + 1;
          continue;
        }
      }
      if (first !== NameClass.Word) {
        const afterName = coordinated(text, lastPerson, i);
        // After "in", "from", "at": a place or a company, unless it starts with a first name.
        // After a kind of place in lower case ("the river Thames"): that place's name.
        // After a word that opens a street's name: the street ("Via Carlo Cattaneo").
        const placeContext =
          (i > 0 && has(prev, PLACE_PREPOSITION) && (bits & FIRST) === 0) ||
          (near && has(prev, PLACE_KIND) && !has(prev, CAPITAL)) ||
          (near && has(prev, STREET_LEAD) && has(prev, CAPITAL));
        // A lone double-barrelled surname ("Brown-Weaver") is more often a firm than a person.
        const firmLike = r === i && (bits & FIRM_LIKE) !== 0;
        // Next to a bare number it is a street or a town of an address ("12 Drangahrauni",
        // "Eusebio Dávila 57"), not a person.
        const numbered =
          (near && isNumberToken(text, prev)) ||
          (r + 1 < n && adjacent(r + 1) && isNumberToken(text, r + 1));
        // Before a country's name after a comma or a line break: a town ("Lady Frere,
        // Colombia", "Den Haag\nIceland").
        const beforeCountry = countryFollows(text, n, r);
        const blocked =
          ((placeContext || firmLike) && !greeted && !afterName) ||
          ((numbered || beforeCountry) && !greeted);
        const sentenceStart = (tokSentence[i]! & SENTENCE_START) !== 0;
        const shaped = (bits & SURNAME_SHAPE) !== 0;
        if (first === NameClass.Listed && !sentenceStart && german === undefined)
          german = isGermanText(n);
        // The subject of a reporting verb ("Jaron said", "Tom Ward told us"); not a name that
        // is also a common word ("Police said", "Apple said").
        // The subject of a verb in the past tense likewise ("Kowalczyk scored twice").
        const reported =
          ((first >= NameClass.Listed && first !== NameClass.Weak) || shaped) &&
          r + 1 < n &&
          has(r + 1, REPORTING_VERB | PAST_VERB) &&
          adjacent(r + 1);
        // Someone spoken to: "Vittore, can I…" at a sentence start, "…, Charlotte!" at its end.
        const nameLike =
          (first >= NameClass.Listed && first !== NameClass.Weak) || shaped || (bits & FIRST) !== 0;
        const addressed =
          nameLike &&
          ((sentenceStart && addressedAfter(text, n, r)) || addressedAtEnd(text, n, i, r));
        // An owner, even at a sentence start: "Jovana's party", "Tarja Koivisto's novel".
        const owner = nameLike && (tokSentence[r]! & POSSESSIVE) !== 0;
        if (
          !blocked &&
          ((r > i && first >= NameClass.Listed) ||
            reported ||
            greeted ||
            afterName ||
            addressed ||
            owner ||
            first === NameClass.Strong ||
            ((first === NameClass.Medium || shaped) && !sentenceStart) ||
            (first === NameClass.Listed && !sentenceStart && german === false))
        )
          j = r;
        else if (blocked) i = r;
      }
    } else {
      // Lower case: a name from the long list right after a greeting or an introduction
      // ("hey priya", "my name is nunzia"), a census first name after a mention word ("me
      // and sam"), or a census first name followed by a surname ("david lange").
      const c = (bits & CLASS_MASK) as NameClass;
      const first = c >= NameClass.Medium && (bits & FIRST) !== 0;
      const afterMention = near && has(prev, MENTION);
      // "me and X" before it.
      const withMe = i >= 2 && near && has(prev, CONJUNCTION) && has(i - 2, ME) && adjacent(prev);
      // After a word that opens a street's name: the street ("cours franklin roosevelt").
      if (near && has(prev, STREET_LEAD)) {
        i = extendLower(n, i) + 1;
        continue;
      }
      // In a text with no capital letter at all, a census first name that is nothing else
      // ("why is samantha so quiet").
      const uncased = !textHasCapital && c === NameClass.Strong && (bits & FIRST) !== 0;
      // The name's last token (one more name word, maybe), found only where a rule below can
      // ask: an ordinary word (most lower-case tokens) needs it only after a greeting.
      const k = uncased || greeted || c >= NameClass.Listed ? extendLower(n, i) : i;
      // In a name list and not also a common word ("coffee", "mark").
      const nameLike = c >= NameClass.Listed && c !== NameClass.Weak;
      const nextToMe = nameLike && (withMe || meAfter(n, k));
      if (uncased) j = k;
      else if (greeted || first || nextToMe || (c >= NameClass.Listed && afterMention)) {
        const mentioned = first && afterMention;
        if (
          (greeted && c >= NameClass.Listed) ||
          (introduced && c >= NameClass.Unknown) ||
          mentioned ||
          (first && k > i) ||
          // Two name words after a mention word ("tell giocondo sodano").
          (afterMention && k > i) ||
          // Beside "me": "me and zackery", "radko rainold and me".
          nextToMe
        )
          j = k;
      }
    }
    if (j >= 0) {
      const a = coordinatedBefore(text, lastPerson, i);
      if (a >= 0) out.push({ start: tokStart[a]!, end: tokEnd[i - 2]!, type: "person" });
      out.push({ start: tokStart[i]!, end: tokEnd[j]!, type: "person" });
      lastPerson = j;
      i = j + 1;
    } else i++;
  }
}

/** Whether `, ` and then a word said to someone ("you", "can") follow token `r`. */
function addressedAfter(text: string, n: number, r: number): boolean {
  const e = tokEnd[r]!;
  return (
    r + 1 < n &&
    tokStart[r + 1] === e + 2 &&
    text.charCodeAt(e) === 44 &&
    text.charCodeAt(e + 1) === 32 &&
    has(r + 1, ADDRESSED_WORD)
  );
}

/** Whether the run `i..r` stands between a comma and the end of a sentence: "…, Charlotte!". */
function addressedAtEnd(text: string, n: number, i: number, r: number): boolean {
  const s = tokStart[i]!;
  if (s < 2 || text.charCodeAt(s - 1) !== 32 || text.charCodeAt(s - 2) !== 44) return false;
  const e = tokEnd[r]!;
  if (e === text.length) return true;
  const c = text.charCodeAt(e);
  if (c !== 33 && c !== 63 && c !== 46) return false;
  const after = e + 1 < text.length ? text.charCodeAt(e + 1) : 32;
  return after === 32 || after === 10 || after === 33 || after === 63 || r + 1 >= n;
}

/**
 * Whether a country's name follows token `r` after a comma or a line break ("Lady Frere,
 * Colombia", "Den Haag\n Iceland"), so that the run ending at `r` is a town.
 */
function countryFollows(text: string, n: number, r: number): boolean {
  if (r + 1 >= n || !has(r + 1, CAPITAL | SHOUTED)) return false;
  const from = tokEnd[r]!;
  const to = tokStart[r + 1]!;
  if (to - from > 4) return false;
  let sep = false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 44 || c === 10) sep = true;
    else if (c !== 32) return false;
  }
  return sep && countryNameAt(text, to, lowerAt(text, r + 1));
}

/** Set by `listAt`: whether the list found names people (else a firm). */
let listOfPeople = false;

/**
 * The last token of a list of three or more single capitalised words starting at token `i`
 * ("Ana, Liam, Oskar and Mia", "Hills, Smyth and Morissette"), or -1. Such a list names
 * people when it holds a census first name and at least as many of them as census surnames
 * that are not first names and words shaped like surnames (words only in the noisy list,
 * often first names of other countries, count for neither), and a firm named after its
 * partners otherwise (`listOfPeople`).
 */
function listAt(text: string, n: number, i: number): number {
  let k = i;
  let firsts = 0;
  let surnames = 0;
  let items = 1;
  for (;;) {
    const b = tokBits[k]!;
    if ((b & CAPITAL) === 0 || (b & CLASS_MASK) === NameClass.Word) return -1;
    if ((b & FIRST) !== 0) firsts++;
    else if ((b & CLASS_MASK) >= NameClass.Weak || (b & SURNAME_SHAPE) !== 0) surnames++;
    const e = tokEnd[k]!;
    if (k + 1 >= n) return -1;
    const gap = tokStart[k + 1]! - e;
    if (gap === 2 && text.charCodeAt(e) === 44 && text.charCodeAt(e + 1) === 32) {
      items++;
      // ", X" or ", and X".
      if (has(k + 1, CONJUNCTION) && !has(k + 1, CAPITAL)) {
        if (k + 2 >= n || !adjacent(k + 2)) return -1;
        k += 2;
        break;
      }
      k++;
      continue;
    }
    items++;
    if (has(k + 1, CONJUNCTION) && !has(k + 1, CAPITAL) && adjacent(k + 1)) {
      if (k + 2 >= n || !adjacent(k + 2)) return -1;
      k += 2;
      break;
    }
    if (gap === 3 && text.charCodeAt(e + 1) === 38 && text.charCodeAt(e) === 32) {
      k++;
      break;
    }
    return -1;
  }
  // The last word, alone (not the start of a longer name or a firm's "… and Sons Ltd").
  const b = tokBits[k]!;
  if ((b & CAPITAL) === 0 || (b & CLASS_MASK) === NameClass.Word) return -1;
  if (k + 1 < n && adjacent(k + 1) && has(k + 1, CAPITAL)) return -1;
  if ((b & FIRST) !== 0) firsts++;
  else if ((b & CLASS_MASK) >= NameClass.Weak || (b & SURNAME_SHAPE) !== 0) surnames++;
  if (items < 3) return -1;
  listOfPeople = firsts >= surnames && firsts > 0;
  return k;
}

/**
 * The first token of a full name coordinated before a name found at token `i` ("Heloísa
 * Albuquerque and Eloá Macedo"): two or more adjacent capitalised words, none an ordinary,
 * company or street word, then a conjunction right before `i`, after the last person found
 * (`last`) and not after a place preposition or a number. -1 when there is none.
 */
function coordinatedBefore(text: string, last: number, i: number): number {
  const b = i - 2;
  if (b <= last + 1 || !has(i - 1, CONJUNCTION)) return -1;
  if (!adjacent(i - 1) || !adjacent(i)) return -1;
  let a = b + 1;
  while (
    a - 1 > last &&
    has(a - 1, CAPITAL) &&
    cls(a - 1) !== NameClass.Word &&
    !has(a - 1, NOT_PERSON_HEAD) &&
    (a - 1 === b || adjacent(a))
  )
    a--;
  if (b - a < 1) return -1;
  if (a > 0 && adjacent(a) && (has(a - 1, PLACE_PREPOSITION) || isNumberToken(text, a - 1)))
    return -1;
  return a;
}

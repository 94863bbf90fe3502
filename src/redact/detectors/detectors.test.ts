import { describe, expect, it } from "vitest";
import type { Span } from "../span.js";
import { resolveSpans } from "../span.js";
import { detectAddresses } from "./address.js";
import { detectCards, luhnValid } from "./card.js";
import { detectEmails } from "./email.js";
import { detectHandles } from "./handle.js";
import { detectIbans, ibanValid } from "./iban.js";
import { detectIps } from "./ip.js";
import { detectNationalIds, verhoeffValid } from "./national-id.js";
import { detectPersons } from "./person.js";
import { detectPhones } from "./phone.js";
import { detectUrls } from "./url.js";

type Detect = (text: string, out: Span[]) => void;

/** The substrings a detector reports, overlaps resolved as the redactor resolves them. */
function found(detect: Detect, text: string): string[] {
  const out: Span[] = [];
  detect(text, out);
  return resolveSpans(out, text).map((s) => text.slice(s.start, s.end));
}

describe("email", () => {
  it("finds addresses, trims sentence punctuation, ignores lone @ and handles", () => {
    expect(found(detectEmails, "Mail jo.o'neil+tag@mail.example.co.uk.")).toEqual([
      "jo.o'neil+tag@mail.example.co.uk",
    ]);
    expect(found(detectEmails, "ping @jo or me@host")).toEqual([]);
    expect(found(detectEmails, "a@b.c, x@ex-ample.org;")).toEqual(["x@ex-ample.org"]);
  });
});

describe("phone", () => {
  it("finds international and national forms of many countries", () => {
    for (const p of [
      "+44 20 7946 0958",
      "+49 30 901820",
      "(555) 123-4567",
      "020 7946 0958",
      "06 12 34 56 78",
      "+1-743-438-6774x624",
      "0049 89 636 48018",
      "+91 98765 43210",
      "(11) 98765-4321",
    ]) {
      expect(found(detectPhones, `call me at ${p} please`)).toEqual([p]);
    }
  });
  it("leaves dates, times, prices, versions, ISBNs, IPs and postcodes alone", () => {
    for (const t of [
      "on 2024-01-15 14:56:41",
      "ran 10k in 52:13",
      "it costs 1,450,000 now",
      "1.234.567 people",
      "v2.14.3",
      "ISBN 978-3-16-148410-0",
      "host 192.168.10.201",
      "ZIP 94105-1804",
      "order 48213",
      "score 3-1",
    ]) {
      expect(found(detectPhones, t)).toEqual([]);
    }
  });
  it("needs a phone word for short or unformatted numbers", () => {
    expect(found(detectPhones, "ring 562897 tonight")).toEqual(["562897"]);
    expect(found(detectPhones, "ticket 562897 tonight")).toEqual([]);
    expect(found(detectPhones, "licence number is 425700624")).toEqual([]);
  });
});

describe("url", () => {
  it("finds URLs with schemes, www. and bare domains with personal paths", () => {
    expect(found(detectUrls, "see https://instagram.com/jane.doe?igsh=x1, ok")).toEqual([
      "https://instagram.com/jane.doe?igsh=x1",
    ]);
    expect(found(detectUrls, "(www.example.org/u/jo)")).toEqual(["www.example.org/u/jo"]);
    expect(found(detectUrls, "linkedin.com/in/jo-smith is me")).toEqual([
      "linkedin.com/in/jo-smith",
    ]);
    expect(found(detectUrls, "I like example.com a lot")).toEqual([]);
  });
});

describe("handle", () => {
  it("finds @handles and u/names, not emails", () => {
    expect(found(detectHandles, "cc @jane_doe and @bob.smith.")).toEqual([
      "@jane_doe",
      "@bob.smith",
    ]);
    expect(found(detectHandles, "mail jane@doe.com")).toEqual([]);
    expect(found(detectHandles, "thanks u/throwaway_123!")).toEqual(["u/throwaway_123"]);
  });
});

describe("ip", () => {
  it("finds IPv4 (parts ≤ 255) and IPv6, not versions or times", () => {
    expect(found(detectIps, "from 86.231.85.193 and 2001:db8::8a2e:370:7334.")).toEqual([
      "86.231.85.193",
      "2001:db8::8a2e:370:7334",
    ]);
    expect(found(detectIps, "v1.2.3.4.5 at 12:30:45, 999.1.1.1")).toEqual([]);
  });
});

describe("card", () => {
  it("accepts Luhn-valid numbers of known issuers, grouped or not", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(found(detectCards, "card 4111 1111 1111 1111 ok")).toEqual(["4111 1111 1111 1111"]);
    expect(found(detectCards, "amex 3782-822463-10005")).toEqual(["3782-822463-10005"]);
    expect(found(detectCards, "card 4111 1111 1111 1112")).toEqual([]);
    expect(found(detectCards, "id 1234567812345670")).toEqual([]);
  });
});

describe("iban", () => {
  it("checks length per country and mod 97, any case, grouped or not", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(found(detectIbans, "to GB82 WEST 1234 5698 7654 32.")).toEqual([
      "GB82 WEST 1234 5698 7654 32",
    ]);
    expect(found(detectIbans, "de89370400440532013000")).toEqual(["de89370400440532013000"]);
    expect(found(detectIbans, "GB82WEST12345698765433")).toEqual([]);
  });
  it("finds an IBAN followed by a short word, which its last groups' pattern would take", () => {
    expect(found(detectIbans, "pay GB82 WEST 1234 5698 7654 32 for rent")).toEqual([
      "GB82 WEST 1234 5698 7654 32",
    ]);
    expect(found(detectIbans, "de89370400440532013000 and GB82WEST12345698765432 ok")).toEqual([
      "de89370400440532013000",
      "GB82WEST12345698765432",
    ]);
    expect(found(detectIbans, "GB82 WEST 1234 5698 7654 33 for rent")).toEqual([]);
  });
});

describe("national id", () => {
  it("applies SSA rules to SSNs and HMRC prefix rules to NINOs", () => {
    expect(found(detectNationalIds, "SSN 308-63-0237")).toEqual(["308-63-0237"]);
    expect(found(detectNationalIds, "SSN 666-63-0237 or 900-12-1234 or 123-00-4567")).toEqual([]);
    expect(found(detectNationalIds, "NI QQ 12 34 56 C, AB123456C")).toEqual(["AB123456C"]);
  });
  it("checks the Spanish DNI letter, the Italian codice fiscale and Aadhaar's Verhoeff digit", () => {
    expect(found(detectNationalIds, "DNI 12345678Z")).toEqual(["12345678Z"]);
    expect(found(detectNationalIds, "DNI 12345678A")).toEqual([]);
    // The check letter is the text's only capital: social media writes "dni" in lower case.
    expect(found(detectNationalIds, "my dni is 12345678Z, nie x1234567l")).toEqual(["12345678Z"]);
    expect(found(detectNationalIds, "dni 12345678-Z")).toEqual(["12345678-Z"]);
    // A NINO still needs its two capitals.
    expect(found(detectNationalIds, "ni b123456c or Q123456C")).toEqual([]);
    expect(found(detectNationalIds, "CF RSSMRA85T10A562S")).toEqual(["RSSMRA85T10A562S"]);
    expect(verhoeffValid("2363")).toBe(true);
    expect(verhoeffValid("2364")).toBe(false);
  });
});

describe("address", () => {
  it("finds US, UK and German forms with their tails", () => {
    expect(
      found(detectAddresses, "Send it to 1600 Pennsylvania Ave NW, Washington, DC 20500 pls"),
    ).toEqual(["1600 Pennsylvania Ave NW, Washington, DC 20500"]);
    expect(found(detectAddresses, "I live at 221B Baker Street, London NW1 6XE")).toEqual([
      "221B Baker Street, London NW1 6XE",
    ]);
    expect(found(detectAddresses, "Wir wohnen in der Hauptstraße 5, 10115 Berlin.")).toEqual([
      "Hauptstraße 5, 10115 Berlin",
    ]);
    expect(found(detectAddresses, "moved to 12 rue de la Paix, 75002 Paris")).toEqual([
      "12 rue de la Paix, 75002 Paris",
    ]);
  });
  it("leaves numbers before ordinary words alone", () => {
    expect(found(detectAddresses, "only 5 minutes from the road")).toEqual([]);
    expect(found(detectAddresses, "we have 3 kids")).toEqual([]);
  });
});

describe("person", () => {
  it("finds names by lists, runs, titles, greetings and introductions", () => {
    expect(found(detectPersons, "Judy met Donald van der Voet in Paris")).toEqual([
      "Judy",
      "Donald van der Voet",
    ]);
    expect(found(detectPersons, "Dr. Okafor and mrs. lee said hi")).toEqual([
      "Dr. Okafor",
      "mrs. lee",
    ]);
    expect(found(detectPersons, "Happy birthday Armande!!! 🎂")).toEqual(["Armande"]);
    expect(found(detectPersons, "hey priya, did you see it?")).toEqual(["priya"]);
    expect(found(detectPersons, "my name is nunzia")).toEqual(["nunzia"]);
    expect(found(detectPersons, "Sousa and Ball were engineers")).toEqual(["Sousa", "Ball"]);
  });
  it("leaves companies, streets, places, months and ordinary capitalised words alone", () => {
    expect(found(detectPersons, "Smith Ltd. opened on Baker Street in June")).toEqual([]);
    expect(found(detectPersons, "Will you come? Mark the date. We moved here from Arona")).toEqual(
      [],
    );
    expect(found(detectPersons, "Ruf mich an, ich bin ab 18 Uhr zu Hause")).toEqual([]);
    expect(found(detectPersons, "The Beatles released Abbey Road in 1969")).toEqual([]);
    expect(found(detectPersons, "the river Thames was high, so was lake Judy")).toEqual([]);
    // A city written without its accents is still a city; a first name spelt like one is not.
    expect(found(detectPersons, "Top cities: Lisbon, Montreal")).toEqual([]);
    expect(found(detectPersons, "bagels are best in Montreal and Leon knows it")).toEqual(["Leon"]);
  });
  it.each<[string, string[]]>([
    // The subject of a reporting verb; not a name that is also a common word.
    ["Jaron told me so", ["Jaron"]],
    ["Police said the road is closed", []],
    ["Apple said profits rose", []],
    // Two lower-case name words after a mention word; not ordinary words.
    ["can someone tell giocondo sodano to check this lol", ["giocondo sodano"]],
    ["tell them something nice, I met with great people", []],
    // A full name coordinated before a name found; not a company's or a place's name.
    ["Colombano Sacchet and Judy Smith are getting married", ["Colombano Sacchet", "Judy Smith"]],
    ["Google Cloud and Judy Smith, in New Amsterdam and Judy", ["Judy Smith", "Judy"]],
    // Lower-case names beside "me".
    ["me and zackery at the beach", ["zackery"]],
    ["katrin levin and me went to the gig", ["katrin levin"]],
    ["coffee and me, then me and work", []],
    ["me and bae at the beach, me and lil bro, me and hubby, hi fam", []],
    // A census first name written with accents the lists leave out; not an accented word.
    ["hey lucía, did you get my email?", ["lucía"]],
    ["hey café owners, the Café was great", []],
    // A census surname spelt with letters the lists leave out ("ø" is not an accent).
    ["Nobody expected Sørensen to win", ["Sørensen"]],
    // A word in no list shaped like a surname, away from a sentence start; not at its start.
    ["Nobody expected Horvatinčić to win", ["Horvatinčić"]],
    ["Stroganov is on the menu tonight", []],
    // The subject of a past tense; not a word in no list ("Deloitte"), not an ordinary word.
    ["Okonkwo scored twice in the final", ["Okonkwo"]],
    ["Deloitte invested heavily in chips", []],
    ["Prices dropped again", []],
    // Someone spoken to, at a sentence start or after a comma at its end; not a word.
    ["Jovana, can you call me later?", ["Jovana"]],
    ["good luck with the exam, Charlotte!", ["Charlotte"]],
    ["Honestly, can we talk?", []],
    ["Hmm, can you believe it?", []],
    // A list of single words: people when it holds first names, a firm when it holds surnames.
    ["Team: Nimród, Kamal, Anna and Sergi 🏀", ["Nimród", "Kamal", "Anna", "Sergi"]],
    ["Hills, Smith and Morissette is hiring again", []],
    // An owner named at a sentence start.
    ["Jovana's party was great", ["Jovana"]],
    ["Google's new phone is out", []],
    // A town before a country's name; a greeting still names the person before it.
    ["Greetings from Santa Cruz, Bolivia!", []],
    ["Send it to Marta Kowal\nSantos Dumont\nBrazil", ["Marta Kowal"]],
    ["Thanks Anna, Germany loves you", ["Anna"]],
    // A legal form in capitals ends a firm's name.
    ["Ortiz LLC filed the papers", []],
    ["Ortiz filed the papers", ["Ortiz"]],
    // A street named after a person, after the word that opens a street's name.
    ["Via Carlo Cattaneo is closed today", []],
    ["sent via Carlo yesterday", ["Carlo"]],
    // A name with a house number is a street, even coordinated with a name.
    ["Send it to Marta and Kongensgade 12", ["Marta"]],
    // In a text without capitals, a census first name that is nothing else.
    ["lol samantha was so quiet today", ["samantha"]],
    ["lol the grant was approved", []],
  ])("finds names by context: %s", (text, names) => {
    expect(found(detectPersons, text)).toEqual(names);
  });
});

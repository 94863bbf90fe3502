import { describe, expect, it } from "vitest";
import { day, event, item, member, ts } from "../../../test/fixtures/population.js";
import { loadPolicyText, loadPreset } from "../../config/load-policy.js";
import type { ConsentEvent, Item, Member } from "../domain.js";
import type { Policy } from "../model.js";
import { type Decision, decideItem } from "./decide-item.js";

const recommended = loadPreset("recommended");
const linkedin2024 = loadPreset("linkedin-2024");
const meta2024 = loadPreset("meta-2024");
const x2024 = loadPreset("x-2024");
const linkedin2025 = loadPreset("linkedin-2025");

const T = ts("2025-01-01T00:00:00Z");

function decide(
  it: Item,
  m: Member | undefined,
  events: ConsentEvent[] = [],
  policy: Policy = recommended,
  asOf = T,
  purpose = "genai_training",
): Decision {
  return decideItem({ item: it, member: m, events, policy, purpose, asOf });
}

const us = member({ id: "u1" });
const post = item({ id: "p1", authorId: "u1" });

describe("decideItem: each reason of contract §3", () => {
  it("includes a public post of an adult US member who never chose (opt-out region)", () => {
    const d = decide(post, us);
    expect(d).toMatchObject({
      included: true,
      reason: null,
      reasons: [],
      regime: "opt_out",
      regionKey: "REST",
    });
  });

  it.each([
    ["no id", { id: null }],
    ["empty id", { id: "" }],
    ["no author", { authorId: null }],
    ["no kind", { kind: null }],
    ["no created_at", { createdAt: null }],
    ["unreadable row", { parseError: "not valid JSON" }],
  ])("1 malformed: %s", (_label, over) => {
    expect(decide(item({ id: "p1", authorId: "u1", ...over }), us).reason).toBe("malformed");
  });

  it("2 unknown_member", () => {
    expect(decide(item({ id: "p1", authorId: "nobody" }), undefined).reason).toBe("unknown_member");
  });

  it("3 not_yet_created: created after T, not at T", () => {
    expect(decide(item({ id: "p", authorId: "u1", createdAt: T + 1 }), us).reason).toBe(
      "not_yet_created",
    );
    expect(decide(item({ id: "p", authorId: "u1", createdAt: T }), us).included).toBe(true);
  });

  it("4 deleted: item or member deleted at or before T, not after", () => {
    expect(decide(item({ id: "p", authorId: "u1", deletedAt: T }), us).reason).toBe("deleted");
    expect(decide(item({ id: "p", authorId: "u1", deletedAt: T + 1 }), us).included).toBe(true);
    expect(decide(post, member({ id: "u1", deletedAt: T })).reason).toBe("deleted");
    expect(decide(post, member({ id: "u1", deletedAt: T + 1 })).included).toBe(true);
  });

  it("5 unknown_kind", () => {
    expect(decide(item({ id: "p", authorId: "u1", kind: "story" }), us).reason).toBe(
      "unknown_kind",
    );
  });

  it("6 content_class: visibility and kind must be allowed; messages are always private", () => {
    expect(decide(item({ id: "p", authorId: "u1", visibility: "connections" }), us).reason).toBe(
      "content_class",
    );
    expect(decide(item({ id: "p", authorId: "u1", visibility: null }), us).reason).toBe(
      "content_class",
    );
    expect(decide(item({ id: "p", authorId: "u1", visibility: "friends" }), us).reason).toBe(
      "content_class",
    );
    expect(decide(item({ id: "p", authorId: "u1", kind: "profile" }), us).reason).toBe(
      "content_class",
    );
    // A message that claims to be public is still private: recommended never uses it...
    expect(
      decide(item({ id: "p", authorId: "u1", kind: "message", visibility: "public" }), us).reason,
    ).toBe("content_class");
    // ...and linkedin-2024 uses messages of any visibility.
    const msg = item({
      id: "p",
      authorId: "u1",
      kind: "message",
      visibility: "garbage",
      createdAt: ts("2024-09-01T00:00:00Z"),
    });
    expect(decide(msg, us, [], linkedin2024, ts("2024-09-19T00:00:00Z")).included).toBe(true);
  });

  it.each([null, "", "de", "XK", "ZZ", " DE", "EU"])("7 unknown_region: country %j", (country) => {
    expect(decide(post, member({ id: "u1", country })).reason).toBe("unknown_region");
  });

  it("8 region_excluded: excluded regime, no rule in the region, or a purpose without rules", () => {
    const de = member({ id: "u1", country: "DE" });
    expect(decide(post, de, [], meta2024).reason).toBe("region_excluded");
    expect(decide(post, us, [], recommended, T, "ads_targeting").reason).toBe("region_excluded");
    const noRest = loadPolicyText(
      "name: eu-only\npurposes:\n  genai_training:\n    regions: {EEA: opt_out}\n    content: {post: [public]}\n",
    );
    expect(decide(post, us, [], noRest).reason).toBe("region_excluded");
  });

  it("9 unknown_age: a minimum age and no birth date; none without a minimum age", () => {
    const unknownAge = member({ id: "u1", birthDay: null });
    expect(decide(post, unknownAge).reason).toBe("unknown_age");
    const p = item({ id: "p", authorId: "u1", createdAt: ts("2024-09-01T00:00:00Z") });
    expect(decide(p, unknownAge, [], linkedin2024, ts("2024-09-19T00:00:00Z")).included).toBe(true);
  });

  it("10 minor: younger than the minimum age at T, counted on T's UTC date", () => {
    const m = member({ id: "u1", birthDay: day("2007-01-01") });
    expect(decide(post, m, [], recommended, ts("2024-12-31T23:59:59Z")).reason).toBe("minor");
    // 2025-01-01T00:30:00+01:00 is still 2024-12-31 in UTC.
    expect(decide(post, m, [], recommended, ts("2025-01-01T00:30:00+01:00")).reason).toBe("minor");
    // 18 from the birthday on; the post was created before it, so it stays out.
    expect(decide(post, m, [], recommended, ts("2025-01-01T00:00:00Z")).reason).toBe("minor");
    const later = item({ id: "p", authorId: "u1", createdAt: ts("2025-01-01T00:00:00Z") });
    expect(decide(later, m, [], recommended, ts("2025-01-01T00:00:00Z")).included).toBe(true);
  });

  it("10 minor: a 29 February birthday has its anniversary on 1 March in non-leap years", () => {
    const leap = member({ id: "u1", birthDay: day("2004-02-29") });
    const onFeb28 = item({ id: "p", authorId: "u1", createdAt: ts("2022-02-28T12:00:00Z") });
    const onMar1 = item({ id: "p", authorId: "u1", createdAt: ts("2022-03-01T00:00:00Z") });
    expect(decide(onFeb28, leap).reason).toBe("minor");
    expect(decide(onMar1, leap).reason).toBe("before_notice");
    expect(decide(onMar1, leap, [event("u1", "allow", "2022-03-02T00:00:00Z")]).included).toBe(
      true,
    );
    // In a leap year the anniversary is 29 February itself.
    const leap2 = member({ id: "u1", birthDay: day("2006-02-28") });
    const on2024 = item({ id: "p", authorId: "u1", createdAt: ts("2024-02-28T00:00:00Z") });
    expect(decide(on2024, leap2, [event("u1", "allow", "2024-03-01T00:00:00Z")]).included).toBe(
      true,
    );
  });

  it("11 opted_out: the latest event at or before T is a deny", () => {
    const events = [
      event("u1", "allow", "2024-01-01T00:00:00Z"),
      event("u1", "deny", "2024-12-01T00:00:00Z"),
    ];
    expect(decide(post, us, events).reason).toBe("opted_out");
    expect(
      decide(post, us, [...events, event("u1", "allow", "2024-12-31T00:00:00Z")]).included,
    ).toBe(true);
    // An allow after T is invisible.
    expect(
      decide(post, us, [...events, event("u1", "allow", "2025-01-01T00:00:00.000001Z")]).reason,
    ).toBe("opted_out");
  });

  it("11 opted_out: on a tie of the latest instant, deny wins, in either order", () => {
    const a = event("u1", "allow", "2024-12-01T00:00:00Z");
    const d = event("u1", "deny", "2024-12-01T00:00:00Z");
    expect(decide(post, us, [a, d]).reason).toBe("opted_out");
    expect(decide(post, us, [d, a]).reason).toBe("opted_out");
  });

  it("11 opted_out: GPC is a deny, unless the purpose ignores GPC", () => {
    const gpc = event("u1", "deny", "2024-12-01T00:00:00Z", { source: "gpc" });
    expect(decide(post, us, [gpc]).reason).toBe("opted_out");
    const noGpc = loadPolicyText(
      "name: no-gpc\nextends: recommended\npurposes:\n  genai_training:\n    gpc: false\n",
    );
    expect(decide(post, us, [gpc], noGpc).included).toBe(true);
  });

  it("11 opted_out: events of other purposes do not count", () => {
    expect(
      decide(post, us, [event("u1", "deny", "2024-12-01T00:00:00Z", { purpose: "ads_targeting" })])
        .included,
    ).toBe(true);
  });

  it("12 no_consent: opt-in regions need an allow", () => {
    const de = member({ id: "u1", country: "DE" });
    expect(decide(post, de).reason).toBe("no_consent");
    expect(decide(post, de, [event("u1", "allow", "2024-12-01T00:00:00Z")]).included).toBe(true);
    expect(decide(post, member({ id: "u1", country: "UK" })).reason).toBe("no_consent");
  });

  it("13 before_notice: history excluded before the notice unless allowed", () => {
    const old = item({ id: "p", authorId: "u1", createdAt: ts("2024-09-17T23:59:59.999999Z") });
    const atNotice = item({ id: "p", authorId: "u1", createdAt: ts("2024-09-18T00:00:00Z") });
    expect(decide(old, us).reason).toBe("before_notice");
    expect(decide(atNotice, us).included).toBe(true);
    expect(decide(old, us, [event("u1", "allow", "2024-01-01T00:00:00Z")]).included).toBe(true);
  });

  it("lists every reason that applies, in precedence order, and counts the first", () => {
    const m = member({
      id: "u1",
      country: "DE",
      birthDay: day("2010-01-01"),
      deletedAt: ts("2024-12-01T00:00:00Z"),
    });
    const it = item({
      id: "p",
      authorId: "u1",
      visibility: "connections",
      createdAt: ts("2024-01-01T00:00:00Z"),
    });
    const d = decide(it, m, [event("u1", "deny", "2024-06-01T00:00:00Z")]);
    expect(d.reason).toBe("deleted");
    expect(d.reasons).toEqual([
      "deleted",
      "content_class",
      "minor",
      "opted_out",
      "no_consent",
      "before_notice",
    ]);
  });
});

describe("decideItem: regimes' dates (from inclusive, until exclusive)", () => {
  const gb = member({ id: "u1", country: "GB" });
  const early = item({ id: "p", authorId: "u1", createdAt: ts("2024-06-01T00:00:00Z") });

  it("linkedin-2024 excludes GB from 2024-09-20T00:00:00Z on", () => {
    expect(decide(early, gb, [], linkedin2024, ts("2024-09-19T23:59:59.999999Z")).included).toBe(
      true,
    );
    expect(decide(early, gb, [], linkedin2024, ts("2024-09-20T00:00:00Z")).reason).toBe(
      "region_excluded",
    );
  });

  it("meta-2024 excludes GB until 2024-09-13T00:00:00Z, then opt-out", () => {
    expect(decide(early, gb, [], meta2024, ts("2024-09-12T23:59:59.999999Z")).reason).toBe(
      "region_excluded",
    );
    expect(decide(early, gb, [], meta2024, ts("2024-09-13T00:00:00Z")).included).toBe(true);
  });

  it("x-2024 excludes the EEA (EU and IS, LI, NO) from 2024-08-08, not CH", () => {
    for (const country of ["FR", "NO", "IS", "LI"]) {
      const m = member({ id: "u1", country });
      expect(decide(early, m, [], x2024, ts("2024-08-07T23:59:59Z")).included).toBe(true);
      expect(decide(early, m, [], x2024, ts("2024-08-08T00:00:00Z")).reason).toBe(
        "region_excluded",
      );
    }
    expect(
      decide(early, member({ id: "u1", country: "CH" }), [], x2024, ts("2024-08-08T00:00:00Z"))
        .included,
    ).toBe(true);
  });

  it("linkedin-2025 opens EEA, CH and GB on 2025-11-03 with opt-out", () => {
    for (const country of ["DE", "CH", "GB", "UK"]) {
      const m = member({ id: "u1", country });
      expect(decide(early, m, [], linkedin2025, ts("2025-11-02T23:59:59Z")).reason).toBe(
        "region_excluded",
      );
      expect(decide(early, m, [], linkedin2025, ts("2025-11-03T00:00:00Z")).included).toBe(true);
    }
  });

  it("a country key is more specific than its group", () => {
    const p = loadPolicyText(
      "name: de-special\nextends: recommended\npurposes:\n  genai_training:\n    regions:\n      DE: excluded\n",
    );
    expect(
      decide(
        post,
        member({ id: "u1", country: "DE" }),
        [event("u1", "allow", "2024-12-01T00:00:00Z")],
        p,
      ).reason,
    ).toBe("region_excluded");
    expect(
      decide(
        post,
        member({ id: "u1", country: "FR" }),
        [event("u1", "allow", "2024-12-01T00:00:00Z")],
        p,
      ).included,
    ).toBe(true);
  });
});

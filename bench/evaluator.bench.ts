/**
 * Issue 2's benchmark: decisions per second of the batch evaluator over 1,000,000 items,
 * 200,000 members and 500,000 consent events with the `recommended` policy, side by side with
 * the same policy in Cedar (`@cedar-policy/cedar-wasm`), and a check that both agree on every
 * decision of a 10,000-item sample.
 */
import { readFileSync } from "node:fs";
import { preparsePolicySet, statefulIsAuthorized } from "@cedar-policy/cedar-wasm/nodejs";
import { loadPreset } from "../src/config/load-policy.js";
import type { ConsentEvent, Item, Member } from "../src/policy/domain.js";
import { consentColumns, evaluateBatch, toColumns } from "../src/policy/evaluate/batch.js";
import { consentState } from "../src/policy/evaluate/consent-state.js";
import { isMalformed } from "../src/policy/evaluate/decide-item.js";
import type { PurposeRule } from "../src/policy/model.js";
import { reportingGroup } from "../src/policy/regions.js";
import { anniversaryDay, parseTimestamp, utcDay } from "../src/policy/time.js";
import { type Benchmark, fmt, median } from "./bench.js";

const ITEMS = Number(process.env["TRAINGATE_BENCH_EVAL_ITEMS"] ?? 1_000_000);
const MEMBERS = Math.round(ITEMS / 5);
const EVENTS = Math.round(ITEMS / 2);
const SAMPLE = 10_000;

/** mulberry32: a small seeded PRNG so the population is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000_000;
const T = parseTimestamp("2025-01-01T00:00:00Z")!;

function population(): { members: Member[]; items: Item[]; events: ConsentEvent[] } {
  const rnd = prng(20241118);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(rnd() * xs.length)]!;
  const countries = [
    "US",
    "US",
    "US",
    "IN",
    "BR",
    "DE",
    "FR",
    "GB",
    "UK",
    "CH",
    "NO",
    "JP",
    "NG",
    "",
    "XX",
  ];
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    members.push({
      id: `m${i}`,
      country: pick(countries),
      birthDay: rnd() < 0.05 ? null : Math.floor(-7000 + rnd() * 20000),
      displayName: null,
      createdAt: null,
      deletedAt: rnd() < 0.02 ? T - Math.floor(rnd() * 400) * DAY : null,
    });
  }
  const kinds = ["post", "post", "post", "comment", "comment", "article", "message", "profile"];
  const vis = ["public", "public", "public", "connections", "private"];
  const items: Item[] = [];
  for (let i = 0; i < ITEMS; i++) {
    items.push({
      id: `i${i}`,
      authorId: rnd() < 0.001 ? "ghost" : `m${Math.floor(rnd() * MEMBERS)}`,
      kind: pick(kinds),
      visibility: pick(vis),
      createdAt: T - Math.floor(rnd() * 900 * DAY) + 30 * DAY,
      deletedAt: rnd() < 0.03 ? T - Math.floor(rnd() * 200) * DAY : null,
      text: null,
      lang: null,
    });
  }
  const events: ConsentEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const gpc = rnd() < 0.05;
    events.push({
      memberId: `m${Math.floor(rnd() * MEMBERS)}`,
      purpose: "genai_training",
      choice: gpc || rnd() < 0.6 ? "deny" : "allow",
      at: T - Math.floor(rnd() * 600) * DAY + Math.floor(rnd() * 60) * DAY,
      source: gpc ? "gpc" : "settings",
    });
  }
  return { members, items, events };
}

/** The Cedar adapter: per-member facts derived in JS, as Cedar cannot express them. */
function cedarEntities(
  rule: PurposeRule,
  member: Member | undefined,
  item: Item,
  events: readonly ConsentEvent[],
) {
  const region = member ? (reportingGroup(member.country) ?? "") : "";
  const state = member
    ? (consentState(events, "genai_training", T, rule.gpc).state ?? "none")
    : "none";
  const adultFrom =
    member?.birthDay == null || rule.minimumAge === null
      ? 0
      : anniversaryDay(member.birthDay, rule.minimumAge);
  return [
    {
      uid: { type: "Member", id: member?.id ?? "ghost" },
      attrs: {
        region,
        known_age: member?.birthDay != null,
        adult_from_day: adultFrom,
        deleted: member?.deletedAt != null && member.deletedAt <= T,
        consent: state,
      },
      parents: [],
    },
    {
      uid: { type: "Item", id: item.id ?? "" },
      attrs: {
        well_formed: !isMalformed(item),
        author_known: member !== undefined,
        created: item.createdAt ?? 0,
        created_day: item.createdAt === null ? 0 : utcDay(item.createdAt),
        deleted: item.deletedAt !== null && item.deletedAt <= T,
        kind: item.kind ?? "",
        visibility: item.kind === "message" ? "private" : (item.visibility ?? ""),
      },
      parents: [],
    },
  ];
}

export const evaluatorBenchmark: Benchmark = {
  name: "evaluator",
  title: "Decision core: batch evaluator vs Cedar (issue 2)",
  async run() {
    const policy = loadPreset("recommended");
    const rule = policy.purposes["genai_training"]!;
    const { members, items, events } = population();
    const pop = toColumns(items, members);
    const cc = consentColumns(events, "genai_training", pop.memberIndex);

    const times: number[] = [];
    let codes: Uint8Array = new Uint8Array(0);
    for (let rep = 0; rep < 7; rep++) {
      const t0 = performance.now();
      codes = evaluateBatch(policy, "genai_training", T, pop.items, pop.members, cc);
      times.push(performance.now() - t0);
    }
    const ours = ITEMS / (median(times) / 1000);

    const cedarText = readFileSync(new URL("./cedar/recommended.cedar", import.meta.url), "utf8");
    const parsed = preparsePolicySet("recommended", { staticPolicies: cedarText });
    if (parsed.type !== "success")
      throw new Error(`Cedar policy does not parse: ${JSON.stringify(parsed)}`);
    const byMember = new Map<string, ConsentEvent[]>();
    for (const e of events) {
      const list = byMember.get(e.memberId) ?? [];
      list.push(e);
      byMember.set(e.memberId, list);
    }
    const context = {
      as_of: T,
      as_of_day: utcDay(T),
      notice: rule.history.include ? 0 : rule.history.notice,
    };
    let cedarMs = 0;
    let disagreements = 0;
    let allowed = 0;
    const step = Math.floor(ITEMS / SAMPLE);
    for (let s = 0; s < SAMPLE; s++) {
      const i = s * step;
      const item = items[i]!;
      const m =
        item.authorId === null ? undefined : members[pop.memberIndex.get(item.authorId) ?? -1];
      const entities = cedarEntities(rule, m, item, m ? (byMember.get(m.id) ?? []) : []);
      const t0 = performance.now();
      const answer = statefulIsAuthorized({
        principal: { type: "Member", id: m?.id ?? "ghost" },
        action: { type: "Action", id: "genai_training" },
        resource: { type: "Item", id: item.id ?? "" },
        context,
        preparsedPolicySetId: "recommended",
        entities,
      });
      cedarMs += performance.now() - t0;
      if (answer.type !== "success") throw new Error(`Cedar failed: ${JSON.stringify(answer)}`);
      const cedarAllows = answer.response.decision === "allow";
      if (cedarAllows) allowed++;
      if (cedarAllows !== (codes[i] === 0)) disagreements++;
    }
    const cedar = SAMPLE / (cedarMs / 1000);
    const included = codes.reduce((n, c) => n + (c === 0 ? 1 : 0), 0);
    return [
      `Population: ${fmt(ITEMS)} items, ${fmt(MEMBERS)} members, ${fmt(EVENTS)} consent events (seeded), policy \`recommended\`, purpose genai_training, as of 2025-01-01; ${fmt(included)} items included.`,
      "",
      "| engine | decisions/s (one core) | notes |",
      "|---|---:|---|",
      `| TrainGate batch evaluator | ${fmt(ours)} | median of 7 runs of ${fmt(median(times), 1)} ms, consent states and regimes derived inside the timing |`,
      `| Cedar (\`@cedar-policy/cedar-wasm\`, preparsed policy set) | ${fmt(cedar)} | ${fmt(SAMPLE)}-item sample; only \`statefulIsAuthorized\` timed, member facts derived outside the timing |`,
      "",
      `Ratio: TrainGate is **${fmt(ours / cedar)}×** Cedar. Target ≥ 5,000,000 decisions/s: **${ours >= 5_000_000 ? "met" : "missed"}**.`,
      `Agreement on the ${fmt(SAMPLE)}-item sample: ${disagreements === 0 ? "**all decisions agree**" : `**${disagreements} disagreements**`} (${fmt(allowed)} allowed by both).`,
    ].join("\n");
  },
};

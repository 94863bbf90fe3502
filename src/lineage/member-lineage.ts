/**
 * The member's view of lineage (GET /v1/me/lineage): which runs and models used my content,
 * what each opt-out of mine changed, and what the platform committed to do about the past,
 * in plain words.
 */
import { formatDate, formatInstant, utcDay } from "../policy/time.js";
import type { LineageStore, Model, Obligation } from "./lineage-store.js";
import { STATUS_TEXT } from "./obligation-status.js";

/**
 * Days the platform gives itself to act on an obligation: GDPR art. 12(3)'s "within one month
 * of receipt of the request", read as 30 days.
 */
export const DEFAULT_RESPONSE_DAYS = 30;

const US_PER_DAY = 86_400_000_000;

const modelJson = (m: Model) => ({
  model_id: m.modelId,
  name: m.name,
  version: m.version,
  registered_at: formatInstant(m.registeredAt),
});

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The member view as JSON (dates RFC 3339), with `opt_outs[].summary` in plain words. */
export async function memberLineage(
  lineage: LineageStore,
  memberId: string,
  options: { responseDays?: number } = {},
) {
  const days = options.responseDays ?? DEFAULT_RESPONSE_DAYS;
  const runs = await lineage.runsContainingMember(memberId);
  const details = await Promise.all(runs.map((r) => lineage.getRun(r.runId)));
  const models = await lineage.listModels(runs.map((r) => r.runId));
  const modelsOf = (runId: string) => models.filter((m) => m.runIds.includes(runId));
  const obligations = await lineage.listObligations({ memberId });
  const triggers = await lineage.db
    .selectFrom("lineage_triggers")
    .selectAll()
    .where("member_id", "=", memberId)
    .orderBy("at")
    .execute();
  const states = await lineage.db
    .selectFrom("lineage_consent_last")
    .selectAll()
    .where("member_id", "=", memberId)
    .execute();
  const dueBy = (o: Obligation) => o.createdAt + days * US_PER_DAY;
  const obligationJson = (o: Obligation) => ({
    id: o.id,
    run_id: o.runId,
    purpose: o.purpose,
    opted_out_at: formatInstant(o.triggerAt),
    created_at: formatInstant(o.createdAt),
    due_by: formatInstant(dueBy(o)),
    status: o.status,
    status_text: STATUS_TEXT[o.status],
    reason: o.reason,
    resolved_at: o.resolvedAt === null ? null : formatInstant(o.resolvedAt),
    models: modelsOf(o.runId).map((m) => m.modelId),
  });
  const optOuts = triggers.map((t) => {
    const at = Number(t.at);
    const mine = obligations.filter((o) => o.triggerKey === t.trigger_key);
    const open = mine.filter((o) => o.status === "open");
    const closed = mine.filter((o) => o.status !== "open");
    const affected = [...new Set(mine.flatMap((o) => modelsOf(o.runId).map((m) => m.modelId)))];
    const state = states.find((s) => s.purpose === t.purpose);
    const later =
      state !== undefined && state.last_choice === "allow" && Number(state.last_at) > at
        ? ` You allowed ${t.purpose} again on ${formatDate(utcDay(Number(state.last_at)))}, so builds from that date may use your content again.`
        : "";
    const sentences = [
      `You opted out of ${t.purpose} on ${formatDate(utcDay(at))}${t.source === "erasure" ? " (your account was erased)" : ""}.`,
      `Every build for ${t.purpose} with a data date from then on excludes your content.${later}`,
      mine.length === 0
        ? "No earlier dataset contained your content, so nothing had to be undone."
        : `${plural(mine.length, "earlier dataset")} already contained your content${affected.length > 0 ? `, used to train ${affected.join(", ")}` : ""}.`,
    ];
    if (open.length > 0) {
      const due = Math.max(...open.map(dueBy));
      sentences.push(
        `The platform committed to retrain, unlearn or retire the affected models for ${plural(open.length, "dataset")} by ${formatDate(utcDay(due))}; that is still open.`,
      );
    }
    if (closed.length > 0) {
      const by = Object.entries(
        closed.reduce<Record<string, number>>((acc, o) => {
          acc[o.status] = (acc[o.status] ?? 0) + 1;
          return acc;
        }, {}),
      ).map(([s, n]) => `${n} ${s.replace("_", " ")}`);
      sentences.push(`Done so far: ${by.join(", ")}.`);
    }
    return {
      purpose: t.purpose,
      opted_out_at: formatInstant(at),
      source: t.source,
      past_runs: mine.length,
      open: open.length,
      closed: closed.length,
      models: affected,
      summary: sentences.join(" "),
    };
  });
  return {
    member_id: memberId,
    runs: details.map((r) => ({
      run_id: r.runId,
      purpose: r.purpose,
      as_of: formatInstant(r.asOf),
      registered_at: formatInstant(r.registeredAt),
      policy: r.policy,
      models: modelsOf(r.runId).map(modelJson),
    })),
    models: models.map(modelJson),
    obligations: obligations.map(obligationJson),
    opt_outs: optOuts,
    summary:
      runs.length === 0
        ? "No dataset built by this platform contains your content."
        : `${plural(runs.length, "dataset")} built by this platform contained your content, used to train ${plural(models.length, "model")}.${optOuts.length === 0 ? " You have not opted out of any purpose they were built for." : ""}`,
  };
}

/** The JSON of the member view. */
export type MemberLineage = Awaited<ReturnType<typeof memberLineage>>;

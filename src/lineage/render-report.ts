/**
 * Renders a transparency report as Markdown or as one self-contained HTML page (inline CSS
 * and SVG charts, no scripts, no external assets), readable offline and printable.
 */
import type { PurposeReport, TransparencyReport } from "./transparency-report.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (n: number) => n.toLocaleString("en-US");

function esc(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function periodText(r: TransparencyReport): string {
  return `${r.period.from ?? "the first run"} to ${r.period.until ?? "now"}`;
}

function headline(p: PurposeReport): string {
  return `${num(p.members_used)} members and ${num(p.items_used)} items were used by ${num(p.runs.length)} run(s); ${pct(p.consent_basis.share_defaulted)} of member inclusions rested on members who never chose (defaulted in) rather than an explicit allow.`;
}

/** The report as Markdown. */
export function reportMarkdown(r: TransparencyReport): string {
  const out: string[] = [
    "# Transparency report",
    "",
    `Period: ${periodText(r)}. Generated ${r.generated_at}.`,
  ];
  if (r.purposes.length === 0) out.push("", "No runs were registered in this period.");
  for (const p of r.purposes) {
    out.push("", `## ${p.purpose}`, "", headline(p), "");
    out.push(
      "| measure | value |",
      "|---|---|",
      `| runs | ${p.runs.length} |`,
      `| members used (distinct) | ${num(p.members_used)} |`,
      `| items used (distinct) | ${num(p.items_used)} |`,
      `| items read / included (summed over runs) | ${num(p.items_input)} / ${num(p.items_included)} |`,
      `| member inclusions by explicit allow | ${num(p.consent_basis.explicit_allow)} |`,
      `| member inclusions defaulted in (never chose) | ${num(p.consent_basis.defaulted_in)} |`,
      `| opt-out rate${p.opt_out.month === null ? "" : ` (${p.opt_out.month})`} | ${pct(p.opt_out.rate)} of ${num(p.opt_out.members_with_choice)} members with a choice |`,
      `| obligations opened / closed in the period | ${num(p.obligations.opened)} / ${num(p.obligations.closed)} |`,
      `| obligations open now | ${num(p.obligations.open_now)} |`,
      "",
      "### Items excluded by reason",
      "",
      "| reason | items | share of items read | meaning |",
      "|---|---:|---:|---|",
      ...p.excluded_by_reason.map(
        (e) => `| ${e.reason} | ${num(e.items)} | ${pct(e.share)} | ${e.text} |`,
      ),
      "",
      "### Members by region",
      "",
      "| region | members in the export | used | share not used |",
      "|---|---:|---:|---:|",
      ...p.excluded_by_region.map(
        (g) => `| ${g.region} | ${num(g.members)} | ${num(g.used)} | ${pct(g.share_excluded)} |`,
      ),
      "",
      "### Opt-out rate by region",
      "",
      "| region | members with a choice | opted out | rate |",
      "|---|---:|---:|---:|",
      ...p.opt_out.by_region.map(
        (g) => `| ${g.region} | ${num(g.members)} | ${num(g.opted_out)} | ${pct(g.rate)} |`,
      ),
      "",
      "### Runs",
      "",
      "| run | as of | members | items |",
      "|---|---|---:|---:|",
      ...p.runs.map((x) => `| ${x.run_id} | ${x.as_of} | ${num(x.members)} | ${num(x.items)} |`),
    );
  }
  return `${out.join("\n")}\n`;
}

/** A horizontal bar chart as inline SVG with a text table fallback in its <title>. */
function barChart(
  title: string,
  bars: readonly { label: string; value: number; note: string }[],
): string {
  const rowH = 22;
  const labelW = 150;
  const barW = 360;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const h = bars.length * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const w = Math.round((b.value / max) * barW);
      const y = i * rowH + 4;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2"/><text x="${labelW + w + 6}" y="${y + 15}">${esc(b.note)}</text>`;
    })
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + barW + 140} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows}</svg></figure>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function htmlSection(p: PurposeReport): string {
  const reasons = p.excluded_by_reason.filter((e) => e.items > 0);
  return `<section><h2>${esc(p.purpose)}</h2><p class="lead">${esc(headline(p))}</p>
${table(
  ["measure", "value"],
  [
    ["runs", String(p.runs.length)],
    ["members used (distinct)", num(p.members_used)],
    ["items used (distinct)", num(p.items_used)],
    [
      "items read / included (summed over runs)",
      `${num(p.items_input)} / ${num(p.items_included)}`,
    ],
    [
      "opt-out rate",
      `${pct(p.opt_out.rate)} of ${num(p.opt_out.members_with_choice)} members with a choice${p.opt_out.month === null ? "" : ` (${p.opt_out.month})`}`,
    ],
    [
      "obligations opened / closed in the period",
      `${num(p.obligations.opened)} / ${num(p.obligations.closed)}`,
    ],
    ["obligations open now", num(p.obligations.open_now)],
  ],
)}
${barChart("Member inclusions: explicit allow vs never chose (defaulted in)", [
  {
    label: "explicit allow",
    value: p.consent_basis.explicit_allow,
    note: num(p.consent_basis.explicit_allow),
  },
  {
    label: "defaulted in",
    value: p.consent_basis.defaulted_in,
    note: num(p.consent_basis.defaulted_in),
  },
])}
${barChart(
  "Items excluded by reason (share of items read)",
  reasons.length === 0
    ? [{ label: "none excluded", value: 0, note: "0" }]
    : reasons.map((e) => ({
        label: e.reason,
        value: e.items,
        note: `${num(e.items)} (${pct(e.share)})`,
      })),
)}
${barChart(
  "Share of members not used, by region",
  p.excluded_by_region.map((g) => ({
    label: g.region,
    value: g.share_excluded,
    note: pct(g.share_excluded),
  })),
)}
${barChart(
  "Opt-out rate by region",
  p.opt_out.by_region.map((g) => ({ label: g.region, value: g.rate, note: pct(g.rate) })),
)}
<h3>Items excluded by reason</h3>
${table(
  ["reason", "items", "share", "meaning"],
  p.excluded_by_reason.map((e) => [e.reason, num(e.items), pct(e.share), e.text]),
)}
<h3>Runs</h3>
${table(
  ["run", "as of", "members", "items"],
  p.runs.map((x) => [x.run_id, x.as_of, num(x.members), num(x.items)]),
)}
</section>`;
}

/** The report as one self-contained HTML page. */
export function reportHtml(r: TransparencyReport): string {
  const body =
    r.purposes.length === 0
      ? "<p>No runs were registered in this period.</p>"
      : r.purposes.map(htmlSection).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transparency report</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem}h2{border-top:1px solid #ccc;padding-top:1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
figure{margin:1rem 0}figcaption{font-weight:600}svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}svg rect{fill:#2b5fab}
.lead{font-size:1.05rem}
</style></head>
<body><main><h1>Transparency report</h1><p>Period: ${esc(periodText(r))}. Generated ${esc(r.generated_at)}.</p>
${body}
</main></body></html>
`;
}

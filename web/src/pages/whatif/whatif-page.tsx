/**
 * What-if: pick a candidate policy (a preset, an uploaded YAML file, or an edit of the
 * current policy), a data source (the demo export or the live ledger), a purpose and an
 * instant, and see side by side with the current policy what would change before anything
 * is built. Below, the five presets compared on the same data in one view.
 */
import { useId, useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { Policies, type WhatIf, WhatIf as WhatIfSchema } from "../../api/schemas.js";
import { ErrorPanel, Spinner } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";
import { PresetComparison } from "./preset-comparison.js";
import {
  type DataSource,
  type PolicyRef,
  PRESETS,
  type WhatIfInputs,
  whatIfBody,
} from "./whatif-model.js";
import { WhatIfResult } from "./whatif-result.js";

type Mode = "preset" | "file" | "edit";

/** The /whatif page. */
export function WhatIfPage() {
  const id = useId();
  const policies = useResource((signal) => call(Policies, "/v1/policies", { signal }));
  const active = policies.status === "ready" ? (policies.data.active ?? null) : null;
  const [mode, setMode] = useState<Mode>("preset");
  const [preset, setPreset] = useState<string>("meta-2024");
  const [fileText, setFileText] = useState<{ name: string; text: string } | null>(null);
  const [edited, setEdited] = useState<string | null>(null);
  const [baselineChoice, setBaselineChoice] = useState<string>("active");
  const [purpose, setPurpose] = useState("genai_training");
  const [source, setSource] = useState<DataSource>("demo");
  const [asOf, setAsOf] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ data: WhatIf; name: string; baseName: string } | null>(
    null,
  );

  const activeYaml = active?.yaml ?? "";
  const editText = edited ?? activeYaml;
  const baseline: PolicyRef =
    baselineChoice === "active"
      ? active === null
        ? { preset: "recommended" }
        : activeYaml !== "" && !(PRESETS as readonly string[]).includes(active.name)
          ? { yaml: activeYaml }
          : { preset: active.name }
      : { preset: baselineChoice };
  const baselineName =
    baselineChoice === "active" ? `${active?.name ?? "recommended"} (current)` : baselineChoice;
  const inputs: WhatIfInputs = { baseline, baselineName, purpose, source, asOf };

  function candidate(): { ref: PolicyRef; name: string } | null {
    if (mode === "preset") return { ref: { preset }, name: preset };
    if (mode === "file")
      return fileText === null ? null : { ref: { yaml: fileText.text }, name: fileText.name };
    return editText.trim() === "" ? null : { ref: { yaml: editText }, name: "Edited policy" };
  }

  async function run(e: React.FormEvent) {
    e.preventDefault();
    const c = candidate();
    if (c === null) {
      setError(
        new ApiError(
          "UI_NO_POLICY",
          mode === "file"
            ? "Choose a YAML policy file first."
            : "Write a policy in the editor first.",
          0,
        ),
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const data = await call(WhatIfSchema, "/v1/admin/whatif", {
        method: "POST",
        body: whatIfBody(c.ref, baseline, purpose, source, asOf),
      });
      setResult({ data, name: c.name, baseName: baselineName });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("UI_ERROR", String(err), 0));
    } finally {
      setBusy(false);
    }
  }

  async function onFile(files: FileList | null) {
    const f = files?.[0];
    setFileText(f === undefined ? null : { name: f.name, text: await f.text() });
  }

  return (
    <>
      <header className="page-header">
        <h1>What if we changed the policy?</h1>
        <p className="lead">
          See how many items and members would change status, and why, before anything is built.
          Nothing is written: this only evaluates.
        </p>
      </header>
      <section aria-labelledby={`${id}-form`} className="section">
        <h2 id={`${id}-form`}>Compare a policy with the current one</h2>
        <form className="card form-grid" onSubmit={(e) => void run(e)}>
          <fieldset className="full">
            <legend>Candidate policy</legend>
            <div className="radio-row">
              {(
                [
                  ["preset", "A preset"],
                  ["file", "A YAML file"],
                  ["edit", "Edit the current policy"],
                ] as const
              ).map(([m, label]) => (
                <label key={m} className="radio">
                  <input
                    type="radio"
                    name="mode"
                    value={m}
                    checked={mode === m}
                    onChange={() => setMode(m)}
                  />
                  {label}
                </label>
              ))}
            </div>
            {mode === "preset" ? (
              <label>
                Preset
                <select value={preset} onChange={(e) => setPreset(e.target.value)}>
                  {PRESETS.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {mode === "file" ? (
              <label>
                Policy file (.yaml)
                <input
                  type="file"
                  accept=".yaml,.yml,text/yaml"
                  onChange={(e) => void onFile(e.target.files)}
                />
              </label>
            ) : null}
            {mode === "edit" ? (
              <label className="full">
                Policy (YAML)
                <textarea
                  className="code-input"
                  rows={14}
                  spellCheck={false}
                  value={editText}
                  placeholder={
                    active === null
                      ? "The server did not send the current policy; paste a policy here."
                      : ""
                  }
                  onChange={(e) => setEdited(e.target.value)}
                />
              </label>
            ) : null}
          </fieldset>
          <label>
            Compare with
            <select value={baselineChoice} onChange={(e) => setBaselineChoice(e.target.value)}>
              <option value="active">
                The current policy{active === null ? "" : ` (${active.name})`}
              </option>
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Purpose
            <select value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              <option value="genai_training">Generative AI training</option>
              <option value="safety_training">Safety model training</option>
              <option value="ads_targeting">Ads targeting models</option>
            </select>
          </label>
          <fieldset>
            <legend>Data</legend>
            <label className="radio">
              <input
                type="radio"
                name="source"
                value="demo"
                checked={source === "demo"}
                onChange={() => setSource("demo")}
              />
              The demo export
            </label>
            <label className="radio">
              <input
                type="radio"
                name="source"
                value="ledger"
                checked={source === "ledger"}
                onChange={() => setSource("ledger")}
              />
              The live ledger
            </label>
          </fieldset>
          <label>
            As of (empty: now)
            <input type="datetime-local" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
          </label>
          <div className="full">
            <button type="submit" className="button" disabled={busy} aria-busy={busy}>
              Show what would change
            </button>{" "}
            {busy ? <Spinner label="Evaluating every item under both policies…" /> : null}
          </div>
        </form>
        {error === null ? null : <ErrorPanel error={error} what="the comparison" />}
        <div aria-live="polite">
          {result === null ? null : (
            <WhatIfResult
              result={result.data}
              baselineName={result.baseName}
              policyName={result.name}
            />
          )}
        </div>
      </section>
      <section aria-labelledby={`${id}-presets`} className="section">
        <h2 id={`${id}-presets`}>All presets on the same data</h2>
        <PresetComparison inputs={inputs} />
      </section>
    </>
  );
}

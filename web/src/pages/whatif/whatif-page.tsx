/**
 * What-if: pick a candidate policy (a preset, an uploaded YAML file, or an edit of the
 * current policy), the data (the server's export with consent from the live ledger, or
 * export files on the server), a purpose and an instant, and see side by side with the
 * current policy what would change before anything is built. Below, the five presets
 * compared on the same data in one view.
 */
import { useId, useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { Policies, WhatIf } from "../../api/schemas.js";
import { SelectField } from "../../components/select-field.js";
import { ErrorPanel, Spinner } from "../../components/status.js";
import { TextField } from "../../components/text-field.js";
import { useResource } from "../../hooks/use-resource.js";
import { PresetComparison } from "./preset-comparison.js";
import { PRESET_YAML } from "./preset-yaml.js";
import { type PolicyRef, PRESETS, summary, type WhatIfInputs, whatIfBody } from "./whatif-model.js";
import { WhatIfResult } from "./whatif-result.js";

type Mode = "preset" | "file" | "edit";

/** Now, to the minute, as RFC 3339: the form's starting instant, which the user can change. */
function nowMinute(): string {
  return `${new Date().toISOString().slice(0, 16)}:00Z`;
}

/** The /whatif page. */
export function WhatIfPage() {
  const id = useId();
  const policies = useResource((signal) => call(Policies, "/v1/policies", { signal }));
  const activeName = policies.status === "ready" ? (policies.data.active?.name ?? null) : null;
  const activeIsPreset = activeName !== null && (PRESETS as readonly string[]).includes(activeName);
  const [mode, setMode] = useState<Mode>("preset");
  const [preset, setPreset] = useState<string>("meta-2024");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [edited, setEdited] = useState<string | null>(null);
  const [baselineChoice, setBaselineChoice] = useState<string>("active");
  const [purpose, setPurpose] = useState("genai_training");
  const [dataChoice, setDataChoice] = useState<"server" | "files">("server");
  const [paths, setPaths] = useState({ members: "", items: "", consent: "" });
  const [asOf, setAsOf] = useState(nowMinute);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<WhatIf | null>(null);

  // The active policy can only be named as a baseline when it is a preset; a custom active
  // policy is compared through its preset of origin, which the form says.
  const baselineName =
    baselineChoice === "active"
      ? activeIsPreset
        ? `${activeName} (current)`
        : "recommended"
      : baselineChoice;
  const baseline: PolicyRef = {
    preset:
      baselineChoice === "active" ? (activeIsPreset ? activeName! : "recommended") : baselineChoice,
  };
  const editStart = PRESET_YAML[activeIsPreset ? activeName! : "recommended"] ?? "";
  const editText = edited ?? editStart;
  const inputs: WhatIfInputs = {
    baseline,
    baselineName,
    purpose,
    asOf,
    exportPaths:
      dataChoice === "server"
        ? null
        : {
            members: paths.members,
            items: paths.items,
            ...(paths.consent === "" ? {} : { consent: paths.consent }),
          },
  };

  function candidate(): PolicyRef | null {
    if (mode === "preset") return { preset };
    if (mode === "file") return file === null ? null : { yaml: file.text };
    return editText.trim() === "" ? null : { yaml: editText };
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
    // A stale answer next to a new question would mislead: clear it while evaluating.
    setResult(null);
    try {
      setResult(
        await call(WhatIf, "/v1/admin/whatif", { method: "POST", body: whatIfBody(c, inputs) }),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("UI_ERROR", String(err), 0));
    } finally {
      setBusy(false);
    }
  }

  async function onFile(files: FileList | null) {
    const f = files?.[0];
    setFile(f === undefined ? null : { name: f.name, text: await f.text() });
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
              <SelectField label="Preset" value={preset} onChange={setPreset}>
                {PRESETS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </SelectField>
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
              <label>
                Policy (YAML), starting from {activeIsPreset ? activeName : "recommended"}
                <textarea
                  className="code-input"
                  rows={16}
                  spellCheck={false}
                  value={editText}
                  onChange={(e) => setEdited(e.target.value)}
                />
              </label>
            ) : null}
          </fieldset>
          <SelectField label="Compare with" value={baselineChoice} onChange={setBaselineChoice}>
            <option value="active">
              The current policy{activeIsPreset ? ` (${activeName})` : ""}
            </option>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </SelectField>
          <SelectField label="Purpose" value={purpose} onChange={setPurpose}>
            <option value="genai_training">Generative AI training</option>
            <option value="safety_training">Safety model training</option>
            <option value="ads_targeting">Ads targeting models</option>
          </SelectField>
          <TextField
            label="As of"
            required
            value={asOf}
            onChange={setAsOf}
            hint="RFC 3339, e.g. 2025-06-01T00:00:00Z"
          />
          <fieldset className="full">
            <legend>Data</legend>
            <label className="radio">
              <input
                type="radio"
                name="data"
                checked={dataChoice === "server"}
                onChange={() => setDataChoice("server")}
              />
              The server's export (the demo export in demo mode) with consent from the live ledger
            </label>
            <label className="radio">
              <input
                type="radio"
                name="data"
                checked={dataChoice === "files"}
                onChange={() => setDataChoice("files")}
              />
              Export files on the server
            </label>
            {dataChoice === "files" ? (
              <div className="form-grid">
                <label>
                  Members file
                  <input
                    required
                    value={paths.members}
                    onChange={(e) => setPaths({ ...paths, members: e.target.value })}
                  />
                </label>
                <label>
                  Items file
                  <input
                    required
                    value={paths.items}
                    onChange={(e) => setPaths({ ...paths, items: e.target.value })}
                  />
                </label>
                <label>
                  Consent events file (empty: the live ledger)
                  <input
                    value={paths.consent}
                    onChange={(e) => setPaths({ ...paths, consent: e.target.value })}
                  />
                </label>
              </div>
            ) : null}
          </fieldset>
          <div className="full">
            <button type="submit" className="button" disabled={busy} aria-busy={busy}>
              Show what would change
            </button>{" "}
            {busy ? <Spinner label="Evaluating every item under both policies…" /> : null}
          </div>
        </form>
        {error === null ? null : <ErrorPanel error={error} verb="run" what="the comparison" />}
        <p className="visually-hidden" role="status" aria-live="polite">
          {result === null ? "" : summary(result)}
        </p>
        {result === null ? null : <WhatIfResult result={result} />}
      </section>
      <section aria-labelledby={`${id}-presets`} className="section">
        <h2 id={`${id}-presets`}>All presets on the same data</h2>
        <PresetComparison inputs={inputs} />
      </section>
    </>
  );
}

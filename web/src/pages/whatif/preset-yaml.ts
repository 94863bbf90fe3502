/**
 * The shipped presets' YAML, bundled at build time (no request), so "edit the current
 * policy" starts from the real text of the active preset.
 */
import linkedin2024 from "../../../../presets/linkedin-2024.yaml?raw";
import linkedin2025 from "../../../../presets/linkedin-2025.yaml?raw";
import meta2024 from "../../../../presets/meta-2024.yaml?raw";
import recommended from "../../../../presets/recommended.yaml?raw";
import x2024 from "../../../../presets/x-2024.yaml?raw";

/** Preset name → its YAML text. */
export const PRESET_YAML: Readonly<Record<string, string>> = {
  recommended,
  "linkedin-2024": linkedin2024,
  "linkedin-2025": linkedin2025,
  "meta-2024": meta2024,
  "x-2024": x2024,
};

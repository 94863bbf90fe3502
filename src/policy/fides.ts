/**
 * Mapping of TrainGate purposes and content classes onto the Fides taxonomy (fideslang), so
 * policies and manifests line up with the data maps privacy teams already keep.
 * Data uses: https://github.com/ethyca/fideslang (default_taxonomy/data_uses.py);
 * data categories: the `user.content.*` branch of the same taxonomy.
 */
import type { Kind, Visibility } from "./domain.js";

/** Fides data use of each known purpose. Unknown purposes map to `train_ai_system`'s parent-less default. */
export const PURPOSE_DATA_USE: Readonly<Record<string, string>> = {
  genai_training: "train_ai_system",
  safety_training: "essential.service.security",
  ads_targeting: "marketing.advertising.first_party.targeted",
};

/** The Fides data use of a purpose; a purpose a policy added maps to `train_ai_system`. */
export function dataUseOf(purpose: string): string {
  return PURPOSE_DATA_USE[purpose] ?? "train_ai_system";
}

/**
 * The Fides data category of a content class. Only public content is `user.content.public`;
 * content shown to connections or nobody, and every message, is `user.content.private`.
 */
export function dataCategoryOf(kind: Kind, visibility: Visibility): string {
  if (kind === "message" || visibility !== "public") return "user.content.private";
  return "user.content.public";
}

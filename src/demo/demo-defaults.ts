/**
 * The fixed facts of the demo platform, shared by `demo generate`, `demo start` and the
 * tests: one seed and one instant, so every clone builds the same first dataset.
 */

/** The default seed of the demo platform. */
export const DEMO_SEED = "traingate-demo";

/**
 * The demo's instant T: the export's snapshot and the first build's `--as-of`. Fixed, never
 * the wall clock, so the demo dataset and its manifest are the same on every machine.
 */
export const DEMO_AS_OF = "2025-06-30T00:00:00Z";

/** Default sizes for `npm start`: big enough to look real, small enough to start in seconds. */
export const DEMO_MEMBERS = 2000;
export const DEMO_ITEMS = 20000;

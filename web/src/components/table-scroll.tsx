/**
 * The horizontal scroll container of a wide table on a narrow screen. It is focusable and
 * named, so keyboard users can scroll it too (WCAG 2.1.1; axe `scrollable-region-focusable`).
 */
import type { ReactNode } from "react";

/**
 * Wraps a table; `label` names the region (usually the table's caption), suffixed so it
 * never repeats the name of the section around it (axe `landmark-unique`).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section className="table-scroll" aria-label={`${label} (table)`} tabIndex={0}>
      {children}
    </section>
  );
}

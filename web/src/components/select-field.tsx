/**
 * A labelled select. The label is tied with `for`/`id` rather than by wrapping, so the
 * select's accessible name is exactly the label text (a wrapping label would also pull the
 * option texts into the name in some browsers and accessibility APIs).
 */
import { type ReactNode, useId } from "react";

/** Props of SelectField. */
export interface SelectFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly children: ReactNode;
  readonly className?: string;
  readonly inline?: boolean;
}

/** Renders the label and the select. */
export function SelectField({
  label,
  value,
  onChange,
  children,
  className,
  inline,
}: SelectFieldProps) {
  const id = useId();
  return (
    <div
      className={`field${inline === true ? " inline" : ""}${className === undefined ? "" : ` ${className}`}`}
    >
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </div>
  );
}

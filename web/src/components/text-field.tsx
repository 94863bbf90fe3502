/**
 * A labelled text input (or textarea) with an optional hint. The hint sits outside the label
 * and is tied with `aria-describedby`, so the field's name stays its label and the hint is
 * read as its description.
 */
import { useId } from "react";

/** Props of TextField. */
export interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly hint?: string;
  readonly required?: boolean;
  /** An HTML `pattern` the value must match (checked before submit). */
  readonly pattern?: string;
  /** Rows of a textarea; absent for a single-line input. */
  readonly rows?: number;
  readonly className?: string;
  readonly code?: boolean;
}

/** Renders the label, the control and the hint. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const common = {
    id,
    value: props.value,
    required: props.required === true,
    ...(props.hint === undefined ? {} : { "aria-describedby": `${id}-hint` }),
  };
  return (
    <div className={`field${props.className === undefined ? "" : ` ${props.className}`}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.rows === undefined ? (
        <input
          {...common}
          {...(props.pattern === undefined ? {} : { pattern: props.pattern })}
          onChange={(e) => props.onChange(e.target.value)}
        />
      ) : (
        <textarea
          {...common}
          rows={props.rows}
          className={props.code === true ? "code-input" : undefined}
          spellCheck={props.code !== true}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {props.hint === undefined ? null : (
        <span id={`${id}-hint`} className="hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

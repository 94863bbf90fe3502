/**
 * An on/off switch that is a real control: a button with `role="switch"` and `aria-checked`,
 * labelled by visible text, operable with Space and Enter, with its state in words beside it
 * (never colour alone).
 */
import { useId } from "react";

/** Props of Switch. */
export interface SwitchProps {
  readonly label: string;
  readonly checked: boolean;
  readonly disabled?: boolean;
  readonly busy?: boolean;
  readonly onChange: (next: boolean) => void;
  readonly describedBy?: string;
}

/** Renders the switch with its label and its On/Off text. */
export function Switch({ label, checked, disabled, busy, onChange, describedBy }: SwitchProps) {
  const id = useId();
  return (
    <div className="switch-row">
      <span id={`${id}-l`} className="switch-label">
        {label}
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-l`}
        aria-busy={busy === true}
        {...(describedBy === undefined ? {} : { "aria-describedby": describedBy })}
        disabled={disabled === true || busy === true}
        className={`switch ${checked ? "on" : "off"}`}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-text">{checked ? "On" : "Off"}</span>
      </button>
    </div>
  );
}

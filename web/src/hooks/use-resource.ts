/**
 * Loads one API resource for a component: `loading`, then `ready` or `failed`, with a
 * `reload` for the retry button. A newer load aborts the older one, so a slow answer can
 * never overwrite a fresher one.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/api-error.js";

/** The state of a resource. */
export type Resource<T> =
  | { readonly status: "loading"; readonly reload: () => void }
  | { readonly status: "ready"; readonly data: T; readonly reload: () => void }
  | { readonly status: "failed"; readonly error: ApiError; readonly reload: () => void };

type Inner<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "failed"; error: ApiError };

/** Runs `load` on mount and whenever `key` changes or `reload` is called. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key = ""): Resource<T> {
  const [state, setState] = useState<Inner<T>>({ status: "loading" });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `tick` are the triggers.
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "ready", data });
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: "failed",
          error: e instanceof ApiError ? e : new ApiError("UI_ERROR", String(e), 0),
        });
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

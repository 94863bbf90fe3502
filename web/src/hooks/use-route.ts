/**
 * The current hash route (`#/me`, `#/console/runs`, ...). Hash routing keeps every page
 * reachable from the one `index.html` the server serves at `/`, with no server-side fallback.
 */
import { useEffect, useState } from "react";

function current(): string {
  const h = window.location.hash.replace(/^#/, "");
  return h === "" ? "/" : h;
}

/** Returns the path part of the hash (always starting with `/`). */
export function useRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

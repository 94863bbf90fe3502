/**
 * The application shell: a skip link, the banner with the main navigation, one `main`
 * landmark per page, and a footer. Focus moves to the page heading on navigation so screen
 * reader and keyboard users land at the start of the new page.
 */
import { useEffect, useRef } from "react";
import { useRoute } from "./hooks/use-route.js";
import { ConsolePage } from "./pages/console/console-page.js";
import { HomePage } from "./pages/home-page.js";
import { PrivacyCenter } from "./pages/me/privacy-center.js";
import { WhatIfPage } from "./pages/whatif/whatif-page.js";

const NAV = [
  { href: "#/me", label: "Privacy center", match: "/me" },
  { href: "#/console/overview", label: "Console", match: "/console" },
  { href: "#/whatif", label: "What-if", match: "/whatif" },
] as const;

function Page({ route }: { route: string }) {
  if (route.startsWith("/me")) return <PrivacyCenter />;
  if (route.startsWith("/console")) return <ConsolePage tab={route.split("/")[2] ?? "overview"} />;
  if (route.startsWith("/whatif")) return <WhatIfPage />;
  return <HomePage />;
}

/** The root component. */
export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    const section = route.split("/")[1] ?? "";
    document.title = `${{ me: "Privacy center", console: "Console", whatif: "What-if" }[section] ?? "Home"} · TrainGate`;
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [route]);

  return (
    <>
      {/* A button, not an anchor: `#main` would replace the hash route. */}
      <button type="button" className="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header className="banner">
        <div className="banner-inner">
          <a className="brand" href="#/">
            <span className="brand-mark" aria-hidden="true">
              TG
            </span>
            TrainGate
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={route.startsWith(n.match) ? "page" : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
      <footer className="footer">
        <p>
          TrainGate · <a href="/docs">API documentation</a>
        </p>
      </footer>
    </>
  );
}

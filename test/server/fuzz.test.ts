/**
 * Property-based fuzzing of every route (from the route table) and of random paths: random
 * methods, JSON values, raw bodies, content types and headers, with and without valid
 * credentials. Whatever comes in, the answer is never a 5xx, and every error is the standard
 * JSON body with a catalogue code and a message.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteEntry } from "../../src/server/build-app.js";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();
const RUNS = Number(process.env["TG_FUZZ_RUNS"] ?? 250);

const CONTENT_TYPES = [
  "application/json",
  "text/csv",
  "application/x-ndjson",
  "text/plain",
  "application/octet-stream",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "",
];

const segment = fc.oneof(
  fc.constantFrom(
    "genai_training",
    "ads_targeting",
    "x",
    "%00",
    "..",
    "%ZZ",
    "admin",
    "a".repeat(600),
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.record({
    choice: fc.oneof(
      fc.constantFrom("allow", "deny", "ALLOW", ""),
      fc.integer(),
      fc.constant(null),
    ),
  }),
  fc.constantFrom(
    '{"choice":"allow"',
    "member_id,purpose,choice,at,source\nm1,genai_training,deny,2025-01-01T00:00:00Z,import\n",
    "member_id,purpose\nm1",
    '{"member_id":"m1","purpose":"genai_training","choice":"deny","at":"nope","source":"api"}\n',
    '{"policy":{"preset":"nope"},"baseline":{"yaml":"::"},"purpose":"genai_training","as_of":"2025-01-01T00:00:00Z"}',
  ),
);

function fill(url: string, values: string[]): string {
  let i = 0;
  return url.replace(/:[A-Za-z]+|\*/g, () => values[i++ % values.length] ?? "x");
}

describe.each(BACKENDS)("fuzzing every route on $name", (backend: Backend) => {
  let s: TestServer;
  let routes: RouteEntry[];
  let tokens: (string | null)[];
  beforeAll(async () => {
    s = await testServer(backend, { demo: true });
    routes = [...s.app.routeTable];
    tokens = [
      null,
      await s.member("fuzzer"),
      s.keys.privacy_admin,
      s.keys.ml_engineer,
      s.keys.auditor,
      s.keys.partner,
      "tgk_zz_",
      "not.a.jwt",
      "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ];
  });
  afterAll(async () => s.close());

  it("never answers 5xx, and errors are catalogue JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.boolean(),
        fc.nat(),
        bodyArb,
        fc.constantFrom(...CONTENT_TYPES),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.option(fc.constantFrom("1", "0", "yes", ""), { nil: undefined }),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (
          ri,
          params,
          otherMethod,
          useRouteMethod,
          ti,
          body,
          type,
          idem,
          gpc,
          query,
          cookie,
        ) => {
          const route = routes[ri % routes.length]!;
          const method = useRouteMethod ? route.method : otherMethod;
          const token = tokens[ti % tokens.length] ?? null;
          const headers: Record<string, string> = {};
          if (type !== "") headers["content-type"] = type;
          if (idem !== undefined) headers["idempotency-key"] = idem;
          if (gpc !== undefined) headers["sec-gpc"] = gpc;
          if (cookie !== undefined) headers["cookie"] = `tg_session=${cookie}`;
          if (token !== null) headers["authorization"] = `Bearer ${token}`;
          const url = `${fill(route.url, params)}${query === undefined ? "" : `?${query}`}`;
          const payload =
            method === "GET" || body === undefined
              ? undefined
              : Buffer.isBuffer(body)
                ? body
                : typeof body === "string"
                  ? body
                  : JSON.stringify(body);
          const res = await s.app.inject({
            method: method as "GET",
            url,
            headers,
            ...(payload === undefined ? {} : { payload }),
          });
          expect(res.statusCode, `${method} ${url} -> ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const e = res.json();
            expect(e.error.code).toMatch(/^TG_E_/);
            expect(e.error.message.length).toBeGreaterThan(5);
            expect(typeof e.request_id).toBe("string");
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("bad bodies get 400 naming the path and what was expected", async () => {
    const token = await s.member("fuzzer");
    const r = await s.send(token, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "maybe" },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe("TG_E_BAD_INPUT");
    expect(r.json().error.message).toContain("body.choice");
    expect(r.json().error.message).toMatch(/allow/);
    const broken = await s.send(token, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: '{"choice":',
      headers: { "content-type": "application/json" },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message.toLowerCase()).toContain("json");
  });
});

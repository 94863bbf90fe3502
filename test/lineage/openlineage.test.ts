import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildRunEvent,
  emitRunEvent,
  openLineageRunId,
  RunEventSchema,
} from "../../src/lineage/openlineage-event.js";
import { recordBuild } from "../../src/lineage/record-build.js";
import { RunManifestSchema } from "../../src/lineage/run-manifest.js";
import { manifestFor } from "./lineage-fixtures.js";

const received: { body: unknown; type: string | undefined }[] = [];
let server: Server;
let url: string;
let status = 201;
let dir: string;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((ok) => {
    let s = "";
    req.on("data", (c) => {
      s += c;
    });
    req.on("end", () => ok(s));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tg-ol-"));
  server = createServer(async (req, res) => {
    received.push({ body: JSON.parse(await body(req)), type: req.headers["content-type"] });
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

const manifest = RunManifestSchema.parse(manifestFor("run-ol", ["a", "b"], { input: 3 }));

describe("OpenLineage run events", () => {
  it("builds a COMPLETE event with datasets and the traingate facet", () => {
    const e = buildRunEvent(manifest, { eventTime: Date.parse("2025-02-01T00:00:00Z") * 1000 });
    expect(RunEventSchema.safeParse(e).success).toBe(true);
    expect(e).toMatchObject({
      eventType: "COMPLETE",
      eventTime: "2025-02-01T00:00:00.000Z",
      job: { namespace: "traingate", name: "build.genai_training" },
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      run: {
        runId: openLineageRunId("run-ol"),
        facets: {
          traingate: {
            policy: { name: "recommended", sha256: "a".repeat(64) },
            asOf: "2025-01-01T00:00:00Z",
            counts: { input: 3, included: 2 },
            merkleRoot: manifest.merkle_root,
          },
        },
      },
    });
    expect(e.inputs.map((i) => [i.namespace, i.name.endsWith("items.jsonl")])).toEqual([
      ["file", true],
    ]);
    expect(e.outputs[0]!.name).toMatch(/out\/run-ol\/dataset.jsonl$/);
    for (const f of [
      e.run.facets!["traingate"]!,
      e.outputs[0]!.outputFacets!["outputStatistics"]!,
    ]) {
      expect(f._producer).toMatch(/^https:\/\//);
      expect(f._schemaURL).toMatch(/^https:\/\//);
    }
  });

  it("derives a stable UUID run id and keeps a UUID run id as is", () => {
    expect(openLineageRunId("run-ol")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(openLineageRunId("run-ol")).toBe(openLineageRunId("run-ol"));
    expect(openLineageRunId("run-om")).not.toBe(openLineageRunId("run-ol"));
    const u = "3b452093-782c-4ef2-9c0c-aafe2aa6f34d";
    expect(openLineageRunId(u)).toBe(u);
  });

  it("POSTs the event as JSON to an endpoint and appends it to a file", async () => {
    received.length = 0;
    const file = join(dir, "events.jsonl");
    const e = buildRunEvent(manifest, { eventTime: 1_700_000_000_000_000, namespace: "prod" });
    await emitRunEvent(e, { url, file });
    await emitRunEvent(e, { file });
    expect(received).toEqual([{ body: e, type: "application/json" }]);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([e, e]);
  });

  it("fails clearly when the endpoint refuses or is unreachable", async () => {
    status = 400;
    const e = buildRunEvent(manifest, { eventTime: 1_700_000_000_000_000 });
    await expect(emitRunEvent(e, { url })).rejects.toThrow(/answered HTTP 400/);
    status = 201;
    await expect(emitRunEvent(e, { url: "http://127.0.0.1:1/x" })).rejects.toThrow(/unreachable/);
  });

  it("recordBuild registers the run and emits its event", async () => {
    received.length = 0;
    const run = await recordBuild({
      manifest: manifestFor("run-rec", ["x", "y"]),
      itemIds: ["x", "y"],
      memberIds: ["m1"],
      memberConsent: { allow: 0, none: 1 },
      where: { dataDir: dir, database: `sqlite:${join(dir, "ledger.sqlite")}` },
      openLineage: { url },
    });
    expect(run.runId).toBe("run-rec");
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({ run: { runId: openLineageRunId("run-rec") } });
  });
});

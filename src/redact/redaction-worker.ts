/**
 * The worker thread behind `RedactionPool`: builds one redactor from `workerData` and
 * answers batches `{id, texts}` with `{id, texts}` (or `{id, error}`), null passing through.
 */
import { parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { createRedactor } from "./redactor.js";

const setupSchema = z.object({
  memberNames: z.array(z.string()),
  enabled: z.record(z.string(), z.boolean()),
});
const batchSchema = z.object({ id: z.number(), texts: z.array(z.string().nullable()) });

const port = parentPort;
if (port === null) throw new Error("redaction-worker must run as a worker thread");
const redactor = createRedactor(setupSchema.parse(workerData));
port.on("message", (message: unknown) => {
  const batch = batchSchema.safeParse(message);
  if (!batch.success) {
    port.postMessage({ id: -1, error: `bad batch: ${batch.error.message}` });
    return;
  }
  const { id, texts } = batch.data;
  try {
    port.postMessage({ id, texts: texts.map((t) => (t === null ? null : redactor.redact(t))) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});

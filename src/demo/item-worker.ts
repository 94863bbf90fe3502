/**
 * A worker thread of the demo generator: renders the item chunks it is sent and hands back
 * their UTF-8 bytes (transferred, not copied). See item-renderer.ts for why any thread may
 * render any chunk.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type ItemOptions, ItemRenderer, type MemberFacts } from "./item-renderer.js";

const { facts, opts } = workerData as { facts: MemberFacts; opts: ItemOptions };
const renderer = new ItemRenderer(facts, opts);

parentPort?.on("message", (index: number) => {
  const bytes = renderer.chunk(index);
  parentPort?.postMessage({ index, bytes }, [bytes.buffer as ArrayBuffer]);
});

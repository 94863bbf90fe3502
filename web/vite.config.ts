import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The web UI build: `web/` is the Vite root and the bundle lands in `web/dist`, which the
 * Fastify server serves at `/`. Relative asset URLs (`base: "./"`) keep the bundle working
 * under any mount point; no request ever leaves the origin (no CDN, no external fonts).
 */
export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
  server: {
    // `npm run dev:web`-style development against a running `traingate serve` on 8080.
    proxy: {
      "/v1": "http://127.0.0.1:8080",
      "/demo": "http://127.0.0.1:8080",
      "/healthz": "http://127.0.0.1:8080",
    },
  },
});

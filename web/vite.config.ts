/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const contracts = fileURLToPath(new URL("../functions/src/contracts/index.ts", import.meta.url));
/** The functions emulator's `api` function; `/v1/**` goes there in dev, as Hosting rewrites it in production. */
const apiTarget = process.env.CFAP_API_TARGET ?? "http://127.0.0.1:5001/demo-cfap/us-central1/api";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@cfap/contracts": contracts } },
  server: {
    port: 5173,
    proxy: {
      "/v1": { target: apiTarget, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // The Firebase SDK alone is ~500 kB minified; it is split into its own long-cached chunk.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        advancedChunks: {
          groups: [{ name: "firebase", test: /node_modules[\\/](@firebase|firebase)[\\/]/ }],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});

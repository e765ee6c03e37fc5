import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Two cores: statistical tests are CPU-bound, more parallel files only thrash.
    maxWorkers: 2,
  },
});

import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "seed", include: ["src/**/*.test.ts"] },
});

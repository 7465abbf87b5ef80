/**
 * Next config for the aelab dashboard.
 * Workspace packages ship TypeScript source, so Next transpiles them; Turbopack
 * is rooted at the monorepo so it resolves the hoisted node_modules.
 */
import type { NextConfig } from "next";
import { fileURLToPath } from "node:url";

const monorepoRoot = fileURLToPath(new URL("../..", import.meta.url));

const config: NextConfig = {
  transpilePackages: ["@aelab/core", "@aelab/tracking"],
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
  // Next 16.5 would otherwise write AGENTS.md into the app folder on `next dev`.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default config;

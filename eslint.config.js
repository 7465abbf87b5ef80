// One lint config for the repo. The important rule is @nx/enforce-module-boundaries:
// core depends on nothing of ours, adapters only on core, domain packages on
// core and each other, apps on anything but other apps.
import nx from "@nx/eslint-plugin";

export default [
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  { ignores: ["**/node_modules/**", "**/.next/**", "**/src/generated/**", "**/dist/**", "**/next-env.d.ts"] },
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          depConstraints: [
            { sourceTag: "scope:core", onlyDependOnLibsWithTags: [] },
            { sourceTag: "type:core", onlyDependOnLibsWithTags: ["type:core"] },
            { sourceTag: "type:adapter", onlyDependOnLibsWithTags: ["type:core"] },
            { sourceTag: "type:domain", onlyDependOnLibsWithTags: ["type:core", "type:domain"] },
            { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:core", "type:domain", "type:adapter"] },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    files: ["packages/cli/**/*.ts", "tools/**/*.ts", "**/*.test.ts", "**/e2e/**/*.ts"],
    rules: { "no-console": "off" },
  },
];

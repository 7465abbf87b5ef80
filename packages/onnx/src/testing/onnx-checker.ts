/**
 * The reference ONNX checker, for tests: `onnx.checker.check_model(full_check=True)`
 * from Debian's python3-onnx, run through /usr/bin/python3 (the pyenv python3
 * on PATH cannot import it; override with AELAB_ONNX_PYTHON).
 */
import { spawnSync } from "node:child_process";

export const ONNX_CHECKER_PYTHON = process.env.AELAB_ONNX_PYTHON ?? "/usr/bin/python3";

const CHECK = `
import json, sys, onnx
results = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        results[path] = "ok"
    except Exception as e:
        results[path] = f"{type(e).__name__}: {e}"
print(json.dumps(results))
`;

/** Why the checker cannot run here, or undefined when it can. */
export function onnxCheckerProblem(): string | undefined {
  const probe = spawnSync(ONNX_CHECKER_PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
  if (probe.error) return `${ONNX_CHECKER_PYTHON} cannot run (${probe.error.message})`;
  return probe.status === 0 ? undefined : `${ONNX_CHECKER_PYTHON} cannot import onnx (apt-get install python3-onnx): ${probe.stderr.trim().split("\n").at(-1)}`;
}

/** Checks every file in one Python process: path → "ok" or the checker's error. Throws if Python itself fails. */
export function runOnnxChecker(paths: readonly string[]): Record<string, string> {
  const run = spawnSync(ONNX_CHECKER_PYTHON, ["-c", CHECK, ...paths], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the ONNX checker exited ${run.status}: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}

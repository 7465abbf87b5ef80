/** Sweep files: methods, search spaces, caps, pruners and the errors for bad input (file, key, received value). */
import { isAelabError } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { parseSweepConfig } from "./sweep-config.ts";

const base = { name: "s", data: { limit: 100 }, training: { epochs: 3, batchSize: 16 } };
const parse = (extra: Record<string, unknown>) =>
  parseSweepConfig({ ...base, parameters: { architecture: { values: ["dense"] }, hiddenSize: { values: [2, 4] } }, ...extra }, "sweep.yaml");

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isAelabError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error("expected an error");
}

describe("sweep files", () => {
  it("defaults: a grid over every cell, parallelism 1, no pruner, 3 attempts", () => {
    const s = parse({});
    expect(s).toMatchObject({ method: "grid", trialCount: 2, parallelism: 1, pruner: undefined, maxAttempts: 3, seed: 0 });
    expect(s.trials.map((t) => t.params)).toEqual([
      { architecture: "dense", hiddenSize: 2 },
      { architecture: "dense", hiddenSize: 4 },
    ]);
  });

  it("caps a grid with trials", () => {
    expect(parse({ trials: 1 }).trials).toHaveLength(1);
  });

  it("random and TPE over model, training, regularisation and noise parameters, with aliases", () => {
    const s = parseSweepConfig(
      {
        ...base,
        method: "tpe",
        trials: 12,
        parallelism: 2,
        seed: 5,
        metric: { name: "val_loss", goal: "minimize" },
        pruner: { type: "asha", minEpochs: 1, reductionFactor: 3 },
        maxAttempts: 2,
        parameters: {
          architecture: { values: ["dense", "deep-dense"] },
          hiddenSize: { type: "int", min: 2, max: 32, distribution: "log" },
          depth: { type: "int", min: 0, max: 2 },
          learningRate: { type: "float", min: 1e-4, max: 1e-2, distribution: "log" },
          batchSize: { values: [16, 32] },
          "model.regularization.l2": { type: "float", min: 0, max: 0.001 },
          "model.noise.stddev": { values: [0, 0.3] },
        },
      },
      "sweep.yaml",
    );
    expect(s).toMatchObject({ method: "tpe", trialCount: 12, parallelism: 2, seed: 5, maxAttempts: 2, trials: [] });
    expect(s.pruner).toEqual({ type: "asha", minEpochs: 1, reductionFactor: 3, minEarlyStoppingRate: 0 });
    const config = s.buildTrial(
      { architecture: "deep-dense", hiddenSize: 8, depth: 1, learningRate: 0.003, batchSize: 32, "model.regularization.l2": 0.0005, "model.noise.stddev": 0.3 },
      4,
    );
    expect(config.training.optimizer.learningRate).toBe(0.003);
    expect(config.training.batchSize).toBe(32);
    expect(config.spec.regularization?.l2).toBe(0.0005);
    expect(config.spec.noise).toMatchObject({ type: "gaussian", stddev: 0.3 });
    expect(s.effective()).toMatchObject({ method: "tpe", data: { source: "mnist", limit: 100 } });
  });

  it("a pruner given by name takes Optuna's defaults", () => {
    expect(parse({ pruner: "median" }).pruner).toEqual({ type: "median", startupTrials: 5, warmupEpochs: 0, intervalEpochs: 1 });
    expect(parse({ pruner: "none" }).pruner).toBeUndefined();
  });

  it("refuses bad input naming the file, the key and the value received", () => {
    expect(messageOf(() => parse({ method: "random" }))).toMatch(
      /^INVALID_CONFIG: sweep\.yaml: trials: method random needs a trial cap .*Received: trials=undefined$/,
    );
    expect(messageOf(() => parse({ method: "bayes" }))).toMatch(/^INVALID_CONFIG: Invalid sweep\.yaml .*method.*bayes/s);
    expect(messageOf(() => parse({ trials: 0 }))).toMatch(/sweep\.yaml.*trials.*0/s);
    expect(messageOf(() => parse({ parallelism: "two" }))).toMatch(/sweep\.yaml.*parallelism.*two/s);
    expect(messageOf(() => parse({ pruner: { type: "asha", reductionFactor: 1 } }))).toMatch(/sweep\.yaml.*pruner\.reductionFactor.*1/s);
    expect(messageOf(() => parse({ maxAttempts: -1 }))).toMatch(/sweep\.yaml.*maxAttempts.*-1/s);
    expect(
      messageOf(() =>
        parseSweepConfig(
          { ...base, parameters: { architecture: { values: ["dense"] }, hiddenSize: { values: [2] }, dropout: { values: [0.1] } } },
          "sweep.yaml",
        ),
      ),
    ).toMatch(/^INVALID_CONFIG: sweep\.yaml: unknown sweep parameter at parameters\.dropout; expected architecture, .*Received: "dropout"$/);
    expect(
      messageOf(() =>
        parseSweepConfig(
          { ...base, parameters: { architecture: { values: ["dense"] }, hiddenSize: { type: "int", min: 2, max: 64, distribution: "log" } } },
          "sweep.yaml",
        ),
      ),
    ).toMatch(
      /^INVALID_CONFIG: sweep\.yaml: parameters\.hiddenSize: method grid needs values it can enumerate: a log distribution cannot be enumerated.*Received: \{"type":"int"/,
    );
    expect(
      messageOf(() =>
        parseSweepConfig({ ...base, parameters: { architecture: { values: ["dense"] }, hiddenSize: { type: "int", min: 8, max: 2 } } }, "sweep.yaml"),
      ),
    ).toMatch(/sweep\.yaml.*parameters\.hiddenSize\.max.*expected max > min/s);
    expect(messageOf(() => parse({ pruner: "median", training: { epochs: 1 } }))).toMatch(
      /^INVALID_CONFIG: sweep\.yaml: pruner: pruning stops trials between epochs, .*Received: pruner\.type=median, training\.epochs=1$/,
    );
    // A drawn trial is checked too: the first random draw must build.
    expect(
      messageOf(() =>
        parseSweepConfig(
          {
            ...base,
            method: "random",
            trials: 3,
            parameters: { architecture: { values: ["dense"] }, hiddenSize: { values: [2] }, "model.variational.beta": { values: [1] } },
          },
          "sweep.yaml",
        ),
      ),
    ).toMatch(
      /^INVALID_CONFIG: sweep\.yaml \(trial 1: architecture=dense, hiddenSize=2, model\.variational\.beta=1\): model\.variational\.beta needs a variational model/,
    );
    // So is every category and range end of each parameter, not only the values the first draw happened to take.
    const tpe = (parameters: Record<string, unknown>) => () => parseSweepConfig({ ...base, method: "tpe", trials: 5, seed: 3, parameters }, "sweep.yaml");
    expect(messageOf(tpe({ architecture: { values: ["dense", "dense", "dense", "nope"] }, hiddenSize: { values: [4] } }))).toMatch(
      /^INVALID_SPEC: sweep\.yaml \(trial 1: architecture=nope, hiddenSize=4\): Unknown architecture preset; .*Received: "nope"$/,
    );
    expect(messageOf(tpe({ architecture: { values: ["dense"] }, hiddenSize: { type: "int", min: 2, max: 100_000 } }))).toMatch(
      /^INVALID_SPEC: Invalid model in sweep\.yaml \(trial 1: architecture=dense, hiddenSize=100000\) at model\.hiddenSize: Too big: .*Received: 100000$/,
    );
  });
});

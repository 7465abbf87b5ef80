/**
 * tf.train optimisers from aelab's `OptimizerConfig`, with tfjs semantics:
 * - adam: learningRate, beta1, beta2, epsilon (ε added to √v̂, as in tfjs/Keras);
 * - sgd: plain SGD, or tfjs momentum SGD when `momentum > 0`;
 * - rmsprop: decay (ρ) 0.9 as in Keras, `momentum`, `epsilon` (inside the
 *   square root, as tfjs does); beta1/beta2 are adam-only.
 * Create and retune them only while the owning backend is active: they keep
 * scalar tensors.
 */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode, type OptimizerConfig } from "@aelab/core";

export const RMSPROP_DECAY = 0.9;

export interface TfOptimizer {
  optimizer: tf.Optimizer;
  /** Changes the learning rate in place, keeping the optimiser's moments. */
  setLearningRate(learningRate: number): void;
}

export function createOptimizer(config: OptimizerConfig): TfOptimizer {
  const { name, learningRate, momentum, beta1, beta2, epsilon } = config;
  switch (name) {
    case "adam":
      return withField(tf.train.adam(learningRate, beta1, beta2, epsilon));
    case "sgd": {
      // SGD and momentum keep −lr as a cached scalar, which setLearningRate rebuilds.
      const optimizer = momentum > 0 ? tf.train.momentum(learningRate, momentum) : tf.train.sgd(learningRate);
      return { optimizer, setLearningRate: (lr) => optimizer.setLearningRate(checked(lr)) };
    }
    case "rmsprop":
      return withField(tf.train.rmsprop(learningRate, RMSPROP_DECAY, momentum, epsilon));
    default: {
      const unknown: never = name;
      throw new AelabError(ErrorCode.InvalidConfig, `Unknown optimizer; expected adam, sgd or rmsprop. Received: ${JSON.stringify(unknown)}`);
    }
  }
}

/** Adam and RMSProp read their (protected) `learningRate` field on every step. */
function withField(optimizer: tf.Optimizer): TfOptimizer {
  return {
    optimizer,
    setLearningRate: (lr) => {
      (optimizer as unknown as { learningRate: number }).learningRate = checked(lr);
    },
  };
}

function checked(learningRate: number): number {
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new AelabError(ErrorCode.InvalidConfig, `learningRate must be a positive finite number. Received: learningRate=${String(learningRate)}`);
  }
  return learningRate;
}

/**
 * Why this file exists: the wasm BatchMatMul sends only untransposed, batch-1
 * products to XNNPACK; `transposeA`/`transposeB` (which tfjs's matMul gradient
 * uses for both dX = dY·Wᵀ and dW = Xᵀ·dY) fall back to a scalar loop that is
 * several times slower than the forward product. This dense product has the
 * same value and gradient, but its gradient transposes explicitly (a cheap
 * native Transpose) and then runs untransposed products.
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * `x · w` for a dense layer.
 * @param fast use the explicit-transpose gradient (a large gain on wasm, neutral on cpu).
 * @param inputNeedsGrad false when `x` does not depend on any trainable
 *   parameter (the first dense layer), so its gradient is not computed at all.
 */
export function denseMatMul(x: tf.Tensor2D, w: tf.Tensor2D, fast: boolean, inputNeedsGrad = true): tf.Tensor2D {
  if (!fast) return tf.matMul(x, w);
  // Tensors the gradient reads must go through `save`: tfjs disposes the
  // forward pass's intermediates before backprop unless they are saved.
  if (!inputNeedsGrad) {
    const product = tf.customGrad((kernel, save) => {
      (save as tf.GradSaveFunc)([x]);
      return {
        value: tf.matMul(x, kernel as tf.Tensor2D),
        gradFunc: (dy, [input]) => tf.matMul(tf.transpose(input), dy as tf.Tensor2D),
      };
    });
    return product(w) as tf.Tensor2D;
  }
  const product = tf.customGrad((input, kernel, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor, kernel as tf.Tensor]);
    return {
      value: tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D),
      gradFunc: (dy, [a, k]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(k)), tf.matMul(tf.transpose(a), dy as tf.Tensor2D)],
    };
  });
  return product(x, w) as tf.Tensor2D;
}

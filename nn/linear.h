// Linear: the fully connected (Dense) layer y = σ(x·W + b), with W of shape
// [in_features, out_features] as on the blackboard, so ∇W = xᵀ·δ.
#pragma once

#include <cstdint>
#include <string>

#include "nn/activation_function.h"
#include "nn/init.h"
#include "nn/module.h"
#include "nn/regularizer.h"

namespace nabla::nn {

/// Options of Linear, with Keras's Dense defaults: a Glorot-uniform weight
/// and a zero bias. For a ReLU layer `.weight_initializer = init::he_normal()`
/// is the usual choice. (PyTorch's nn.Linear draws both from
/// U(−1/√in, 1/√in) instead.) An option that acts on a parameter is named
/// after the parameter as registered: weight_*, bias_*.
struct LinearOptions {
  /// Whether the layer adds a bias b (registered as "bias").
  bool bias = true;
  /// σ applied to x·W + b (Activation::linear: none).
  Activation activation = Activation::linear;
  /// The slope λ of a sigmoid or tanh activation: y = σ(λ (x·W + b)). Must
  /// be > 0 and finite, and 1 for the other activations.
  double activation_slope = 1.0;
  /// Fills W [in, out] at construction (fans: fan_in = in, fan_out = out).
  init::Initializer weight_initializer = init::glorot_uniform();
  /// Fills b [out] at construction.
  init::Initializer bias_initializer = init::zeros();
  /// When set, fills W and b together after the two initializers above ran,
  /// e.g. init::nguyen_widrow() (needs bias = true).
  init::LayerInitializer layer_initializer = {};
  /// Penalty on W added to regularization_loss().
  Regularizer weight_regularizer = {};
  /// Penalty on b added to regularization_loss() (needs bias = true).
  Regularizer bias_regularizer = {};
  /// Penalty on the output y, divided by the batch size (Keras's activity_regularizer).
  Regularizer activity_regularizer = {};
  /// The dtype of W and b (f32 or f64).
  DType dtype = DType::f32;
};

/// The Dense layer: y = σ(x·W + b) for x of shape [..., in_features] (a
/// single sample [in] or a batch [N, in]; leading dims are kept), W
/// [in_features, out_features] and b [out_features].
///
///   nn::Linear hidden(784, 500, {.activation = nn::Activation::relu,
///                                .weight_initializer = nn::init::he_normal()});
///   Variable h = hidden(x);  // [N, 784] -> [N, 500]
class Linear : public Module {
 public:
  /// Creates W and b with the options' initializers and attaches the
  /// regularizers. Throws nabla::Error for in_features or out_features < 1, a
  /// non-floating dtype, an empty initializer or one that changes the
  /// parameter's shape or dtype, a regularizer with a negative weight, a
  /// bias_regularizer or layer_initializer without a bias, and an
  /// activation_slope that is not > 0 and finite, or not 1 for an activation
  /// other than sigmoid and tanh.
  Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options = {});

  /// Returns σ(x·W + b). Throws nabla::Error when x's last dim is not
  /// in_features ("Linear: expected input with 784 features (last dim), got
  /// [32, 78] for weight [784, 10]"), and for a rank-0 x or a dtype that
  /// differs from W's.
  Variable forward(const Variable& x) override;

  /// "in_features=784, out_features=10, bias=true, activation=relu" (the
  /// activation is omitted when it is linear).
  std::string extra_repr() const override;

  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }
  Activation activation() const { return activation_; }
  double activation_slope() const { return activation_slope_; }
  bool has_bias() const { return bias.defined(); }

  /// W, [in_features, out_features].
  Variable weight;
  /// b, [out_features]; undefined (and not registered) when options.bias is false.
  Variable bias;

 private:
  std::int64_t in_features_;
  std::int64_t out_features_;
  Activation activation_;
  double activation_slope_;
};

}  // namespace nabla::nn

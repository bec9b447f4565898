// Activation modules: thin wrappers over autograd's activation ops, so an
// activation can sit in a Sequential like any layer. Activate(Activation)
// applies one of the named activations of activation_function.h with their
// default parameters (including "linear", the identity); the other classes
// expose each activation's options with PyTorch's names and defaults. Every
// derivative is the autograd op's rule (docs/ops.md).
#pragma once

#include <cstdint>
#include <string>

#include "nn/activation_function.h"
#include "nn/module.h"

namespace nabla::nn {

/// Applies activate(activation, x): the activation chosen by name, e.g.
/// nn::Activate(nn::Activation::tanh). Activation::linear returns x.
class Activate : public Module {
 public:
  explicit Activate(Activation activation) : activation_(activation) {}
  /// Returns activate(activation, x); throws what the op throws (e.g. for i64 x).
  Variable forward(const Variable& x) override;
  /// "activation=relu".
  std::string extra_repr() const override;
  Activation activation() const { return activation_; }

 private:
  Activation activation_;
};

/// y = max(x, 0); y' = 1 for x > 0, else 0.
class ReLU : public Module {
 public:
  Variable forward(const Variable& x) override;
};

struct LeakyReLUOptions {
  /// The slope a for x < 0. Must be finite.
  double negative_slope = 0.01;
};

/// y = x for x >= 0, a·x otherwise; y' = 1 for x > 0, a for x <= 0.
class LeakyReLU : public Module {
 public:
  /// Throws nabla::Error for a NaN or infinite negative_slope.
  explicit LeakyReLU(LeakyReLUOptions options = {});
  Variable forward(const Variable& x) override;
  /// "negative_slope=0.01".
  std::string extra_repr() const override;
  const LeakyReLUOptions& options() const { return options_; }

 private:
  LeakyReLUOptions options_;
};

struct ELUOptions {
  /// α, the value −α approached as x → −∞. Must be finite (as in PyTorch, a
  /// negative α is accepted).
  double alpha = 1.0;
};

/// y = x for x > 0, α (eˣ − 1) otherwise; y' = 1 for x > 0, α eˣ for x <= 0.
class ELU : public Module {
 public:
  /// Throws nabla::Error for a NaN or infinite alpha.
  explicit ELU(ELUOptions options = {});
  Variable forward(const Variable& x) override;
  /// "alpha=1".
  std::string extra_repr() const override;
  const ELUOptions& options() const { return options_; }

 private:
  ELUOptions options_;
};

struct GELUOptions {
  /// false: y = x Φ(x) with the normal CDF Φ (PyTorch's approximate="none");
  /// true: y = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))) (approximate="tanh").
  bool approximate = false;
};

/// Gaussian error linear unit, y = x Φ(x) or its tanh approximation; the
/// gradient is the exact derivative of the form computed.
class GELU : public Module {
 public:
  explicit GELU(GELUOptions options = {}) : options_(options) {}
  Variable forward(const Variable& x) override;
  /// "approximate=false".
  std::string extra_repr() const override;
  const GELUOptions& options() const { return options_; }

 private:
  GELUOptions options_;
};

struct SigmoidOptions {
  /// The slope λ of the logistic function. Must be > 0 and finite.
  double slope = 1.0;
};

/// The logistic sigmoid with slope λ, y = 1 / (1 + e^(−λx)) = σ(λx), with
/// y' = λ y (1 − y) (so y'(0) = λ/4). λ = 1 is torch.nn.Sigmoid.
class Sigmoid : public Module {
 public:
  /// Throws nabla::Error for slope <= 0, NaN or infinite.
  explicit Sigmoid(SigmoidOptions options = {});
  Variable forward(const Variable& x) override;
  /// "slope=2"; empty for the default slope 1.
  std::string extra_repr() const override;
  const SigmoidOptions& options() const { return options_; }

 private:
  SigmoidOptions options_;
};

struct TanhOptions {
  /// The slope λ in y = tanh(λx). Must be > 0 and finite.
  double slope = 1.0;
};

/// The hyperbolic tangent with slope λ, y = tanh(λx), with y' = λ (1 − y²)
/// (so y'(0) = λ). λ = 1 is torch.nn.Tanh.
class Tanh : public Module {
 public:
  /// Throws nabla::Error for slope <= 0, NaN or infinite.
  explicit Tanh(TanhOptions options = {});
  Variable forward(const Variable& x) override;
  /// "slope=2"; empty for the default slope 1.
  std::string extra_repr() const override;
  const TanhOptions& options() const { return options_; }

 private:
  TanhOptions options_;
};

struct SoftplusOptions {
  /// β in y = ln(1 + e^(βx)) / β. Must be > 0 and finite.
  double beta = 1.0;
  /// Where βx > threshold, y = x (the linear branch, to avoid overflow). Must
  /// not be NaN.
  double threshold = 20.0;
};

/// y = ln(1 + e^(βx)) / β, and x where βx > threshold; y' = σ(βx), 1 on the
/// linear branch.
class Softplus : public Module {
 public:
  /// Throws nabla::Error for beta <= 0, NaN or infinite, and a NaN threshold.
  explicit Softplus(SoftplusOptions options = {});
  Variable forward(const Variable& x) override;
  /// "beta=1, threshold=20".
  std::string extra_repr() const override;
  const SoftplusOptions& options() const { return options_; }

 private:
  SoftplusOptions options_;
};

struct SoftmaxOptions {
  /// The dim whose slices sum to 1 (negative counts from the end).
  std::int64_t dim = -1;
};

/// y_i = e^(x_i) / Σ_j e^(x_j) along dim (computed as exp(x − max) for
/// stability); ∂y_i/∂x_j = y_i (δ_ij − y_j).
class Softmax : public Module {
 public:
  explicit Softmax(SoftmaxOptions options = {}) : options_(options) {}
  /// Throws nabla::Error for a dim outside x's rank and an i64 x.
  Variable forward(const Variable& x) override;
  /// "dim=-1".
  std::string extra_repr() const override;
  const SoftmaxOptions& options() const { return options_; }

 private:
  SoftmaxOptions options_;
};

struct LogSoftmaxOptions {
  /// The dim along which exp(y) sums to 1 (negative counts from the end).
  std::int64_t dim = -1;
};

/// y_i = x_i − log Σ_j e^(x_j) along dim (stable for large x);
/// ∂y_i/∂x_j = δ_ij − softmax(x)_j.
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(LogSoftmaxOptions options = {}) : options_(options) {}
  /// Throws nabla::Error for a dim outside x's rank and an i64 x.
  Variable forward(const Variable& x) override;
  /// "dim=-1".
  std::string extra_repr() const override;
  const LogSoftmaxOptions& options() const { return options_; }

 private:
  LogSoftmaxOptions options_;
};

}  // namespace nabla::nn

// Parameter initializers (nn::init): in-place functions that fill a Tensor
// with constants or random values whose scale follows the layer's fans, and
// factories returning the same as an Initializer for a layer's options
// (Linear(784, 10, {.weight_initializer = init::he_normal()})).
//
// NOTE [ Fans ] A Dense weight in nabla has shape [in_features, out_features]
// (y = x·W + b), the transpose of PyTorch's [out, in]. So for a 2-D tensor
//   fan_in = size(0),  fan_out = size(1),
// which gives the same numbers PyTorch gets for its own layout. For rank
// r ≥ 3 the last two dims are (in, out) as in Keras, and the others are a
// receptive field: fan_in = size(-2) · R, fan_out = size(-1) · R with
// R = size(0) ⋯ size(r − 3). Tensors of rank 0 and 1 have no fans: the
// fan-based initializers throw for them (like PyTorch).
//
// Every random initializer takes an optional Generator* (null: the default
// generator, see manual_seed). Every function throws nabla::Error for an
// undefined tensor, a non-floating dtype and a tensor with no elements.
#pragma once

#include <cstdint>
#include <functional>
#include <numbers>
#include <optional>

#include "nn/activation_function.h"
#include "tensor/random.h"
#include "tensor/tensor.h"

namespace nabla::nn::init {

/// Fills a parameter tensor in place (its shape and dtype must not change).
using Initializer = std::function<void(Tensor&)>;

/// Fills a layer's weight [in, out] and bias [out] together, for schemes in
/// which one depends on the other's shape (Nguyen–Widrow's bias range depends
/// on the number of inputs). Shapes and dtypes must not change.
using LayerInitializer = std::function<void(Tensor& weight, Tensor& bias)>;

/// Which fan scales a He (Kaiming) initializer: fan_in preserves the variance
/// of the activations in the forward pass, fan_out that of the gradients in
/// the backward pass.
enum class FanMode { fan_in, fan_out };

/// The fans of a weight of this shape (NOTE [ Fans ] above).
struct Fans {
  std::int64_t fan_in = 0;
  std::int64_t fan_out = 0;
};

/// Returns the fans of a weight of `shape`: [in, out] -> {in, out}; for rank
/// r ≥ 3, {size(-2) · R, size(-1) · R} with R the product of the leading dims.
/// Throws nabla::Error for rank < 2 (a bias has no fans).
Fans compute_fans(const Shape& shape);

/// The recommended gain for weights followed by `activation`, as
/// torch.nn.init.calculate_gain: linear, sigmoid, softmax, log_softmax → 1;
/// tanh → 5/3; relu → √2; leaky_relu → √(2 / (1 + slope²)) with slope =
/// `param` (0.01 when absent, nabla's leaky_relu slope). elu, gelu and softplus
/// have no published gain and get 1. `param` is only used by leaky_relu;
/// throws nabla::Error when another activation is given one, or for a
/// non-finite slope.
double calculate_gain(Activation activation, std::optional<double> param = std::nullopt);

// ---- In-place initializers.

/// t ← 0.
void zeros_(Tensor& t);
/// t ← 1.
void ones_(Tensor& t);
/// t ← value.
void constant_(Tensor& t, double value);

/// t ~ U(a, b), uniform on [a, b). Throws for a > b.
void uniform_(Tensor& t, double a = 0.0, double b = 1.0, Generator* gen = nullptr);
/// t ~ N(mean, std²). Throws for std < 0.
void normal_(Tensor& t, double mean = 0.0, double std = 1.0, Generator* gen = nullptr);

/// Glorot & Bengio (2010): t ~ U(−a, a), a = gain · √(6 / (fan_in + fan_out)),
/// so Var(t) = gain² · 2 / (fan_in + fan_out). Keras's Dense default.
void glorot_uniform_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);
/// Glorot & Bengio (2010): t ~ N(0, σ²), σ = gain · √(2 / (fan_in + fan_out))
/// (a plain normal, as PyTorch; Keras truncates it at 2σ and rescales).
void glorot_normal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);
/// Same as glorot_uniform_ (PyTorch's name).
inline void xavier_uniform_(Tensor& t, double gain = 1.0, Generator* gen = nullptr) {
  glorot_uniform_(t, gain, gen);
}
/// Same as glorot_normal_ (PyTorch's name).
inline void xavier_normal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr) {
  glorot_normal_(t, gain, gen);
}

/// He et al. (2015): t ~ U(−a, a), a = gain · √(3 / fan), fan = fan_in or
/// fan_out by `mode`, so Var(t) = gain² / fan. The default gain √2 suits ReLU
/// (a = √(6 / fan_in), Keras's he_uniform); pass calculate_gain(...) for
/// another activation.
void he_uniform_(Tensor& t,
                 double gain = std::numbers::sqrt2,
                 FanMode mode = FanMode::fan_in,
                 Generator* gen = nullptr);
/// He et al. (2015): t ~ N(0, σ²), σ = gain / √fan, fan = fan_in or fan_out by
/// `mode` (a plain normal, as PyTorch; Keras truncates it).
void he_normal_(Tensor& t,
                double gain = std::numbers::sqrt2,
                FanMode mode = FanMode::fan_in,
                Generator* gen = nullptr);
/// Same as he_uniform_ (PyTorch's name).
inline void kaiming_uniform_(Tensor& t,
                             double gain = std::numbers::sqrt2,
                             FanMode mode = FanMode::fan_in,
                             Generator* gen = nullptr) {
  he_uniform_(t, gain, mode, gen);
}
/// Same as he_normal_ (PyTorch's name).
inline void kaiming_normal_(Tensor& t,
                            double gain = std::numbers::sqrt2,
                            FanMode mode = FanMode::fan_in,
                            Generator* gen = nullptr) {
  he_normal_(t, gain, mode, gen);
}

/// LeCun et al. (1998): t ~ N(0, σ²), σ = 1 / √fan_in, the initializer SELU
/// networks assume (a plain normal; Keras truncates it).
void lecun_normal_(Tensor& t, Generator* gen = nullptr);
/// LeCun et al. (1998): t ~ U(−a, a), a = √(3 / fan_in), so Var(t) = 1 / fan_in.
void lecun_uniform_(Tensor& t, Generator* gen = nullptr);

/// Saxe et al. (2014): t ← gain · Q, Q a random matrix with orthonormal
/// columns (rows ≥ cols: QᵀQ = I) or rows (rows < cols: QQᵀ = I), where
/// rows = size(0) and cols = numel / rows. Q is the QR factor of a standard
/// normal matrix A = randn([rows, cols], f64) drawn from `gen` (of Aᵀ when
/// rows < cols), with each column multiplied by the sign of R's diagonal so
/// that R has a positive diagonal; that makes Q uniformly (Haar) distributed.
/// The QR factorization is Householder's, in double. Throws for rank < 2.
void orthogonal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);

/// Nguyen & Widrow (1990) for a hidden layer with n inputs and H units,
/// weight [n, H] and bias [H]: with β = 0.7 · H^(1/n),
///   w ~ U(−0.5, 0.5), then each unit's weight vector (a column of `weight`)
///   is rescaled to norm β;  b ~ U(−β, β).
/// Meant for sigmoid/tanh units, whose active regions then tile the input
/// space. Throws unless weight is 2-D and bias is [H] of the same dtype.
void nguyen_widrow_(Tensor& weight, Tensor& bias, Generator* gen = nullptr);

// ---- Factories: the same initializers, as an Initializer for layer options.
// A Generator passed here must outlive the Initializer.

/// zeros_.
Initializer zeros();
/// ones_.
Initializer ones();
/// constant_(t, value).
Initializer constant(double value);
/// uniform_(t, a, b). Throws for a > b.
Initializer uniform(double a = 0.0, double b = 1.0, Generator* gen = nullptr);
/// normal_(t, mean, std). Throws for std < 0.
Initializer normal(double mean = 0.0, double std = 1.0, Generator* gen = nullptr);
/// glorot_uniform_(t, gain).
Initializer glorot_uniform(double gain = 1.0, Generator* gen = nullptr);
/// glorot_normal_(t, gain).
Initializer glorot_normal(double gain = 1.0, Generator* gen = nullptr);
/// xavier_uniform_(t, gain).
Initializer xavier_uniform(double gain = 1.0, Generator* gen = nullptr);
/// xavier_normal_(t, gain).
Initializer xavier_normal(double gain = 1.0, Generator* gen = nullptr);
/// he_uniform_(t, gain, mode).
Initializer he_uniform(double gain = std::numbers::sqrt2,
                       FanMode mode = FanMode::fan_in,
                       Generator* gen = nullptr);
/// he_normal_(t, gain, mode).
Initializer he_normal(double gain = std::numbers::sqrt2,
                      FanMode mode = FanMode::fan_in,
                      Generator* gen = nullptr);
/// kaiming_uniform_(t, gain, mode).
Initializer kaiming_uniform(double gain = std::numbers::sqrt2,
                            FanMode mode = FanMode::fan_in,
                            Generator* gen = nullptr);
/// kaiming_normal_(t, gain, mode).
Initializer kaiming_normal(double gain = std::numbers::sqrt2,
                           FanMode mode = FanMode::fan_in,
                           Generator* gen = nullptr);
/// lecun_normal_(t).
Initializer lecun_normal(Generator* gen = nullptr);
/// lecun_uniform_(t).
Initializer lecun_uniform(Generator* gen = nullptr);
/// orthogonal_(t, gain).
Initializer orthogonal(double gain = 1.0, Generator* gen = nullptr);
/// nguyen_widrow_(weight, bias), for LinearOptions::layer_initializer:
/// Linear(2, 20, {.activation = Activation::tanh, .layer_initializer = init::nguyen_widrow()}).
LayerInitializer nguyen_widrow(Generator* gen = nullptr);

}  // namespace nabla::nn::init

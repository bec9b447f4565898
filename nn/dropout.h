// Dropout: inverted dropout in training, the identity in evaluation, as
// torch.nn.Dropout. The mask and its backward rule are autograd's dropout op
// (autograd/nn_ops.h); this module holds p and, when seeded, its own Generator.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.h"
#include "tensor/random.h"

namespace nabla::nn {

/// Options of Dropout.
struct DropoutOptions {
  /// The probability of zeroing an element, in [0, 1].
  double p = 0.5;
  /// When set, the module draws its masks from its own Generator seeded with
  /// this value (the same seed gives the same sequence of masks); otherwise
  /// from the default generator (see manual_seed).
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// Inverted dropout: in training each element is kept with probability 1 − p
/// and scaled by 1 / (1 − p), zeroed otherwise,
///   y = x ⊙ m / (1 − p),  m_i ~ Bernoulli(1 − p),
/// so that E[y] = x and evaluation needs no rescaling; ∂y/∂x = m / (1 − p).
/// In evaluation (and for p = 0) y = x. p = 1 gives zeros.
///
///   nn::Dropout drop({.p = 0.2, .seed = 42});
///   Variable h = drop(x);   // training: about 20% zeros, the rest x / 0.8
///   drop.eval();            // now drop(x) returns x
class Dropout : public Module {
 public:
  /// Throws nabla::Error for p outside [0, 1] (or NaN).
  explicit Dropout(DropoutOptions options = {});

  /// Returns x with a fresh random mask applied (training) or x itself
  /// (evaluation). Throws nabla::Error for a non-floating x in training.
  Variable forward(const Variable& x) override;

  /// "p=0.5".
  std::string extra_repr() const override;

  double p() const { return p_; }
  /// The module's own generator (restart it with generator()->seed(s)), or
  /// nullptr when the module draws from the default generator.
  Generator* generator() const { return generator_.get(); }
  /// {"", generator()} when the module has its own generator, else nothing.
  std::vector<std::pair<std::string, Generator*>> named_generators() const override;

 private:
  double p_;
  std::unique_ptr<Generator> generator_;
};

}  // namespace nabla::nn

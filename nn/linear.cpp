#include "nn/linear.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "autograd/linalg.h"
#include "tensor/error.h"
#include "tensor/print.h"

namespace nabla::nn {

namespace {

// Runs `initializer` on a fresh [shape] tensor and checks that it filled the
// tensor rather than replacing it with another shape or dtype.
Tensor initialized(const init::Initializer& initializer,
                   const Shape& shape,
                   DType dtype,
                   const char* which) {
  NABLA_CHECK(static_cast<bool>(initializer), "Linear", which, " is empty");
  Tensor value = empty(shape, dtype);
  initializer(value);
  NABLA_CHECK(value.defined() && value.shape() == shape && value.dtype() == dtype, "Linear", which,
              " must fill a ", shape, " ", dtype, " tensor in place, it left ",
              value.defined() ? value.shape() : Shape{}, " ",
              value.defined() ? value.dtype() : dtype);
  return value;
}

}  // namespace

Linear::Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options)
    : in_features_(in_features),
      out_features_(out_features),
      activation_(options.activation),
      activation_slope_(options.activation_slope) {
  NABLA_CHECK(in_features > 0, "Linear", "in_features must be > 0, got ", in_features);
  NABLA_CHECK(out_features > 0, "Linear", "out_features must be > 0, got ", out_features);
  NABLA_CHECK(is_floating(options.dtype), "Linear", "dtype must be floating (f32 or f64), got ",
              options.dtype);
  for (const auto& [which, regularizer] :
       {std::pair{"weight_regularizer", options.weight_regularizer},
        std::pair{"bias_regularizer", options.bias_regularizer},
        std::pair{"activity_regularizer", options.activity_regularizer}})
    NABLA_CHECK(regularizer.l1 >= 0.0 && regularizer.l2 >= 0.0, "Linear", which,
                " has a negative weight: ", regularizer);
  NABLA_CHECK(options.bias || !options.bias_regularizer.active(), "Linear", "bias_regularizer ",
              options.bias_regularizer, " given but bias = false");
  NABLA_CHECK(options.bias || !options.layer_initializer, "Linear",
              "layer_initializer given but bias = false");
  const double slope = options.activation_slope;
  NABLA_CHECK(slope > 0 && std::isfinite(slope), "Linear",
              "activation_slope must be > 0 and finite, got ", slope);
  NABLA_CHECK(slope == 1.0 || has_slope(options.activation), "Linear", "activation_slope ", slope,
              " given for activation ", options.activation, " (only sigmoid and tanh take one)");
  Tensor w = initialized(options.weight_initializer, {in_features, out_features}, options.dtype,
                         "weight_initializer");
  Tensor b = options.bias ? initialized(options.bias_initializer, {out_features}, options.dtype,
                                        "bias_initializer")
                          : Tensor();
  if (options.layer_initializer) {
    options.layer_initializer(w, b);
    const bool filled = w.shape() == Shape({in_features, out_features}) &&
                        b.shape() == Shape({out_features}) && w.dtype() == options.dtype &&
                        b.dtype() == options.dtype;
    NABLA_CHECK(filled, "Linear", "layer_initializer must fill W and b in place, it left ",
                w.shape(), " ", w.dtype(), " and ", b.shape(), " ", b.dtype());
  }
  weight = register_parameter("weight", w);
  if (options.bias) bias = register_parameter("bias", b);
  if (options.weight_regularizer.active()) set_regularizer("weight", options.weight_regularizer);
  if (options.bias_regularizer.active()) set_regularizer("bias", options.bias_regularizer);
  if (options.activity_regularizer.active()) set_activity_regularizer(options.activity_regularizer);
}

Variable Linear::forward(const Variable& x) {
  NABLA_CHECK(x.dim() >= 1 && x.size(-1) == in_features_, "Linear", "expected input with ",
              in_features_, " features (last dim), got ", x.shape(), " for weight ",
              weight.shape());
  return activate(activation_, linear(x, weight, bias), activation_slope_);
}

std::string Linear::extra_repr() const {
  std::ostringstream out;
  out << "in_features=" << in_features_ << ", out_features=" << out_features_
      << ", bias=" << (has_bias() ? "true" : "false");
  if (activation_ != Activation::linear) out << ", activation=" << activation_;
  if (activation_slope_ != 1.0) out << ", activation_slope=" << activation_slope_;
  return out.str();
}

}  // namespace nabla::nn

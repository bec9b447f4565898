#include "nn/residual.h"

#include "autograd/elementwise.h"
#include "tensor/error.h"
#include "tensor/print.h"

namespace nabla::nn {

Residual::Residual(std::shared_ptr<Module> body, ResidualOptions options)
    : activation_(options.activation) {
  NABLA_CHECK(body != nullptr, "Residual", "the body is null");
  this->body = register_module("body", std::move(body));
  if (options.projection != nullptr)
    projection = register_module("projection", std::move(options.projection));
}

Variable Residual::forward(const Variable& x) {
  Variable fx = body(x);
  if (!projection) {
    // Broadcasting would hide a wrong block shape, so the sum needs equal shapes.
    NABLA_CHECK(fx.shape() == x.shape(), "Residual", "the body's output ", fx.shape(),
                " differs in shape from the input ", x.shape(),
                "; give a projection (ResidualOptions::projection) that maps the input to ",
                fx.shape());
    return activate(activation_, x + fx);
  }
  Variable sx = projection(x);
  NABLA_CHECK(fx.shape() == sx.shape(), "Residual", "the body's output ", fx.shape(),
              " differs in shape from the projection's ", sx.shape());
  return activate(activation_, sx + fx);
}

std::string Residual::extra_repr() const {
  if (activation_ == Activation::linear) return "";
  return "activation=" + std::string(name(activation_));
}

}  // namespace nabla::nn

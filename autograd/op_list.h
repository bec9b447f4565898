// The registry of every differentiable op: the node name its backward rule
// records, the functions that record it, and the family file holding forward
// and rule. Graph exports and traces print the node names; a test checks that
// every entry has a gradcheck case and a row in docs/ops.md.
#pragma once

#include <string_view>

namespace nabla::autograd {

struct OpInfo {
  std::string_view node;       ///< the node name, e.g. "TanhBackward"
  std::string_view functions;  ///< the functions that record it
  std::string_view family;     ///< autograd/<family>.cpp holds forward and rule
};

inline constexpr OpInfo kOps[] = {
    // elementwise.cpp
    {"AddBackward", "add, operator+", "elementwise"},
    {"AddScalarBackward", "add(x, s), sub(x, s), x + s, x - s", "elementwise"},
    {"SubBackward", "sub, operator-", "elementwise"},
    {"ScalarSubBackward", "sub(s, x), s - x", "elementwise"},
    {"MulBackward", "mul, operator*", "elementwise"},
    {"MulScalarBackward", "mul(x, s), x * s", "elementwise"},
    {"DivBackward", "div, operator/", "elementwise"},
    {"DivScalarBackward", "div(x, s), x / s", "elementwise"},
    {"ScalarDivBackward", "div(s, x), s / x", "elementwise"},
    {"PowBackward", "pow(a, b)", "elementwise"},
    {"PowScalarBackward", "pow(x, s)", "elementwise"},
    {"ScalarPowBackward", "pow(s, x)", "elementwise"},
    {"MaximumBackward", "maximum", "elementwise"},
    {"MinimumBackward", "minimum", "elementwise"},
    {"NegBackward", "neg, unary operator-", "elementwise"},
    {"AbsBackward", "abs", "elementwise"},
    {"SignBackward", "sign", "elementwise"},
    {"SquareBackward", "square", "elementwise"},
    {"ExpBackward", "exp", "elementwise"},
    {"LogBackward", "log", "elementwise"},
    {"Log1pBackward", "log1p", "elementwise"},
    {"SqrtBackward", "sqrt", "elementwise"},
    {"RsqrtBackward", "rsqrt", "elementwise"},
    {"ReciprocalBackward", "reciprocal", "elementwise"},
    {"TanhBackward", "tanh", "elementwise"},
    {"SigmoidBackward", "sigmoid", "elementwise"},
    {"ReluBackward", "relu", "elementwise"},
    {"LeakyReluBackward", "leaky_relu", "elementwise"},
    {"EluBackward", "elu", "elementwise"},
    {"GeluBackward", "gelu", "elementwise"},
    {"SoftplusBackward", "softplus", "elementwise"},
    {"SinBackward", "sin", "elementwise"},
    {"CosBackward", "cos", "elementwise"},
    {"ClampBackward", "clamp, clamp_min, clamp_max", "elementwise"},
    // reduce.cpp
    {"SumBackward", "sum", "reduce"},
    {"MeanBackward", "mean", "reduce"},
    {"ProdBackward", "prod", "reduce"},
    {"VarBackward", "var", "reduce"},
    {"StdBackward", "std_dev", "reduce"},
    {"AmaxBackward", "amax, max(x)", "reduce"},
    {"AminBackward", "amin, min(x)", "reduce"},
    {"MaxBackward", "max(x, dim)", "reduce"},
    {"MinBackward", "min(x, dim)", "reduce"},
    {"LogsumexpBackward", "logsumexp", "reduce"},
    {"NormBackward", "norm", "reduce"},
    // linalg.cpp
    {"MatmulBackward", "matmul", "linalg"},
    {"LinearBackward", "linear", "linalg"},
    // shape_ops.cpp
    {"ReshapeBackward", "reshape, view, flatten, squeeze, unsqueeze", "shape_ops"},
    {"TransposeBackward", "transpose", "shape_ops"},
    {"PermuteBackward", "permute", "shape_ops"},
    {"ExpandBackward", "expand, broadcast_to", "shape_ops"},
    {"NarrowBackward", "narrow, split, chunk", "shape_ops"},
    {"SliceBackward", "slice", "shape_ops"},
    {"SelectBackward", "select", "shape_ops"},
    {"CatBackward", "cat", "shape_ops"},
    {"StackBackward", "stack", "shape_ops"},
    {"CloneBackward", "clone, contiguous", "shape_ops"},
    {"ToDtypeBackward", "to(dtype)", "shape_ops"},
    // index.cpp
    {"IndexSelectBackward", "index_select", "index"},
    {"GatherBackward", "gather", "index"},
    {"ScatterAddBackward", "scatter_add", "index"},
    {"WhereBackward", "where", "index"},
    {"MaskedFillBackward", "masked_fill", "index"},
    // nn_ops.cpp
    {"SoftmaxBackward", "softmax", "nn_ops"},
    {"LogSoftmaxBackward", "log_softmax", "nn_ops"},
    {"SoftmaxCrossEntropyBackward", "softmax_cross_entropy", "nn_ops"},
    {"BinaryCrossEntropyWithLogitsBackward", "binary_cross_entropy_with_logits", "nn_ops"},
    {"BatchNormBackward", "batch_norm", "nn_ops"},
    {"DropoutBackward", "dropout", "nn_ops"},
};

}  // namespace nabla::autograd

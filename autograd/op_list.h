// The registry of every differentiable op: the node name its backward rule
// records, the functions that record it, the family file holding forward and
// rule, and the rule in symbols. Graph exports and traces print the node
// names, the explain trace and graph pictures print the rules; tests check
// that every entry has a gradcheck case and that docs/ops.md's derivative
// column says exactly what `rule` says (one source of truth for both).
#pragma once

#include <string_view>

namespace nabla::autograd {

struct OpInfo {
  std::string_view node;       ///< the node name, e.g. "TanhBackward"
  std::string_view functions;  ///< the functions that record it
  std::string_view family;     ///< autograd/<family>.cpp holds forward and rule
  /// The local derivative in symbols, as docs/ops.md's derivative column shows
  /// it: inputs named as the functions' parameters (a, b, x, ...), y the
  /// output, g = ∂L/∂y the gradient the node receives.
  std::string_view rule;
};

inline constexpr OpInfo kOps[] = {
    // elementwise.cpp
    {"AddBackward", "add, operator+", "elementwise", "∂/∂a = 1, ∂/∂b = 1"},
    {"AddScalarBackward", "add(x, s), sub(x, s), x + s, x - s", "elementwise",
     "x + s, s + x, x − s: ∂/∂x = 1"},
    {"SubBackward", "sub, operator-", "elementwise", "∂/∂a = 1, ∂/∂b = −1"},
    {"ScalarSubBackward", "sub(s, x), s - x", "elementwise", "s − x: ∂/∂x = −1"},
    {"MulBackward", "mul, operator*", "elementwise", "∂/∂a = b, ∂/∂b = a"},
    {"MulScalarBackward", "mul(x, s), x * s", "elementwise", "x · s, s · x: ∂/∂x = s"},
    {"DivBackward", "div, operator/", "elementwise", "∂/∂a = 1/b, ∂/∂b = −a/b²"},
    {"DivScalarBackward", "div(x, s), x / s", "elementwise", "x / s: ∂/∂x = 1/s"},
    {"ScalarDivBackward", "div(s, x), s / x", "elementwise", "s / x: ∂/∂x = −s/x² = −y/x"},
    {"PowBackward", "pow(a, b)", "elementwise", "∂/∂a = b·a^(b−1), ∂/∂b = y·ln a"},
    {"PowScalarBackward", "pow(x, s)", "elementwise", "x^s: ∂/∂x = s·x^(s−1)"},
    {"ScalarPowBackward", "pow(s, x)", "elementwise", "s^x: ∂/∂x = y·ln s"},
    {"MaximumBackward", "maximum", "elementwise",
     "∂/∂a = [a > b] + ½[a = b], ∂/∂b = [a < b] + ½[a = b]"},
    {"MinimumBackward", "minimum", "elementwise",
     "∂/∂a = [a < b] + ½[a = b], ∂/∂b = [a > b] + ½[a = b]"},
    {"NegBackward", "neg, unary operator-", "elementwise", "∂/∂x = −1"},
    {"AbsBackward", "abs", "elementwise", "∂/∂x = sign(x)"},
    {"SignBackward", "sign", "elementwise", "∂/∂x = 0"},
    {"SquareBackward", "square", "elementwise", "∂/∂x = 2x"},
    {"ExpBackward", "exp", "elementwise", "∂/∂x = eˣ = y"},
    {"LogBackward", "log", "elementwise", "∂/∂x = 1/x"},
    {"Log1pBackward", "log1p", "elementwise", "∂/∂x = 1/(1 + x)"},
    {"SqrtBackward", "sqrt", "elementwise", "∂/∂x = 1/(2√x) = 1/(2y)"},
    {"RsqrtBackward", "rsqrt", "elementwise", "∂/∂x = −½·x^(−3/2) = −y³/2"},
    {"ReciprocalBackward", "reciprocal", "elementwise", "∂/∂x = −1/x² = −y²"},
    {"TanhBackward", "tanh", "elementwise", "∂/∂x = 1 − y²"},
    {"SigmoidBackward", "sigmoid", "elementwise", "∂/∂x = y(1 − y)"},
    {"ReluBackward", "relu", "elementwise", "∂/∂x = [x > 0] (= [y > 0])"},
    {"LeakyReluBackward", "leaky_relu", "elementwise", "∂/∂x = 1 if x > 0 else s"},
    {"EluBackward", "elu", "elementwise", "∂/∂x = 1 if x > 0 else α·eˣ = y + α"},
    {"GeluBackward", "gelu", "elementwise",
     "∂/∂x = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π); tanh form with t = tanh(u), u = k(x + c·x³): "
     "∂/∂x = (1 + t)/2 + x/2·(1 − t²)·k(1 + 3c·x²)"},
    {"SoftplusBackward", "softplus", "elementwise", "∂/∂x = σ(βx), and 1 where βx > threshold"},
    {"SinBackward", "sin", "elementwise", "∂/∂x = cos x"},
    {"CosBackward", "cos", "elementwise", "∂/∂x = −sin x"},
    {"ClampBackward", "clamp, clamp_min, clamp_max", "elementwise", "∂/∂x = [lo ≤ x ≤ hi]"},
    // reduce.cpp
    {"SumBackward", "sum", "reduce", "∂y/∂xᵢ = 1"},
    {"MeanBackward", "mean", "reduce", "∂y/∂xᵢ = 1 / n"},
    {"ProdBackward", "prod", "reduce",
     "∂y/∂xᵢ = Π_{j≠i} xⱼ (= y / xᵢ without zeros; with one zero only that element gets the "
     "product of the others; with two or more zeros 0)"},
    {"VarBackward", "var", "reduce", "∂y/∂xᵢ = 2 (xᵢ − mean) / (n − correction)"},
    {"StdBackward", "std_dev", "reduce", "∂y/∂xᵢ = (xᵢ − mean) / ((n − correction) · y)"},
    {"AmaxBackward", "amax, max(x)", "reduce", "∂y/∂xᵢ = [xᵢ = y] / #{j : xⱼ = y}"},
    {"AminBackward", "amin, min(x)", "reduce", "∂y/∂xᵢ = [xᵢ = y] / #{j : xⱼ = y}"},
    {"MaxBackward", "max(x, dim)", "reduce", "∂valuesₖ/∂xᵢ = [i = indicesₖ] along dim"},
    {"MinBackward", "min(x, dim)", "reduce", "∂valuesₖ/∂xᵢ = [i = indicesₖ] along dim"},
    {"LogsumexpBackward", "logsumexp", "reduce", "∂y/∂xᵢ = exp(xᵢ − y) = softmax(x)ᵢ"},
    {"NormBackward", "norm", "reduce",
     "∂y/∂xᵢ = sign(xᵢ) |xᵢ|^(p−1) / y^(p−1) (p = 2: xᵢ / y; p = ±∞: sign(xᵢ) [|xᵢ| = y] / count; "
     "p = 0: 0)"},
    // linalg.cpp
    {"MatmulBackward", "matmul", "linalg",
     "∂L/∂A = g·Bᵀ, ∂L/∂B = Aᵀ·g (g = ∂L/∂C; 1-D · 1-D: ∂L/∂a = g·b, ∂L/∂b = g·a)"},
    {"LinearBackward", "linear", "linalg",
     "∂L/∂x = g·Wᵀ, ∂L/∂W = xᵀ·g, ∂L/∂b = Σ_rows g (g = ∂L/∂y)"},
    // solve.cpp
    {"SolveBackward", "solve", "solve", "X = A⁻¹B: ∂L/∂B = A⁻ᵀ·g, ∂L/∂A = −A⁻ᵀ·g·Xᵀ (g = ∂L/∂X)"},
    {"LstsqBackward", "lstsq", "solve",
     "x = (AᵀA)⁻¹Aᵀb, r = b − A·x, z = (AᵀA)⁻¹·g: ∂L/∂b = A·z, ∂L/∂A = r·zᵀ − A·z·xᵀ "
     "(g = ∂L/∂x; m ≥ n)"},
    // shape_ops.cpp
    {"ReshapeBackward", "reshape, view, flatten, squeeze, unsqueeze", "shape_ops",
     "grad_x = reshape(grad_out, x.shape)"},
    {"TransposeBackward", "transpose", "shape_ops", "grad_x = transpose(grad_out, i, j)"},
    {"PermuteBackward", "permute", "shape_ops", "grad_x = permute(grad_out, p⁻¹), p⁻¹[p[k]] = k"},
    {"ExpandBackward", "expand, broadcast_to", "shape_ops",
     "grad_x = Σ over the broadcast copies of grad_out"},
    {"NarrowBackward", "narrow, split, chunk", "shape_ops",
     "grad_x = zeros(x.shape) with grad_out in [start, start+length)"},
    {"SliceBackward", "slice", "shape_ops",
     "grad_x = zeros(x.shape) with grad_out at start:end:step"},
    {"SelectBackward", "select", "shape_ops", "grad_x = zeros(x.shape) with grad_out at index"},
    {"CatBackward", "cat", "shape_ops", "grad_xₖ = grad_out[offₖ : offₖ + sizeₖ] along dim"},
    {"StackBackward", "stack", "shape_ops", "grad_xₖ = grad_out[..., k, ...]"},
    {"CloneBackward", "clone, contiguous", "shape_ops", "∂y/∂x = 1"},
    {"ToDtypeBackward", "to(dtype)", "shape_ops", "∂y/∂x = 1"},
    // index.cpp
    {"IndexSelectBackward", "index_select", "index",
     "∂L/∂x[.., i, ..] = Σ_{k : index[k] = i} ∂L/∂y[.., k, ..] (scatter_add of grad_out into "
     "zeros)"},
    {"GatherBackward", "gather", "index", "∂L/∂x = scatter_add(zeros(x.shape), dim, index, ∂L/∂y)"},
    {"ScatterAddBackward", "scatter_add", "index",
     "∂L/∂x = ∂L/∂y, ∂L/∂src = gather(∂L/∂y, dim, index)"},
    {"WhereBackward", "where", "index", "∂y/∂a = [cond ≠ 0], ∂y/∂b = [cond = 0]"},
    {"MaskedFillBackward", "masked_fill", "index",
     "∂y/∂x = [mask = 0] (0 at the filled positions)"},
    // nn_ops.cpp
    {"SoftmaxBackward", "softmax", "nn_ops",
     "∂yᵢ/∂xⱼ = yᵢ (δᵢⱼ − yⱼ): ∂L/∂x = y ⊙ (g − Σ_dim g ⊙ y)"},
    {"LogSoftmaxBackward", "log_softmax", "nn_ops",
     "∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ: ∂L/∂x = g − exp(y) ⊙ Σ_dim g"},
    {"SoftmaxCrossEntropyBackward", "softmax_cross_entropy", "nn_ops",
     "∂lossᵢ/∂z_ic = p_ic Σ_k t_ik − t_ic (= p − onehot(t) for class labels, p − t when rows of t "
     "sum to 1; / N for the mean)"},
    {"BinaryCrossEntropyWithLogitsBackward", "binary_cross_entropy_with_logits", "nn_ops",
     "∂/∂z = σ(z) − t, ∂/∂t = −z"},
    {"BatchNormBackward", "batch_norm", "nn_ops",
     "training: ∂L/∂x = (γ/σ)(g − mean(g) − x̂ mean(g x̂)); eval: ∂L/∂x = (γ/σ) g; ∂L/∂γ = Σ g x̂, "
     "∂L/∂β = Σ g"},
    {"DropoutBackward", "dropout", "nn_ops", "∂y/∂x = m / (1 − p) (the saved mask)"},
};

/// The registry entry of node name `node` ("TanhBackward"), or null for a node
/// the registry does not list (a custom function's).
constexpr const OpInfo* find_op(std::string_view node) {
  for (const OpInfo& op : kOps)
    if (op.node == node) return &op;
  return nullptr;
}

}  // namespace nabla::autograd

// A tour of nabla's tensor layer: literals, broadcasting, views, reductions,
// a numerically stable softmax and a matrix product through BLIS.
#include <iostream>

#include "nabla.h"

int main() {
  using namespace nabla;
  std::cout << build_info() << '\n';

  // Inputs of a tiny dense layer: a batch of 2 samples with 3 features.
  const Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  manual_seed(42);
  const Tensor w = randn({3, 4}) * 0.5;  // weight [in, out], so y = x W + b
  const Tensor b = tensor({0.1, -0.1, 0.2, 0.0});
  std::cout << "x = " << x << "\nW = " << w << "\n\n";

  // Broadcasting: b [4] is added to every row of x W [2, 4].
  const Tensor logits = matmul(x, w) + b;
  std::cout << "logits = x W + b = " << logits << "\n\n";

  // Stable softmax: rows sum to one, even for logits of 1e4.
  const Tensor p = softmax(logits, 1);
  std::cout << "softmax(logits) = " << p << "\nrow sums = " << sum(p, {1}) << "\n\n";
  std::cout << "softmax of {1e4, 0} = " << softmax(tensor({1e4, 0.0}), 0) << "\n\n";

  // Views share storage: a transpose is a stride swap, not a copy.
  const Tensor xt = transpose(x, 0, 1);
  std::cout << "x^T = " << xt << " (shares storage: " << std::boolalpha << xt.shares_storage(x)
            << ", contiguous: " << xt.is_contiguous() << ")\n";
  std::cout << "x^T x = " << matmul(xt, x) << '\n';

  // Reductions with keepdim and argmax.
  std::cout << "mean over the batch = " << mean(x, {0}) << '\n';
  std::cout << "argmax per row = " << argmax(logits, 1) << '\n';

  // Exit non-zero if softmax's rows do not sum to one.
  return amax(abs(sum(p, {1}) - 1.0)).item<double>() < 1e-6 ? 0 : 1;
}

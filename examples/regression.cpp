// Regression with a linear output layer.
//
// 1. A linear model y = x·w + b trained by fit with the mean squared error
//    reaches the least-squares solution, computed here directly from the
//    normal equations (XᵀX) θ = Xᵀy.
// 2. An MLP fits a cubic whose training targets contain outliers, once with
//    each loss: MSE (pulled by the outliers), MAE and Huber (robust to them),
//    compared on clean test points with least-squares lines and cubics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "nabla.h"

using namespace nabla;

namespace {

// Solves the normal equations (AᵀA) θ = Aᵀy for the design matrix A whose
// rows are features(x_i), by Gaussian elimination with partial pivoting.
std::vector<double> least_squares(const std::vector<std::vector<double>>& a,
                                  const std::vector<double>& y) {
  const std::size_t p = a[0].size();
  std::vector<std::vector<double>> m(p, std::vector<double>(p + 1, 0.0));
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t r = 0; r < p; ++r) {
      for (std::size_t c = 0; c < p; ++c) m[r][c] += a[i][r] * a[i][c];
      m[r][p] += a[i][r] * y[i];
    }
  }
  for (std::size_t col = 0; col < p; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < p; ++r)
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    std::swap(m[col], m[pivot]);
    for (std::size_t r = 0; r < p; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (std::size_t c = col; c <= p; ++c) m[r][c] -= f * m[col][c];
    }
  }
  std::vector<double> theta(p);
  for (std::size_t r = 0; r < p; ++r) theta[r] = m[r][p] / m[r][r];
  return theta;
}

std::vector<std::vector<double>> rows(const Tensor& x) {
  const std::vector<double> v = x.to(DType::f64).to_vector<double>();
  const auto n = static_cast<std::size_t>(x.size(0));
  const auto f = v.size() / n;
  std::vector<std::vector<double>> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i].assign(v.begin() + i * f, v.begin() + (i + 1) * f);
  return out;
}

}  // namespace

int main() {
  manual_seed(3);

  // 1. Linear data: y = x·w + b + 0.5 ε, 5 features.
  const std::vector<double> w_true{1.5, -2.0, 0.5, 0.0, 3.0};
  const double b_true = 0.7;
  const auto train_lin = data::datasets::linear_regression(
      {.n = 500, .weights = w_true, .bias = b_true, .noise = 0.5, .seed = 1});
  const auto test_lin = data::datasets::linear_regression(
      {.n = 200, .weights = w_true, .bias = b_true, .noise = 0.5, .seed = 2});

  std::vector<std::vector<double>> design = rows(train_lin.data.inputs());
  for (auto& row : design) row.push_back(1.0);  // the bias column
  const std::vector<double> theta =
      least_squares(design, train_lin.data.targets().to(DType::f64).to_vector<double>());

  nn::Linear linear(5, 1);
  optim::SGD sgd(linear.named_parameters(), {.lr = 0.05});
  train::fit(linear, nn::MSELoss{}, sgd, train_lin.data,
             {.epochs = 100, .batch_size = 32, .seed = 1, .verbose = 0});
  const std::vector<float> w_fit = linear.weight.value().to_vector<float>();
  std::printf("linear regression, 5 features, 500 samples, noise 0.5\n");
  std::printf("  %-14s %8s %8s %8s %8s %8s %8s\n", "", "w1", "w2", "w3", "w4", "w5", "b");
  std::printf("  %-14s", "true");
  for (double v : w_true) std::printf(" %8.4f", v);
  std::printf(" %8.4f\n  %-14s", b_true, "least squares");
  for (double v : theta) std::printf(" %8.4f", v);
  std::printf("\n  %-14s", "fit (SGD, MSE)");
  for (float v : w_fit) std::printf(" %8.4f", v);
  std::printf(" %8.4f\n", linear.bias.value().to_vector<float>()[0]);
  const double linear_mse = train::evaluate(linear, nn::MSELoss{}, test_lin.data).at("loss");
  std::printf("  test MSE: fit %.4f (noise variance 0.25)\n\n", linear_mse);
  // fit must land near the least-squares solution, and its test error near the noise.
  double max_gap = std::abs(linear.bias.value().to_vector<float>()[0] - theta.back());
  for (std::size_t i = 0; i < w_fit.size(); ++i)
    max_gap = std::max(max_gap, std::abs(w_fit[i] - theta[i]));
  bool ok = max_gap < 0.1 && linear_mse < 0.35;

  // 2. A cubic y = 0.5 − x + 2x³ + 0.1 ε on [−1.5, 1.5]; every 10th training
  //    target is an outlier (+4).
  const std::vector<double> cubic{0.5, -1.0, 0.0, 2.0};
  const data::Dataset clean = data::datasets::polynomial_regression(
      {.n = 300, .coefficients = cubic, .low = -1.5, .high = 1.5, .noise = 0.1, .seed = 4});
  const data::Dataset test_set = data::datasets::polynomial_regression(
      {.n = 200, .coefficients = cubic, .low = -1.5, .high = 1.5, .seed = 5});
  std::vector<float> y = clean.targets().to_vector<float>();
  for (std::size_t i = 0; i < y.size(); i += 10) y[i] += 4.0f;
  const data::Dataset train_set = clean.with_targets(from_vector(y, {clean.size(), 1}));

  std::printf("cubic with outliers (every 10th target +4), MLP 1-32-32-1 tanh, Adam\n");
  std::printf("  %-22s %s\n", "model", "test MSE on clean points");
  const std::vector<std::pair<const char*, train::LossFunction>> losses{
      {"MLP, MSE loss", nn::MSELoss{}},
      {"MLP, MAE loss", nn::L1Loss{}},
      {"MLP, Huber loss", nn::HuberLoss{}}};
  std::vector<double> mlp_mse;
  for (const auto& [name, loss] : losses) {
    manual_seed(11);
    nn::Sequential mlp(nn::Linear(1, 32, {.activation = nn::Activation::tanh}),
                       nn::Linear(32, 32, {.activation = nn::Activation::tanh}), nn::Linear(32, 1));
    optim::Adam adam(mlp.named_parameters(), {.lr = 0.01});
    train::fit(mlp, loss, adam, train_set,
               {.epochs = 300, .batch_size = 32, .seed = 1, .verbose = 0});
    mlp_mse.push_back(train::evaluate(mlp, nn::MSELoss{}, test_set).at("loss"));
    std::printf("  %-22s %.4f\n", name, mlp_mse.back());
  }
  // The robust losses must beat MSE, which the outliers pull away (by far, here).
  ok = ok && mlp_mse[1] < mlp_mse[0] && mlp_mse[2] < mlp_mse[0];
  const auto ls_mse = [&](int degree) {
    std::vector<std::vector<double>> a;
    for (const auto& row : rows(train_set.inputs())) {
      std::vector<double> f;
      for (int k = 0; k <= degree; ++k) f.push_back(std::pow(row[0], k));
      a.push_back(f);
    }
    const std::vector<double> c =
        least_squares(a, train_set.targets().to(DType::f64).to_vector<double>());
    const std::vector<double> x = test_set.inputs(DType::f64).to_vector<double>();
    const std::vector<double> t = test_set.targets().to(DType::f64).to_vector<double>();
    double mse = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      double p = 0;
      for (int k = degree; k >= 0; --k) p = p * x[i] + c[static_cast<std::size_t>(k)];
      mse += (p - t[i]) * (p - t[i]) / static_cast<double>(x.size());
    }
    return mse;
  };
  std::printf("  %-22s %.4f\n", "least-squares line", ls_mse(1));
  std::printf("  %-22s %.4f\n", "least-squares cubic", ls_mse(3));
  return ok ? 0 : 1;
}

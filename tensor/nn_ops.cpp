// Kernels of the neural-network ops: softmax along a dim, the cross-entropy of
// class labels, and batch normalization, each forward and backward. The fused
// loops run where they pay (NOTE [ Cross-entropy of labels ], NOTE [ Fused
// batch norm on [N, C] ]); other inputs take the composed tensor-op formula.
#include "tensor/nn_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "tensor/dispatch.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/parallel.h"
#include "tensor/reduce.h"
#include "tensor/reduce_row.h"
#include "tensor/shape_ops.h"
#include "tensor/vec_math.h"

namespace nabla {
namespace {

using detail::exp_t;
using detail::ExtremeOf;
using detail::Identity;
using detail::kLanes;
using detail::kTile;
using detail::reduce_row;
using detail::Slices;
using detail::slices;
using detail::SumOf;

// Softmax (kLog = false) or log-softmax along `dim`, shifted by the maximum.
template <bool kLog>
Tensor softmax_impl(const Tensor& t, std::int64_t dim, std::string_view op) {
  check_defined(t, op);
  const std::int64_t d = normalize_dim(dim, t.dim(), op);
  return dispatch_floating(t.dtype(), op, [&]<class T>() {
    Tensor out = empty(t.shape(), t.dtype());
    if (t.numel() == 0) return out;
    const Tensor x = t.contiguous();
    const Slices s = t.dim() == 0 ? Slices{} : slices(t.shape(), d);
    const T* in = x.data<T>();
    T* y = out.data<T>();
    if (s.inner == 1 && s.len < kLanes) {
      // Short rows (the logits of a few classes): per-row loops would be all
      // setup, so the exponentials of a chunk of rows are taken in one flat
      // pass. The values are the ones of the general path below: the same
      // shift, exponentials and (for rows this short, sequential) sums.
      using Max = ExtremeOf<T, true, Identity>;
      auto row_max = [&](const T* row) {
        T m = -std::numeric_limits<T>::infinity();
        for (std::int64_t k = 0; k < s.len; ++k) m = Max::pick(m, row[k]);
        return m;
      };
      const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / s.len);
      parallel_for(0, s.outer, grain, [&](std::int64_t ob, std::int64_t oe) {
        for (std::int64_t o = ob; o < oe; ++o) {
          const T* row = in + o * s.len;
          T* dst = y + o * s.len;
          const T m = row_max(row);
          for (std::int64_t k = 0; k < s.len; ++k) dst[k] = row[k] - m;
        }
        T* flat = y + ob * s.len;
        for (std::int64_t i = 0; i < (oe - ob) * s.len; ++i) flat[i] = exp_t<T>(flat[i]);
        for (std::int64_t o = ob; o < oe; ++o) {
          const T* row = in + o * s.len;
          T* dst = y + o * s.len;
          double total = 0.0;
          for (std::int64_t k = 0; k < s.len; ++k) total += static_cast<double>(dst[k]);
          if constexpr (kLog) {
            const T m = row_max(row);
            const T lse = static_cast<T>(std::log(total));
            for (std::int64_t k = 0; k < s.len; ++k) dst[k] = (row[k] - m) - lse;
          } else {
            const T scale = static_cast<T>(1.0 / total);
            for (std::int64_t k = 0; k < s.len; ++k) dst[k] *= scale;
          }
        }
      });
      return out;
    }
    if (s.inner == 1) {
      // Softmax along a contiguous last dim: one row at a time.
      const ExtremeOf<T, true, Identity> row_max{{}, -std::numeric_limits<T>::infinity()};
      const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / s.len);
      parallel_for(0, s.outer, grain, [&](std::int64_t ob, std::int64_t oe) {
        for (std::int64_t o = ob; o < oe; ++o) {
          const T* row = in + o * s.len;
          T* dst = y + o * s.len;
          const T m = reduce_row(row_max, row, s.len, 1);
          // The exponentials go through dst so both loops vectorise.
          for (std::int64_t k = 0; k < s.len; ++k) dst[k] = exp_t<T>(row[k] - m);
          const double total = reduce_row(SumOf<T, Identity>{}, dst, s.len, 1);
          if constexpr (kLog) {
            // (x - m) - log(total): adding m and log(total) first would round
            // away log(total) next to logits of 1e4 in f32.
            const T lse = static_cast<T>(std::log(total));
            for (std::int64_t k = 0; k < s.len; ++k) dst[k] = (row[k] - m) - lse;
          } else {
            const T scale = static_cast<T>(1.0 / total);
            for (std::int64_t k = 0; k < s.len; ++k) dst[k] *= scale;
          }
        }
      });
      return out;
    }
    const std::int64_t tiles_per_row = (s.inner + kTile - 1) / kTile;
    const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / (s.len * kTile));
    parallel_for(0, s.outer * tiles_per_row, grain, [&](std::int64_t tb, std::int64_t te) {
      std::vector<T> m(static_cast<std::size_t>(std::min(kTile, s.inner)));
      std::vector<double> total(m.size());
      for (std::int64_t tile = tb; tile < te; ++tile) {
        const std::int64_t o = tile / tiles_per_row;
        const std::int64_t c0 = (tile % tiles_per_row) * kTile;
        const std::int64_t width = std::min(kTile, s.inner - c0);
        const std::int64_t base = o * s.len * s.inner + c0;
        for (std::int64_t j = 0; j < width; ++j) {
          m[j] = -std::numeric_limits<T>::infinity();
          total[j] = 0.0;
        }
        for (std::int64_t k = 0; k < s.len; ++k) {
          const T* row = in + base + k * s.inner;
          for (std::int64_t j = 0; j < width; ++j)
            m[j] = (row[j] > m[j] || std::isnan(row[j])) ? row[j] : m[j];
        }
        for (std::int64_t k = 0; k < s.len; ++k) {
          const T* row = in + base + k * s.inner;
          T* dst = y + base + k * s.inner;
          for (std::int64_t j = 0; j < width; ++j) {
            const T e = exp_t<T>(row[j] - m[j]);
            if constexpr (!kLog) dst[j] = e;
            total[j] += e;
          }
        }
        for (std::int64_t k = 0; k < s.len; ++k) {
          const T* row = in + base + k * s.inner;
          T* dst = y + base + k * s.inner;
          for (std::int64_t j = 0; j < width; ++j) {
            if constexpr (kLog)
              dst[j] = row[j] - m[j] - static_cast<T>(std::log(total[j]));
            else
              dst[j] = static_cast<T>(dst[j] / total[j]);
          }
        }
      }
    });
    return out;
  });
}

}  // namespace

Tensor softmax(const Tensor& t, std::int64_t dim) {
  return softmax_impl<false>(t, dim, "softmax");
}

Tensor log_softmax(const Tensor& t, std::int64_t dim) {
  return softmax_impl<true>(t, dim, "log_softmax");
}

// ---- Cross-entropy of class labels ------------------------------------------

namespace detail {

void check_class_labels(const Tensor& labels, const Shape& logits_shape, std::string_view op) {
  const std::int64_t n = logits_shape[0];
  const std::int64_t classes = logits_shape[1];
  NABLA_CHECK(labels.dim() == 1 && labels.size(0) == n, op, "labels have shape ", labels.shape(),
              " but logits of shape ", logits_shape, " need labels of shape [", n, "]");
  const Tensor l = labels.contiguous();
  const std::int64_t* values = l.data<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i)
    NABLA_CHECK(values[i] >= 0 && values[i] < classes, op, "label ", values[i], " at position ", i,
                " is outside [0, ", classes, ")");
}

void check_cross_entropy_target(const Tensor& target,
                                const Shape& logits_shape,
                                std::string_view op) {
  check_defined(target, op);
  if (target.dtype() == DType::i64) return check_class_labels(target, logits_shape, op);
  if (target.shape() == logits_shape) return;
  const std::int64_t n = logits_shape[0];
  const std::int64_t classes = logits_shape[1];
  // Floating [N] is the common slip: labels read as numbers, never converted.
  const bool labels_in_floats = target.dim() == 1 && target.size(0) == n;
  NABLA_CHECK(false, op, "the target is ", target.dtype(), " ", target.shape(), "; for logits ",
              logits_shape, " it must be class labels (i64 of shape [", n, "]) or probabilities (",
              name(target.dtype()), " of shape [", n, ", ", classes, "])",
              labels_in_floats ? "; convert class labels with .to(DType::i64)" : "");
}

}  // namespace detail

namespace {

// The checks shared by the two label kernels.
void check_label_kernel_args(const Tensor& log_p, const Tensor& labels, std::string_view op) {
  check_defined(log_p, op);
  check_defined(labels, op);
  NABLA_CHECK(log_p.dim() == 2 && is_floating(log_p.dtype()), op,
              "expected floating log-probabilities of shape [N, C], got ", log_p.dtype(), " ",
              log_p.shape());
  NABLA_CHECK(labels.dtype() == DType::i64, op, "expected i64 labels, got ", labels.dtype());
  detail::check_class_labels(labels, log_p.shape(), op);
}

// NOTE [ Cross-entropy of labels ]
// With class labels, no smoothing and a mean or sum over the rows (a
// classifier's usual loss), t is one-hot: loss_i = −log p_i,label and the
// gradient is g (p − t), computed here directly from log p and the labels in
// one pass each instead of building t and the five tensor ops of the general
// formula. The arithmetic is the general formula's (−log p in T, the mean or
// sum in double in mean()'s order, g (exp(log p) − t) in T), so the results
// are the same (up to the order of the double sum beyond 32768 rows, which
// mean() splits across threads). A non-finite log p takes the general
// formula, where 0 · (−inf) gives NaN.

// Returns mean or sum of −log_p[i, label_i] as a rank-0 tensor, or an
// undefined tensor when a log-probability is not finite.
Tensor label_loss(const Tensor& log_p, const Tensor& labels, Reduction reduction) {
  const std::int64_t n = log_p.size(0), classes = log_p.size(1);
  return dispatch_floating(log_p.dtype(), "cross_entropy_label_loss", [&]<class T>() {
    const T* lp = log_p.data<T>();
    const Tensor l = labels.contiguous();
    const std::int64_t* label = l.data<std::int64_t>();
    bool finite = true;
    for (std::int64_t i = 0; i < n * classes; ++i) finite = finite && std::isfinite(lp[i]);
    if (!finite) return Tensor();
    // Summed as mean() and sum() sum a row: 16 interleaved partial sums, then the tail.
    auto loss = [&](std::int64_t i) {
      return static_cast<double>(static_cast<T>(-lp[i * classes + label[i]]));
    };
    double total = 0;
    std::int64_t i = 0;
    if (n >= kLanes) {
      double lanes[kLanes] = {};
      for (; i + kLanes <= n; i += kLanes)
        for (std::int64_t k = 0; k < kLanes; ++k) lanes[k] += loss(i + k);
      for (double lane : lanes) total += lane;
    }
    for (; i < n; ++i) total += loss(i);
    if (reduction == Reduction::mean) total /= static_cast<double>(n);
    return full({}, static_cast<double>(static_cast<T>(total)), log_p.dtype());
  });
}

// g (exp(log p) − t) for one-hot t given by `labels` and a rank-0 g.
Tensor label_loss_grad(const Tensor& log_p, const Tensor& labels, const Tensor& g) {
  const std::int64_t n = log_p.size(0), classes = log_p.size(1);
  Tensor grad = empty(log_p.shape(), log_p.dtype());
  dispatch_floating(log_p.dtype(), "cross_entropy_label_grad", [&]<class T>() {
    const T* lp = log_p.data<T>();
    const Tensor l = labels.contiguous();
    const std::int64_t* label = l.data<std::int64_t>();
    const T scale = g.to(log_p.dtype()).item<T>();
    T* out = grad.data<T>();
    for (std::int64_t i = 0; i < n * classes; ++i) out[i] = detail::exp_t<T>(lp[i]);
    for (std::int64_t i = 0; i < n; ++i) {
      T* row = out + i * classes;
      for (std::int64_t c = 0; c < classes; ++c)
        row[c] = scale * (row[c] - (c == label[i] ? T(1) : T(0)));
    }
  });
  return grad;
}

}  // namespace

Tensor cross_entropy_label_loss(const Tensor& log_p, const Tensor& labels, Reduction reduction) {
  constexpr const char* op = "cross_entropy_label_loss";
  check_label_kernel_args(log_p, labels, op);
  NABLA_CHECK(reduction != Reduction::none, op, "expected a mean or sum reduction, got none");
  const Tensor lp = log_p.contiguous();
  Tensor loss = label_loss(lp, labels, reduction);
  if (loss.defined()) return loss;
  // The general formula −Σ_c t_ic log p_ic, which gives NaN where 0 · (−inf) does.
  const Tensor row_loss = -sum(one_hot(labels, lp.size(1), lp.dtype()) * lp, {1});
  return reduction == Reduction::mean ? mean(row_loss) : sum(row_loss);
}

Tensor cross_entropy_label_grad(const Tensor& log_p, const Tensor& labels, const Tensor& grad) {
  constexpr const char* op = "cross_entropy_label_grad";
  check_label_kernel_args(log_p, labels, op);
  check_defined(grad, op);
  NABLA_CHECK(grad.numel() == 1, op, "expected a gradient with one element, got shape ",
              grad.shape());
  return label_loss_grad(log_p.contiguous(), labels, grad);
}

// ---- Batch normalization ----------------------------------------------------

namespace detail {

void check_batch_norm_input(const Tensor& x) {
  NABLA_CHECK((x.dim() == 2 || x.dim() == 3) && is_floating(x.dtype()), "batch_norm",
              "expected a floating input of shape [N, C] or [N, C, L], got ", x.dtype(), " ",
              x.shape());
}

void check_channel_vector(const Tensor& t, const char* what, std::int64_t channels) {
  NABLA_CHECK(t.dim() == 1 && t.size(0) == channels && is_floating(t.dtype()), "batch_norm", what,
              " must be a floating tensor of shape [", channels, "], got ", t.dtype(), " ",
              t.shape());
}

}  // namespace detail

namespace {

// NOTE [ Fused batch norm on [N, C] ]
// The common case, a contiguous 2-D input with parameters of its dtype, runs
// the formulas below in a few passes over x instead of one tensor op per term
// (a dozen passes and temporaries). Each pass walks the rows and accumulates
// per channel with the precision of the composed ops (sums in double, results
// in T), so both paths agree to rounding: the compiler may fuse a product and
// a sum into one correctly rounded multiply-add. Other inputs take the
// composed path.

// Whether the forward runs fused: x [N, C] contiguous, γ and β of its dtype.
bool fusable(const Tensor& x, const Tensor& gamma, const Tensor& beta) {
  auto same = [&](const Tensor& v) {
    return !v.defined() || (v.dtype() == x.dtype() && v.is_contiguous());
  };
  return x.dim() == 2 && x.is_contiguous() && same(gamma) && same(beta);
}

// Whether the training backward runs fused: [N, C] with statistics over the
// rows, everything of x_hat's dtype and contiguous, one scale per channel.
bool fusable_backward(const Tensor& grad_out,
                      const Tensor& x_hat,
                      const Tensor& scale,
                      const Dims& dims) {
  return x_hat.dim() == 2 && dims.size() == 1 && normalize_dim(dims[0], 2, "batch_norm") == 0 &&
         grad_out.dtype() == x_hat.dtype() && scale.dtype() == x_hat.dtype() &&
         grad_out.is_contiguous() && x_hat.is_contiguous() && scale.is_contiguous() &&
         scale.numel() == x_hat.size(1);
}

// Calls f(c0, c1) on ranges of channels, in parallel when x is large; every
// channel's sums run over the rows in order, whatever the split.
template <class F>
void for_channel_ranges(std::int64_t rows, std::int64_t channels, F f) {
  parallel_for(0, channels,
               std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(rows, 1)), f);
}

// Row kernels of the fused batch norm: out of line, with restrict pointers,
// so that each loop vectorises (inlined into the lambdas below, GCC 12 gives
// up on the mixed float/double accesses).
template <class T>
[[gnu::noinline]] void add_row(double* __restrict acc, const T* __restrict row, std::int64_t w) {
  for (std::int64_t j = 0; j < w; ++j) acc[j] += static_cast<double>(row[j]);
}
template <class T>
[[gnu::noinline]] void add_squared_deviation(double* __restrict acc,
                                             const T* __restrict row,
                                             const T* __restrict mean,
                                             std::int64_t w) {
  for (std::int64_t j = 0; j < w; ++j) {
    const T d = row[j] - mean[j];
    acc[j] += static_cast<double>(d * d);
  }
}
template <class T>
[[gnu::noinline]] void add_grad_sums(double* __restrict sum_g,
                                     double* __restrict sum_gx,
                                     const T* __restrict g,
                                     const T* __restrict x_hat,
                                     std::int64_t w) {
  for (std::int64_t j = 0; j < w; ++j) {
    sum_g[j] += static_cast<double>(g[j]);
    sum_gx[j] += static_cast<double>(g[j] * x_hat[j]);
  }
}
template <class T>
[[gnu::noinline]] void grad_x_row(T* __restrict out,
                                  const T* __restrict g,
                                  const T* __restrict x_hat,
                                  const T* __restrict scale,
                                  const T* __restrict mean_g,
                                  const T* __restrict mean_gx,
                                  std::int64_t w) {
  for (std::int64_t j = 0; j < w; ++j)
    out[j] = scale[j] * ((g[j] - mean_g[j]) - x_hat[j] * mean_gx[j]);
}

// Training forward on x [N, C]: μ = mean, σ² = biased variance (two passes, as
// var()), 1/σ = 1/sqrt(σ² + eps), x̂ = (x − μ)/σ and y = γ x̂ + β.
template <class T>
void fused_forward(const Tensor& x,
                   const Tensor& gamma,
                   const Tensor& beta,
                   double eps,
                   const Tensor& mean,
                   const Tensor& var,
                   const Tensor& invstd,
                   const Tensor& x_hat,
                   const Tensor& y) {
  const std::int64_t rows = x.size(0), channels = x.size(1);
  const T* px = x.data<T>();
  const T* pg = gamma.defined() ? gamma.data<T>() : nullptr;
  const T* pb = beta.defined() ? beta.data<T>() : nullptr;
  T* pm = mean.data<T>();
  T* pv = var.data<T>();
  T* pi = invstd.data<T>();
  T* pxh = x_hat.data<T>();
  T* py = y.data<T>();
  const double n = static_cast<double>(rows);
  for_channel_ranges(rows, channels, [&](std::int64_t c0, std::int64_t c1) {
    const std::int64_t w = c1 - c0;
    std::vector<double> acc(static_cast<std::size_t>(w), 0.0);
    double* a = acc.data();
    for (std::int64_t r = 0; r < rows; ++r) add_row(a, px + r * channels + c0, w);
    for (std::int64_t j = 0; j < w; ++j) {
      pm[c0 + j] = static_cast<T>(a[j] / n);
      a[j] = 0.0;
    }
    const T* m = pm + c0;
    for (std::int64_t r = 0; r < rows; ++r) add_squared_deviation(a, px + r * channels + c0, m, w);
    for (std::int64_t j = 0; j < w; ++j) {
      pv[c0 + j] = static_cast<T>(a[j] / n);
      pi[c0 + j] = T(1) / std::sqrt(pv[c0 + j] + static_cast<T>(eps));
    }
    const T* inv = pi + c0;
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* row = px + r * channels + c0;
      T* xh = pxh + r * channels + c0;
      T* out = py + r * channels + c0;
      for (std::int64_t j = 0; j < w; ++j) xh[j] = (row[j] - m[j]) * inv[j];
      if (pg != nullptr && pb != nullptr) {
        for (std::int64_t j = 0; j < w; ++j) out[j] = xh[j] * pg[c0 + j] + pb[c0 + j];
      } else if (pg != nullptr) {
        for (std::int64_t j = 0; j < w; ++j) out[j] = xh[j] * pg[c0 + j];
      } else if (pb != nullptr) {
        for (std::int64_t j = 0; j < w; ++j) out[j] = xh[j] + pb[c0 + j];
      }
    }
  });
}

// Training backward on [N, C], with s = γ/σ [1, C] (or 1/σ):
// grad_x = s (g − mean(g) − x̂ mean(g x̂)), grad_γ = Σ g x̂, grad_β = Σ g.
template <class T>
void fused_backward(const Tensor& g,
                    const Tensor& x_hat,
                    const Tensor& scale,
                    const Tensor& grad_x,
                    const Tensor& grad_gamma,
                    const Tensor& grad_beta) {
  const std::int64_t rows = g.size(0), channels = g.size(1);
  const T* pg = g.data<T>();
  const T* pxh = x_hat.data<T>();
  const T* ps = scale.data<T>();
  T* pgx = grad_x.defined() ? grad_x.data<T>() : nullptr;
  T* pgg = grad_gamma.defined() ? grad_gamma.data<T>() : nullptr;
  T* pgb = grad_beta.defined() ? grad_beta.data<T>() : nullptr;
  const double n = static_cast<double>(rows);
  for_channel_ranges(rows, channels, [&](std::int64_t c0, std::int64_t c1) {
    const std::int64_t w = c1 - c0;
    std::vector<double> acc(static_cast<std::size_t>(2 * w), 0.0);
    double* sg = acc.data();
    double* sgx = sg + w;
    for (std::int64_t r = 0; r < rows; ++r)
      add_grad_sums(sg, sgx, pg + r * channels + c0, pxh + r * channels + c0, w);
    for (std::int64_t j = 0; j < w; ++j) {
      if (pgg != nullptr) pgg[c0 + j] = static_cast<T>(sgx[j]);
      if (pgb != nullptr) pgb[c0 + j] = static_cast<T>(sg[j]);
    }
    if (pgx == nullptr) return;
    std::vector<T> means(static_cast<std::size_t>(2 * w));
    T* m1 = means.data();
    T* m2 = m1 + w;
    for (std::int64_t j = 0; j < w; ++j) {
      m1[j] = static_cast<T>(sg[j] / n);
      m2[j] = static_cast<T>(sgx[j] / n);
    }
    const T* s = ps + c0;
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* gr = pg + r * channels + c0;
      const T* xr = pxh + r * channels + c0;
      T* out = pgx + r * channels + c0;
      grad_x_row(out, gr, xr, s, m1, m2, w);
    }
  });
}

// The checks shared by the two forwards; returns the number of values per channel.
std::int64_t check_forward_args(const Tensor& x,
                                const Tensor& gamma,
                                const Tensor& beta,
                                double eps) {
  check_defined(x, "batch_norm");
  detail::check_batch_norm_input(x);
  const std::int64_t channels = x.size(1);
  if (gamma.defined()) detail::check_channel_vector(gamma, "gamma", channels);
  if (beta.defined()) detail::check_channel_vector(beta, "beta", channels);
  NABLA_CHECK(eps >= 0, "batch_norm", "eps must be non-negative, got ", eps);
  return x.dim() == 2 ? x.size(0) : x.size(0) * x.size(2);
}

// Statistics per channel over the batch (and length) dims, kept as [1, C(, 1)].
Shape stat_shape(const Tensor& x) {
  return x.dim() == 2 ? Shape{1, x.size(1)} : Shape{1, x.size(1), 1};
}

Dims stat_dims(const Tensor& x) {
  return x.dim() == 2 ? Dims{0} : Dims{0, 2};
}

// y = γ x̂ + β from out.mean and out.var, in tensor ops.
void composed_forward(
    const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps, BatchNormOutput& out) {
  out.invstd = rsqrt(out.var + eps);
  out.x_hat = (x - out.mean) * out.invstd;
  out.y = gamma.defined() ? out.x_hat * reshape(gamma, stat_shape(x)) : out.x_hat;
  if (beta.defined()) out.y = out.y + reshape(beta, stat_shape(x));
}

}  // namespace

BatchNormOutput batch_norm_forward(const Tensor& x,
                                   const Tensor& gamma,
                                   const Tensor& beta,
                                   double eps) {
  const std::int64_t count = check_forward_args(x, gamma, beta, eps);
  NABLA_CHECK(count > 1, "batch_norm", "training needs more than one value per channel, got input ",
              x.shape());
  BatchNormOutput out;
  if (!fusable(x, gamma, beta)) {
    out.mean = mean(x, stat_dims(x), /*keepdim=*/true);
    out.var = var(x, stat_dims(x), /*correction=*/0, /*keepdim=*/true);
    composed_forward(x, gamma, beta, eps, out);
    return out;
  }
  // NOTE [ Fused batch norm on [N, C] ]
  out.mean = empty(stat_shape(x), x.dtype());
  out.var = empty(stat_shape(x), x.dtype());
  out.invstd = empty(stat_shape(x), x.dtype());
  out.x_hat = empty(x.shape(), x.dtype());
  out.y = gamma.defined() || beta.defined() ? empty(x.shape(), x.dtype()) : out.x_hat;
  dispatch_floating(x.dtype(), "batch_norm", [&]<class T>() {
    fused_forward<T>(x, gamma, beta, eps, out.mean, out.var, out.invstd, out.x_hat, out.y);
  });
  return out;
}

BatchNormOutput batch_norm_forward(const Tensor& x,
                                   const Tensor& gamma,
                                   const Tensor& beta,
                                   const Tensor& mean,
                                   const Tensor& var,
                                   double eps) {
  check_forward_args(x, gamma, beta, eps);
  check_defined(mean, "batch_norm");
  check_defined(var, "batch_norm");
  detail::check_channel_vector(mean, "mean", x.size(1));
  detail::check_channel_vector(var, "var", x.size(1));
  BatchNormOutput out;
  out.mean = reshape(mean.to(x.dtype()), stat_shape(x));
  out.var = reshape(var.to(x.dtype()), stat_shape(x));
  composed_forward(x, gamma, beta, eps, out);
  return out;
}

BatchNormGrads batch_norm_backward(const Tensor& grad_out,
                                   const Tensor& x_hat,
                                   const Tensor& invstd,
                                   const Tensor& gamma,
                                   bool training,
                                   const Dims& dims,
                                   BatchNormNeeds needs) {
  constexpr const char* op = "batch_norm_backward";
  check_defined(grad_out, op);
  check_defined(x_hat, op);
  check_defined(invstd, op);
  NABLA_CHECK(grad_out.shape() == x_hat.shape(), op, "grad_out has shape ", grad_out.shape(),
              " but x_hat has shape ", x_hat.shape(), "; they must be equal");
  NABLA_CHECK(x_hat.dim() >= 2, op, "expected x_hat of shape [N, C] or [N, C, L], got ",
              x_hat.shape());
  NABLA_CHECK(!gamma.defined() || gamma.numel() == x_hat.size(1), op, "gamma has shape ",
              gamma.shape(), " but x_hat has ", x_hat.size(1), " channels");
  BatchNormGrads grads;
  // s = γ / σ
  const Tensor scale = gamma.defined() ? reshape(gamma, invstd.shape()) * invstd : invstd;
  if (training && fusable_backward(grad_out, x_hat, scale, dims)) {
    // NOTE [ Fused batch norm on [N, C] ]
    const std::int64_t channels = x_hat.size(1);
    if (needs.input) grads.input = empty(x_hat.shape(), x_hat.dtype());
    if (needs.gamma) grads.gamma = empty({channels}, x_hat.dtype());
    if (needs.beta) grads.beta = empty({channels}, x_hat.dtype());
    dispatch_floating(x_hat.dtype(), "batch_norm", [&]<class T>() {
      fused_backward<T>(grad_out, x_hat, scale, grads.input, grads.gamma, grads.beta);
    });
    return grads;
  }
  if (needs.input) {
    if (training) {
      // μ and σ depend on x: grad_x = s (g − mean(g) − x̂ mean(g x̂))
      grads.input = scale * (grad_out - mean(grad_out, dims, true) -
                             x_hat * mean(grad_out * x_hat, dims, true));
    } else {
      // the statistics are constants: grad_x = s g
      grads.input = scale * grad_out;
    }
  }
  // grad_γ = Σ g x̂, grad_β = Σ g over the batch (and length) dims -> [C]
  if (needs.gamma) grads.gamma = sum(grad_out * x_hat, dims);
  if (needs.beta) grads.beta = sum(grad_out, dims);
  return grads;
}

}  // namespace nabla

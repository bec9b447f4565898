// matmul, linear and linear's backward products: the shape logic (vectors,
// broadcast batches, leading dims, operand layouts) around the matrix products
// of tensor/gemm/, whose route table (NOTE [ GEMM routes ] in
// tensor/gemm/gemm.h) decides which kernel computes each product and on how
// many threads.
#include "tensor/linalg.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tensor/blis_config.h"
#include "tensor/dispatch.h"
#include "tensor/gemm/gemm.h"
#include "tensor/parallel.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

namespace nabla {
namespace {

using gemm::blis_strides;

// If dims [0, last] of `t` can be stepped through as one dim (each dim of
// size > 1 strides exactly over the next inner one), sets `stride` to the
// stride of that merged dim and returns true. Size-1 dims are skipped.
bool merge_leading(const Tensor& t, std::int64_t last, std::int64_t& stride) {
  bool have = false;
  std::int64_t expected = 0;
  stride = 0;
  for (std::int64_t d = last; d >= 0; --d) {
    if (t.size(d) == 1) continue;
    if (have && t.stride(d) != expected) return false;
    if (!have) stride = t.stride(d);
    have = true;
    expected = t.stride(d) * t.size(d);
  }
  return true;
}

// The matrix of a matmul operand: rows, cols and strides of its last two dims,
// with a 1-D vector read as [1, k] (left) or [k, 1] (right).
struct Layout {
  std::int64_t rows, cols, rs, cs;
};
Layout matrix_layout(const Tensor& t, bool left) {
  if (t.dim() == 1) {
    if (left) return {1, t.size(0), 0, t.stride(0)};
    return {t.size(0), 1, t.stride(0), 0};
  }
  return {t.size(-2), t.size(-1), t.stride(-2), t.stride(-1)};
}

// Returns `t`, or a contiguous copy when BLIS cannot take its matrices'
// strides; `layout` is updated to the tensor returned.
Tensor blis_ready(const Tensor& t, bool left, Layout& layout) {
  layout = matrix_layout(t, left);
  if (blis_strides(layout.rows, layout.cols, layout.rs, layout.cs)) return t;
  Tensor c = t.contiguous();
  layout = matrix_layout(c, left);
  blis_strides(layout.rows, layout.cols, layout.rs, layout.cs);
  return c;
}

void check_floating_pair(const Tensor& a, const Tensor& b, std::string_view op) {
  NABLA_CHECK(is_floating(a.dtype()) && is_floating(b.dtype()), op,
              "expected a floating dtype (f32 or f64), got ", a.dtype(), " x ", b.dtype());
  NABLA_CHECK(a.dtype() == b.dtype(), op, "dtypes differ: ", a.dtype(), " x ", b.dtype(),
              " (convert one operand with to())");
}

template <class T>
void batched_matmul(const Tensor& a,
                    const Layout& la,
                    const Tensor& b,
                    const Layout& lb,
                    const Shape& batch,
                    const Tensor& out,
                    std::int64_t m,
                    std::int64_t n) {
  const std::int64_t nb = batch.rank();
  // Batch strides of each operand, 0 along broadcast or missing dims.
  Strides sa(nb, 0), sb(nb, 0);
  const std::int64_t ra = a.dim() - 2, rb = b.dim() - 2;
  for (std::int64_t d = 0; d < nb; ++d) {
    const std::int64_t da = d - (nb - ra), db = d - (nb - rb);
    if (da >= 0 && a.size(da) != 1) sa[d] = a.stride(da);
    if (db >= 0 && b.size(db) != 1) sb[d] = b.stride(db);
  }
  const std::int64_t count = numel(batch);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* pc = out.data<T>();
  const std::int64_t k = la.cols;
  auto run = [&](std::int64_t begin, std::int64_t end, int threads) {
    for (std::int64_t i = begin; i < end; ++i) {
      std::int64_t oa = 0, ob = 0, rest = i;
      for (std::int64_t d = nb - 1; d >= 0; --d) {
        const std::int64_t idx = rest % batch[d];
        rest /= batch[d];
        oa += idx * sa[d];
        ob += idx * sb[d];
      }
      gemm::multiply<T>({{pa + oa, m, k, la.rs, la.cs},
                         {pb + ob, k, n, lb.rs, lb.cs},
                         T(0),
                         {pc + i * m * n, m, n, n == 1 ? 1 : n, 1}},
                        threads);
    }
  };
  const std::int64_t work = std::max<std::int64_t>(1, m * n * k);
  // A batch of small products is split across threads instead, each product
  // on one (NOTE [ GEMM routes ]).
  const int threads = get_num_threads();
  if (work < gemm::kSmallGemm && count > 1 && threads > 1) {
    parallel_for(0, count, std::max<std::int64_t>(1, gemm::kSmallGemm / work),
                 [&](std::int64_t begin, std::int64_t end) { run(begin, end, 1); });
  } else {
    run(0, count, threads);
  }
}

// The operands of a 2-D product a·b as BLIS takes them (copies, if any, kept
// alive here).
struct Operands {
  Layout la, lb;
  Tensor a, b;
  Operands(const Tensor& a0, const Tensor& b0)
      : a(blis_ready(a0, true, la)), b(blis_ready(b0, false, lb)) {}
  // a·b written into a contiguous c.
  template <class T>
  gemm::Product<T> into(const Tensor& c) const {
    const std::int64_t m = c.size(0), n = c.size(1), k = la.cols;
    return {{a.data<T>(), m, k, la.rs, la.cs},
            {b.data<T>(), k, n, lb.rs, lb.cs},
            T(0),
            {c.data<T>(), m, n, n == 1 ? 1 : n, 1}};
  }
};

// Writes a·b into c and d·e into f side by side (gemm::multiply_side_by_side),
// for 2-D operands of c's floating dtype and contiguous c and f.
void multiply_side_by_side(const Tensor& a,
                           const Tensor& b,
                           const Tensor& c,
                           const Tensor& d,
                           const Tensor& e,
                           const Tensor& f) {
  configure_blis();
  const Operands ab(a, b), de(d, e);
  dispatch_floating(c.dtype(), "linear_backward", [&]<class T>() {
    gemm::multiply_side_by_side<T>(ab.into<T>(c), de.into<T>(f), get_num_threads());
  });
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_defined(a, "matmul");
  check_defined(b, "matmul");
  NABLA_CHECK(a.dim() >= 1 && b.dim() >= 1, "matmul", "expected operands of rank >= 1, got rank ",
              a.dim(), " x rank ", b.dim(), " (", a.shape(), " x ", b.shape(), ")");
  check_floating_pair(a, b, "matmul");
  const std::int64_t k = a.size(-1);
  const std::int64_t kb = b.dim() == 1 ? b.size(0) : b.size(-2);
  NABLA_CHECK(k == kb, "matmul", "inner dimensions differ: ", a.shape(), " x ", b.shape());
  const std::int64_t m = a.dim() == 1 ? 1 : a.size(-2);
  const std::int64_t n = b.dim() == 1 ? 1 : b.size(-1);

  // Broadcast the batch dims (all but the last two) from the right.
  const std::int64_t ra = std::max<std::int64_t>(a.dim() - 2, 0);
  const std::int64_t rb = std::max<std::int64_t>(b.dim() - 2, 0);
  const std::int64_t nb = std::max(ra, rb);
  Shape batch(nb, 1);
  for (std::int64_t d = 0; d < nb; ++d) {
    const std::int64_t da = d - (nb - ra), db = d - (nb - rb);
    const std::int64_t sa = da >= 0 ? a.size(da) : 1, sb = db >= 0 ? b.size(db) : 1;
    NABLA_CHECK(sa == sb || sa == 1 || sb == 1, "matmul",
                "batch dimensions cannot be broadcast: ", a.shape(), " x ", b.shape());
    batch[d] = sa == 1 ? sb : sa;
  }
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(m);
  if (b.dim() > 1) out_shape.push_back(n);
  Tensor out = empty(out_shape, a.dtype());
  if (out.numel() == 0) return out;
  if (k == 0) return out.zero_();

  configure_blis();
  dispatch_floating(a.dtype(), "matmul", [&]<class T>() {
    Layout lb;
    const Tensor bb = blis_ready(b, false, lb);
    // When b's matrix is shared by the whole batch and a's batch and row dims
    // merge into one, the batch is one tall GEMM: [batch * m, k] x [k, n].
    std::int64_t row_stride = 0;
    if (ra > 0 && numel(Shape(b.shape().begin(), b.shape().begin() + rb)) == 1 &&
        merge_leading(a, a.dim() - 2, row_stride)) {
      std::int64_t rows = numel(batch) * m, rs = row_stride, cs = a.stride(-1);
      if (blis_strides(rows, k, rs, cs)) {
        gemm::multiply<T>({{a.data<T>(), rows, k, rs, cs},
                           {bb.data<T>(), k, n, lb.rs, lb.cs},
                           T(0),
                           {out.data<T>(), rows, n, n == 1 ? 1 : n, 1}},
                          get_num_threads());
        return;
      }
    }
    Layout la;
    const Tensor aa = blis_ready(a, true, la);
    batched_matmul<T>(aa, la, bb, lb, batch, out, m, n);
  });
  return out;
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  check_defined(x, "linear");
  check_defined(w, "linear");
  NABLA_CHECK(x.dim() >= 1, "linear", "expected an input of shape [..., in_features], got rank 0");
  NABLA_CHECK(w.dim() == 2, "linear", "expected a 2-D weight [in_features, out_features], got ",
              w.shape());
  check_floating_pair(x, w, "linear");
  const std::int64_t in = w.size(0), n = w.size(1);
  NABLA_CHECK(x.size(-1) == in, "linear", "input features differ from weight rows: x ", x.shape(),
              " x w ", w.shape());
  if (b.defined()) {
    check_floating_pair(x, b, "linear");
    NABLA_CHECK(b.dim() == 1 && b.size(0) == n, "linear", "expected a bias of shape [", n,
                "] for weight ", w.shape(), ", got ", b.shape());
  }
  Shape out_shape(x.shape().begin(), x.shape().end() - 1);
  out_shape.push_back(n);
  Tensor y = empty(out_shape, x.dtype());
  if (y.numel() == 0) return y;
  // y = b broadcast over the rows, then y += x·w (beta = 1): one pass over y.
  if (b.defined() && b.dtype() == y.dtype() && b.is_contiguous()) {
    // Row by row: the general broadcasting copy costs more per row than a
    // row of a few hundred elements.
    const std::size_t row_bytes = static_cast<std::size_t>(n) * y.element_size();
    auto* dst = static_cast<unsigned char*>(y.raw_data());
    for (std::int64_t r = 0; r < y.numel() / n; ++r)
      std::memcpy(dst + static_cast<std::size_t>(r) * row_bytes, b.raw_data(), row_bytes);
  } else if (b.defined()) {
    y.copy_(b);
  } else if (in == 0) {
    y.zero_();
  }
  if (in == 0) return y;

  configure_blis();
  dispatch_floating(x.dtype(), "linear", [&]<class T>() {
    const std::int64_t rows = y.numel() / n;
    std::int64_t rs = 0, cs = x.stride(-1);
    Tensor xx = x;
    if (!merge_leading(x, x.dim() - 2, rs) || !blis_strides(rows, in, rs, cs)) {
      xx = x.contiguous();
      rs = in;
      cs = 1;
      blis_strides(rows, in, rs, cs);
    }
    std::int64_t wrs = w.stride(0), wcs = w.stride(1);
    Tensor ww = w;
    if (!blis_strides(in, n, wrs, wcs)) {
      ww = w.contiguous();
      wrs = n;
      wcs = 1;
      blis_strides(in, n, wrs, wcs);
    }
    gemm::multiply<T>({{xx.data<T>(), rows, in, rs, cs},
                       {ww.data<T>(), in, n, wrs, wcs},
                       T(b.defined() ? 1 : 0),
                       {y.data<T>(), rows, n, n == 1 ? 1 : n, 1}},
                      get_num_threads());
  });
  return y;
}

LinearGrads linear_backward(const Tensor& grad_out,
                            const Tensor& x,
                            const Tensor& w,
                            std::array<bool, 3> needs) {
  check_defined(grad_out, "linear_backward");
  check_defined(x, "linear_backward");
  check_defined(w, "linear_backward");
  NABLA_CHECK(x.dim() >= 1 && w.dim() == 2 && x.size(-1) == w.size(0), "linear_backward",
              "expected x [..., in] and w [in, out], got x ", x.shape(), " and w ", w.shape());
  Shape y_shape(x.shape().begin(), x.shape().end() - 1);
  y_shape.push_back(w.size(1));
  NABLA_CHECK(grad_out.shape() == y_shape, "linear_backward", "expected grad_out of shape ",
              y_shape, " for x ", x.shape(), " and w ", w.shape(), ", got ", grad_out.shape());
  check_floating_pair(x, w, "linear_backward");
  check_floating_pair(x, grad_out, "linear_backward");
  // The leading dims of x [..., in] are R rows of one batched product.
  const std::int64_t in = w.size(0), out = w.size(1);
  std::int64_t rows = 1;
  for (std::int64_t d = 0; d + 1 < x.dim(); ++d) rows *= x.size(d);
  const Tensor delta = reshape(grad_out, {rows, out});
  LinearGrads g;
  if (needs[0] && needs[1] && gemm::side_by_side_pays(rows * in * out, get_num_threads())) {
    g.grad_x = empty({rows, in}, delta.dtype());
    g.grad_w = empty({in, out}, delta.dtype());
    multiply_side_by_side(delta, transpose(w, 0, 1), g.grad_x,
                          transpose(reshape(x, {rows, in}), 0, 1), delta, g.grad_w);
    g.grad_x = reshape(g.grad_x, x.shape());
  } else {
    // grad_out [R, out] x w^T [out, in] -> grad_x [R, in], reshaped to [..., in]
    if (needs[0]) g.grad_x = reshape(matmul(delta, transpose(w, 0, 1)), x.shape());
    // x^T [in, R] x grad_out [R, out] -> grad_w [in, out]
    if (needs[1]) g.grad_w = matmul(transpose(reshape(x, {rows, in}), 0, 1), delta);
  }
  // grad_out [R, out] summed over rows -> grad_b [out]
  if (needs[2]) g.grad_b = sum(delta, {0});
  return g;
}

}  // namespace nabla

// fused_update: runs an optimizer's per-element update rule in one pass over a
// parameter, its gradient and its state tensors (Adam reads g, m, v and p and
// writes m, v and p once each, instead of the six passes of six tensor ops).
#pragma once

#include <cstdint>

#include "tensor/dispatch.h"
#include "tensor/parallel.h"
#include "tensor/tensor.h"

namespace nabla::optim {

/// Below this many elements an update runs on the calling thread: a quarter
/// of kParallelGrain, since an update reads and writes three to five arrays
/// per element (Adam also takes a square root and a division), several times
/// an elementwise op's work. A 128 x 256 weight (32768 elements) is split.
inline constexpr std::int64_t kUpdateGrain = kParallelGrain / 4;

/// Calls rule(n, p, g, s...) with typed pointers to the elements of `param`,
/// `grad` and each `state` tensor, on disjoint chunks of n elements (in
/// parallel for large parameters). The state tensors must be contiguous with
/// the parameter's shape and dtype (the optimizer creates them so); a
/// non-contiguous parameter or gradient is handled through a contiguous copy.
template <class Rule, class... State>
void fused_update(Tensor& param, const Tensor& grad, Rule&& rule, State&... state) {
  Tensor g =
      grad.dtype() == param.dtype() ? grad.contiguous() : grad.to(param.dtype()).contiguous();
  Tensor p = param.is_contiguous() ? param : param.contiguous();
  dispatch_floating(param.dtype(), "optimizer step", [&]<class T>() {
    T* p_data = p.data<T>();
    const T* g_data = g.data<T>();
    parallel_for(0, p.numel(), kUpdateGrain, [&](std::int64_t begin, std::int64_t end) {
      rule(end - begin, p_data + begin, g_data + begin, (state.template data<T>() + begin)...);
    });
  });
  if (param.is_contiguous())
    param.bump_version();  // written through data(): count the write as the '_' ops do
  else
    param.copy_(p);
}

}  // namespace nabla::optim

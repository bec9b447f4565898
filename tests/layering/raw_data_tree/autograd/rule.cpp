// A deliberate violation (a backward rule that loops over raw data instead of
// calling a tensor/ kernel) that the layering check must reject.
#include "tensor/dispatch.h"

void scale(const nabla::Tensor& t) {
  float* p = t.data<float>();
  p[0] *= 2;
}

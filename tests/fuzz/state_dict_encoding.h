// The input format of the load_state_dict target: a compact encoding of a
// StateDict, so that the fuzzer varies names, dtypes, shapes, layouts and
// values instead of spending its time on a file format. Shared with the
// seed generator, which encodes the model's own state.
//
//   byte 0             bit 0: strict
//   then per entry     a name byte: 0x80 | k names the model's k-th key
//                      (mod the key count); otherwise its low 6 bits are the
//                      length of a name that follows
//                      a kind byte: bit 7 takes the dtype and shape of the
//                      model's tensor under that name (when there is one);
//                      otherwise bits 0-1 are the dtype (f32, f64, i64, f32),
//                      and a rank byte (mod 4) and one byte per dim (mod 6)
//                      follow; bits 2-3 are the layout (contiguous,
//                      transposed, one row expanded along dim 0, undefined)
//                      the elements' bytes (zero past the end of the input)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "tensor/shape_ops.h"
#include "tensor/state_dict.h"

namespace nabla::fuzz {

/// At most this many entries are decoded: more add nothing but time.
inline constexpr int kMaxEntries = 32;

struct EncodedState {
  bool strict = true;
  StateDict state;
};

/// Decodes an input. Throws nabla::Error for a duplicate or empty name (as
/// StateDict::insert does).
inline EncodedState decode_state(ByteReader& in, const StateDict& model_state) {
  EncodedState out;
  out.strict = in.flag();
  const std::vector<std::string> keys = model_state.keys();
  for (int n = 0; n < kMaxEntries && in.remaining() > 0; ++n) {
    const std::uint8_t name_byte = in.byte();
    std::string name = (name_byte & 0x80) != 0 && !keys.empty()
                           ? keys[(name_byte & 0x7f) % keys.size()]
                           : in.bytes(name_byte & 0x3f);
    const std::uint8_t kind = in.byte();
    const Tensor* own = model_state.find(name);
    DType dtype = DType::f32;
    Shape shape;
    if ((kind & 0x80) != 0 && own != nullptr) {
      dtype = own->dtype();
      shape = own->shape();
    } else {
      constexpr DType kDTypes[] = {DType::f32, DType::f64, DType::i64, DType::f32};
      dtype = kDTypes[kind & 3];
      const std::size_t rank = in.below(4);
      for (std::size_t d = 0; d < rank; ++d)
        shape.push_back(static_cast<std::int64_t>(in.below(6)));
    }
    const int layout = (kind >> 2) & 3;
    if (layout == 3) {
      out.state.insert(std::move(name), Tensor());
      continue;
    }
    // Transposed: the data is laid out with the first and last dims swapped.
    // Expanded: one row repeated along dim 0 (stride 0).
    Shape stored = shape;
    if (layout == 1 && shape.rank() >= 2) std::swap(stored[0], stored[stored.rank() - 1]);
    if (layout == 2 && shape.rank() >= 1) stored[0] = 1;
    Tensor t(stored, dtype);
    const std::string bytes = in.bytes(static_cast<std::size_t>(t.numel()) * t.element_size());
    if (!bytes.empty()) std::memcpy(t.raw_data(), bytes.data(), bytes.size());
    if (layout == 1 && shape.rank() >= 2) t = transpose(t, 0, shape.rank() - 1);
    if (layout == 2 && shape.rank() >= 1) t = expand(t, shape);
    out.state.insert(std::move(name), std::move(t));
  }
  return out;
}

}  // namespace nabla::fuzz

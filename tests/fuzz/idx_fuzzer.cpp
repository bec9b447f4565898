// read_idx (raw and gzip: the reader tells them by the first two bytes) and
// the image and label readers on any bytes, then the array as a Tensor of
// each dtype: only nabla::Error may come out.

#include <cstdint>

#include "data/idx.h"
#include "fuzz_input.h"

using namespace nabla;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile input("input.idx");
  const auto& path = input.write(data, size);
  // A gzip stream expands up to about 1000-fold: a user reading untrusted
  // files sets the limit, and so does the fuzzer, to stay within its memory.
  const data::IdxReadOptions options{.max_bytes = std::uint64_t{64} << 20};
  fuzz::expect_only_nabla_errors([&] {
    const data::IdxArray a = data::read_idx(path, options);
    fuzz::require(a.bytes.size() == static_cast<std::size_t>(a.numel()) * data::size_of(a.type),
                  "read_idx returned a byte count that does not match its dims");
    for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
      fuzz::expect_only_nabla_errors([&] {
        const Tensor t = a.to_tensor(dtype);
        fuzz::require(t.shape() == a.dims, "IdxArray::to_tensor changed the shape");
      });
    }
  });
  fuzz::expect_only_nabla_errors([&] { data::read_idx_images(path, options); });
  fuzz::expect_only_nabla_errors([&] { data::read_idx_labels(path, options); });
  return 0;
}

// The IDX file format of MNIST and Fashion-MNIST, read from raw or
// gzip-compressed files.
//
// An IDX file is a header followed by the elements, row-major:
//   0x00 0x00 <type code> <ndims>        the magic number
//   ndims big-endian u32                 the size of each dimension
//   prod(dims) big-endian elements       u8 (0x08), i8 (0x09), i16 (0x0B),
//                                        i32 (0x0C), f32 (0x0D), f64 (0x0E)
// A gzip-compressed file is recognised by its first two bytes (1f 8b), not by
// its name. Nothing read from a file is trusted: the dims and the element count
// are checked against the file's size (raw files) or against the decompressed
// stream as it arrives (gzip) before the data buffer grows, so a truncated,
// corrupt or lying file throws nabla::Error naming the file and the problem,
// never allocates a giant buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "tensor/tensor.h"

namespace nabla::data {

/// The element type of an IDX file; the enumerator's value is the type code.
enum class IdxType : std::uint8_t {
  u8 = 0x08,
  i8 = 0x09,
  i16 = 0x0B,
  i32 = 0x0C,
  f32 = 0x0D,
  f64 = 0x0E
};

/// Returns the size of one element of `type` in bytes (1, 1, 2, 4, 4, 8).
std::size_t size_of(IdxType type);

/// Returns "u8", "i8", "i16", "i32", "f32" or "f64".
std::string_view name(IdxType type);

/// The contents of an IDX file.
struct IdxArray {
  IdxType type = IdxType::u8;
  /// The sizes of the dimensions, as in the header ([60000, 28, 28] for the
  /// training images of MNIST).
  Shape dims;
  /// prod(dims) elements of size_of(type) bytes each, row-major, converted
  /// from the file's big-endian order to the byte order of this machine (so an
  /// element of type i32 can be copied into a std::int32_t).
  std::vector<std::uint8_t> bytes;

  /// Returns prod(dims) (1 for ndims = 0, 0 when a dim is 0). Throws
  /// nabla::Error for a negative dim or a product beyond int64.
  std::int64_t numel() const;

  /// Returns the elements as a Tensor of shape `dims` in `dtype`. Integer
  /// types convert exactly to every dtype; f32/f64 data convert to f32 or f64.
  /// Throws nabla::Error for f32/f64 data requested as i64.
  Tensor to_tensor(DType dtype) const;
};

/// Limits applied while reading.
struct IdxReadOptions {
  /// The most data bytes (prod(dims) · element size) a file may declare. A
  /// header declaring more is rejected before anything is allocated. 4 GiB by
  /// default; the Fashion-MNIST training images take 47 MB.
  std::uint64_t max_bytes = std::uint64_t{1} << 32;
};

/// Reads the IDX file at `path`, raw or gzip-compressed.
/// Throws nabla::Error "read_idx: <path>: <problem>" when the file cannot be
/// opened, the header is truncated ("truncated header (5 of 8 bytes)"), the
/// magic is wrong, the type code is unknown ("unknown type code 0x07"), there
/// are more than 8 dims, the dims declare more than options.max_bytes, the data
/// is shorter or longer than the dims declare ("expects 47040000 data bytes,
/// file has 1000"; "... trailing bytes"), or the gzip stream is corrupt.
IdxArray read_idx(const std::filesystem::path& path, const IdxReadOptions& options = {});

/// 8-bit images read from an IDX file: the bytes of every image, one after the
/// other, and the dims of the file ([n, rows, cols] for MNIST).
struct IdxImages {
  std::vector<std::uint8_t> bytes;
  Shape shape;
};

/// Reads an IDX file of u8 elements with at least 2 dims (samples first).
/// Throws like read_idx, and nabla::Error "read_idx_images: <path>: ..." for
/// another element type or fewer than 2 dims.
IdxImages read_idx_images(const std::filesystem::path& path, const IdxReadOptions& options = {});

/// Reads an IDX file of integer labels (u8, i8, i16 or i32) with exactly 1 dim
/// and returns them as an i64 Tensor [n]. Throws like read_idx, and
/// nabla::Error "read_idx_labels: <path>: ..." for floating elements or
/// another number of dims.
Tensor read_idx_labels(const std::filesystem::path& path, const IdxReadOptions& options = {});

}  // namespace nabla::data

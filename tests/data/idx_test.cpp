#include "data/idx.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "file_fixtures.h"
#include "test_util.h"

namespace nabla::data {
namespace {

using namespace test_files;

class Idx : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const Bytes& bytes) { return tmp_.write(name, bytes); }

  TempDir tmp_;
  const fs::path& dir_ = tmp_.path();
};

TEST(IdxTestHelpers, Crc32MatchesTheStandardCheckValue) {
  // The CRC-32 check value of the ASCII string "123456789" is 0xCBF43926.
  EXPECT_EQ(crc32(Bytes{'1', '2', '3', '4', '5', '6', '7', '8', '9'}), 0xCBF43926u);
}

TEST_F(Idx, ReadsRawU8) {
  const Bytes data{1, 2, 3, 250, 0, 255};
  const fs::path p = write("a.idx", idx_file(0x08, {2, 3}, data));
  IdxArray a = read_idx(p);
  EXPECT_EQ(a.type, IdxType::u8);
  EXPECT_EQ(a.dims, (Shape{2, 3}));
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.bytes, data);
  Tensor t = a.to_tensor(DType::i64);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3, 250, 0, 255}));
}

TEST_F(Idx, ReadsEveryTypeBigEndian) {
  // Each value written big-endian by hand:
  // i8 0xFF = -1, 0x7F = 127; i16 0x0102 = 258, 0xFFFE = -2;
  // i32 0x01020304 = 16909060, 0xFFFFFFFF = -1;
  // f32 0x3FC00000 = 1.5 (exponent 127 -> 2^0, mantissa .1b), 0xC1200000 = -10;
  // f64 0xC002000000000000 = -2.25 (2^1 · 1.125), 0x3FF0000000000000 = 1.
  struct Case {
    std::uint8_t code;
    IdxType type;
    Bytes data;
    std::vector<double> values;
  };
  const std::vector<Case> cases{
      {0x09, IdxType::i8, {0xFF, 0x7F}, {-1, 127}},
      {0x0B, IdxType::i16, {0x01, 0x02, 0xFF, 0xFE}, {258, -2}},
      {0x0C, IdxType::i32, {1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF}, {16909060, -1}},
      {0x0D, IdxType::f32, {0x3F, 0xC0, 0, 0, 0xC1, 0x20, 0, 0}, {1.5, -10}},
      {0x0E,
       IdxType::f64,
       {0xC0, 0x02, 0, 0, 0, 0, 0, 0, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},
       {-2.25, 1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(name(c.type)));
    const Bytes file = idx_file(c.code, {2}, c.data);
    for (const fs::path& p : {write("t.idx", file), write("t.idx.gz", gzip(file))}) {
      IdxArray a = read_idx(p);
      EXPECT_EQ(a.type, c.type);
      EXPECT_EQ(a.dims, (Shape{2}));
      EXPECT_EQ(a.bytes.size(), 2 * size_of(c.type));
      EXPECT_EQ(a.to_tensor(DType::f64).to_vector<double>(), c.values);
    }
  }
  EXPECT_EQ(size_of(IdxType::u8), 1u);
  EXPECT_EQ(size_of(IdxType::f64), 8u);
  EXPECT_EQ(name(IdxType::i16), "i16");
}

TEST_F(Idx, ReadsDeflateCompressedData) {
  // The IDX file 00 00 08 02 | 00 00 00 02 | 00 00 00 03 | 07 x 6 compressed
  // by Python's zlib (a fixed-Huffman deflate block with back-references), from
  //   python3 -c "import gzip; print(gzip.compress(bytes([0, 0, 8, 2, 0, 0, 0, 2,
  //     0, 0, 0, 3] + [7] * 6), mtime=0).hex())"
  const Bytes compressed{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x63,
                         0x60, 0xe0, 0x60, 0x62, 0x60, 0x60, 0x00, 0x61, 0x66, 0x76, 0x30,
                         0x00, 0x00, 0x3f, 0x83, 0x92, 0x33, 0x12, 0x00, 0x00, 0x00};
  IdxArray a = read_idx(write("deflate.gz", compressed));
  EXPECT_EQ(a.dims, (Shape{2, 3}));
  EXPECT_EQ(a.bytes, Bytes(6, 7));
}

TEST_F(Idx, GzipIsDetectedByContentNotName) {
  const Bytes data = noise(2 * 5 * 7);
  const Bytes file = idx_file(0x08, {2, 5, 7}, data);
  // A gzip file without .gz and a raw file named .gz both read.
  for (const fs::path& p : {write("images", gzip(file)), write("raw.gz", file)}) {
    IdxArray a = read_idx(p);
    EXPECT_EQ(a.dims, (Shape{2, 5, 7}));
    EXPECT_EQ(a.bytes, data);
  }
}

TEST_F(Idx, LargerGzipDataArrivesInChunks) {
  // 3 MiB: more than one decompression chunk (1 MiB).
  const Bytes data = noise(3 << 20);
  const fs::path p = write("big.gz", gzip(idx_file(0x08, {3, 1024, 1024}, data)));
  IdxArray a = read_idx(p);
  EXPECT_EQ(a.dims, (Shape{3, 1024, 1024}));
  EXPECT_TRUE(a.bytes == data);
}

TEST_F(Idx, EmptyAndScalarArrays) {
  IdxArray empty = read_idx(write("e.idx", idx_file(0x08, {0, 28, 28}, {})));
  EXPECT_EQ(empty.dims, (Shape{0, 28, 28}));
  EXPECT_TRUE(empty.bytes.empty());
  EXPECT_EQ(empty.to_tensor(DType::f32).shape(), (Shape{0, 28, 28}));
  // ndims = 0 is a single element.
  IdxArray scalar = read_idx(write("s.idx", idx_file(0x0C, {}, {0, 0, 1, 0})));
  EXPECT_EQ(scalar.dims.size(), 0u);
  EXPECT_EQ(scalar.to_tensor(DType::i64).item<std::int64_t>(), 256);
}

// Dims whose product is far beyond int64 hold nothing when one of them is 0:
// the file is valid and empty, and counting its elements must not overflow
// (the product is taken zero first, then checked).
TEST_F(Idx, HugeDimsAroundAZeroDimAreEmpty) {
  for (const std::vector<std::uint32_t>& dims :
       {std::vector<std::uint32_t>{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0},
        std::vector<std::uint32_t>{0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0xFFFFFFFF}}) {
    IdxArray a = read_idx(write("z.idx", idx_file(0x0D, dims, {})));
    EXPECT_EQ(a.numel(), 0);
    const Tensor t = a.to_tensor(DType::f64);
    EXPECT_EQ(t.numel(), 0);
    EXPECT_EQ(t.dim(), static_cast<std::int64_t>(dims.size()));
  }
}

TEST(IdxArray, NumelBeyondInt64Throws) {
  IdxArray a;
  a.dims = Shape{std::int64_t{1} << 32, std::int64_t{1} << 32};
  testing::expect_error([&] { a.numel(); }, "more than 2^63 elements");
  a.dims = Shape{-2, -2};
  testing::expect_error([&] { a.numel(); }, "negative size");
}

TEST_F(Idx, TruncationAtEveryHeaderByte) {
  // Header of 3 dims: 4 magic bytes + 12 dim bytes = 16.
  const Bytes file = idx_file(0x08, {1, 2, 2}, {1, 2, 3, 4});
  for (std::size_t k = 0; k < 16; ++k) {
    SCOPED_TRACE(k);
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(k));
    const std::string what = std::string("truncated header (") + std::to_string(k) +
                             (k < 4 ? " of 4 bytes)" : " of 16 bytes)");
    const fs::path raw = write("cut.idx", cut);
    testing::expect_error([&] { read_idx(raw); }, {"read_idx", raw.string(), what});
    const fs::path gz = write("cut.idx.gz", gzip(cut));
    testing::expect_error([&] { read_idx(gz); }, {"read_idx", gz.string(), what});
  }
}

TEST_F(Idx, TruncationInsideTheData) {
  const Bytes file = idx_file(0x0B, {2, 3}, noise(12));  // 6 i16 = 12 data bytes after 12 header
  for (std::size_t k = 12; k < file.size(); ++k) {
    SCOPED_TRACE(k);
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(k));
    const std::string has = std::to_string(k - 12);
    const fs::path raw = write("cut.idx", cut);
    testing::expect_error(
        [&] { read_idx(raw); },
        {"read_idx", raw.string(), std::string("expects 12 data bytes, file has ") + has});
    const fs::path gz = write("cut.gz", gzip(cut));
    testing::expect_error([&] { read_idx(gz); }, {"read_idx", gz.string(),
                                                  std::string("expects 12 data bytes, file has ") +
                                                      has + " after decompression"});
  }
}

TEST_F(Idx, TruncatedCompressedStreamAtEveryByte) {
  const Bytes compressed = gzip(idx_file(0x08, {4, 25}, noise(100)));
  for (std::size_t k = 0; k < compressed.size(); ++k) {
    SCOPED_TRACE(k);
    const fs::path p = write(
        "cut.gz", Bytes(compressed.begin(), compressed.begin() + static_cast<std::ptrdiff_t>(k)));
    testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string()});
  }
  // Cut inside the deflate data: zlib runs out of input.
  const fs::path p = write("half.gz", Bytes(compressed.begin(), compressed.begin() + 60));
  testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string(), "corrupt gzip data"});
}

TEST_F(Idx, WrongMagicAndUnknownTypeCode) {
  Bytes file = idx_file(0x08, {1}, {7});
  file[0] = 0x01;
  const fs::path p1 = write("m.idx", file);
  testing::expect_error([&] { read_idx(p1); }, {"read_idx", p1.string(), "wrong magic 0x01 0x00"});
  const fs::path p2 = write("t.idx", idx_file(0x07, {1}, {7}));
  testing::expect_error([&] { read_idx(p2); }, {"read_idx", p2.string(), "unknown type code 0x07"});
  const fs::path p3 = write("t.idx.gz", gzip(idx_file(0x0A, {1}, {7})));
  testing::expect_error([&] { read_idx(p3); }, {"read_idx", p3.string(), "unknown type code 0x0A"});
  // A text file is not IDX either.
  const fs::path p4 = write("text", Bytes{'h', 'e', 'l', 'l', 'o'});
  testing::expect_error([&] { read_idx(p4); }, {"read_idx", "wrong magic 0x68 0x65"});
}

TEST_F(Idx, TooManyDims) {
  const fs::path p = write("d.idx", idx_file(0x08, std::vector<std::uint32_t>(9, 1), {1}));
  testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string(), "has 9 dims, at most 8"});
}

TEST_F(Idx, DimsThatDoNotMatchTheSize) {
  // dims [2, 3] of u8 need 6 data bytes.
  const fs::path short_raw = write("s.idx", idx_file(0x08, {2, 3}, {1, 2, 3, 4, 5}));
  testing::expect_error([&] { read_idx(short_raw); },
                        {"read_idx", short_raw.string(), "expects 6 data bytes, file has 5"});
  const fs::path long_raw = write("l.idx", idx_file(0x08, {2, 3}, {1, 2, 3, 4, 5, 6, 7, 8}));
  testing::expect_error(
      [&] { read_idx(long_raw); },
      {"read_idx", long_raw.string(), "expects 6 data bytes, file has 8 (2 trailing bytes)"});
  const fs::path short_gz = write("s.gz", gzip(idx_file(0x08, {2, 3}, {1, 2, 3, 4, 5})));
  testing::expect_error(
      [&] { read_idx(short_gz); },
      {"read_idx", short_gz.string(), "expects 6 data bytes, file has 5 after decompression"});
  const fs::path long_gz = write("l.gz", gzip(idx_file(0x08, {2, 3}, {1, 2, 3, 4, 5, 6, 7})));
  testing::expect_error([&] { read_idx(long_gz); },
                        {"read_idx", long_gz.string(), "expects 6 data bytes", "trailing bytes"});
}

TEST_F(Idx, HugeDimsAreRejectedWithoutAllocating) {
  // 2^31 x 2^31 bytes = 2^62: above the 4 GiB limit, rejected from the header.
  const Bytes huge = idx_file(0x08, {0x80000000u, 0x80000000u}, {1, 2, 3});
  for (const fs::path& p : {write("h.idx", huge), write("h.gz", gzip(huge))}) {
    testing::expect_error([&] { read_idx(p); },
                          {"read_idx", p.string(), "declare more than the limit of 4294967296"});
  }
  // Eight dims of 2^32 - 1 f64 elements overflow 64 bits; still a clean error.
  const fs::path overflow =
      write("o.idx", idx_file(0x0E, std::vector<std::uint32_t>(8, 0xFFFFFFFFu), {}));
  testing::expect_error([&] { read_idx(overflow); }, {"read_idx", "declare more than the limit"});
  // 10^9 bytes is within the limit: the raw file's size exposes the lie before
  // any allocation, the gzip stream by ending short after a few bytes.
  const Bytes lie = idx_file(0x08, {1000000000u}, {1, 2, 3});
  const fs::path raw = write("lie.idx", lie);
  testing::expect_error([&] { read_idx(raw); },
                        {"read_idx", raw.string(), "expects 1000000000 data bytes, file has 3"});
  const fs::path gz = write("lie.gz", gzip(lie));
  testing::expect_error(
      [&] { read_idx(gz); },
      {"read_idx", gz.string(), "expects 1000000000 data bytes, file has 3 after decompression"});
  // The limit is an option.
  const fs::path small = write("small.idx", idx_file(0x0B, {2, 3}, noise(12)));
  testing::expect_error([&] { read_idx(small, {.max_bytes = 11}); },
                        {"read_idx", "declare more than the limit of 11"});
  EXPECT_EQ(read_idx(small, {.max_bytes = 12}).bytes.size(), 12u);
}

TEST_F(Idx, GarbageAfterTheGzipStream) {
  Bytes file = gzip(idx_file(0x08, {3}, {1, 2, 3}));
  file.insert(file.end(), {'j', 'u', 'n', 'k'});
  const fs::path p = write("g.gz", file);
  testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string(), "corrupt gzip data"});
}

TEST_F(Idx, CorruptGzipBytes) {
  const Bytes file = idx_file(0x08, {2, 100}, noise(200));
  const Bytes compressed = gzip(file);
  // Bytes 4-9 of a gzip header (mtime, extra flags, OS) do not affect the
  // data; every other byte, flipped, must be caught: header, deflate data,
  // CRC-32 or the length in the footer.
  for (std::size_t i = 0; i < compressed.size(); ++i) {
    if (i >= 4 && i < 10) continue;
    SCOPED_TRACE(i);
    Bytes bad = compressed;
    bad[i] ^= 0xFF;
    const fs::path p = write("c.gz", bad);
    testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string()});
  }
  // A flipped data byte: the CRC-32 or the deflate decoder catches it.
  Bytes bad = compressed;
  bad[compressed.size() / 2] ^= 0x01;
  const fs::path p = write("c.gz", bad);
  testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string(), "corrupt gzip data"});
}

TEST_F(Idx, GzipFooterLengthMismatch) {
  // The footer's last 4 bytes are the uncompressed length modulo 2^32:
  // 12 header bytes + 200 = 212 here. Off by one, with data and CRC intact, is still an error.
  Bytes compressed = gzip(idx_file(0x08, {2, 100}, noise(200)));
  const std::size_t n = compressed.size();
  ASSERT_EQ(compressed[n - 4], 212);
  ASSERT_EQ(compressed[n - 3] | compressed[n - 2] | compressed[n - 1], 0);
  compressed[n - 4] = 213;
  const fs::path p = write("len.gz", compressed);
  testing::expect_error([&] { read_idx(p); }, {"read_idx", p.string(), "corrupt gzip data",
                                               "213 uncompressed bytes", "the stream has 212"});
}

TEST_F(Idx, MissingFileAndDirectory) {
  const fs::path missing = dir_ / "nope.idx";
  testing::expect_error([&] { read_idx(missing); },
                        {"read_idx", missing.string(), "cannot open file"});
  testing::expect_error([&] { read_idx(dir_); }, {"read_idx", dir_.string(), "not a regular file"});
}

TEST_F(Idx, ImagesAndLabels) {
  const Bytes pixels = noise(3 * 2 * 2);
  const fs::path images = write("images.gz", gzip(idx_file(0x08, {3, 2, 2}, pixels)));
  IdxImages im = read_idx_images(images);
  EXPECT_EQ(im.shape, (Shape{3, 2, 2}));
  EXPECT_EQ(im.bytes, pixels);
  const fs::path labels = write("labels", idx_file(0x08, {3}, {9, 0, 4}));
  Tensor l = read_idx_labels(labels);
  EXPECT_EQ(l.dtype(), DType::i64);
  EXPECT_EQ(l.to_vector<std::int64_t>(), (std::vector<std::int64_t>{9, 0, 4}));
  // i16 labels, big-endian: 0x0100 = 256, 0xFFFF = -1.
  const fs::path wide = write("wide", idx_file(0x0B, {2}, {1, 0, 0xFF, 0xFF}));
  EXPECT_EQ(read_idx_labels(wide).to_vector<std::int64_t>(), (std::vector<std::int64_t>{256, -1}));
}

TEST_F(Idx, WrongTypeForImagesOrLabels) {
  const fs::path i32 = write("i32", idx_file(0x0C, {1, 1, 1}, {0, 0, 0, 1}));
  testing::expect_error([&] { read_idx_images(i32); },
                        {"read_idx_images", i32.string(), "expects u8", "got i32 (0x0C)"});
  const fs::path flat = write("flat", idx_file(0x08, {4}, {1, 2, 3, 4}));
  testing::expect_error([&] { read_idx_images(flat); },
                        {"read_idx_images", flat.string(), "at least 2 dims", "[4]"});
  const fs::path f32 = write("f32", idx_file(0x0D, {1}, {0x3F, 0x80, 0, 0}));
  testing::expect_error([&] { read_idx_labels(f32); },
                        {"read_idx_labels", f32.string(), "integer labels", "got f32 (0x0D)"});
  testing::expect_error([&] { read_idx_labels(flat.parent_path() / "i32"); },
                        {"read_idx_labels", "expects 1 dim", "[1, 1, 1]"});
  testing::expect_error([&] { read_idx(f32).to_tensor(DType::i64); },
                        {"IdxArray::to_tensor", "f32", "i64"});
  EXPECT_EQ(read_idx(f32).to_tensor(DType::f32).item<float>(), 1.0f);  // 0x3F800000 = 1
}

}  // namespace
}  // namespace nabla::data

// save_safetensors / load_safetensors: bitwise round trips, the exact bytes
// of a small file, every kind of corrupted file, atomic writes, and a reader
// written in Python's standard library.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_test_util.h"
#include "checkpoint/safetensors.h"
#include "safetensors_bytes.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"
#include "test_util.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;
using testing::file_of;
using testing::read_file;
using testing::TempDir;
using testing::tensor_bytes;
using testing::u64_le;
using testing::write_bytes;

float float_from_bits(std::uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

TEST(Safetensors, RoundTripIsBitwiseForEveryDtypeAndLayout) {
  TempDir dir;
  // Values whose bits a lossy path would change: a NaN with a payload, -0,
  // infinities, a denormal, the extremes of i64.
  Tensor f32 =
      from_vector(std::vector<float>{float_from_bits(0x7fc01234u), -0.0f,
                                     std::numeric_limits<float>::infinity(),
                                     std::numeric_limits<float>::denorm_min(), 1.5f, -3.25f},
                  Shape{2, 3});
  Tensor f64 = from_vector(std::vector<double>{0.1, -std::numeric_limits<double>::infinity(),
                                               std::numeric_limits<double>::min(), 1e308},
                           Shape{4});
  Tensor i64 = from_vector(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1,
                                                     0, std::numeric_limits<std::int64_t>::max()},
                           Shape{2, 1, 2});
  // [[0, 1, 2], [3, 4, 5]] transposed: [[0, 3], [1, 4], [2, 5]], not contiguous.
  Tensor transposed = transpose(reshape(arange(6.0, DType::f64), {2, 3}), 0, 1);
  ASSERT_FALSE(transposed.is_contiguous());
  Tensor scalar = full({}, 42.0, DType::i64);
  Tensor empty_rows = zeros({0, 3});
  Tensor empty_cols = zeros({2, 0}, DType::f64);

  StateDict tensors;
  tensors.insert("f32", f32);
  tensors.insert("f64", f64);
  tensors.insert("layer.i64", i64);
  tensors.insert("transposed", transposed);
  tensors.insert("scalar", scalar);
  tensors.insert("empty_rows", empty_rows);
  tensors.insert("empty_cols", empty_cols);
  Metadata metadata{{"format", "test"}, {"unicode", "\xce\xbb = 0.5, \"quoted\"\n"}, {"", "x"}};
  fs::path path = dir / "all.safetensors";
  save_safetensors(path, tensors, metadata);

  SafetensorsFile file = load_safetensors(path);
  EXPECT_EQ(file.metadata, metadata);
  // The order of the data offsets is the order of insertion.
  EXPECT_EQ(file.tensors.keys(), tensors.keys());
  for (const auto& [name, original] : tensors) {
    SCOPED_TRACE(name);
    const Tensor& loaded = file.tensors.at(name);
    EXPECT_EQ(loaded.dtype(), original.dtype());
    EXPECT_EQ(loaded.shape(), original.shape());
    // (Tensor::is_contiguous() is false for some empty shapes such as [2, 0].)
    if (loaded.numel() > 0) {
      EXPECT_TRUE(loaded.is_contiguous());
    }
    EXPECT_EQ(tensor_bytes(loaded), tensor_bytes(original));
  }
  EXPECT_EQ(file.tensors.at("transposed").to_vector<double>(),
            (std::vector<double>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(file.tensors.at("scalar").item<std::int64_t>(), 42);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"all.safetensors"});
}

TEST(Safetensors, WritesTheBytesOfTheSpecification) {
  TempDir dir;
  StateDict tensors;
  tensors.insert("w", from_vector(std::vector<float>{1.0f, -2.0f}));
  tensors.insert("n", full({}, 258.0, DType::i64));
  fs::path path = dir / "tiny.safetensors";
  save_safetensors(path, tensors, {{"k", "v"}});

  // The header, compact JSON with the metadata first:
  //   {"__metadata__":{"k":"v"},                               26 bytes
  //   "w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},    53 bytes
  //   "n":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}    53 bytes
  // 132 bytes, padded with 4 spaces to 136 = 0x88 so the data starts at
  // 8 + 136 = 144, a multiple of 8.
  std::string header =
      "{\"__metadata__\":{\"k\":\"v\"},"
      "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}"
      "    ";
  ASSERT_EQ(header.size(), 136u);
  std::string expected("\x88\0\0\0\0\0\0\0", 8);
  expected += header;
  // 1.0f = 0x3f800000 and -2.0f = 0xc0000000, least significant byte first.
  expected += std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
  // 258 = 0x0102 as i64.
  expected += std::string("\x02\x01\x00\x00\x00\x00\x00\x00", 8);
  EXPECT_EQ(read_file(path), expected);
}

TEST(Safetensors, ReadsAHandWrittenFileWithoutMetadataOrPadding) {
  TempDir dir;
  fs::path path = dir / "hand.safetensors";
  // f64 [] = 0.5 = 0x3fe0000000000000, then i64 [1] = -2.
  std::string data = std::string("\0\0\0\0\0\0\xe0\x3f", 8) + std::string(8, '\xff');
  data[8] = '\xfe';
  write_bytes(path, file_of("{\"b\":{\"data_offsets\":[8,16],\"dtype\":\"I64\",\"shape\":[1]},"
                            "\"a\":{\"shape\":[],\"dtype\":\"F64\",\"data_offsets\":[0,8]}}",
                            data));
  SafetensorsFile file = load_safetensors(path);
  EXPECT_TRUE(file.metadata.empty());
  EXPECT_EQ(file.tensors.keys(), (std::vector<std::string>{"a", "b"}));  // by offset
  EXPECT_EQ(file.tensors.at("a").item<double>(), 0.5);
  EXPECT_EQ(file.tensors.at("b").to_vector<std::int64_t>(), std::vector<std::int64_t>{-2});

  write_bytes(path, file_of("{}", ""));
  EXPECT_TRUE(load_safetensors(path).tensors.empty());
}

// ---- Corrupted files: each gives a nabla::Error naming the file and the problem.

class SafetensorsCorruption : public ::testing::Test {
 protected:
  /// Writes `bytes` and expects load_safetensors to fail naming the file and `what`.
  void expect_rejected(const std::string& bytes, const std::vector<std::string>& what) {
    write_bytes(path_, bytes);
    std::vector<std::string> parts{"load_safetensors", path_.string()};
    parts.insert(parts.end(), what.begin(), what.end());
    expect_error([&] { load_safetensors(path_); }, parts);
  }

  /// A file with tensors a (F32 [2]) and b (F32 [1]) whose header is `header`.
  void expect_header_rejected(const std::string& header, const std::vector<std::string>& what) {
    expect_rejected(file_of(header, std::string(12, '\0')), what);
  }

  TempDir dir_;
  fs::path path_ = dir_ / "bad.safetensors";
};

TEST_F(SafetensorsCorruption, MissingFileOrDirectory) {
  expect_error([&] { load_safetensors(dir_ / "absent.safetensors"); },
               {"load_safetensors", "absent.safetensors", "no such file"});
  expect_error([&] { load_safetensors(dir_.path()); }, {"load_safetensors", "not a regular file"});
}

TEST_F(SafetensorsCorruption, TruncationAtEveryPart) {
  StateDict tensors;
  tensors.insert("w", from_vector(std::vector<float>{1, 2, 3}));
  tensors.insert("v", from_vector(std::vector<double>{4, 5}));
  fs::path good = dir_ / "good.safetensors";
  save_safetensors(good, tensors, {{"k", "v"}});
  const std::string bytes = read_file(good);
  const std::size_t header_end = bytes.size() - 3 * 4 - 2 * 8;
  // Inside the length field, inside the header, at its end, and at several
  // points of the data (down to one byte short).
  for (std::size_t size : {std::size_t{0}, std::size_t{5}}) {
    SCOPED_TRACE(size);
    expect_rejected(bytes.substr(0, size), {"fewer than the 8"});
  }
  for (std::size_t size : {std::size_t{8}, std::size_t{20}, header_end - 1}) {
    SCOPED_TRACE(size);
    expect_rejected(bytes.substr(0, size), {"header length"});
  }
  for (std::size_t size : {header_end, header_end + 5, header_end + 12, bytes.size() - 1}) {
    SCOPED_TRACE(size);
    expect_rejected(bytes.substr(0, size), {"out of bounds"});
  }
  // A byte too many is a gap at the end.
  expect_rejected(bytes + "x", {"belong to no tensor"});
  // And every other length short of the whole file.
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(size);
    expect_rejected(bytes.substr(0, size), {});
  }
}

TEST_F(SafetensorsCorruption, HeaderLengthBeyondTheLimitOrTheFile) {
  expect_rejected(u64_le(std::uint64_t{1} << 63) + "{}",
                  {"header length 9223372036854775808", "exceeds the limit"});
  expect_rejected(u64_le(100'000'001) + "{}", {"exceeds the limit"});
  expect_rejected(u64_le(1000) + "{}      ", {"header length 1000", "exceeds the 8 bytes"});
}

TEST_F(SafetensorsCorruption, HeaderThatIsNotAJsonObject) {
  expect_rejected(file_of("{\"a\": ", ""), {"not valid JSON"});
  expect_rejected(file_of("{\"a\": {}} x", ""), {"not valid JSON"});
  expect_rejected(file_of("[1, 2]", ""), {"does not start with '{'"});
  expect_rejected(file_of("", ""), {"does not start with '{'"});
  // Duplicate names would silently keep one of the two.
  expect_rejected(file_of("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                          "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}",
                          ""),
                  {"duplicate key 'a'"});
}

TEST_F(SafetensorsCorruption, UnknownOrUnsupportedDtype) {
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      {"tensor 'a': dtype F16 is not supported", "tensor 'b': unknown dtype 'f32'"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,12]}}",
      {"tensor 'a': dtype BF16", "tensor 'b': dtype U8"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      {"tensor 'a': dtype must be a string"});
}

TEST_F(SafetensorsCorruption, OffsetsOutOfBoundsOverlappingOrLeavingGaps) {
  // The data buffer has 12 bytes.
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
      {"tensor 'b': data_offsets [12,16] are out of bounds", "12 bytes"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
      {"tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      {"bytes [4, 8)", "gap before tensor 'b'"});
  expect_header_rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                         {"bytes [8, 12) of the data buffer belong to no tensor"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,4]},"
      "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
      {"tensor 'a': data_offsets [8,0] must be", "tensor 'b': data_offsets [-4,4] must be",
       "tensor 'c': data_offsets [0] must be"});
}

TEST_F(SafetensorsCorruption, ShapeThatDoesNotMatchTheOffsets) {
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      {"tensor 'a': shape [3] of F32 needs 12 bytes, data_offsets [0, 8] hold 8",
       "tensor 'b': shape [1] of F64 needs 8 bytes"});
  // 2^62 * 2^62 elements overflow 64 bits: reported, not wrapped around.
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4611686018427387904],"
      "\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      {"tensor 'a': shape", "is too large"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[8,12]}}",
      {"tensor 'a': shape [-2] must hold non-negative integers", "tensor 'b': shape [1.0]"});
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[8,12]}}",
      {"tensor 'a': shape [1,1,1,1,1,1,1,1,2] has more than 8 dimensions",
       "tensor 'b': shape must be an array"});
}

TEST_F(SafetensorsCorruption, MissingUnknownOrMistypedFields) {
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"strides\":[1]},"
      "\"b\":{\"dtype\":\"F32\",\"data_offsets\":[8,12]},\"c\":[1]}",
      {"tensor 'a': unknown field 'strides'", "tensor 'b': missing field 'shape'",
       "tensor 'c': expected an object"});
}

TEST_F(SafetensorsCorruption, MetadataThatIsNotStrings) {
  expect_rejected(file_of("{\"__metadata__\":{\"epoch\":3,\"ok\":\"yes\",\"list\":[\"a\"]}}", ""),
                  {"metadata 'epoch' must be a string, got 3", "metadata 'list' must be a string"});
  expect_rejected(file_of("{\"__metadata__\":\"text\"}", ""), {"__metadata__ must be an object"});
}

TEST_F(SafetensorsCorruption, AllProblemsOfAFileInOneError) {
  expect_header_rejected(
      "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[8,12]},"
      "\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
      "\"__metadata__\":{\"n\":1}}",
      {"5 problems", "tensor 'a': dtype F16",
       "tensor 'b': shape [5] of F32 needs 20 bytes, data_offsets [8, 12] hold 4",
       "tensor 'c': data_offsets [12,20] are out of bounds", "metadata 'n' must be a string",
       "bytes [4, 8)"});
}

// ---- Writing.

TEST(SafetensorsWrite, RejectsUndefinedTensorsAndTheReservedName) {
  TempDir dir;
  StateDict undefined;
  undefined.insert("w", Tensor());
  expect_error([&] { save_safetensors(dir / "u.safetensors", undefined); },
               {"save_safetensors", "u.safetensors", "tensor 'w' is undefined"});
  StateDict reserved;
  reserved.insert("__metadata__", zeros({1}));
  expect_error([&] { save_safetensors(dir / "r.safetensors", reserved); },
               {"save_safetensors", "'__metadata__' is reserved"});
  StateDict fine;
  fine.insert("w", zeros({1}));
  expect_error(
      [&] {
        save_safetensors(dir / "m.safetensors", fine, {{"k", "\xff\xfe"}});
      },
      {"save_safetensors", "not valid UTF-8"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(SafetensorsWrite, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  TempDir dir;
  fs::path path = dir / "model.safetensors";
  StateDict first, second;
  first.insert("w", full({3}, 1.0));
  second.insert("w", full({2}, 7.0, DType::f64));
  save_safetensors(path, first);
  save_safetensors(path, second);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.safetensors"});
  EXPECT_EQ(load_safetensors(path).tensors.at("w").to_vector<double>(),
            (std::vector<double>{7, 7}));
}

TEST(SafetensorsWrite, AFailedWriteLeavesTheExistingFileIntact) {
  TempDir dir;
  StateDict tensors;
  tensors.insert("w", full({2}, 3.0));
  const std::string old_bytes = "the previous checkpoint";

  // The temporary file's name ("<name>.tmp-<pid>-<n>") is longer than a
  // file name may be (255 bytes), while the target's name is not: creating
  // it fails even for root, with the target in place.
  fs::path long_name = dir / (std::string(250, 'c') + ".st");
  write_bytes(long_name, old_bytes);
  expect_error([&] { save_safetensors(long_name, tensors); },
               {"save_safetensors", long_name.string(), "cannot create the temporary file"});
  EXPECT_EQ(read_file(long_name), old_bytes);

  // Renaming over a directory fails after the data was written: the
  // temporary file is removed.
  fs::create_directories(dir / "occupied" / "inside");
  expect_error([&] { save_safetensors(dir / "occupied", tensors); },
               {"save_safetensors", "occupied", "cannot rename"});
  EXPECT_TRUE(fs::is_directory(dir / "occupied" / "inside"));

  // A parent that is not a directory.
  write_bytes(dir / "plain", old_bytes);
  expect_error([&] { save_safetensors(dir / "plain" / "x.safetensors", tensors); },
               {"save_safetensors", "x.safetensors"});
  EXPECT_EQ(read_file(dir / "plain"), old_bytes);

  EXPECT_EQ(dir.entries(),
            (std::vector<std::string>{long_name.filename().string(), "occupied", "plain"}));
}

TEST(SafetensorsWrite, AnUnwritableDirectoryLeavesTheExistingFileIntact) {
  TempDir dir;
  fs::path path = dir / "model.safetensors";
  write_bytes(path, "old");
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(dir.path().c_str(), W_OK) == 0) {
    fs::permissions(dir.path(), fs::perms::owner_all);
    GTEST_SKIP() << "permissions do not restrict this user (root); see "
                    "AFailedWriteLeavesTheExistingFileIntact";
  }
  StateDict tensors;
  tensors.insert("w", full({2}, 3.0));
  expect_error([&] { save_safetensors(path, tensors); },
               {"save_safetensors", path.string(), "Permission denied"});
  fs::permissions(dir.path(), fs::perms::owner_all);
  EXPECT_EQ(read_file(path), "old");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.safetensors"});
}

// ---- Read independently, as a Python user would: struct + json only.

TEST(Safetensors, PythonStandardLibraryReadsTheFile) {
  if (std::system("python3 -c pass > /dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  TempDir dir;
  fs::path path = dir / "py.safetensors";
  StateDict tensors;
  tensors.insert("w", from_vector(std::vector<float>{1.5f, -2.0f, 0.25f, 3.0f}, Shape{2, 2}));
  tensors.insert("ids", from_vector(std::vector<std::int64_t>{-1, 0, std::int64_t{1} << 40}));
  tensors.insert("x", full({}, 0.1, DType::f64));
  tensors.insert("none", zeros({0, 2}, DType::f64));
  save_safetensors(path, tensors, {{"epoch", "3"}});

  // The expected values are written into the script as literals.
  const std::string script = R"PY(
import json, struct, sys
data = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', data[:8])
text = data[8:8 + n].decode('utf-8')
assert (8 + n) % 8 == 0, 'data not aligned'
assert text.rstrip(' ') == text.strip(), 'padding is not trailing spaces'
header = json.loads(text)
assert header.pop('__metadata__') == {'epoch': '3'}, 'metadata'
buf = data[8 + n:]
spans = []
def values(name, dtype, shape, fmt):
    e = header.pop(name)
    assert e['dtype'] == dtype and e['shape'] == shape, (name, e)
    b, end = e['data_offsets']
    spans.append((b, end))
    return list(struct.unpack('<' + fmt, buf[b:end]))
assert values('w', 'F32', [2, 2], '4f') == [1.5, -2.0, 0.25, 3.0]
assert values('ids', 'I64', [3], '3q') == [-1, 0, 2**40]
assert values('x', 'F64', [], 'd') == [0.1]
assert values('none', 'F64', [0, 2], '') == []
assert header == {}, header
spans = sorted(spans)
assert [b for b, _ in spans] == [0] + [end for _, end in spans[:-1]], spans
assert spans[-1][1] == len(buf), 'the data buffer is not covered exactly'
print('ok')
)PY";
  fs::path script_path = dir / "read.py";
  write_bytes(script_path, script);
  std::string command = "python3 '" + script_path.string() + "' '" + path.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace nabla::checkpoint

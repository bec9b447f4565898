// The catalogue of bad inputs, checkpoint layer: safetensors files that are
// missing, truncated, lie about their header length, offsets, dtypes or
// shapes, repeat a name, nest deeply or hold huge strings; model files that
// do not fit the model. Each message names the loader, the file and the
// offending values; a file that claims a huge size is rejected before
// anything of that size is allocated (allocation_probe.h).
#include <cstdint>
#include <string>

#include "bad_inputs/allocation_probe.h"
#include "checkpoint/checkpoint_test_util.h"
#include "checkpoint/model_file.h"
#include "checkpoint/safetensors.h"
#include "nn/linear.h"
#include "nn/sequential.h"
#include "safetensors_bytes.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::checkpoint {
namespace {

using testing::expect_error;
using testing::expect_error_before_allocating;
using testing::file_of;
using testing::TempDir;
using testing::u64_le;
using testing::write_bytes;

// Writes `bytes` as dir/name and returns the path.
std::filesystem::path write(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::filesystem::path path = dir / name;
  write_bytes(path, bytes);
  return path;
}

// One f32 tensor "w" of shape [2] with data_offsets [begin, end].
std::string one_tensor(const std::string& dtype,
                       const std::string& shape,
                       const std::string& offsets) {
  return R"({"w":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" + offsets +
         "}}";
}

TEST(BadInputs_Checkpoint, MissingFile) {
  TempDir dir;
  expect_error([&] { load_safetensors(dir / "absent.safetensors"); },
               {"load_safetensors", "absent.safetensors", "no such file"});
}

TEST(BadInputs_Checkpoint, ShorterThanTheLengthField) {
  TempDir dir;
  const auto path = write(dir, "short.safetensors", "abc");
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "short.safetensors", "3 bytes", "fewer than the 8"});
}

TEST(BadInputs_Checkpoint, HeaderLengthBeyondTheFile) {
  TempDir dir;
  const auto path = write(dir, "cut.safetensors", u64_le(5000) + "{}");
  expect_error_before_allocating(
      [&] { load_safetensors(path); },
      {"load_safetensors", "cut.safetensors", "header length 5000", "exceeds the 2 bytes"});
}

TEST(BadInputs_Checkpoint, HeaderLengthAboveTheLimit) {
  TempDir dir;
  const auto path = write(dir, "huge.safetensors", u64_le(std::uint64_t{1} << 62) + "{}");
  expect_error_before_allocating([&] { load_safetensors(path); },
                                 {"load_safetensors", "huge.safetensors",
                                  "header length 4611686018427387904", "limit of 100000000"});
}

TEST(BadInputs_Checkpoint, TruncatedData) {
  TempDir dir;
  const std::string header = one_tensor("F32", "[2]", "[0,8]");
  const auto path = write(dir, "truncated.safetensors", file_of(header, std::string(5, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "truncated.safetensors", "[0,8]", "out of bounds", "5 bytes"});
}

TEST(BadInputs_Checkpoint, HeaderThatIsNotJson) {
  TempDir dir;
  const auto path = write(dir, "text.safetensors", file_of("{\"w\": [1, 2", ""));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "text.safetensors", "not valid JSON"});
}

TEST(BadInputs_Checkpoint, HeaderThatIsNotAnObject) {
  TempDir dir;
  const auto path = write(dir, "array.safetensors", file_of("[1, 2]", ""));
  expect_error([&] { load_safetensors(path); }, {"load_safetensors", "array.safetensors", "'{'"});
}

TEST(BadInputs_Checkpoint, OverlappingOffsets) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  const auto path = write(dir, "overlap.safetensors", file_of(header, std::string(12, '\0')));
  expect_error([&] { load_safetensors(path); }, {"load_safetensors", "overlap.safetensors",
                                                 "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)"});
}

TEST(BadInputs_Checkpoint, GapBetweenTensors) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  const auto path = write(dir, "gap.safetensors", file_of(header, std::string(12, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "gap.safetensors", "bytes [4, 8)", "before tensor 'b'"});
}

TEST(BadInputs_Checkpoint, OffsetsOutOfRange) {
  TempDir dir;
  const auto path = write(dir, "range.safetensors",
                          file_of(one_tensor("F32", "[2]", "[8,16]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "range.safetensors", "tensor 'w'", "[8,16]", "out of bounds"});
}

TEST(BadInputs_Checkpoint, OffsetsReversedOrNegative) {
  TempDir dir;
  const auto reversed = write(dir, "reversed.safetensors",
                              file_of(one_tensor("F32", "[2]", "[8,0]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(reversed); },
               {"load_safetensors", "reversed.safetensors", "[8,0]", "begin <= end"});
  const auto negative = write(dir, "negative.safetensors",
                              file_of(one_tensor("F32", "[2]", "[-8,0]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(negative); },
               {"load_safetensors", "negative.safetensors", "[-8,0]", "non-negative"});
}

TEST(BadInputs_Checkpoint, UnknownDtype) {
  TempDir dir;
  const auto path = write(dir, "dtype.safetensors",
                          file_of(one_tensor("Q7", "[2]", "[0,8]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "dtype.safetensors", "tensor 'w'", "unknown dtype 'Q7'"});
}

TEST(BadInputs_Checkpoint, DtypeNablaCannotHold) {
  TempDir dir;
  const auto path = write(dir, "f16.safetensors",
                          file_of(one_tensor("F16", "[2]", "[0,4]"), std::string(4, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "f16.safetensors", "dtype F16 is not supported"});
}

TEST(BadInputs_Checkpoint, NegativeOrFractionalDim) {
  TempDir dir;
  const auto path = write(dir, "dims.safetensors",
                          file_of(one_tensor("F32", "[-2]", "[0,8]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "dims.safetensors", "shape [-2]", "non-negative integers"});
}

TEST(BadInputs_Checkpoint, ShapeThatDisagreesWithTheOffsets) {
  TempDir dir;
  const auto path = write(dir, "size.safetensors",
                          file_of(one_tensor("F32", "[3]", "[0,8]"), std::string(8, '\0')));
  expect_error([&] { load_safetensors(path); }, {"load_safetensors", "size.safetensors",
                                                 "shape [3] of F32 needs 12 bytes", "hold 8"});
}

TEST(BadInputs_Checkpoint, TrillionElementTensorInATinyFile) {
  TempDir dir;
  const auto small =
      write(dir, "claim.safetensors",
            file_of(one_tensor("F32", "[1000000000000]", "[0,8]"), std::string(8, '\0')));
  expect_error_before_allocating([&] { load_safetensors(small); },
                                 {"load_safetensors", "claim.safetensors",
                                  "[1000000000000] of F32 needs 4000000000000 bytes"});
  const auto offsets = write(
      dir, "offsets.safetensors",
      file_of(one_tensor("F32", "[1000000000000]", "[0,4000000000000]"), std::string(8, '\0')));
  expect_error_before_allocating(
      [&] { load_safetensors(offsets); },
      {"load_safetensors", "offsets.safetensors", "[0,4000000000000]", "out of bounds"});
}

TEST(BadInputs_Checkpoint, ShapeWhoseByteCountOverflows) {
  TempDir dir;
  const auto path =
      write(dir, "overflow.safetensors",
            file_of(one_tensor("F64", "[4294967296,4294967296]", "[0,8]"), std::string(8, '\0')));
  expect_error_before_allocating(
      [&] { load_safetensors(path); },
      {"load_safetensors", "overflow.safetensors", "[4294967296, 4294967296]", "too large"});
}

TEST(BadInputs_Checkpoint, DuplicateNames) {
  TempDir dir;
  const std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
  const auto path = write(dir, "twice.safetensors", file_of(header, std::string(8, '\0')));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "twice.safetensors", "duplicate key 'w'"});
}

TEST(BadInputs_Checkpoint, DeepNesting) {
  // 100,000 nested arrays: the reader and its message must not recurse.
  TempDir dir;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto path = write(dir, "deep.safetensors", file_of(R"({"__metadata__":)" + deep + "}", ""));
  try {
    load_safetensors(path);
    ADD_FAILURE() << "a deeply nested header was accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, ::testing::HasSubstr("load_safetensors"));
    EXPECT_THAT(message, ::testing::HasSubstr("deep.safetensors"));
    EXPECT_LT(message.size(), 1000u);
  }
}

TEST(BadInputs_Checkpoint, HugeStrings) {
  // A 10 MB tensor name and a 10 MB dtype: quoted in part, with their lengths.
  TempDir dir;
  const std::string name(10'000'000, 'n');
  const std::string dtype(10'000'000, 'd');
  const std::string header =
      "{\"" + name + R"(":{"dtype":")" + dtype + R"(","shape":[1],"data_offsets":[0,4]}})";
  const auto path = write(dir, "strings.safetensors", file_of(header, std::string(4, '\0')));
  try {
    load_safetensors(path);
    ADD_FAILURE() << "a header with a 10 MB dtype was accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, ::testing::HasSubstr("strings.safetensors"));
    EXPECT_THAT(message, ::testing::HasSubstr("unknown dtype 'ddd"));
    EXPECT_THAT(message, ::testing::HasSubstr("10000000"));
    EXPECT_LT(message.size(), 2000u);
  }
}

TEST(BadInputs_Checkpoint, MetadataValueThatIsNotAString) {
  TempDir dir;
  const auto path = write(dir, "meta.safetensors", file_of(R"({"__metadata__":{"epoch":3}})", ""));
  expect_error([&] { load_safetensors(path); },
               {"load_safetensors", "meta.safetensors", "metadata 'epoch'", "3"});
}

// ---- Model files ----------------------------------------------------------------

TEST(BadInputs_Checkpoint, ModelShapeDoesNotMatch) {
  TempDir dir;
  const auto path = dir / "model.safetensors";
  save_model(path, nn::Linear(3, 2));
  nn::Linear other(4, 2);
  expect_error([&] { load_model(path, other); },
               {"load_model", "model.safetensors", "weight", "[3, 2]", "[4, 2]"});
}

TEST(BadInputs_Checkpoint, ModelKeysMissingOrUnexpected) {
  TempDir dir;
  const auto path = dir / "model.safetensors";
  save_model(path, nn::Linear(3, 2, {.bias = false}));
  nn::Linear with_bias(3, 2);
  expect_error([&] { load_model(path, with_bias); }, {"load_model", "model.safetensors", "bias"});
  nn::Sequential deeper(nn::Linear(3, 2, {.bias = false}));
  expect_error([&] { load_model(path, deeper); }, {"load_model", "0.weight", "weight"});
}

TEST(BadInputs_Checkpoint, ModelDtypeDoesNotMatch) {
  TempDir dir;
  const auto path = dir / "model.safetensors";
  save_model(path, nn::Linear(3, 2, {.dtype = DType::f64}));
  nn::Linear f32(3, 2);
  expect_error([&] { load_model(path, f32); }, {"load_model", "model.safetensors", "f64", "f32"});
}

TEST(BadInputs_Checkpoint, SaveUndefinedTensor) {
  TempDir dir;
  StateDict state;
  state.insert("w", Tensor());
  expect_error([&] { save_safetensors(dir / "out.safetensors", state); },
               {"save_safetensors", "out.safetensors", "'w'", "undefined"});
}

}  // namespace
}  // namespace nabla::checkpoint

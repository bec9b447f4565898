// The catalogue of bad inputs, data layer: CSV files that are ragged, empty,
// a header alone, hold text, NaN or infinities in numeric columns; IDX files
// that are truncated, have a wrong magic or type, or declare more data than
// they hold; byte datasets whose sizes do not add up; loaders that cannot
// batch. The files are small; those that claim a huge size must be rejected
// before anything of that size is allocated (allocation_probe.h).
#include <cstdint>
#include <string>
#include <vector>

#include "bad_inputs/allocation_probe.h"
#include "data/csv.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "data/file_fixtures.h"
#include "data/idx.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

using test_files::Bytes;
using test_files::gzip;
using test_files::idx_file;
using test_files::TempDir;
using testing::expect_error;
using testing::expect_error_before_allocating;

// ---- CSV ------------------------------------------------------------------------

TEST(BadInputs_Data, CsvMissingFile) {
  TempDir dir;
  expect_error([&] { read_csv(dir / "absent.csv"); }, {"read_csv", "absent.csv", "cannot open"});
}

TEST(BadInputs_Data, CsvEmptyFile) {
  TempDir dir;
  const auto path = dir.write("empty.csv", "");
  expect_error([&] { read_csv(path); }, {"read_csv", "empty.csv", "empty file"});
}

TEST(BadInputs_Data, CsvHeaderOnly) {
  TempDir dir;
  const auto path = dir.write("header.csv", "a,b,y\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "header.csv", "header but no data rows"});
}

TEST(BadInputs_Data, CsvRaggedRow) {
  TempDir dir;
  const auto path = dir.write("ragged.csv", "a,b,y\n1,2,3\n4,5\n6,7,8\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "ragged.csv", "line 3 has 2 fields", "expected 3"});
}

TEST(BadInputs_Data, CsvTextInANumericColumn) {
  TempDir dir;
  const auto path = dir.write("text.csv", "price,y\n1.5,0\n1.5x,1\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "text.csv", "line 3", "column 'price'", "\"1.5x\" is not a number"});
}

TEST(BadInputs_Data, CsvNaNInANumericColumn) {
  // The default missing markers are "", "NA" and "nan"; any other spelling of
  // a non-finite number is an error, never a silent NaN feature.
  TempDir dir;
  const auto path = dir.write("nan.csv", "a,y\nNaN,0\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "nan.csv", "line 2", "column 'a'", "\"NaN\" is not a finite number"});
}

TEST(BadInputs_Data, CsvInfinityInANumericColumn) {
  TempDir dir;
  const auto path = dir.write("inf.csv", "a,y\n1,0\n-inf,1\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "inf.csv", "line 3", "\"-inf\" is not a finite number"});
}

TEST(BadInputs_Data, CsvMissingValueByDefault) {
  TempDir dir;
  const auto path = dir.write("missing.csv", "a,y\n1,0\nNA,1\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "missing.csv", "line 3", "column 'a'", "missing value \"NA\""});
}

TEST(BadInputs_Data, CsvValueBeyondF32) {
  TempDir dir;
  const auto path = dir.write("big.csv", "a,y\n1e39,0\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "\"1e39\"", "does not fit f32"});
}

TEST(BadInputs_Data, CsvUnclosedQuote) {
  TempDir dir;
  const auto path = dir.write("quote.csv", "a,y\n\"1,0\n");
  expect_error([&] { read_csv(path, {.target = "y"}); },
               {"read_csv", "quote.csv", "line 2", "not closed"});
}

TEST(BadInputs_Data, CsvUnknownTargetColumn) {
  TempDir dir;
  const auto path = dir.write("cols.csv", "a,y\n1,0\n");
  expect_error([&] { read_csv(path, {.target = "label"}); },
               {"read_csv", "cols.csv", "unknown column 'label'"});
}

TEST(BadInputs_Data, CsvNegativeClassIndex) {
  TempDir dir;
  const auto path = dir.write("labels.csv", "a,y\n1,0\n2,-1\n");
  expect_error([&] { read_csv(path, {.target = "y", .target_type = CsvTarget::class_index}); },
               {"read_csv", "labels.csv", "line 3", "\"-1\" is not a class index"});
}

TEST(BadInputs_Data, CsvManyEmptyFieldsAllocateOnlyWhatTheFileHolds) {
  // A line of 2,000 delimiters claims 2,001 columns and holds nothing: what
  // is read grows with the file (a few kB), not with anything it declares.
  TempDir dir;
  const auto path = dir.write("commas.csv", std::string(2000, ',') + "\n1\n");
  expect_error_before_allocating([&] { read_csv(path); },
                                 {"read_csv", "commas.csv", "line 2 has 1 field", "expected 2001"});
}

// ---- IDX ------------------------------------------------------------------------

TEST(BadInputs_Data, IdxWrongMagic) {
  TempDir dir;
  const auto path = dir.write("magic.idx", Bytes{0x01, 0x00, 0x08, 0x01, 0, 0, 0, 0});
  expect_error([&] { read_idx(path); }, {"read_idx", "magic.idx", "wrong magic 0x01 0x00"});
}

TEST(BadInputs_Data, IdxUnknownTypeCode) {
  TempDir dir;
  const auto path = dir.write("type.idx", idx_file(0x07, {0}, {}));
  expect_error([&] { read_idx(path); }, {"read_idx", "type.idx", "unknown type code 0x07"});
}

TEST(BadInputs_Data, IdxMoreDimsThanARankHolds) {
  TempDir dir;
  const auto path = dir.write("rank.idx", idx_file(0x08, std::vector<std::uint32_t>(9, 1), {0}));
  expect_error([&] { read_idx(path); }, {"read_idx", "rank.idx", "9 dims", "8"});
}

TEST(BadInputs_Data, IdxTruncatedHeader) {
  TempDir dir;
  const auto path = dir.write("short.idx", Bytes{0x00, 0x00, 0x08});
  expect_error([&] { read_idx(path); },
               {"read_idx", "short.idx", "truncated header (3 of 4 bytes)"});
  const auto dims = dir.write("dims.idx", Bytes{0x00, 0x00, 0x08, 0x02, 0, 0, 0, 3});
  expect_error([&] { read_idx(dims); },
               {"read_idx", "dims.idx", "truncated header (8 of 12 bytes)"});
}

TEST(BadInputs_Data, IdxTruncatedData) {
  TempDir dir;
  const auto path = dir.write("data.idx", idx_file(0x08, {2, 3}, {1, 2, 3, 4}));
  expect_error([&] { read_idx(path); },
               {"read_idx", "data.idx", "expects 6 data bytes, file has 4"});
}

TEST(BadInputs_Data, IdxTrailingBytes) {
  TempDir dir;
  const auto path = dir.write("long.idx", idx_file(0x08, {2}, {1, 2, 3}));
  expect_error([&] { read_idx(path); }, {"read_idx", "long.idx", "expects 2", "1 trailing bytes"});
}

TEST(BadInputs_Data, IdxDimsWhoseProductOverflowsInATwentyByteFile) {
  // 2^31 x 2^31 u8 elements: 2^62 bytes declared by a file of 20 bytes.
  TempDir dir;
  const Bytes bytes = idx_file(0x08, {0x80000000u, 0x80000000u}, Bytes(8, 0));
  ASSERT_EQ(bytes.size(), 20u);
  const auto path = dir.write("huge.idx", bytes);
  expect_error_before_allocating([&] { read_idx(path); },
                                 {"read_idx", "huge.idx", "[2147483648, 2147483648]", "limit"});
}

TEST(BadInputs_Data, IdxClaimingGigabytesInATinyFile) {
  // Within the 4 GiB limit, but the raw file holds 10 bytes of the 2^32.
  TempDir dir;
  const auto path = dir.write("lying.idx", idx_file(0x08, {65536, 65536}, Bytes(10, 0)));
  expect_error_before_allocating(
      [&] { read_idx(path); },
      {"read_idx", "lying.idx", "expects 4294967296 data bytes, file has 10"});
}

TEST(BadInputs_Data, IdxGzipClaimingGigabytesOfATinyStream) {
  // A gzip stream's size is known only at its end, so the buffer grows with
  // the data that arrives: at most one fixed first reservation (16 MiB),
  // never the 4 GiB the header declares.
  TempDir dir;
  const auto path = dir.write("lying.idx.gz", gzip(idx_file(0x08, {65536, 65536}, Bytes(10, 0))));
  const std::uint64_t bytes = testing::bytes_requested_by([&] {
    expect_error([&] { read_idx(path); }, {"read_idx", "lying.idx.gz", "expects 4294967296"});
  });
  EXPECT_LT(bytes, std::uint64_t{32} << 20);
}

TEST(BadInputs_Data, IdxLabelsOfAFloatingType) {
  TempDir dir;
  const auto path = dir.write("labels.idx", idx_file(0x0D, {1}, {0, 0, 0, 0}));
  expect_error([&] { read_idx_labels(path); }, {"read_idx_labels", "labels.idx", "f32"});
}

// ---- Datasets and loaders -------------------------------------------------------

TEST(BadInputs_Data, DatasetInputAndTargetCountsDiffer) {
  expect_error([] { Dataset(zeros({4, 2}), zeros({3, 1})); }, {"Dataset", "4", "3"});
}

TEST(BadInputs_Data, DatasetOfIntegerInputs) {
  expect_error([] { Dataset(zeros({4, 2}, DType::i64), zeros({4})); }, {"Dataset", "i64"});
}

TEST(BadInputs_Data, FromBytesCountDiffersFromTheShape) {
  expect_error(
      [] {
        Dataset::from_bytes(Bytes(10), {2, 3}, zeros({2}));
      },
      {"Dataset::from_bytes", "10 bytes", "[2, 3]", "12"});
}

TEST(BadInputs_Data, FromBytesNegativeSampleSize) {
  expect_error(
      [] {
        Dataset::from_bytes(Bytes(4), {-2, -2}, zeros({1}));
      },
      {"Dataset::from_bytes", "[-2, -2]", "negative"});
}

TEST(BadInputs_Data, FromBytesHugeShapeAndFewBytes) {
  const std::int64_t big = std::int64_t{1} << 40;
  expect_error_before_allocating([&] { Dataset::from_bytes(Bytes(16), {big}, zeros({4})); },
                                 {"Dataset::from_bytes", "16 bytes", "[1099511627776]"});
  expect_error_before_allocating(
      [&] {
        Dataset::from_bytes(Bytes(16), {big, big}, zeros({4}));
      },
      {"Dataset::from_bytes", "[1099511627776, 1099511627776]", "2^63"});
}

TEST(BadInputs_Data, BatchRowOutOfRange) {
  const Dataset d(zeros({3, 2}), zeros({3, 1}));
  expect_error([&] { d.batch(2, 5); }, {"Dataset::batch", "[2, 5)", "3"});
  const std::vector<std::int64_t> rows{0, 3};
  expect_error([&] { d.batch(rows); }, {"row 3", "3"});
}

TEST(BadInputs_Data, LoaderBatchSizeZero) {
  expect_error(
      [] {
        DataLoader(Dataset(zeros({3, 2}), zeros({3, 1})), {.batch_size = 0});
      },
      {"DataLoader", "batch_size", "0"});
}

TEST(BadInputs_Data, LoaderOfIntegerBatches) {
  expect_error(
      [] {
        DataLoader(Dataset(zeros({3, 2}), zeros({3, 1})), {.batch_size = 2, .dtype = DType::i64});
      },
      {"DataLoader", "i64"});
}

TEST(BadInputs_Data, DropLastWithFewerSamplesThanABatchGivesZeroBatches) {
  // As torch.utils.data.DataLoader: not an error, an epoch of no batches.
  DataLoader loader(Dataset(zeros({3, 2}), zeros({3, 1})), {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(loader.size(), 0);
  std::int64_t batches = 0;
  for (const Batch& b : loader) batches += b.inputs.size(0) > 0 ? 1 : 0;
  EXPECT_EQ(batches, 0);
}

}  // namespace
}  // namespace nabla::data

#include "callbacks/csv_logger.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "callbacks/callback_harness.h"
#include "temp_dir.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

namespace fs = std::filesystem;
using callback_testing::CallbackHarness;
using callback_testing::make_logs;
using metrics::Logs;

// A fresh directory under the system's temporary directory, removed at the end.
class CSVLoggerTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
};

TEST_F(CSVLoggerTest, WritesAHeaderAndOneRowPerEpochInLogsOrder) {
  CallbackHarness h;
  const fs::path file = dir_ / "sub" / "log.csv";  // the directory is created
  CSVLogger logger({.filename = file});
  logger.on_train_begin(h.context);
  logger.on_epoch_end(
      h.context, 0,
      make_logs({{"loss", 0.5}, {"accuracy", 0.75}, {"val_loss", 0.625}, {"lr", 0.1}}));
  logger.on_epoch_end(
      h.context, 1,
      make_logs({{"loss", 0.25}, {"accuracy", 1e-05}, {"val_loss", 3.0}, {"lr", 0.1}}));
  // Epoch 2 lacks val_loss (NA) and brings a new key (not written).
  logger.on_epoch_end(h.context, 2,
                      make_logs({{"loss", std::numeric_limits<double>::quiet_NaN()},
                                 {"accuracy", 1.0},
                                 {"lr", 0.01},
                                 {"extra", 7.0}}));
  // Every row is flushed as it is written.
  EXPECT_EQ(testing::read_file(file),
            "epoch,loss,accuracy,val_loss,lr\n"
            "0,0.5,0.75,0.625,0.1\n"
            "1,0.25,1e-05,3,0.1\n"
            "2,nan,1,NA,0.01\n");
  logger.on_train_end(h.context, Logs());
}

TEST_F(CSVLoggerTest, SeparatorAndQuotedKeys) {
  CallbackHarness h;
  const fs::path file = dir_ / "log.tsv";
  CSVLogger logger({.filename = file, .separator = ';'});
  logger.on_train_begin(h.context);
  logger.on_epoch_end(h.context, 0, make_logs({{"a;b", 1.5}, {"say \"hi\"", -2.0}}));
  logger.on_train_end(h.context, Logs());
  EXPECT_EQ(testing::read_file(file),
            "epoch;\"a;b\";\"say \"\"hi\"\"\"\n"
            "0;1.5;-2\n");
}

TEST_F(CSVLoggerTest, AppendContinuesWithoutASecondHeader) {
  CallbackHarness h;
  const fs::path file = dir_ / "log.csv";
  // Appending to a file that does not exist yet writes the header.
  CSVLogger logger({.filename = file, .append = true});
  logger.on_train_begin(h.context);
  logger.on_epoch_end(h.context, 0, make_logs({{"loss", 2.0}}));
  logger.on_train_end(h.context, Logs());
  logger.on_train_begin(h.context);
  logger.on_epoch_end(h.context, 1, make_logs({{"loss", 1.0}}));
  logger.on_train_end(h.context, Logs());
  EXPECT_EQ(testing::read_file(file), "epoch,loss\n0,2\n1,1\n");
  // Without append the file starts over.
  CSVLogger fresh({.filename = file});
  fresh.on_train_begin(h.context);
  fresh.on_epoch_end(h.context, 0, make_logs({{"loss", 4.0}}));
  fresh.on_train_end(h.context, Logs());
  EXPECT_EQ(testing::read_file(file), "epoch,loss\n0,4\n");
}

TEST_F(CSVLoggerTest, RejectsInvalidOptionsAndUnwritablePaths) {
  testing::expect_error([] { CSVLogger({}); }, {"CSVLogger", "filename"});
  testing::expect_error([&] { CSVLogger({.filename = dir_ / "x.csv", .separator = '"'}); },
                        {"CSVLogger", "separator", "34"});
  testing::expect_error([&] { CSVLogger({.filename = dir_ / "x.csv", .separator = '\n'}); },
                        {"CSVLogger", "separator", "10"});
  CallbackHarness h;
  CSVLogger directory({.filename = dir_});  // a directory cannot be opened as a file
  testing::expect_error([&] { directory.on_train_begin(h.context); }, {"CSVLogger", dir_.string()});
}

}  // namespace
}  // namespace nabla::callbacks

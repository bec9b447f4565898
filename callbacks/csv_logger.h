// CSVLogger: writes one line per epoch ("epoch" then every log value) to a
// CSV file, as keras.callbacks.CSVLogger.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "callbacks/callback.h"

namespace nabla::callbacks {

/// keras.callbacks.CSVLogger's options, in its order.
struct CSVLoggerOptions {
  /// The file written (its parent directories are created).
  std::filesystem::path filename = {};
  /// Between fields; one character other than '"', '\n' and '\r'.
  char separator = ',';
  /// Continue an existing file (no header when it is not empty) instead of
  /// replacing it.
  bool append = false;
};

/// The file holds a header "epoch<sep>key1<sep>key2..." and one row per
/// epoch: the 0-based epoch, then each value in the shortest form that reads
/// back exactly (0.5, 1e-05, nan, inf). The columns are the keys of the first
/// epoch's logs in their order (fit's order: loss, metrics, val_ ones, lr;
/// Keras sorts them instead); a later epoch missing a key writes "NA" there,
/// and keys that first appear later are not written. A key containing the
/// separator or a quote is quoted as RFC 4180 says. Each row is flushed, so
/// the file is complete if training is interrupted. The file is opened by
/// on_train_begin and closed by on_train_end.
class CSVLogger : public Callback {
 public:
  /// Throws nabla::Error ("CSVLogger: ...") for an empty filename and an
  /// invalid separator.
  explicit CSVLogger(CSVLoggerOptions options);

  /// Opens (creates or, with append, continues) the file. Throws nabla::Error
  /// naming the file when it cannot be opened or its directory created.
  void on_train_begin(TrainContext& context) override;
  /// Writes the row. Throws nabla::Error naming the file on a write error.
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;
  void on_train_end(TrainContext& context, const metrics::Logs& logs) override;

  const CSVLoggerOptions& options() const { return options_; }

 private:
  std::string quote(const std::string& field) const;

  CSVLoggerOptions options_;
  std::ofstream file_;
  bool write_header_ = true;
  std::vector<std::string> keys_;
};

}  // namespace nabla::callbacks

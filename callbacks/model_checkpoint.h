// ModelCheckpoint: saves the model (checkpoint::save_model, safetensors) during
// fit, every epoch or only when a monitored quantity improves, to a path
// formatted from the epoch and the logs, as keras.callbacks.ModelCheckpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "callbacks/callback.h"
#include "callbacks/monitor.h"
#include "checkpoint/model_file.h"

namespace nabla::callbacks {

/// keras.callbacks.ModelCheckpoint's options, in its order (without
/// save_weights_only: a model file holds its state_dict, which is the weights).
struct ModelCheckpointOptions {
  /// The file written, with placeholders replaced when saving: "{epoch}" (the
  /// 1-based epoch, as Keras), "{batch}" (the 1-based batch, with save_freq >
  /// 0) and "{<log key>}" (e.g. "{val_loss}"), each with an optional
  /// printf-like spec after a colon: "{epoch:02d}", "{val_loss:.4f}" (see
  /// format_spec). "{{" and "}}" are literal braces. Required.
  std::string filepath = "";
  /// The log key compared with save_best_only.
  std::string monitor = "val_loss";
  /// 1: print what was saved (or why not) to `out`.
  int verbose = 0;
  /// Save only when the monitored value improves on the best so far
  /// (strictly); otherwise save every time.
  bool save_best_only = false;
  MonitorMode mode = MonitorMode::automatic;
  /// 0: save at the end of each epoch (Keras's "epoch"); n > 0: every n
  /// batches (counted across epochs), with the batch logs.
  std::int64_t save_freq = 0;
  /// With save_best_only, a value the first saved one must improve on.
  std::optional<double> initial_value_threshold = std::nullopt;
  /// Where the verbose messages go.
  std::ostream* out = &std::cout;
};

/// Each save writes checkpoint::save_model(path, model, metadata) with the metadata
/// "epoch" (the 1-based epoch, as in the file name), "batch" (1-based, for
/// batch saves) and every log value in the shortest form that reads back
/// exactly. The parent directories of the path are created. A monitored key
/// missing from the logs warns once on stderr and skips that save.
class ModelCheckpoint : public Callback {
 public:
  /// Throws nabla::Error ("ModelCheckpoint: ...") for an empty filepath, a
  /// malformed placeholder (unbalanced braces, an empty name, a bad spec), an
  /// empty monitor, save_freq < 0, a NaN threshold, verbose outside [0, 2]
  /// and a null `out`.
  explicit ModelCheckpoint(ModelCheckpointOptions options);

  void on_train_begin(TrainContext& context) override;
  void on_epoch_begin(TrainContext& context, std::int64_t epoch) override;
  void on_batch_end(TrainContext& context, std::int64_t batch, const metrics::Logs& logs) override;
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;

  /// The file path for 0-based `epoch` (and `batch`, -1 for none) and `logs`.
  /// Throws nabla::Error naming the filepath and the keys present when a
  /// placeholder names a key that is not in the logs.
  std::filesystem::path format_path(std::int64_t epoch,
                                    std::int64_t batch,
                                    const metrics::Logs& logs) const;

  /// The best monitored value saved so far (±∞, or the threshold, before).
  double best() const { return best_; }
  /// Every file written since on_train_begin, in order.
  const std::vector<std::filesystem::path>& saved() const { return saved_; }
  const ModelCheckpointOptions& options() const { return options_; }

 protected:
  /// Writes the file: creates its parent directories, then calls
  /// checkpoint::save_model(path, model, metadata). Override to store elsewhere.
  virtual void write(const std::filesystem::path& path,
                     const nn::Module& model,
                     const checkpoint::Metadata& metadata);

 private:
  // One piece of the file path: literal text, or a placeholder with its spec.
  struct Piece {
    std::string text;
    bool placeholder = false;
    std::string spec;
  };

  void save(TrainContext& context,
            std::int64_t epoch,
            std::int64_t batch,
            const metrics::Logs& logs);

  ModelCheckpointOptions options_;
  Monitor monitor_;
  std::vector<Piece> pieces_;
  double best_;
  std::int64_t epoch_ = 0;
  std::int64_t batches_since_save_ = 0;
  std::vector<std::filesystem::path> saved_;
};

}  // namespace nabla::callbacks

#include "callbacks/model_checkpoint.h"

#include <cmath>
#include <string>
#include <system_error>
#include <utility>

#include "callbacks/number_format.h"
#include "nn/module.h"
#include "tensor/error.h"

namespace nabla::callbacks {

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options)
    : options_(std::move(options)),
      monitor_(options_.monitor, options_.mode, 0.0, "ModelCheckpoint"),
      best_(monitor_.worst()) {
  const char* name = "ModelCheckpoint";
  const std::string& path = options_.filepath;
  NABLA_CHECK(!path.empty(), name, "filepath must not be empty");
  NABLA_CHECK(options_.save_freq >= 0, name, "invalid save_freq: ", options_.save_freq,
              " (must be 0 for every epoch or > 0 batches)");
  NABLA_CHECK(!options_.initial_value_threshold || !std::isnan(*options_.initial_value_threshold),
              name, "invalid initial_value_threshold: nan");
  NABLA_CHECK(options_.verbose >= 0 && options_.verbose <= 2, name,
              "invalid verbose: ", options_.verbose, " (must be 0, 1 or 2)");
  NABLA_CHECK(options_.out != nullptr, name, "out must not be null");
  // Python's str.format syntax, reduced to names and a numeric spec.
  std::string literal;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if ((c == '{' || c == '}') && i + 1 < path.size() && path[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    NABLA_CHECK(c != '}', name, "unmatched '}' at position ", i, " in filepath '", path, "'");
    if (c != '{') {
      literal += c;
      continue;
    }
    const std::size_t close = path.find('}', i + 1);
    NABLA_CHECK(close != std::string::npos, name, "unmatched '{' at position ", i, " in filepath '",
                path, "'");
    std::string field = path.substr(i + 1, close - i - 1);
    NABLA_CHECK(field.find('{') == std::string::npos, name, "nested '{' at position ", i,
                " in filepath '", path, "'");
    std::string spec;
    if (const std::size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    NABLA_CHECK(!field.empty(), name, "empty placeholder at position ", i, " in filepath '", path,
                "'");
    check_spec(spec, name);
    if (!literal.empty()) pieces_.push_back({std::move(literal), false, ""});
    literal.clear();
    pieces_.push_back({std::move(field), true, std::move(spec)});
    i = close;
  }
  if (!literal.empty()) pieces_.push_back({std::move(literal), false, ""});
}

std::filesystem::path ModelCheckpoint::format_path(std::int64_t epoch,
                                                   std::int64_t batch,
                                                   const metrics::Logs& logs) const {
  std::string path;
  for (const Piece& piece : pieces_) {
    if (!piece.placeholder) {
      path += piece.text;
      continue;
    }
    double value = 0.0;
    if (piece.text == "epoch") {
      value = static_cast<double>(epoch + 1);
    } else if (piece.text == "batch" && batch >= 0) {
      value = static_cast<double>(batch + 1);
    } else if (const double* v = logs.find(piece.text)) {
      value = *v;
    } else {
      std::string keys = "epoch";
      if (batch >= 0) keys += ", batch";
      for (const auto& [k, v2] : logs) keys += ", " + k;
      NABLA_CHECK(false, "ModelCheckpoint", "filepath '", options_.filepath, "' names '{",
                  piece.text, "}', which is not available (have: ", keys, ")");
    }
    path += format_spec(value, piece.spec, "ModelCheckpoint");
  }
  return path;
}

void ModelCheckpoint::write(const std::filesystem::path& path,
                            const nn::Module& model,
                            const checkpoint::Metadata& metadata) {
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    NABLA_CHECK(!error, "ModelCheckpoint", "cannot create the directory of '", path.string(),
                "': ", error.message());
  }
  checkpoint::save_model(path, model, metadata);
}

void ModelCheckpoint::on_train_begin(TrainContext& /*context*/) {
  best_ = options_.initial_value_threshold.value_or(monitor_.worst());
  epoch_ = 0;
  batches_since_save_ = 0;
  saved_.clear();
}

void ModelCheckpoint::on_epoch_begin(TrainContext& /*context*/, std::int64_t epoch) {
  epoch_ = epoch;
}

void ModelCheckpoint::on_batch_end(TrainContext& context,
                                   std::int64_t batch,
                                   const metrics::Logs& logs) {
  if (options_.save_freq == 0) return;
  if (++batches_since_save_ < options_.save_freq) return;
  batches_since_save_ = 0;
  save(context, epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(TrainContext& context,
                                   std::int64_t epoch,
                                   const metrics::Logs& logs) {
  if (options_.save_freq == 0) save(context, epoch, -1, logs);
}

void ModelCheckpoint::save(TrainContext& context,
                           std::int64_t epoch,
                           std::int64_t batch,
                           const metrics::Logs& logs) {
  std::ostream& out = *options_.out;
  const bool verbose = options_.verbose > 0;
  const double* current = nullptr;
  if (options_.save_best_only) {
    current = monitor_.find(logs);
    if (current == nullptr) return;
    if (!monitor_.is_improvement(*current, best_)) {
      if (verbose) {
        out << "Epoch " << epoch + 1 << ": " << monitor_.key() << " did not improve from "
            << format_spec(best_, ".5f", "ModelCheckpoint") << '\n';
      }
      return;
    }
  }
  const std::filesystem::path path = format_path(epoch, batch, logs);
  if (verbose) {
    out << "Epoch " << epoch + 1 << ": ";
    if (current != nullptr) {
      out << monitor_.key() << " improved from " << format_spec(best_, ".5f", "ModelCheckpoint")
          << " to " << format_spec(*current, ".5f", "ModelCheckpoint") << ", ";
    }
    out << "saving model to " << path.string() << '\n';
  }
  checkpoint::Metadata metadata;
  metadata["epoch"] = std::to_string(epoch + 1);
  if (batch >= 0) metadata["batch"] = std::to_string(batch + 1);
  for (const auto& [key, value] : logs) {
    if (key != "epoch" && key != "batch") metadata[key] = format_shortest(value);
  }
  write(path, context.model, metadata);
  if (current != nullptr) best_ = *current;
  saved_.push_back(path);
}

}  // namespace nabla::callbacks

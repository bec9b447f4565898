#include "callbacks/csv_logger.h"

#include <system_error>
#include <utility>

#include "callbacks/number_format.h"
#include "tensor/error.h"

namespace nabla::callbacks {

CSVLogger::CSVLogger(CSVLoggerOptions options) : options_(std::move(options)) {
  NABLA_CHECK(!options_.filename.empty(), "CSVLogger", "filename must not be empty");
  const char sep = options_.separator;
  NABLA_CHECK(sep != '"' && sep != '\n' && sep != '\r' && sep != '\0', "CSVLogger",
              "invalid separator (code ", static_cast<int>(sep),
              "): must not be a quote, a line break or NUL");
}

void CSVLogger::on_train_begin(TrainContext& /*context*/) {
  const std::filesystem::path& path = options_.filename;
  if (file_.is_open()) file_.close();
  keys_.clear();
  std::error_code error;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), error);
    NABLA_CHECK(!error, "CSVLogger", "cannot create the directory of '", path.string(),
                "': ", error.message());
  }
  // Appending to an empty or absent file still needs the header.
  write_header_ = !options_.append || !std::filesystem::exists(path, error) ||
                  std::filesystem::file_size(path, error) == 0;
  file_.open(path, options_.append ? std::ios::app : std::ios::trunc);
  NABLA_CHECK(file_.is_open(), "CSVLogger", "cannot open '", path.string(), "' for writing");
}

std::string CSVLogger::quote(const std::string& field) const {
  if (field.find_first_of(std::string{options_.separator, '"', '\n', '\r'}) == std::string::npos) {
    return field;
  }
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

void CSVLogger::on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) {
  if (!file_.is_open()) on_train_begin(context);  // used outside fit
  if (keys_.empty()) {
    for (const auto& [key, value] : logs) keys_.push_back(key);
  }
  if (write_header_) {
    file_ << "epoch";
    for (const std::string& key : keys_) file_ << options_.separator << quote(key);
    file_ << '\n';
    write_header_ = false;
  }
  file_ << epoch;
  for (const std::string& key : keys_) {
    const double* value = logs.find(key);
    file_ << options_.separator << (value != nullptr ? format_shortest(*value) : "NA");
  }
  file_ << '\n';
  file_.flush();
  NABLA_CHECK(file_.good(), "CSVLogger", "cannot write to '", options_.filename.string(), "'");
}

void CSVLogger::on_train_end(TrainContext& /*context*/, const metrics::Logs& /*logs*/) {
  if (file_.is_open()) file_.close();
}

}  // namespace nabla::callbacks

// The module context of nabla::Error, out of line: it is built only when an
// error leaves a module's call, and keeps error.h, which every file includes,
// light.
#include "tensor/error.h"

#include <memory>
#include <sstream>
#include <string>
#include <utility>

namespace nabla {

std::string ErrorContext::describe() const {
  std::ostringstream out;
  if (!module_path.empty()) out << module_path << " (" << module_type << "), inside ";
  out << "the " << model_type << " called at " << file << ":" << line;
  return out.str();
}

const char* Error::what() const noexcept {
  return full_ ? full_->c_str() : std::runtime_error::what();
}

void Error::set_module(std::string_view path, std::string_view type) {
  if (context_ != nullptr && !context_->module_type.empty()) return;
  ErrorContext context = context_ ? *context_ : ErrorContext{};
  context.module_path = std::string(path);
  context.module_type = std::string(type);
  set_context(std::move(context));
}

void Error::set_call_site(std::string_view model_type, const SourceLocation& where) {
  ErrorContext context = context_ ? *context_ : ErrorContext{};
  context.model_type = std::string(model_type);
  context.file = where.file_name();
  context.line = where.line();
  context.function = where.function_name();
  set_context(std::move(context));
}

void Error::set_context(ErrorContext context) {
  auto full = std::make_shared<std::string>(std::runtime_error::what());
  if (!context.model_type.empty()) *full += "\n  in " + context.describe();
  context_ = std::make_shared<const ErrorContext>(std::move(context));
  full_ = std::move(full);
}

std::string shorten(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace nabla

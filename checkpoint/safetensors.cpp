// The safetensors file format itself (save_safetensors, load_safetensors):
// header layout, atomic writing, and the validation of every field read back.
// Models and training states on top of it are model_file.cpp and
// training_state.cpp.

#include "checkpoint/safetensors.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "checkpoint/json_keys.h"
#include "checkpoint/problem_list.h"
#include "tensor/error.h"

// The data of a tensor is written and read as the bytes of its elements in
// memory; the format stores them little-endian.
static_assert(std::endian::native == std::endian::little,
              "nabla's safetensors I/O assumes a little-endian machine");

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
// A std::map per object: ordered_json looks keys up by a linear scan, which
// makes parsing a header of N tensors O(N^2). The file order the loader
// needs is recorded while parsing instead.
using Json = nlohmann::json;

/// The reference implementation's limit: no real header comes close, and it
/// bounds what a corrupted length field can make us allocate.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

constexpr const char* kMetadataKey = "__metadata__";

std::string_view dtype_code(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return "F32";
    case DType::f64:
      return "F64";
    case DType::i64:
      return "I64";
  }
  return "?";
}

bool dtype_from_code(std::string_view code, DType& dtype) {
  if (code == "F32")
    dtype = DType::f32;
  else if (code == "F64")
    dtype = DType::f64;
  else if (code == "I64")
    dtype = DType::i64;
  else
    return false;
  return true;
}

/// The other dtypes of the safetensors specification, which nabla cannot hold.
bool is_other_safetensors_dtype(std::string_view code) {
  static const std::set<std::string_view> codes = {
      "BOOL", "U8",      "I8",      "U16",     "I16",     "F16",     "BF16", "U32", "I32",
      "U64",  "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",   "C64"};
  return codes.count(code) != 0;
}

// ---- Writing.

/// Writes `size` bytes to `fd`, retrying short writes; false on an error.
bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// The temporary files this process is writing right now, so that a save
/// never removes another thread's file as stale.
class LiveTempFiles {
 public:
  void add(const fs::path& path) {
    std::lock_guard lock(mutex_);
    paths_.insert(key(path));
  }
  void remove(const fs::path& path) {
    std::lock_guard lock(mutex_);
    paths_.erase(key(path));
  }
  bool contains(const fs::path& path) {
    std::lock_guard lock(mutex_);
    return paths_.contains(key(path));
  }

 private:
  // "x.tmp-1-2" and "./x.tmp-1-2" are one file.
  static std::string key(const fs::path& path) {
    std::error_code ignored;
    return fs::absolute(path, ignored).lexically_normal().string();
  }

  std::mutex mutex_;
  std::set<std::string> paths_;
};

LiveTempFiles& live_temp_files() {
  static LiveTempFiles files;
  return files;
}

/// A temporary file next to the target; removed by the destructor unless
/// committed (renamed over the target), so a failed write leaves nothing behind.
class TempFile {
 public:
  explicit TempFile(const fs::path& target) : target_(target) {
    static std::atomic<std::uint64_t> counter{0};
    path_ = target;
    path_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    live_temp_files().add(path_);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      live_temp_files().remove(path_);
      fail("cannot create the temporary file " + path_.string());
    }
    created_ = true;
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
    live_temp_files().remove(path_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const void* data, std::size_t size) {
    if (!write_all(fd_, data, size)) fail("cannot write " + path_.string());
  }

  /// Flushes the data to disk and renames the file over the target, so that
  /// the target is either the old file or the complete new one, also after a
  /// crash of the machine. The data is flushed before the rename: otherwise
  /// the file system may commit the rename first, and a power loss leaves the
  /// target empty or partly written. The directory is flushed after it: the
  /// rename is a change of the directory, and until the directory is on disk
  /// a crash may bring back the old file (or, for a first save, no file).
  void commit() {
    if (::fsync(fd_) != 0) fail("cannot flush " + path_.string());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot close " + path_.string());
    if (::rename(path_.c_str(), target_.c_str()) != 0)
      fail("cannot rename " + path_.string() + " to it");
    created_ = false;
    sync_directory();
  }

 private:
  /// Flushes the directory of the target. Nothing more can be done when the
  /// file system cannot flush a directory (EINVAL) or the directory may be
  /// written but not read (EACCES: it cannot be opened); any other failure
  /// means the new file may not survive a crash and is reported, although the
  /// target already holds the new contents.
  void sync_directory() const {
    const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
      if (errno == EACCES) return;
      fail("cannot open the directory " + dir.string() + " to flush it");
    }
    const bool synced = ::fsync(dir_fd) == 0 || errno == EINVAL;
    const int error = errno;
    ::close(dir_fd);
    errno = error;
    if (!synced) fail("cannot flush the directory " + dir.string());
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::string reason = std::strerror(errno);
    NABLA_CHECK(false, "save_safetensors", target_.string(), ": ", what, ": ", reason);
  }

  fs::path target_;
  fs::path path_;
  int fd_ = -1;
  bool created_ = false;
};

/// The process id in the name of a temporary file of `target`
/// ("<target>.tmp-<pid>-<n>"), or 0 when `name` is not one.
pid_t temp_file_pid(const std::string& name, const std::string& prefix) {
  if (!name.starts_with(prefix)) return 0;
  const std::string_view rest = std::string_view(name).substr(prefix.size());
  const std::size_t dash = rest.find('-');
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 18 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (dash == std::string_view::npos || !digits(rest.substr(0, dash)) ||
      !digits(rest.substr(dash + 1)))
    return 0;
  const long long pid = std::stoll(std::string(rest.substr(0, dash)));
  return pid > 0 && pid <= std::numeric_limits<pid_t>::max() ? static_cast<pid_t>(pid) : 0;
}

/// Removes the temporary files a killed writer of `target` left behind: those
/// whose process no longer exists, and this process's own that no save is
/// writing. A file of another live process may be its save in progress and
/// stays. Best effort: the save has succeeded, and a file that cannot be
/// removed now is tried again on the next save.
void remove_stale_temp_files(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code error;
  fs::directory_iterator it(dir, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const fs::path& file = it->path();
    const pid_t pid = temp_file_pid(file.filename().string(), prefix);
    if (pid == 0) continue;
    const bool stale = pid == ::getpid() ? !live_temp_files().contains(file)
                                         : ::kill(pid, 0) != 0 && errno == ESRCH;
    std::error_code ignored;
    if (stale) fs::remove(file, ignored);
  }
}

/// The header text padded with spaces so that the data starts at a multiple
/// of 8 bytes (as the reference writer does: aligned reads when mapped).
/// Written member by member: the names are unique already (a StateDict and a
/// std::map), and an ordered_json object would look each one up linearly.
std::string header_text(const fs::path& path, const StateDict& tensors, const Metadata& metadata) {
  std::string text = "{";
  const auto member = [&text](const std::string& key, const std::string& value_text) {
    if (text.size() > 1) text += ',';
    text += Json(key).dump();
    text += ':';
    text += value_text;
  };
  try {
    if (!metadata.empty()) {
      std::string meta = "{";
      for (const auto& [key, value] : metadata) {
        if (meta.size() > 1) meta += ',';
        meta += Json(key).dump() + ':' + Json(value).dump();
      }
      member(kMetadataKey, meta + '}');
    }
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
      NABLA_CHECK(name != kMetadataKey, "save_safetensors", path.string(), ": the tensor name '",
                  kMetadataKey, "' is reserved for the metadata");
      NABLA_CHECK(tensor.defined(), "save_safetensors", path.string(), ": tensor '", shorten(name),
                  "' is undefined");
      std::uint64_t nbytes = static_cast<std::uint64_t>(tensor.numel()) * tensor.element_size();
      nlohmann::ordered_json entry = nlohmann::ordered_json::object();
      entry["dtype"] = dtype_code(tensor.dtype());
      entry["shape"] = std::vector<std::int64_t>(tensor.shape().begin(), tensor.shape().end());
      entry["data_offsets"] = {offset, offset + nbytes};
      member(name, entry.dump());
      offset += nbytes;
    }
  } catch (const nlohmann::json::exception&) {
    // dump() rejects strings that are not valid UTF-8.
    NABLA_CHECK(false, "save_safetensors", path.string(),
                ": a tensor name or metadata string is not valid UTF-8");
  }
  text += '}';
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

// ---- Reading.

/// A JSON string as JSON text, at most about kMaxQuotedBytes of it.
std::string json_string(const std::string& text) {
  const bool cut = text.size() > kMaxQuotedBytes;
  std::string out =
      Json(cut ? shorten(text) : text).dump(-1, ' ', false, Json::error_handler_t::replace);
  return out;
}

/// A value read from the header as compact JSON text of at most about 80
/// bytes, for messages. Walks containers with an explicit stack and stops at
/// the limit: a value may be nested a million levels deep or megabytes long,
/// and Json::dump() would recurse through all of it and copy all of it.
std::string brief(const Json& value) {
  constexpr std::size_t kLimit = 80;
  struct Frame {
    Json::const_iterator it, end;
    bool object, first;
  };
  std::vector<Frame> stack;
  std::string out;
  const auto open = [&](const Json& v) {
    if (v.is_object() || v.is_array()) {
      out += v.is_object() ? '{' : '[';
      stack.push_back({v.cbegin(), v.cend(), v.is_object(), true});
    } else if (v.is_string()) {
      out += json_string(v.get_ref<const std::string&>());
    } else {
      out += v.dump();  // a number, true, false or null
    }
  };
  open(value);
  while (!stack.empty() && out.size() <= kLimit) {
    Frame& f = stack.back();
    if (f.it == f.end) {
      out += f.object ? '}' : ']';
      stack.pop_back();
      continue;
    }
    if (!f.first) out += ',';
    f.first = false;
    if (f.object) out += json_string(f.it.key()) + ':';
    const Json& v = *f.it;
    ++f.it;  // before open(), which may grow the stack and move `f`
    open(v);
  }
  if (stack.empty() && out.size() <= kLimit) return out;
  return shorten(out, kLimit);
}

/// The keys of a header, read without building its values: duplicates in any
/// object become problems, and the names at the top level are kept in file
/// order. A SAX handler of nlohmann::json.
struct HeaderKeys : detail::IgnoreScalars {
  ProblemList problems;
  std::vector<std::string> top_level;
  std::vector<std::set<std::string>> open_objects;
  std::string error;

  bool start_object(std::size_t) {
    open_objects.emplace_back();
    return true;
  }
  bool key(std::string& key) {
    if (!open_objects.back().insert(key).second)
      problems.add("duplicate key '" + shorten(key) + "' at depth " +
                   std::to_string(open_objects.size()));
    else if (open_objects.size() == 1)
      top_level.push_back(key);
    return true;
  }
  bool end_object() {
    open_objects.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) {
    error = e.what();
    return false;
  }
};

/// One tensor of the header, as far as it could be read.
struct HeaderEntry {
  std::string name;
  std::size_t position = 0;  // in the file
  DType dtype = DType::f32;
  Shape shape;
  std::uint64_t begin = 0, end = 0;
  bool offsets_ok = false;
};

/// Reads a non-negative JSON integer; false for anything else (negative,
/// fractional, too large for u64, not a number).
bool read_unsigned(const Json& value, std::uint64_t& out) {
  if (!value.is_number_unsigned()) return false;
  out = value.get<std::uint64_t>();
  return true;
}

/// Checks one tensor entry; adds what is wrong with it to `problems`.
/// Returns false when the entry cannot be used at all.
bool parse_entry(const std::string& name,
                 const Json& value,
                 std::uint64_t buffer_size,
                 HeaderEntry& entry,
                 ProblemList& problems) {
  const std::string where = "tensor '" + shorten(name) + "': ";
  entry.name = name;
  if (name.empty()) problems.add("a tensor has an empty name");
  if (!value.is_object()) {
    problems.add(where + "expected an object, got " + brief(value));
    return false;
  }
  std::size_t before = problems.size();
  for (const auto& [key, field] : value.items()) {
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      problems.add(where + "unknown field '" + shorten(key) + "'");
  }
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(key)) problems.add(where + "missing field '" + key + "'");
  }

  bool dtype_ok = false;
  if (auto it = value.find("dtype"); it != value.end()) {
    if (!it->is_string()) {
      problems.add(where + "dtype must be a string, got " + brief(*it));
    } else {
      const std::string& code = it->get_ref<const std::string&>();
      dtype_ok = dtype_from_code(code, entry.dtype);
      if (!dtype_ok && is_other_safetensors_dtype(code)) {
        problems.add(where + "dtype " + code + " is not supported (nabla reads F32, F64, I64)");
      } else if (!dtype_ok) {
        problems.add(where + "unknown dtype '" + shorten(code) + "'");
      }
    }
  }

  bool shape_ok = false;
  if (auto it = value.find("shape"); it != value.end()) {
    shape_ok = it->is_array();
    if (!shape_ok) {
      problems.add(where + "shape must be an array, got " + brief(*it));
    } else if (static_cast<std::int64_t>(it->size()) > kMaxRank) {
      problems.add(where + "shape " + brief(*it) + " has more than " + std::to_string(kMaxRank) +
                   " dimensions");
      shape_ok = false;
    } else {
      for (const auto& dim : *it) {
        std::uint64_t size = 0;
        if (!read_unsigned(dim, size) ||
            size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          problems.add(where + "shape " + brief(*it) + " must hold non-negative integers");
          shape_ok = false;
          break;
        }
        entry.shape.push_back(static_cast<std::int64_t>(size));
      }
    }
  }

  if (auto it = value.find("data_offsets"); it != value.end()) {
    entry.offsets_ok = it->is_array() && it->size() == 2 && read_unsigned((*it)[0], entry.begin) &&
                       read_unsigned((*it)[1], entry.end) && entry.begin <= entry.end;
    if (!entry.offsets_ok) {
      problems.add(where + "data_offsets " + brief(*it) +
                   " must be two non-negative integers [begin, end] with begin <= end");
    } else if (entry.end > buffer_size) {
      problems.add(where + "data_offsets " + brief(*it) +
                   " are out of bounds of the data buffer of " + std::to_string(buffer_size) +
                   " bytes");
    }
  }

  // The byte size the dtype and shape imply, without overflowing.
  if (dtype_ok && shape_ok && entry.offsets_ok) {
    std::uint64_t nbytes = size_of(entry.dtype);
    bool overflow = false;
    bool empty = std::find(entry.shape.begin(), entry.shape.end(), 0) != entry.shape.end();
    if (empty) {
      nbytes = 0;
    } else {
      for (std::int64_t d : entry.shape)
        overflow =
            overflow || __builtin_mul_overflow(nbytes, static_cast<std::uint64_t>(d), &nbytes);
    }
    std::ostringstream shape_text;
    shape_text << entry.shape;
    if (overflow) {
      problems.add(where + "shape " + shape_text.str() + " is too large");
    } else if (nbytes != entry.end - entry.begin) {
      problems.add(where + "shape " + shape_text.str() + " of " +
                   std::string(dtype_code(entry.dtype)) + " needs " + std::to_string(nbytes) +
                   " bytes, data_offsets [" + std::to_string(entry.begin) + ", " +
                   std::to_string(entry.end) + "] hold " + std::to_string(entry.end - entry.begin));
    }
  }
  return problems.size() == before;
}

/// The offsets of all entries must tile the buffer: sorted, each starts
/// where the previous one ended, the last ends at the buffer's end.
void check_coverage(std::vector<const HeaderEntry*> entries,
                    std::uint64_t buffer_size,
                    ProblemList& problems) {
  std::sort(entries.begin(), entries.end(), [](const HeaderEntry* a, const HeaderEntry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t covered = 0;
  const HeaderEntry* previous = nullptr;
  for (const HeaderEntry* e : entries) {
    if (e->begin < covered) {
      problems.add("tensor '" + shorten(e->name) + "' [" + std::to_string(e->begin) + ", " +
                   std::to_string(e->end) + ") overlaps tensor '" + shorten(previous->name) +
                   "' [" + std::to_string(previous->begin) + ", " + std::to_string(previous->end) +
                   ")");
    } else if (e->begin > covered) {
      problems.add("bytes [" + std::to_string(covered) + ", " + std::to_string(e->begin) +
                   ") of the data buffer belong to no tensor (a gap before tensor '" +
                   shorten(e->name) + "')");
    }
    if (previous == nullptr || e->end >= covered) previous = e;
    covered = std::max(covered, e->end);
  }
  if (covered < buffer_size) {
    problems.add("bytes [" + std::to_string(covered) + ", " + std::to_string(buffer_size) +
                 ") of the data buffer belong to no tensor");
  }
}

[[noreturn]] void report(const fs::path& path, const ProblemList& problems) {
  nabla::detail::throw_error("load_safetensors", path.string(), ": ", problems.text());
}

[[noreturn]] void report(const fs::path& path, std::string problem) {
  ProblemList problems;
  problems.add(std::move(problem));
  report(path, problems);
}

}  // namespace

void save_safetensors(const fs::path& path, const StateDict& tensors, const Metadata& metadata) {
  const std::string header = header_text(path, tensors, metadata);
  unsigned char length[8];
  std::uint64_t n = header.size();
  std::memcpy(length, &n, 8);  // little-endian (static_assert above)

  TempFile file(path);
  file.write(length, 8);
  file.write(header.data(), header.size());
  for (const auto& [name, tensor] : tensors) {
    if (tensor.numel() == 0) continue;
    Tensor data = tensor.contiguous();  // any strides: written in row-major order
    file.write(data.raw_data(), static_cast<std::size_t>(data.numel()) * data.element_size());
  }
  file.commit();
  remove_stale_temp_files(path);
}

SafetensorsFile load_safetensors(const fs::path& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) report(path, "no such file");
  if (!fs::is_regular_file(status)) report(path, "not a regular file");
  std::uint64_t file_size = fs::file_size(path, error);
  if (error) report(path, "cannot read the file size: " + error.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) report(path, "cannot open the file");

  if (file_size < 8) {
    report(path, "the file has " + std::to_string(file_size) +
                     " bytes, fewer than the 8 of the header length");
  }
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  if (!in) report(path, "cannot read the header length");
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, length_bytes, 8);
  if (header_size > kMaxHeaderBytes) {
    report(path, "header length " + std::to_string(header_size) + " exceeds the limit of " +
                     std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (header_size > file_size - 8) {
    report(path, "header length " + std::to_string(header_size) + " exceeds the " +
                     std::to_string(file_size - 8) + " bytes after the length field (truncated?)");
  }
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  if (!in) report(path, "cannot read the header");
  const std::uint64_t buffer_size = file_size - 8 - header_size;

  if (header.empty() || header.front() != '{') report(path, "the header does not start with '{'");

  // A first pass sees every key of every object (duplicates would silently
  // keep the last value) and the file order of the top-level names; then the
  // plain parser builds the values. (nlohmann's parser with a callback scans
  // the enclosing object after each member object: O(N^2) for N tensors.)
  HeaderKeys keys;
  if (!Json::sax_parse(header, &keys)) {
    // The message quotes the token last read, which may be the whole header.
    std::string what = keys.error;
    if (auto bracket = what.find("] "); bracket != std::string::npos) what.erase(0, bracket + 2);
    report(path, "the header is not valid JSON: " + shorten(what, 4 * kMaxQuotedBytes));
  }
  ProblemList problems = std::move(keys.problems);
  const std::vector<std::string> top_level = std::move(keys.top_level);
  Json json = Json::parse(header);
  if (!json.is_object()) report(path, "the header is not a JSON object");

  SafetensorsFile result;
  std::vector<HeaderEntry> entries;
  entries.reserve(json.size());
  for (std::size_t position = 0; position < top_level.size(); ++position) {
    const std::string& name = top_level[position];
    const Json& value = json.at(name);
    if (name == kMetadataKey) {
      if (!value.is_object()) {
        problems.add(std::string(kMetadataKey) + " must be an object, got " + brief(value));
        continue;
      }
      for (const auto& [key, text] : value.items()) {
        if (text.is_string())
          result.metadata[key] = text.get<std::string>();
        else
          problems.add("metadata '" + shorten(key) + "' must be a string, got " + brief(text));
      }
      continue;
    }
    HeaderEntry entry;
    entry.position = position;
    parse_entry(name, value, buffer_size, entry, problems);
    entries.push_back(std::move(entry));
  }
  std::vector<const HeaderEntry*> placed;
  for (const HeaderEntry& e : entries)
    if (e.offsets_ok && e.end <= buffer_size) placed.push_back(&e);
  check_coverage(placed, buffer_size, problems);
  if (!problems.empty()) report(path, problems);
  json = Json();  // the header's values are no longer needed

  // Everything is consistent: each tensor's bytes lie inside the file, so
  // the allocations below add up to at most the file's size.
  std::sort(entries.begin(), entries.end(), [](const HeaderEntry& a, const HeaderEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.position < b.position;
  });
  const std::uint64_t data_start = 8 + header_size;
  for (HeaderEntry& e : entries) {
    Tensor tensor(e.shape, e.dtype);
    if (e.end > e.begin) {
      in.seekg(static_cast<std::streamoff>(data_start + e.begin));
      in.read(static_cast<char*>(tensor.raw_data()), static_cast<std::streamsize>(e.end - e.begin));
      if (!in) report(path, "cannot read the data of tensor '" + shorten(e.name) + "'");
    }
    result.tensors.insert(std::move(e.name), std::move(tensor));
  }
  return result;
}

}  // namespace nabla::checkpoint

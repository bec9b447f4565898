// Writes the seed corpora of the fuzz targets: valid files written by nabla
// itself (models, training states, tensors of every dtype and layout, IDX
// arrays raw and gzipped, CSV tables), a few just-invalid variants, and the
// known worst cases of the safetensors reader (a header value nested 10,000
// levels deep, a file of 20,000 tensors, a history of 100,000 keys).
// Usage: nabla_fuzz_seeds <directory>; one subdirectory per target, and
// <target>-large for the worst cases of a megabyte or more.

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "checkpoint/model_file.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/training_state.h"
#include "fuzz_input.h"
#include "fuzz_model.h"
#include "metrics/history.h"
#include "nn/loss.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "state_dict_encoding.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"

using namespace nabla;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(g_root / target);
  std::ofstream out(g_root / target / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + (g_root / target / name).string());
}

/// Saves with nabla into a scratch file and returns the bytes.
template <class F>
std::string written_by(F&& save) {
  const fs::path scratch = g_root / "scratch.safetensors";
  save(scratch);
  std::string bytes = read_all(scratch);
  fs::remove(scratch);
  return bytes;
}

/// A safetensors file from a header given as text (padded to 8 bytes) and data.
std::string safetensors_bytes(std::string header, const std::string& data = {}) {
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

void train_a_little(nn::Module& model, optim::Optimizer& optimizer) {
  Generator gen(3);
  for (int step = 0; step < 2; ++step) {
    optimizer.zero_grad();
    Variable loss = nn::mse_loss(model(Variable(randn({8, 3}, gen))), Variable(randn({8, 2}, gen)));
    loss.backward();
    optimizer.step();
  }
}

metrics::History small_history() {
  metrics::History history;
  for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
    metrics::Logs logs;
    logs.set("loss", 1.0 / static_cast<double>(epoch + 1));
    logs.set("val_loss", epoch == 0 ? std::numeric_limits<double>::quiet_NaN() : 0.25);
    history.append(epoch, std::move(logs));
  }
  return history;
}

void checkpoint_seeds() {
  auto model = fuzz::make_model();
  const std::string model_file = written_by([&](const fs::path& p) {
    checkpoint::save_model(p, *model, {{"note", "é"}});
  });

  optim::Adam adam(model->named_parameters(), {.amsgrad = true});
  train_a_little(*model, adam);
  const std::string adam_state = written_by([&](const fs::path& p) {
    checkpoint::save_training_state(p, *model, adam, 2, small_history());
  });
  auto sgd_model = fuzz::make_model();
  optim::SGD sgd(sgd_model->named_parameters(), {.lr = 0.1, .momentum = 0.9});
  train_a_little(*sgd_model, sgd);
  const std::string sgd_state = written_by([&](const fs::path& p) {
    checkpoint::save_training_state(p, *sgd_model, sgd, 2, small_history());
  });

  // Every dtype, a scalar, empty tensors, strided views.
  StateDict mixed;
  mixed.insert("f64", from_vector<double>({1.5, -2, 3e300, 0, -0.0, 7}, {2, 3}));
  mixed.insert("i64", from_vector<std::int64_t>({1, -1, INT64_MAX, INT64_MIN}, {4}));
  mixed.insert("scalar", from_vector<float>({2.5f}, {}));
  mixed.insert("empty", Tensor(Shape{0, 5}, DType::f32));
  mixed.insert("transposed", transpose(from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3}), 0, 1));
  const std::string mixed_file = written_by([&](const fs::path& p) {
    checkpoint::save_safetensors(p, mixed, {{"format", "other"}, {"k", "v"}});
  });

  // 20,000 one-element tensors: loading them must stay O(N log N), and a
  // model's error about them must stay short.
  StateDict many;
  for (int k = 0; k < 20000; ++k)
    many.insert("t" + std::to_string(k), Tensor(Shape{1}, DType::f32));
  const std::string many_file =
      written_by([&](const fs::path& p) { checkpoint::save_safetensors(p, many); });
  // The same under "model.", with a training state's metadata.
  const checkpoint::SafetensorsFile adam_file = [&] {
    const fs::path p = g_root / "scratch.safetensors";
    std::ofstream(p, std::ios::binary) << adam_state;
    auto f = checkpoint::load_safetensors(p);
    fs::remove(p);
    return f;
  }();
  StateDict many_model = adam_file.tensors.clone();
  for (int k = 0; k < 20000; ++k)
    many_model.insert("model.x" + std::to_string(k), Tensor(Shape{1}, DType::f32));
  const std::string many_model_file = written_by(
      [&](const fs::path& p) { checkpoint::save_safetensors(p, many_model, adam_file.metadata); });
  // A history of one epoch with 100,000 keys, written as text (Logs::set is
  // linear per key).
  std::string logs = "{";
  for (int k = 0; k < 100000; ++k) logs += (k ? ",\"m" : "\"m") + std::to_string(k) + "\":0";
  checkpoint::Metadata long_history = adam_file.metadata;
  long_history["history"] = "{\"epochs\":[0],\"logs\":[" + logs + "}]}";
  const std::string long_history_file = written_by(
      [&](const fs::path& p) { checkpoint::save_safetensors(p, adam_file.tensors, long_history); });

  // Values nested 10,000 levels deep: in the metadata, in a shape, and in
  // the history (a JSON text inside a metadata string).
  const std::string opening(10000, '['), closing(10000, ']');
  const std::string deep_metadata =
      safetensors_bytes("{\"__metadata__\":{\"deep\":" + opening + closing + "}}");
  const std::string deep_shape = safetensors_bytes(
      "{\"t\":{\"dtype\":\"F32\",\"shape\":" + opening + closing + ",\"data_offsets\":[0,0]}}");
  checkpoint::Metadata deep_history = adam_file.metadata;
  deep_history["history"] = "{\"epochs\":[0],\"logs\":[" + opening + closing + "]}";
  const std::string deep_history_file = written_by(
      [&](const fs::path& p) { checkpoint::save_safetensors(p, adam_file.tensors, deep_history); });
  // Just invalid: an unsupported dtype, overlapping offsets, a truncated file.
  const std::string f16 =
      safetensors_bytes("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", "abcd");
  const std::string overlap = safetensors_bytes(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
      "abcdef");
  const std::string truncated = model_file.substr(0, model_file.size() - 3);

  // The worst cases of a megabyte or more go to "<target>-large", which the
  // CTests replay before every run: as seeds of the fuzzer they would take
  // most of its time, at a few executions per second.
  for (const std::string target : {"safetensors", "model_file", "training_state"}) {
    write(target, "model", model_file);
    write(target, "training_state_adam", adam_state);
    write(target, "training_state_sgd", sgd_state);
    write(target, "mixed", mixed_file);
    write(target, "deep_metadata", deep_metadata);
    write(target, "deep_shape", deep_shape);
    write(target, "deep_history", deep_history_file);
    write(target, "f16", f16);
    write(target, "overlap", overlap);
    write(target, "truncated", truncated);
    write(target + "-large", "many_tensors", many_file);
    write(target + "-large", "many_model_tensors", many_model_file);
    write(target + "-large", "long_history", long_history_file);
  }
}

std::string idx_bytes(std::uint8_t type,
                      const std::vector<std::uint32_t>& dims,
                      std::size_t esize) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  std::size_t n = 1;
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(d >> shift);
    n *= d;
  }
  for (std::size_t i = 0; i < n * esize; ++i) out += static_cast<char>(i * 37 + 1);
  return out;
}

std::string gzipped(const std::string& raw) {
  std::ostringstream out;
  boost::iostreams::filtering_ostream gz;
  gz.push(boost::iostreams::gzip_compressor());
  gz.push(out);
  gz.write(raw.data(), static_cast<std::streamsize>(raw.size()));
  gz.reset();  // flushes the compressor and writes the footer
  return out.str();
}

void idx_seeds() {
  struct Case {
    const char* name;
    std::uint8_t type;
    std::vector<std::uint32_t> dims;
    std::size_t esize;
  };
  const Case cases[] = {
      {"images_u8", 0x08, {2, 3, 3}, 1}, {"labels_i8", 0x09, {5}, 1}, {"i16", 0x0B, {3}, 2},
      {"i32", 0x0C, {2, 2}, 4},          {"f32", 0x0D, {3}, 4},       {"f64", 0x0E, {2}, 8},
      {"empty", 0x08, {0, 70000}, 1},    {"scalar", 0x0C, {}, 4}};
  for (const Case& c : cases) {
    const std::string raw = idx_bytes(c.type, c.dims, c.esize);
    write("idx", std::string(c.name) + ".idx", raw);
    write("idx", std::string(c.name) + ".idx.gz", gzipped(raw));
  }
}

void csv_seeds() {
  // Three option bytes (see csv_fuzzer.cpp), then the file.
  const auto seed = [](const char* name, std::uint8_t a, std::uint8_t b, std::uint8_t c,
                       const std::string& text) {
    write("csv", name,
          std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)} + text);
  };
  seed("numeric_target_by_name", 0x01, 0x02, 0x00, "a,b,y\n1,2,3\n4.5,-6,7e2\n+8,.5,-0\n");
  seed("categorical_class_index", 0x11, 0x29, 0x03,
       "c,x,y\nred,1,0\nblue,2,1\n\"gr,een\",NA,1\nred,,2\n");
  seed("ordinal_categorical_target", 0x41 | 0x08, 0x19, 0x01,
       "\xEF\xBB\xBF"
       "color,size,label\nred,1,cat\nblue,2,dog\nred,3,cat\n");
  seed("no_header_semicolon_crlf", 0x02, 0x05, 0x04, "1;2;3\r\n4;5;6\r\n\r\n");
  seed("quoted_multiline_median", 0x21, 0x00, 0x08, "a,b\n\"1\",\"2\"\n\"3\n\",?\n5,6\n\n\n");
  seed("tab_missing_median", 0x25, 0x01, 0x00, "p\tq\n1\tNA\n2\t3\n4\t5\n");
  // Messages must quote only part of what a file holds: a field and a header
  // name of 40 KB, a header of 5,000 columns without the target's name.
  seed("long_field_not_a_number", 0x01, 0x00, 0x00, "a,b\n1," + std::string(40000, 'x') + "\n");
  seed("long_name_missing_value", 0x01, 0x00, 0x08, "a," + std::string(40000, 'n') + "\n1,?\n");
  std::string header = "column_0", row = "1";
  for (int c = 1; c < 5000; ++c) {
    header.append(",column_").append(std::to_string(c));
    row.append(",1");
  }
  seed("wide_header_unknown_target", 0x01, 0x02, 0x00, header + "\n" + row + "\n");
}

void state_dict_seeds() {
  auto model = fuzz::make_model();
  const StateDict state = model->state_dict();
  const std::vector<std::string> keys = state.keys();
  // Every key in the model's shape and dtype (strict), values from a counter.
  std::string all(1, '\x01');
  std::string partial(1, '\x00');
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const Tensor& t = state.at(keys[k]);
    std::string entry{static_cast<char>(0x80 | k), static_cast<char>(0x80)};
    for (std::int64_t i = 0; i < t.numel() * static_cast<std::int64_t>(t.element_size()); ++i)
      entry += static_cast<char>(i * 13 + k);
    all += entry;
    if (k % 2 == 0) partial += entry;
  }
  write("state_dict", "strict_all_keys", all);
  write("state_dict", "partial", partial);
  // Transposed and expanded layouts of matching keys, an unexpected name, an
  // undefined tensor.
  std::string layouts(1, '\x01');
  for (std::size_t k = 0; k < keys.size(); ++k)
    layouts += std::string{static_cast<char>(0x80 | k), static_cast<char>(0x80 | (k % 3) << 2)} +
               std::string(64, static_cast<char>(k));
  layouts += std::string{5, 'e', 'x', 't', 'r', 'a', 0x01, 2, 3, 4} + std::string(96, '\x07');
  layouts += std::string{static_cast<char>(0x81), 0x0C};
  write("state_dict", "layouts", layouts);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory>\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  fs::create_directories(g_root);
  checkpoint_seeds();
  idx_seeds();
  csv_seeds();
  state_dict_seeds();
  return 0;
}

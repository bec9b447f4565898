// Training states as safetensors files: what goes under which tensor name and
// metadata key, and the restore order that leaves the model, the optimizer and
// the generators untouched when anything is wrong.

#include "checkpoint/training_state.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkpoint/json_keys.h"
#include "checkpoint/problem_list.h"
#include "checkpoint/safetensors.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

using metrics::History;
using metrics::Logs;

/// Rethrows an error of a lower layer (Module::load_state_dict, ...) as
/// `op: <path>: <its message>`, so the user learns which file was at fault.
template <class F>
void with_file_name(const char* op, const fs::path& path, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    nabla::detail::throw_error(op, path.string(), ": ", e.what());
  }
}

// ---- History as JSON. Finite doubles are JSON numbers (written in the
// shortest form that reads back to the same double); NaN and infinities,
// which JSON lacks, are the strings "NaN", "Infinity" and "-Infinity", as
// Python's json module spells them.

Json number_to_json(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}

bool number_from_json(const Json& j, double& x) {
  if (j.is_number()) {
    x = j.get<double>();
    return true;
  }
  if (!j.is_string()) return false;
  const std::string& s = j.get_ref<const std::string&>();
  if (s == "NaN")
    x = std::numeric_limits<double>::quiet_NaN();
  else if (s == "Infinity")
    x = std::numeric_limits<double>::infinity();
  else if (s == "-Infinity")
    x = -std::numeric_limits<double>::infinity();
  else
    return false;
  return true;
}

// A string as JSON text. JSON strings are UTF-8: a name that is not (a log
// key or a module name built from raw bytes) is the caller's error, named
// here, instead of nlohmann's exception from deep inside the save.
std::string json_string(const fs::path& path, std::string_view what, const std::string& text) {
  try {
    return Json(text).dump();
  } catch (const nlohmann::json::exception&) {
    const std::string quoted =
        Json(shorten(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    nabla::detail::throw_error("save_training_state", path.string(), ": ", what, " ", quoted,
                               " is not valid UTF-8");
  }
}

// An epoch's logs may hold any number of keys, kept in their order. Written
// member by member and read with the plain parser plus a pass that records
// the order of the keys: ordered_json finds each key by a linear scan, which
// makes an epoch of N keys O(N^2) both ways.
std::string history_to_json(const fs::path& path, const History& history) {
  std::string logs = "[";
  for (const Logs& epoch_logs : history.logs()) {
    if (logs.size() > 1) logs += ',';
    std::string entry = "{";
    for (const auto& [key, value] : epoch_logs) {
      if (entry.size() > 1) entry += ',';
      entry +=
          json_string(path, "the history's log name", key) + ':' + number_to_json(value).dump();
    }
    logs += entry + '}';
  }
  return "{\"epochs\":" + Json(history.epochs()).dump() + ",\"logs\":" + logs + "]}";
}

/// The keys of each object of a history's "logs" array, in file order, each
/// once (a repeated key keeps its first place and, as in the parsed value, its
/// last value). A SAX handler of nlohmann::json.
struct LogKeyOrder : detail::IgnoreScalars {
  std::vector<std::vector<std::string>> objects;
  std::vector<bool> is_object;  // the open containers, outermost first
  std::string top_key;          // the last key of the outermost object
  std::set<std::string, std::less<>> seen;

  bool in_logs() const {
    return is_object.size() >= 2 && is_object[0] && !is_object[1] && top_key == "logs";
  }
  bool start_object(std::size_t) {
    if (is_object.size() == 2 && in_logs()) {
      objects.emplace_back();
      seen.clear();
    }
    is_object.push_back(true);
    return true;
  }
  bool key(std::string& key) {
    if (is_object.size() == 1) {
      top_key = key;
      if (key == "logs") objects.clear();  // a repeated "logs": the last one counts
    } else if (is_object.size() == 3 && in_logs() && seen.insert(key).second) {
      objects.back().push_back(key);
    }
    return true;
  }
  bool end_object() {
    is_object.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    is_object.push_back(false);
    return true;
  }
  bool end_array() {
    is_object.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) {
    return false;
  }
};

/// Parses what history_to_json wrote; appends problems instead of throwing.
History history_from_json(const std::string& text, ProblemList& problems) {
  History history;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  LogKeyOrder order;
  bool ok = !j.is_discarded() && Json::sax_parse(text, &order) && j.is_object() && j.size() == 2 &&
            j.contains("epochs") && j.contains("logs") && j.at("epochs").is_array() &&
            j.at("logs").is_array() && j.at("epochs").size() == j.at("logs").size() &&
            order.objects.size() == j.at("logs").size();
  for (std::size_t i = 0; ok && i < j.at("epochs").size(); ++i) {
    const Json& epoch = j.at("epochs")[i];
    const Json& entry = j.at("logs")[i];
    ok = epoch.is_number_integer() && entry.is_object() && entry.size() == order.objects[i].size();
    Logs logs;
    for (std::size_t k = 0; ok && k < order.objects[i].size(); ++k) {
      const std::string& key = order.objects[i][k];
      double value = 0;
      ok = entry.contains(key) && number_from_json(entry.at(key), value);
      logs.set(key, value);
    }
    if (ok) history.append(epoch.get<std::int64_t>(), std::move(logs));
  }
  if (!ok) {
    problems.add(
        "metadata 'history' is not {\"epochs\": [integers], \"logs\": [objects of numbers]} of "
        "equal lengths");
  }
  return history;
}

// ---- Generator states: {"default": {"seed": s, "offset": o}, "modules":
// {"<module path>[.<name>]": {"seed": s, "offset": o}}}: Module::named_generators
// of every module, under its path.

OrderedJson generator_to_json(const Generator& gen) {
  return {{"seed", gen.initial_seed()}, {"offset", gen.offset()}};
}

struct GeneratorState {
  std::uint64_t seed = 0, offset = 0;
};

bool generator_from_json(const nlohmann::json& j, GeneratorState& state) {
  if (!j.is_object() || j.size() != 2 || !j.contains("seed") || !j.contains("offset") ||
      !j["seed"].is_number_unsigned() || !j["offset"].is_number_unsigned())
    return false;
  state.seed = j["seed"].get<std::uint64_t>();
  state.offset = j["offset"].get<std::uint64_t>();
  return true;
}

/// A generator the model draws from besides the default one: its key in the
/// file (the module's path, with the generator's name when it has one) and
/// the module's type for messages.
struct ModuleGenerator {
  std::string key;
  std::string type;
  Generator* generator;
};

std::vector<ModuleGenerator> module_generators(const nn::Module& model) {
  std::vector<ModuleGenerator> result;
  for (const auto& [path, module] : model.named_modules()) {
    for (const auto& [name, generator] : module->named_generators()) {
      const std::string key = path.empty() || name.empty() ? path + name : path + "." + name;
      result.push_back({key, module->type_name(), generator});
    }
  }
  return result;
}

std::string generators_to_json(const fs::path& path, const nn::Module& model) {
  OrderedJson modules = OrderedJson::object();
  for (const ModuleGenerator& g : module_generators(model)) {
    json_string(path, "the module name", g.key);
    modules[g.key] = generator_to_json(*g.generator);
  }
  OrderedJson j = {{"default", generator_to_json(default_generator())},
                   {"modules", std::move(modules)}};
  return j.dump();
}

/// The generator states to restore, matched against the model's generators.
struct GeneratorPlan {
  GeneratorState default_state;
  std::vector<std::pair<Generator*, GeneratorState>> modules;
};

GeneratorPlan generators_from_json(const std::string& text,
                                   nn::Module& model,
                                   ProblemList& problems) {
  GeneratorPlan plan;
  // A std::map per object (ordered_json looks keys up linearly): a file may
  // list any number of generators.
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("default") || !j.contains("modules") ||
      !generator_from_json(j["default"], plan.default_state) || !j["modules"].is_object()) {
    problems.add(
        "metadata 'generators' is not {\"default\": {\"seed\", \"offset\"}, \"modules\": {...}}");
    return plan;
  }
  const nlohmann::json& saved = j["modules"];
  const std::vector<ModuleGenerator> generators = module_generators(model);
  for (const ModuleGenerator& g : generators) {
    auto it = saved.find(g.key);
    GeneratorState state;
    if (it == saved.end()) {
      problems.add("no generator state saved for the " + g.type + " '" + shorten(g.key) + "'");
    } else if (!generator_from_json(*it, state)) {
      problems.add("the generator state of '" + shorten(g.key) + "' is not {\"seed\", \"offset\"}");
    } else {
      plan.modules.emplace_back(g.generator, state);
    }
  }
  std::set<std::string, std::less<>> known;
  for (const ModuleGenerator& g : generators) known.insert(g.key);
  for (const auto& [key, value] : saved.items()) {
    if (!known.contains(key)) {
      problems.add("a generator state is saved for '" + shorten(key) +
                   "', which is not a generator of the model");
    }
  }
  return plan;
}

const std::string* find_metadata(const Metadata& metadata,
                                 const std::string& key,
                                 ProblemList& problems) {
  auto it = metadata.find(key);
  if (it != metadata.end()) return &it->second;
  problems.add("missing metadata '" + key + "'");
  return nullptr;
}

}  // namespace

void save_training_state(const fs::path& path,
                         const nn::Module& model,
                         const optim::Optimizer& optimizer,
                         std::int64_t next_epoch,
                         const History& history) {
  NABLA_CHECK(next_epoch >= 0, "save_training_state", path.string(), ": next_epoch ", next_epoch,
              " is negative");
  StateDict tensors;
  for (const auto& [key, value] : model.state_dict())
    tensors.insert(std::string(kModelPrefix) + key, value);
  for (const auto& [key, value] : optimizer.state_dict())
    tensors.insert(std::string(kOptimizerPrefix) + key, value);
  Metadata meta{{"format", std::string(kTrainingStateFormat)},
                {"optimizer", optimizer.name()},
                {"next_epoch", std::to_string(next_epoch)},
                {"history", history_to_json(path, history)},
                {"generators", generators_to_json(path, model)}};
  save_safetensors(path, tensors, meta);
}

std::int64_t load_training_state(const fs::path& path,
                                 nn::Module& model,
                                 optim::Optimizer& optimizer,
                                 History& history) {
  SafetensorsFile file = load_safetensors(path);

  // Everything that can be wrong with the metadata, in one error.
  ProblemList problems;
  if (const std::string* format = find_metadata(file.metadata, "format", problems);
      format != nullptr && *format != kTrainingStateFormat) {
    problems.add("metadata 'format' is '" + shorten(*format) + "', expected '" +
                 std::string(kTrainingStateFormat) + "'");
  }
  if (const std::string* name = find_metadata(file.metadata, "optimizer", problems);
      name != nullptr && *name != optimizer.name()) {
    problems.add("the state is of the optimizer " + shorten(*name) + ", not " + optimizer.name());
  }
  std::int64_t next_epoch = -1;
  if (const std::string* text = find_metadata(file.metadata, "next_epoch", problems)) {
    std::size_t used = 0;
    try {
      next_epoch = std::stoll(*text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text->size() || next_epoch < 0 || (*text)[0] == '+' ||
        (*text)[0] == ' ') {
      problems.add("metadata 'next_epoch' is '" + shorten(*text) + "', not a non-negative integer");
    }
  }
  History loaded;
  if (const std::string* text = find_metadata(file.metadata, "history", problems))
    loaded = history_from_json(*text, problems);
  GeneratorPlan plan;
  if (const std::string* text = find_metadata(file.metadata, "generators", problems))
    plan = generators_from_json(*text, model, problems);

  StateDict model_state, optimizer_state;
  for (const auto& [key, value] : file.tensors) {
    const bool model_key = key.starts_with(kModelPrefix);
    const bool optimizer_key = key.starts_with(kOptimizerPrefix);
    const std::size_t prefix = model_key ? kModelPrefix.size() : kOptimizerPrefix.size();
    if (!model_key && !optimizer_key)
      problems.add("tensor '" + shorten(key) + "' is neither model.* nor optimizer.*");
    else if (key.size() == prefix)
      problems.add("tensor '" + key + "' has an empty name after its prefix");
    else
      (model_key ? model_state : optimizer_state).insert(key.substr(prefix), value);
  }
  if (!problems.empty())
    nabla::detail::throw_error("load_training_state", path.string(), ": ", problems.text());

  // Module::load_state_dict and Optimizer::load_state_dict each validate
  // before changing anything; the model is put back if the optimizer's
  // state turns out not to fit, so a failed load leaves both as they were.
  StateDict model_before = model.state_dict().clone();
  with_file_name("load_training_state", path, [&] { model.load_state_dict(model_state); });
  try {
    with_file_name("load_training_state", path,
                   [&] { optimizer.load_state_dict(optimizer_state); });
  } catch (...) {
    model.load_state_dict(model_before);
    throw;
  }

  default_generator().seed(plan.default_state.seed);
  default_generator().set_offset(plan.default_state.offset);
  for (const auto& [gen, state] : plan.modules) {
    gen->seed(state.seed);
    gen->set_offset(state.offset);
  }
  history = std::move(loaded);
  return next_epoch;
}

}  // namespace nabla::checkpoint

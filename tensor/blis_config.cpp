#include "tensor/blis_config.h"

#include <blis.h>
#include <cpuid.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include "tensor/error.h"

namespace nabla {
namespace {

// The configurations compiled into this BLIS build, by BLIS's own enumerator
// (so the numbering always matches the header we compile against).
struct ArchEntry {
  std::string_view name;
  arch_t id;
};

constexpr ArchEntry kArchs[] = {
#ifdef BLIS_CONFIG_SKX
    {"skx", BLIS_ARCH_SKX},
#endif
#ifdef BLIS_CONFIG_KNL
    {"knl", BLIS_ARCH_KNL},
#endif
#ifdef BLIS_CONFIG_HASWELL
    {"haswell", BLIS_ARCH_HASWELL},
#endif
#ifdef BLIS_CONFIG_SANDYBRIDGE
    {"sandybridge", BLIS_ARCH_SANDYBRIDGE},
#endif
#ifdef BLIS_CONFIG_PENRYN
    {"penryn", BLIS_ARCH_PENRYN},
#endif
#ifdef BLIS_CONFIG_ZEN3
    {"zen3", BLIS_ARCH_ZEN3},
#endif
#ifdef BLIS_CONFIG_ZEN2
    {"zen2", BLIS_ARCH_ZEN2},
#endif
#ifdef BLIS_CONFIG_ZEN
    {"zen", BLIS_ARCH_ZEN},
#endif
#ifdef BLIS_CONFIG_EXCAVATOR
    {"excavator", BLIS_ARCH_EXCAVATOR},
#endif
#ifdef BLIS_CONFIG_STEAMROLLER
    {"steamroller", BLIS_ARCH_STEAMROLLER},
#endif
#ifdef BLIS_CONFIG_PILEDRIVER
    {"piledriver", BLIS_ARCH_PILEDRIVER},
#endif
#ifdef BLIS_CONFIG_BULLDOZER
    {"bulldozer", BLIS_ARCH_BULLDOZER},
#endif
    {"generic", BLIS_ARCH_GENERIC},
};

const ArchEntry* find_arch(std::string_view name) {
  for (const ArchEntry& a : kArchs) {
    if (a.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(name[i])) == a.name[i];
    if (same) return &a;
  }
  return nullptr;
}

const ArchEntry* find_arch(int id) {
  for (const ArchEntry& a : kArchs)
    if (static_cast<int>(a.id) == id) return &a;
  return nullptr;
}

std::string known_archs() {
  std::string s;
  for (const ArchEntry& a : kArchs) {
    if (!s.empty()) s += ", ";
    s += std::string(a.name) + "=" + std::to_string(static_cast<int>(a.id));
  }
  return s;
}

// The best configuration for this CPU, or null to leave the choice to BLIS.
const ArchEntry* detect(std::string& why) {
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the vector state.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
    why = "auto: avx512f/dq/bw/vl";
    return find_arch("skx");
  }
  if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return nullptr;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  __get_cpuid(1, &eax, &ebx, &ecx, &edx);
  const unsigned family = ((eax >> 8) & 0xf) + ((eax >> 20) & 0xff);
  const unsigned model = ((eax >> 4) & 0xf) | ((eax >> 12) & 0xf0);
  const ArchEntry* pick = nullptr;
  if (__builtin_cpu_is("amd")) {
    if (family >= 0x19)
      pick = find_arch("zen3");
    else if (family == 0x17)
      pick = find_arch(model >= 0x30 ? "zen2" : "zen");
  }
  if (pick == nullptr) pick = find_arch("haswell");
  if (pick != nullptr) why = "auto: avx2/fma";
  return pick;
}

std::string& chosen_reason() {
  static std::string reason = "BLIS's own detection";
  return reason;
}

void choose_arch() {
  const char* user = std::getenv("BLIS_ARCH_TYPE");
  if (user != nullptr && *user != '\0') {
    const std::string_view value(user);
    const ArchEntry* entry = nullptr;
    char* end = nullptr;
    const long id = std::strtol(user, &end, 10);
    if (end != user && *end == '\0')
      entry = find_arch(static_cast<int>(id));
    else
      entry = find_arch(value);
    NABLA_CHECK(entry != nullptr, "blis", "BLIS_ARCH_TYPE=", value,
                " names no kernel configuration of this BLIS build (known: ", known_archs(), ")");
    // BLIS 0.9.0 reads a name as 0, so a name is rewritten as its number.
    setenv("BLIS_ARCH_TYPE", std::to_string(static_cast<int>(entry->id)).c_str(), 1);
    chosen_reason() = "user: BLIS_ARCH_TYPE=" + std::string(value);
    return;
  }
  std::string why;
  if (const ArchEntry* entry = detect(why)) {
    setenv("BLIS_ARCH_TYPE", std::to_string(static_cast<int>(entry->id)).c_str(), 1);
    chosen_reason() = why;
  }
}

}  // namespace

void configure_blis() {
  static std::once_flag once;
  std::call_once(once, [] {
    choose_arch();
    bli_init();
  });
}

std::string blis_kernel_config() {
  configure_blis();
  return std::string(bli_arch_string(bli_arch_query_id())) + " (" + chosen_reason() + ")";
}

}  // namespace nabla

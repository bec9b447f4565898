#include "autograd/scope.h"

#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace nabla::autograd {
namespace {

thread_local const Scope* current = nullptr;

struct Registry {
  std::mutex mutex;
  std::map<std::tuple<const Scope*, std::string, std::string>, std::unique_ptr<Scope>, std::less<>>
      scopes;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: nodes may outlive static destructors
  return *r;
}

}  // namespace

std::string Scope::describe() const {
  return path.empty() ? type : path + " (" + type + ")";
}

const Scope* intern_scope(const Scope* parent, std::string_view name, std::string_view type) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto key = std::make_tuple(parent, parent == nullptr ? std::string() : std::string(name),
                             std::string(type));
  auto it = r.scopes.find(key);
  if (it != r.scopes.end()) return it->second.get();
  auto scope = std::make_unique<Scope>();
  scope->type = std::string(type);
  scope->parent = parent;
  if (parent != nullptr) {
    const std::string own = name.empty() ? "<" + scope->type + ">" : std::string(name);
    scope->path = parent->path.empty() ? own : parent->path + "." + own;
  }
  const Scope* result = scope.get();
  r.scopes.emplace(std::move(key), std::move(scope));
  return result;
}

const Scope* current_scope() {
  return current;
}

ScopeGuard::ScopeGuard(const Scope* scope) : previous_(current) {
  current = scope;
}

ScopeGuard::~ScopeGuard() {
  current = previous_;
}

}  // namespace nabla::autograd

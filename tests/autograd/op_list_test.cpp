// The op registry (autograd/op_list.h) against the code, the tests and the docs:
// every node has a gradient check, a row in docs/ops.md, and exactly one
// string literal in autograd/*.cpp (so a name seen in a trace greps straight
// to its rule), and no rule records a name the registry does not know.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/index.h"
#include "autograd/op_list.h"
#include "autograd/shape_ops.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

#ifndef NABLA_SOURCE_DIR
#error "NABLA_SOURCE_DIR must name the source tree (set in tests/CMakeLists.txt)"
#endif

namespace nabla {
namespace {

namespace fs = std::filesystem;
using autograd::kOps;
using autograd::OpInfo;

const fs::path kSourceDir = NABLA_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.is_open()) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// C++ source without its comments (string and character literals are kept),
// so a node name mentioned in a comment is not counted as a use.
std::string strip_comments(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  enum { kCode, kLine, kBlock, kString, kChar } state = kCode;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    const char next = i + 1 < source.size() ? source[i + 1] : '\0';
    switch (state) {
      case kCode:
        if (c == '/' && next == '/') {
          state = kLine;
          ++i;
        } else if (c == '/' && next == '*') {
          state = kBlock;
          ++i;
        } else {
          if (c == '"') state = kString;
          if (c == '\'') state = kChar;
          out += c;
        }
        break;
      case kLine:
        if (c == '\n') {
          state = kCode;
          out += c;
        }
        break;
      case kBlock:
        if (c == '*' && next == '/') {
          state = kCode;
          ++i;
        }
        break;
      case kString:
      case kChar:
        out += c;
        if (c == '\\' && next != '\0') {
          out += next;
          ++i;
        } else if ((state == kString && c == '"') || (state == kChar && c == '\'')) {
          state = kCode;
        }
        break;
    }
  }
  return out;
}

// The comment-free text of every autograd/*.cpp, by file name.
const std::map<std::string, std::string>& autograd_sources() {
  static const std::map<std::string, std::string> sources = [] {
    std::map<std::string, std::string> out;
    for (const fs::directory_entry& entry : fs::directory_iterator(kSourceDir / "autograd")) {
      if (entry.path().extension() == ".cpp")
        out[entry.path().filename().string()] = strip_comments(read(entry.path()));
    }
    return out;
  }();
  return sources;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1))
    ++n;
  return n;
}

std::string describe(const OpInfo& op) {
  std::ostringstream out;
  out << op.node << " (" << op.functions << ")";
  return out.str();
}

TEST(OpList, NamesAreUniqueAndFollowTheConvention) {
  const std::set<std::string> families{"elementwise", "reduce", "linalg",
                                       "shape_ops",   "index",  "nn_ops"};
  std::set<std::string> seen;
  for (const OpInfo& op : kOps) {
    const std::string node(op.node);
    EXPECT_TRUE(seen.insert(node).second) << node << " appears twice in autograd/op_list.h";
    EXPECT_TRUE(std::regex_match(node, std::regex("[A-Z][A-Za-z0-9]*Backward")))
        << node << ": node names are PascalCase and end in Backward";
    EXPECT_TRUE(families.count(std::string(op.family)))
        << describe(op) << " names the unknown family '" << op.family << "'";
    EXPECT_FALSE(op.functions.empty()) << node << " lists no function";
  }
}

TEST(OpList, EveryOpHasAGradcheckCase) {
  const std::set<std::string>& cases = testing::gradcheck_cases();
  std::string missing;
  for (const OpInfo& op : kOps) {
    if (!cases.count(std::string(op.node)))
      missing.append("  ")
          .append(describe(op))
          .append(": add GRADCHECK_TEST(")
          .append(op.node)
          .append(", <CaseName>) to tests/autograd/")
          .append(op.family)
          .append("_test.cpp\n");
  }
  EXPECT_TRUE(missing.empty())
      << "ops without a gradient check (each needs a case whose body calls "
         "testing::expect_gradcheck for every differentiable input; see "
         "tests/autograd/gradcheck_case.h):\n"
      << missing;
}

TEST(OpList, EveryGradcheckCaseNamesARegisteredOp) {
  std::set<std::string> nodes;
  for (const OpInfo& op : kOps) nodes.emplace(op.node);
  for (const std::string& name : testing::gradcheck_cases()) {
    EXPECT_TRUE(nodes.count(name))
        << "GRADCHECK_TEST(" << name << ", ...) names a node that autograd/op_list.h does not "
        << "list: fix the test suite name or add the op to kOps";
  }
}

TEST(OpList, EveryOpHasARowInTheOpsDoc) {
  const fs::path path = kSourceDir / "docs" / "ops.md";
  std::istringstream doc(read(path));
  std::string table_rows;  // only table rows count, not prose mentioning a node
  for (std::string line; std::getline(doc, line);)
    if (line.starts_with("|")) table_rows += line + "\n";
  std::string missing;
  for (const OpInfo& op : kOps) {
    if (table_rows.find(std::string(op.node)) == std::string::npos)
      missing.append("  ")
          .append(describe(op))
          .append(": add it to the ")
          .append(op.family)
          .append(" table\n");
  }
  EXPECT_TRUE(missing.empty())
      << "ops without a row in docs/ops.md (name the node in the row of its op, next to the "
         "derivative):\n"
      << missing;
}

TEST(OpList, EveryNodeNameOccursExactlyOnceInTheAutogradSources) {
  const std::map<std::string, std::string>& sources = autograd_sources();
  ASSERT_FALSE(sources.empty()) << "no .cpp file under " << kSourceDir / "autograd";
  for (const OpInfo& op : kOps) {
    std::string literal = "\"";
    literal.append(op.node).append("\"");
    const std::string home = std::string(op.family) + ".cpp";
    std::size_t total = 0;
    std::string where;
    for (const auto& [file, text] : sources) {
      const std::size_t n = count(text, literal);
      total += n;
      if (n == 0) continue;
      where.append(" autograd/").append(file);
      if (n > 1) where.append(" (").append(std::to_string(n)).append("x)");
    }
    if (total == 0) {
      ADD_FAILURE() << describe(op) << ": no autograd/*.cpp records " << literal
                    << "; record it in autograd/" << home << " with exactly that name";
    } else if (total > 1) {
      ADD_FAILURE() << describe(op) << ": " << literal << " occurs " << total << " times, in"
                    << where << "; record it once (ops sharing a node call one internal function)";
    } else {
      EXPECT_EQ(where, " autograd/" + home)
          << describe(op) << " is recorded outside its family file autograd/" << home;
    }
  }
}

TEST(OpList, NoRuleRecordsAnUnlistedNode) {
  std::set<std::string> nodes;
  for (const OpInfo& op : kOps) nodes.emplace(op.node);
  const std::regex literal("\"([A-Z][A-Za-z0-9]*Backward)\"");
  for (const auto& [file, text] : autograd_sources()) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), literal);
         it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1];
      EXPECT_TRUE(nodes.count(name)) << "autograd/" << file << " records " << name
                                     << ", which autograd/op_list.h does not list: add it to "
                                        "kOps (and a gradient check and a docs/ops.md row)";
    }
  }
}

TEST(OpList, CommentsAreNotCountedAsUses) {
  const std::string source =
      "// \"TanhBackward\" in a comment\n"
      "auto n = \"Mul\\\"Backward\"; /* \"ExpBackward\" */ char q = '\"';\n"
      "record(\"AddBackward\");\n";
  const std::string code = strip_comments(source);
  EXPECT_EQ(code.find("TanhBackward"), std::string::npos) << code;
  EXPECT_EQ(code.find("ExpBackward"), std::string::npos) << code;
  EXPECT_NE(code.find("\"AddBackward\""), std::string::npos) << code;
  EXPECT_NE(code.find("char q = '\"';"), std::string::npos) << code;
}

}  // namespace
}  // namespace nabla

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
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/explain_rules.h"
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
  const std::set<std::string> families{"elementwise", "reduce", "linalg", "solve",
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

// The cells of a Markdown table row, trimmed, with "\|" read as "|".
std::vector<std::string> table_cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      const std::size_t begin = cell.find_first_not_of(' ');
      cells.push_back(begin == std::string::npos
                          ? std::string()
                          : cell.substr(begin, cell.find_last_not_of(' ') - begin + 1));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

// The rows of `doc` (docs/ops.md's format) whose derivative column disagrees
// with the registry: in every table with a "derivative" and a "node ..."
// column, a row naming nodes must have, as its derivative, the rules of those
// nodes, each once, in the order named, joined by "; ". One message per
// disagreement, naming the op, the nodes and both texts.
std::vector<std::string> derivative_mismatches(const std::string& doc,
                                               std::span<const OpInfo> ops) {
  std::vector<std::string> out;
  std::istringstream in(doc);
  std::size_t derivative = 0;
  std::size_t node_column = 0;
  bool checked = false;
  const std::regex node_name("[A-Z][A-Za-z0-9]*Backward");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("|") || line.starts_with("|---")) continue;
    const std::vector<std::string> cells = table_cells(line);
    if (!cells.empty() && cells[0] == "op") {  // a table's header
      checked = false;
      for (std::size_t k = 0; k < cells.size(); ++k) {
        if (cells[k] == "derivative") derivative = k;
        if (cells[k].starts_with("node")) node_column = k;
        checked = checked || cells[k].starts_with("node");
      }
      checked = checked && derivative > 0;
      continue;
    }
    if (!checked || cells.size() <= std::max(derivative, node_column)) continue;
    std::vector<std::string> rules;
    std::string nodes;
    bool unknown = false;
    const std::string& named = cells[node_column];
    for (auto it = std::sregex_iterator(named.begin(), named.end(), node_name);
         it != std::sregex_iterator(); ++it) {
      const std::string node = it->str();
      nodes += (nodes.empty() ? "" : ", ") + node;
      const OpInfo* op = nullptr;
      for (const OpInfo& candidate : ops)
        if (candidate.node == node) op = &candidate;
      if (op == nullptr) {
        out.push_back("docs/ops.md row '" + cells[0] + "' names " + node +
                      ", which autograd/op_list.h does not list");
        unknown = true;
        continue;
      }
      const std::string rule(op->rule);
      if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    }
    if (nodes.empty() || unknown) continue;  // not differentiable, composite, or reported
    std::string expected;
    for (const std::string& rule : rules) expected += (expected.empty() ? "" : "; ") + rule;
    if (cells[derivative] != expected)
      out.push_back("docs/ops.md row '" + cells[0] + "' (" + nodes +
                    "): the derivative column says\n    " + cells[derivative] +
                    "\n  but the rule in autograd/op_list.h is\n    " + expected);
  }
  return out;
}

std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const std::string& m : messages) out += m + "\n";
  return out;
}

TEST(OpList, TheDerivativeColumnOfTheOpsDocIsTheRegistrysRule) {
  const std::vector<std::string> mismatches =
      derivative_mismatches(read(kSourceDir / "docs" / "ops.md"), kOps);
  EXPECT_TRUE(mismatches.empty()) << "docs/ops.md and the registry disagree (the registry's rule "
                                     "is what the explain trace prints; change one to match the "
                                     "other):\n"
                                  << joined(mismatches);
}

TEST(OpList, TheDocsCheckFailsOnARowThatSaysSomethingElse) {
  const std::string doc =
      "| op | formula | derivative | node (autograd/elementwise.cpp) |\n"
      "|---|---|---|---|\n"
      "| tanh | tanh x | ∂/∂x = 1 + y² | TanhBackward |\n"
      "| abs | \\|x\\| | ∂/∂x = sign(x) | AbsBackward |\n"
      "| eq | a = b | not differentiable | not differentiable |\n";
  const std::vector<std::string> mismatches = derivative_mismatches(doc, kOps);
  ASSERT_EQ(mismatches.size(), 1U) << joined(mismatches);
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("row 'tanh' (TanhBackward)"));
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("says\n    ∂/∂x = 1 + y²"));
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("op_list.h is\n    ∂/∂x = 1 − y²"));
}

TEST(OpList, TheDocsCheckFailsOnAMutantRuleInTheRegistry) {
  std::vector<OpInfo> mutant(std::begin(kOps), std::end(kOps));
  for (OpInfo& op : mutant)
    if (op.node == "MulBackward") op.rule = "∂/∂a = a, ∂/∂b = b";
  const std::vector<std::string> mismatches =
      derivative_mismatches(read(kSourceDir / "docs" / "ops.md"), mutant);
  ASSERT_EQ(mismatches.size(), 1U) << joined(mismatches);
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("row 'mul' (MulBackward, MulScalarBackward)"));
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("∂/∂a = b, ∂/∂b = a; x · s, s · x: ∂/∂x = s"));
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("∂/∂a = a, ∂/∂b = b; x · s, s · x: ∂/∂x = s"));
}

TEST(OpList, TheDocsCheckJoinsTheRulesOfARowAndNamesUnknownNodes) {
  const std::string doc =
      "| op | formula | notes | derivative | node (autograd/reduce.cpp) |\n"
      "|---|---|---|---|---|\n"
      "| amax / amin | max | ties | ∂y/∂xᵢ = [xᵢ = y] / #{j : xⱼ = y} | AmaxBackward / "
      "AminBackward |\n"
      "| div | a / b | | ∂/∂a = 1/b, ∂/∂b = −a/b²; x / s: ∂/∂x = 1/s | DivBackward; "
      "DivScalarBackward (x / s) |\n"
      "| frob | ? | | ∂/∂x = ? | FrobBackward |\n";
  const std::vector<std::string> mismatches = derivative_mismatches(doc, kOps);
  ASSERT_EQ(mismatches.size(), 1U) << joined(mismatches);
  EXPECT_THAT(mismatches[0], ::testing::HasSubstr("names FrobBackward"));
}

TEST(OpList, EveryOpTheExplainTraceWritesOutIsInTheRegistry) {
  for (std::string_view stem : autograd::detail::known_ops()) {
    const std::string node = std::string(stem) + "Backward";
    EXPECT_NE(autograd::find_op(node), nullptr)
        << "autograd/explain_rules.cpp knows " << node << ", which autograd/op_list.h does not";
  }
  EXPECT_EQ(autograd::find_op("TanhBackward")->rule, "∂/∂x = 1 − y²");
  EXPECT_EQ(autograd::find_op("NoSuchBackward"), nullptr);
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

// Compiles every C++ code block of the Markdown pages given on the command
// line, so that no page shows code that does not build.
//
// A ```cpp block that defines `int main(` is a whole program and is compiled
// as it is. Any other block is a fragment, compiled inside the wrapper that
// docs/tutorial.md announces: after
//
//   #include "nabla.h"
//   #include <...>          (the standard headers of kStandardHeaders)
//   using namespace nabla;
//
// a fragment's definitions go at namespace scope and its statements into a
// function body. An HTML comment on the line before a block (invisible on the
// rendered page) says how it joins the others:
//   <!-- compile: file-scope -->   the block defines classes or functions and
//                                   goes before the statements;
//   <!-- compile: continues -->    the block uses names of the block before
//                                   it and is compiled in the same program;
//   <!-- compile: program -->      the block is a whole program without a
//                                   main() of its own (a GoogleTest file
//                                   linked with gtest_main);
//   file-scope and continues may be given together, separated by a comma.
// Every other fragment is a program of its own. The fragments of one page are
// compiled as one file, each program in a namespace of its own, and a #line
// directive before each block makes the compiler report errors at the page's
// own line numbers.
//
// Usage: nabla_doc_blocks <work dir> <jobs> <compiler> [<flag>...] -- <page.md>...
// Exits 1 and prints the compiler's output for each file that does not
// compile; 2 for bad usage or unreadable files.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr const char* kStandardHeaders[] = {"cmath",  "cstdint", "cstdio",  "iostream",
                                            "memory", "string",  "utility", "vector"};

struct Block {
  std::string page;  // the path as given on the command line
  int line = 0;      // line of the first code line, 1-based
  std::string code;
  bool file_scope = false;
  bool continues = false;
  bool whole_program = false;
};

// A whole program, or fragments joined by `continues`.
struct Program {
  std::vector<Block> blocks;
};

// One file to compile: a whole program, or every fragment program of a page.
struct Unit {
  std::vector<Program> programs;
  std::string name;  // file name in the work dir
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Reads the ```cpp blocks of `page` with the marker comment before each.
std::vector<Block> read_blocks(const std::string& page) {
  std::ifstream in(page);
  if (!in) throw std::runtime_error("cannot read " + page);
  std::vector<Block> blocks;
  std::string line, previous;
  int number = 0;
  bool inside = false;
  Block block;
  while (std::getline(in, line)) {
    ++number;
    const std::string t = trim(line);
    if (!inside && t.rfind("```cpp", 0) == 0 && trim(t.substr(6)).empty()) {
      inside = true;
      block = Block();
      block.page = page;
      block.line = number + 1;
      const std::string marker = trim(previous);
      if (marker.rfind("<!--", 0) == 0 && marker.find("compile:") != std::string::npos) {
        block.file_scope = marker.find("file-scope") != std::string::npos;
        block.continues = marker.find("continues") != std::string::npos;
        block.whole_program = marker.find("program") != std::string::npos;
      }
    } else if (inside && t.rfind("```", 0) == 0) {
      inside = false;
      block.whole_program =
          block.whole_program || block.code.find("int main(") != std::string::npos;
      blocks.push_back(block);
    } else if (inside) {
      block.code += line + "\n";
    }
    previous = line;
  }
  if (inside)
    throw std::runtime_error(page + ":" + std::to_string(block.line - 1) +
                             ": a ```cpp block is never closed");
  return blocks;
}

std::string unit_source(const Unit& unit) {
  std::ostringstream out;
  auto with_line = [&](const Block& b) {
    out << "#line " << b.line << " \"" << b.page << "\"\n" << b.code;
  };
  const Block& first = unit.programs.front().blocks.front();
  if (first.whole_program) {
    with_line(first);
    return out.str();
  }
  out << "#include \"nabla.h\"\n";
  for (const char* header : kStandardHeaders) out << "#include <" << header << ">\n";
  out << "using namespace nabla;\n";
  for (const Program& program : unit.programs) {
    out << "namespace block_" << program.blocks.front().line << " {\n";
    for (const Block& b : program.blocks)
      if (b.file_scope) with_line(b);
    out << "[[maybe_unused]] void run() {\n";
    for (const Block& b : program.blocks)
      if (!b.file_scope) with_line(b);
    out << "}\n}  // namespace\n";
  }
  return out.str();
}

// Runs `command`, returning its exit status and, in `output`, what it printed.
int run(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  return pclose(pipe);
}

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto separator = std::find(args.begin(), args.end(), "--");
  if (args.size() < 3 || separator == args.end() || separator - args.begin() < 3) {
    std::cerr << "usage: nabla_doc_blocks <work dir> <jobs> <compiler> [<flag>...] -- "
                 "<page.md>...\n";
    return 2;
  }
  const fs::path work_dir = args[0];
  const int jobs = std::max(1, std::stoi(args[1]));
  std::string compiler;
  for (auto it = args.begin() + 2; it != separator; ++it) compiler += shell_quoted(*it) + " ";

  std::vector<Unit> units;
  std::size_t blocks = 0, programs = 0;
  try {
    for (auto it = separator + 1; it != args.end(); ++it) {
      std::string stem = fs::path(*it).filename().string();
      std::replace(stem.begin(), stem.end(), '.', '_');
      Unit fragments{{}, stem + "_fragments.cpp"};
      for (Block& b : read_blocks(*it)) {
        ++blocks;
        if (b.whole_program) {
          if (b.continues) {
            std::cerr << b.page << ":" << b.line - 1
                      << ": a whole program cannot continue another block\n";
            return 2;
          }
          ++programs;
          const std::string name = stem + "_" + std::to_string(b.line) + ".cpp";
          units.push_back({{Program{{std::move(b)}}}, name});
        } else if (b.continues) {
          if (fragments.programs.empty()) {
            std::cerr << b.page << ":" << b.line - 1
                      << ": a block marked 'continues' has no fragment before it to continue\n";
            return 2;
          }
          fragments.programs.back().blocks.push_back(std::move(b));
        } else {
          ++programs;
          fragments.programs.push_back(Program{{std::move(b)}});
        }
      }
      if (!fragments.programs.empty()) units.push_back(std::move(fragments));
    }
    fs::create_directories(work_dir);
    for (const Unit& unit : units) {
      std::ofstream out(work_dir / unit.name);
      out << unit_source(unit);
      if (!out) throw std::runtime_error("cannot write " + (work_dir / unit.name).string());
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  // Compile the units, `jobs` at a time.
  std::atomic<std::size_t> next{0};
  std::mutex print;
  int failed = 0;
  auto worker = [&] {
    for (std::size_t i = next++; i < units.size(); i = next++) {
      const Unit& unit = units[i];
      std::string output;
      const int status = run(compiler + shell_quoted((work_dir / unit.name).string()), output);
      std::lock_guard lock(print);
      if (status != 0) {
        ++failed;
        std::cout << "FAILED " << unit.programs.front().blocks.front().page << " ("
                  << (work_dir / unit.name).string() << ")\n"
                  << output << "\n";
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();

  std::cout << blocks << " code blocks in " << programs << " programs (" << units.size()
            << " files), " << failed << " of them failed to compile\n";
  return failed == 0 ? 0 : 1;
}

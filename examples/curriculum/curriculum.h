// What the curriculum experiments share: reading "--name value" options, a
// plain-text table for the lesson, and the checks that turn a lesson that is
// a fact into the program's exit status.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace curriculum {

/// "--name value" options. Each get_* declares an option (with its default and
/// help); finish() then rejects any option that was given but not declared,
/// and answers --help.
class Args {
 public:
  Args(int argc, char** argv, std::string about) : program_(argv[0]), about_(std::move(about)) {
    for (int i = 1; i < argc; ++i) {
      std::string key = argv[i];
      if (key == "--help" || key == "-h") {
        help_ = true;
        continue;
      }
      if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
        std::cerr << program_ << ": expected --name value, got '" << key << "'\n";
        std::exit(2);
      }
      given_[key.substr(2)] = argv[++i];
    }
  }

  long long get_int(const std::string& name, long long fallback, const std::string& help) {
    return std::stoll(get(name, std::to_string(fallback), help));
  }
  double get_double(const std::string& name, double fallback, const std::string& help) {
    std::ostringstream text;
    text << fallback;
    return std::stod(get(name, text.str(), help));
  }
  std::string get_string(const std::string& name,
                         const std::string& fallback,
                         const std::string& help) {
    return get(name, fallback, help);
  }

  /// Exits 0 after printing the options for --help, 2 for an unknown option.
  void finish() const {
    if (help_) {
      std::cout << about_ << "\n\nOptions:\n" << usage_.str();
      std::exit(0);
    }
    for (const auto& [name, value] : given_) {
      if (!declared_.count(name)) {
        std::cerr << program_ << ": unknown option --" << name << "\nOptions:\n" << usage_.str();
        std::exit(2);
      }
    }
  }

 private:
  std::string get(const std::string& name, const std::string& fallback, const std::string& help) {
    declared_.insert(name);
    usage_ << "  --" << name << " (" << fallback << ")  " << help << "\n";
    auto it = given_.find(name);
    return it == given_.end() ? fallback : it->second;
  }

  std::string program_;
  std::string about_;
  bool help_ = false;
  std::map<std::string, std::string> given_;
  std::set<std::string> declared_;
  std::ostringstream usage_;
};

/// printf-style formatting into a std::string.
template <class... T>
std::string format(const char* spec, T... values) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, spec, values...);
  return buffer;
}

/// A table printed with aligned columns (text left, everything else right).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out = std::cout) const {
    std::vector<std::size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_)
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c)
        width[c] = std::max(width[c], display_width(row[c]));
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      for (std::size_t c = 0; c < rows_[r].size() && c < width.size(); ++c) {
        const std::string& cell = rows_[r][c];
        const std::string pad(width[c] - display_width(cell), ' ');
        out << (c == 0 ? "" : "  ") << (c == 0 ? cell + pad : pad + cell);
      }
      out << "\n";
      if (r == 0) {
        std::size_t total = 0;
        for (std::size_t w : width) total += w + 2;
        out << std::string(total - 2, '-') << "\n";
      }
    }
  }

 private:
  // Counts UTF-8 code points, so λ and ′ take one column.
  static std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }
  std::vector<std::vector<std::string>> rows_;
};

/// The lesson's facts: status() prints each check and returns the program's
/// exit code (1 when any failed).
class Checks {
 public:
  void expect(bool ok, const std::string& fact) {
    lines_.push_back(std::string(ok ? "  ok      " : "  FAILED  ") + fact);
    if (!ok) failed_ = true;
  }
  int status() const {
    std::cout << "Checks:\n";
    for (const std::string& line : lines_) std::cout << line << "\n";
    return failed_ ? 1 : 0;
  }

 private:
  std::vector<std::string> lines_;
  bool failed_ = false;
};

/// Seconds since construction.
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace curriculum

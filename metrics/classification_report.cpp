#include "metrics/classification_report.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string_view>

#include "metrics/class_labels.h"
#include "tensor/error.h"

namespace nabla::metrics {
namespace {

// Pieces of scikit-learn's row format, appended to `out`:
//   "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
void right(std::string& out, std::string_view s, std::size_t width) {
  out.append(width > s.size() ? width - s.size() : 0, ' ');
  out.append(s);
}

void number(std::string& out, double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %9.*f", digits, v);
  out.append(buf);
}

void row(std::string& out,
         std::string_view heading,
         const Scores& s,
         std::int64_t support,
         std::size_t width,
         int digits) {
  right(out, heading, width);
  out.append(" ");
  number(out, s.precision, digits);
  number(out, s.recall, digits);
  number(out, s.f1, digits);
  out.append(" ");
  right(out, std::to_string(support), 9);
  out.append("\n");
}

}  // namespace

std::string ClassificationReport::to_string(int digits) const {
  NABLA_CHECK(digits >= 0 && digits <= 15, "ClassificationReport",
              "digits must be in [0, 15], got ", digits);
  std::size_t width = std::string("weighted avg").size();
  for (const std::string& name : class_names) width = std::max(width, name.size());
  width = std::max(width, static_cast<std::size_t>(digits));

  std::string out;
  right(out, "", width);
  out.append(" ");
  for (const char* header : {"precision", "recall", "f1-score", "support"}) {
    out.append(" ");
    right(out, header, 9);
  }
  out.append("\n\n");
  for (std::size_t c = 0; c < classes.size(); ++c) {
    row(out, class_names[c], classes[c], support[c], width, digits);
  }
  out.append("\n");
  right(out, "accuracy", width);
  out.append(" ");
  out.append(20, ' ');  // the empty precision and recall columns
  number(out, accuracy, digits);
  out.append(" ");
  right(out, std::to_string(total), 9);
  out.append("\n");
  row(out, "macro avg", macro, total, width, digits);
  row(out, "weighted avg", weighted, total, width, digits);
  return out;
}

std::ostream& operator<<(std::ostream& out, const ClassificationReport& report) {
  return out << report.to_string();
}

ClassificationReport classification_report(const Tensor& predicted,
                                           const Tensor& actual,
                                           std::int64_t num_classes,
                                           const std::vector<std::string>& class_names) {
  constexpr const char* op = "classification_report";
  NABLA_CHECK(num_classes >= 1, op, "num_classes must be >= 1, got ", num_classes);
  NABLA_CHECK(class_names.empty() || static_cast<std::int64_t>(class_names.size()) == num_classes,
              op, class_names.size(), " class names for ", num_classes, " classes");
  const std::vector<std::int64_t> p = read_labels(predicted, num_classes, op, "predicted");
  const std::vector<std::int64_t> a = read_labels(actual, num_classes, op, "actual");
  NABLA_CHECK(p.size() == a.size(), op, "predicted ", predicted.shape(), " and actual ",
              actual.shape(), " hold different numbers of samples");

  ClassCounts counts(num_classes);
  counts.add(p, a);
  ClassificationReport report;
  for (std::int64_t c = 0; c < num_classes; ++c) {
    report.class_names.push_back(class_names.empty() ? std::to_string(c)
                                                     : class_names[static_cast<std::size_t>(c)]);
    report.classes.push_back(counts.scores(c));
    report.support.push_back(counts.actual(c));
  }
  report.macro = counts.average(Average::macro);
  report.micro = counts.average(Average::micro);
  report.weighted = counts.average(Average::weighted);
  report.total = counts.total();
  report.accuracy = report.micro.f1;
  return report;
}

}  // namespace nabla::metrics

#include "server/telemetry/exposition.h"

#include <iterator>
#include <limits>
#include <vector>

#include <fmt/format.h>

namespace netdisk::server::telemetry {
namespace {

void append_labels(std::string& out, std::span<const Label> labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& label : labels) {
    if (!first) out += ',';
    first = false;
    out += label.name;
    out += "=\"";
    append_label_escaped(out, label.value);
    out += '"';
  }
  out += '}';
}

// Go's strconv formatting, which Prometheus itself uses, writes +Inf, -Inf and NaN this way;
// other values in the shortest form that reads back the same.
void append_number(std::string& out, double value) {
  if (value != value) {
    out += "NaN";
  } else if (value == std::numeric_limits<double>::infinity()) {
    out += "+Inf";
  } else if (value == -std::numeric_limits<double>::infinity()) {
    out += "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

}  // namespace

void append_help_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_label_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_family(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_help_escaped(out, help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::span<const Label> labels,
                   double value) {
  out += name;
  append_labels(out, labels);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::span<const Label> labels,
                   std::uint64_t value) {
  out += name;
  append_labels(out, labels);
  fmt::format_to(std::back_inserter(out), " {}\n", value);
}

void append_histogram(std::string& out, std::string_view name, std::span<const Label> labels,
                      std::span<const double> bounds, std::span<const std::uint64_t> counts,
                      double sum) {
  const std::string bucket = fmt::format("{}_bucket", name);
  std::vector<Label> with_le(labels.begin(), labels.end());
  with_le.push_back({"le", {}});
  std::string bound_text;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    bound_text.clear();
    append_number(bound_text, i < bounds.size() ? bounds[i]
                                                : std::numeric_limits<double>::infinity());
    with_le.back().value = bound_text;
    append_sample(out, bucket, with_le, cumulative);
  }
  append_sample(out, fmt::format("{}_sum", name), labels, sum);
  append_sample(out, fmt::format("{}_count", name), labels, cumulative);
}

}  // namespace netdisk::server::telemetry

// The Prometheus text exposition format, version 0.0.4: # HELP and # TYPE lines, samples with
// escaped label values, histograms as cumulative _bucket{le=...} lines ending at +Inf, then
// _sum and _count. Hand-written: Debian 12 packages no Prometheus client library for C++.
// Pure functions appending to a string; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace netdisk::server::telemetry {

inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string_view name;
  std::string_view value;
};

// HELP text escapes backslash and line feed; a label value escapes those and the double quote.
void append_help_escaped(std::string& out, std::string_view text);
void append_label_escaped(std::string& out, std::string_view text);

// "# HELP name help" and "# TYPE name type" (type: counter, gauge or histogram).
void append_family(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help);
// One sample line: name{labels} value.
void append_sample(std::string& out, std::string_view name, std::span<const Label> labels,
                   double value);
void append_sample(std::string& out, std::string_view name, std::span<const Label> labels,
                   std::uint64_t value);

// A histogram's lines for one label set. `counts` holds one count per bucket, not yet
// cumulative: counts[i] observations fell at or under bounds[i] and over bounds[i-1]; the last
// (counts.size() == bounds.size() + 1) those over every bound. _count is their total.
void append_histogram(std::string& out, std::string_view name, std::span<const Label> labels,
                      std::span<const double> bounds, std::span<const std::uint64_t> counts,
                      double sum);

}  // namespace netdisk::server::telemetry

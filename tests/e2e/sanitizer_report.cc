#include "tests/e2e/sanitizer_report.h"

#include <array>

#include <gtest/gtest.h>

namespace netdisk::e2e {

bool has_sanitizer_report(std::string_view output) {
  // Every report ends with a SUMMARY line; UBSan's "file:line:col: runtime error:" comes first
  // and is enough on its own (print_summary may be off).
  constexpr std::array<std::string_view, 5> kMarkers = {
      "SUMMARY: AddressSanitizer", "SUMMARY: LeakSanitizer", "SUMMARY: ThreadSanitizer",
      "SUMMARY: UndefinedBehaviorSanitizer", ": runtime error: "};
  for (std::string_view marker : kMarkers) {
    if (output.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

void expect_no_sanitizer_report(std::string_view who, std::string_view output) {
  if (has_sanitizer_report(output)) {
    ADD_FAILURE() << who << " printed a sanitizer report:\n" << output;
  }
}

}  // namespace netdisk::e2e

// Sanitizer reports from the processes a test starts (netdiskd, netdisk): in a sanitizer build
// (scripts/test-sanitizers.sh) a report in a child's output must fail the test that started
// it, even when the child's exit went unnoticed. Called on the test's own thread.
#pragma once

#include <string_view>

namespace netdisk::e2e {

// True when `output` holds an ASan, LSan, UBSan or TSan report.
bool has_sanitizer_report(std::string_view output);

// Adds a GoogleTest failure naming `who` and showing `output` when it holds a report.
void expect_no_sanitizer_report(std::string_view who, std::string_view output);

}  // namespace netdisk::e2e

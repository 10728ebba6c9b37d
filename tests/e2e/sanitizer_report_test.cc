// The harness's recognition of sanitizer reports (tests/e2e/sanitizer_report.h): a report from
// a child process must be seen, and ordinary server and client output must not be taken for one.
#include "tests/e2e/sanitizer_report.h"

#include <gtest/gtest.h>

namespace netdisk::e2e {
namespace {

TEST(SanitizerReport, EachSanitizersSummaryLineCountsAsAReport) {
  EXPECT_TRUE(has_sanitizer_report(
      "==42==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602\n"
      "SUMMARY: AddressSanitizer: heap-buffer-overflow basic_ops.cc:40 in ping\n"));
  EXPECT_TRUE(
      has_sanitizer_report("SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s)."));
  EXPECT_TRUE(has_sanitizer_report("SUMMARY: ThreadSanitizer: data race chat_room.cc:88 in join"));
  EXPECT_TRUE(
      has_sanitizer_report("SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior x.cc:3:5"));
  EXPECT_TRUE(has_sanitizer_report("SUMMARY: LeakSanitizer: 8 byte(s) leaked"));
}

TEST(SanitizerReport, AUbsanRuntimeErrorWithoutASummaryCountsAsAReport) {
  EXPECT_TRUE(has_sanitizer_report(
      "frame.cc:31:12: runtime error: shift exponent 64 is too large for 64-bit type"));
}

TEST(SanitizerReport, OrdinaryServerAndClientOutputIsNoReport) {
  EXPECT_FALSE(has_sanitizer_report(""));
  EXPECT_FALSE(has_sanitizer_report(
      "2026-11-23T07:00:00.000 info netdiskd listening on 127.0.0.1:7070\n"
      "2026-11-23T07:00:01.000 warning closing 2 connections still busy after the grace period\n"
      "netdisk: error: internal_error: runtime error in handler\n"));
}

}  // namespace
}  // namespace netdisk::e2e

// The telemetry's pure parts (issue #21): the Prometheus text format (escaping, histograms),
// the op log line's logfmt, and the metrics registry's counting and labels. No sockets.
#include <gtest/gtest.h>

#include <string>

#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/telemetry/exposition.h"
#include "server/telemetry/histogram.h"
#include "server/telemetry/metrics.h"
#include "server/telemetry/op_line.h"

namespace netdisk::server::telemetry {
namespace {

using namespace std::chrono_literals;

std::size_t op_row(std::string_view name) {
  auto table = ops::all_ops();
  return static_cast<std::size_t>(ops::find_op(name) - table.data());
}

TEST(Exposition, HelpEscapesBackslashAndNewlineOnly) {
  std::string out;
  append_family(out, "netdisk_x_total", "counter", "a \\ b\nc \"quoted\"");
  EXPECT_EQ(out,
            "# HELP netdisk_x_total a \\\\ b\\nc \"quoted\"\n"
            "# TYPE netdisk_x_total counter\n");
}

TEST(Exposition, LabelValuesEscapeQuoteBackslashAndNewline) {
  std::string out;
  const Label labels[] = {{"a", "say \"hi\""}, {"b", "c:\\dir\nnext"}};
  append_sample(out, "netdisk_y", labels, std::uint64_t{7});
  EXPECT_EQ(out, "netdisk_y{a=\"say \\\"hi\\\"\",b=\"c:\\\\dir\\nnext\"} 7\n");
}

TEST(Exposition, SampleWithoutLabelsAndSpecialValues) {
  std::string out;
  append_sample(out, "g", {}, 0.25);
  append_sample(out, "h", {}, std::numeric_limits<double>::infinity());
  append_sample(out, "i", {}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(out, "g 0.25\nh +Inf\ni NaN\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeAndEndAtInf) {
  const std::array<double, 3> bounds = {0.1, 1, 10};
  const std::array<std::uint64_t, 4> counts = {2, 0, 3, 1};  // one over every bound
  std::string out;
  const Label labels[] = {{"op", "list"}};
  append_histogram(out, "d_seconds", labels, bounds, counts, 12.5);
  EXPECT_EQ(out,
            "d_seconds_bucket{op=\"list\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{op=\"list\",le=\"1\"} 2\n"
            "d_seconds_bucket{op=\"list\",le=\"10\"} 5\n"
            "d_seconds_bucket{op=\"list\",le=\"+Inf\"} 6\n"
            "d_seconds_sum{op=\"list\"} 12.5\n"
            "d_seconds_count{op=\"list\"} 6\n");
}

TEST(Histogram, AnObservationOnABoundCountsInThatBucket) {
  LatencyHistogram histogram(kLatencyBounds);
  histogram.observe(1ms);      // exactly le="0.001"
  histogram.observe(1001us);   // just over: le="0.0025"
  histogram.observe(61s);      // over every bound: +Inf only
  auto snap = histogram.snapshot();
  EXPECT_EQ(snap.counts[3], 1u);  // kLatencyBounds[3] == 0.001
  EXPECT_EQ(snap.counts[4], 1u);
  EXPECT_EQ(snap.counts[kLatencyBounds.size()], 1u);
  EXPECT_EQ(snap.total(), 3u);
  EXPECT_NEAR(snap.sum_seconds, 0.001 + 0.001001 + 61, 1e-9);
}

TEST(OpLine, HasEveryFieldAndQuotesThePath) {
  OpLine line{"download", "tcp", "alice", "127.0.0.1", "notes/a b.txt", 0, 5000, 1234567ns, "ok"};
  EXPECT_EQ(format_op_line(line),
            "op=download transport=tcp user=alice addr=127.0.0.1 path=\"notes/a b.txt\" "
            "bytes_in=0 bytes_out=5000 ms=1.235 result=ok");
}

TEST(OpLine, NobodyLoggedInIsADashAndNoPathIsEmptyQuotes) {
  OpLine line{"login", "http", "", "::1", "", 0, 0, 0ns, "auth_failed"};
  EXPECT_EQ(format_op_line(line),
            "op=login transport=http user=- addr=::1 path=\"\" bytes_in=0 bytes_out=0 ms=0.000 "
            "result=auth_failed");
}

TEST(OpLine, QuotedValuesEscapeQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_logfmt_quoted(out, "a\"b\\c\nd\te\x01" "f\x7fg\xc3\xa9");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\x01f\\x7fg\xc3\xa9\"");
  // A value that would break the line apart is quoted even where bare values are allowed.
  out.clear();
  append_logfmt_value(out, "x=1 y");
  EXPECT_EQ(out, "\"x=1 y\"");
  out.clear();
  append_logfmt_value(out, "plain");
  EXPECT_EQ(out, "plain");
}

TEST(Metrics, CountsOpsByResultBytesByTransportAndLoginsAndChatFromResults) {
  Metrics metrics;
  OpOutcome upload;
  upload.op_index = op_row("upload.data");
  upload.transport = ops::Transport::http;
  upload.elapsed = 3ms;
  upload.bytes_in = 4096;
  upload.transfer = Direction::in;
  metrics.op_done(upload);
  OpOutcome login;
  login.op_index = op_row("login");
  login.transport = ops::Transport::tcp;
  login.error = Errc::auth_failed;
  metrics.op_done(login);
  login.error = Errc::rate_limited;
  metrics.op_done(login);
  OpOutcome chat;
  chat.op_index = op_row("chat.send");
  chat.transport = ops::Transport::websocket;
  metrics.op_done(chat);
  metrics.connection_opened(Link::https);

  std::string out;
  metrics.append_to(out);
  auto has = [&out](const std::string& line) { return out.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("netdisk_operations_total{op=\"upload.data\",result=\"ok\"} 1")) << out;
  EXPECT_TRUE(has("netdisk_operations_total{op=\"login\",result=\"auth_failed\"} 1"));
  EXPECT_TRUE(has("netdisk_received_bytes_total{transport=\"http\"} 4096"));
  EXPECT_TRUE(has("netdisk_login_failures_total{reason=\"wrong_password\"} 1"));
  EXPECT_TRUE(has("netdisk_logins_throttled_total 1"));
  EXPECT_TRUE(has("netdisk_chat_messages_total 1"));
  EXPECT_TRUE(has("netdisk_connections_open{transport=\"https\"} 1"));
  EXPECT_TRUE(has("netdisk_transfer_duration_seconds_count{direction=\"in\"} 1"));
  EXPECT_TRUE(has("netdisk_operation_duration_seconds_bucket{op=\"upload.data\",le=\"0.005\"} 1"));
  // Pairs that never happened are left out rather than listed as zeros.
  EXPECT_EQ(out.find("result=\"not_found\""), std::string::npos);
}

TEST(Metrics, AnUnknownOpIsCountedUnderOneFixedName) {
  Metrics metrics;
  OpOutcome unknown;
  unknown.op_index = ops::all_ops().size();
  unknown.error = Errc::unknown_op;
  metrics.op_done(unknown);
  std::string out;
  metrics.append_to(out);
  EXPECT_NE(out.find("netdisk_operations_total{op=\"unknown\",result=\"unknown_op\"} 1\n"),
            std::string::npos);
}

TEST(Metrics, SwitchedOffCountsNothing) {
  Metrics metrics(false);
  OpOutcome done;
  done.op_index = op_row("list");
  metrics.op_done(done);
  metrics.connection_opened(Link::tcp);
  std::string out;
  metrics.append_to(out);
  EXPECT_EQ(out.find("netdisk_operations_total{"), std::string::npos);
  EXPECT_NE(out.find("netdisk_connections_accepted_total{transport=\"tcp\"} 0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace netdisk::server::telemetry

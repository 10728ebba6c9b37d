// Unit tests of the HTTP side's pure rules, no socket: Range planning and If-Range (RFC 9110
// section 14 and 13.1.5), target splitting and strict percent-decoding, the session cookie,
// the cross-site request rule, HTTP dates, and the Errc -> status mapping that every error response goes through.
#include <gtest/gtest.h>

#include <time.h>

#include <random>
#include <string>
#include <vector>

#include "server/http/cookies.h"
#include "server/http/csrf.h"
#include "server/http/range.h"
#include "server/http/responses.h"
#include "server/http/url.h"

namespace netdisk::server::http {
namespace {

using Kind = RangePlan::Kind;

TEST(RangePlan, AClosedRangeIsOnePart) {
  auto plan = plan_range("bytes=0-99", 1000);
  ASSERT_EQ(plan.kind, Kind::partial);
  ASSERT_EQ(plan.ranges.size(), 1u);
  EXPECT_EQ(plan.ranges[0], (ByteRange{0, 99}));
  EXPECT_EQ(plan.ranges[0].length(), 100u);
}

TEST(RangePlan, AnOpenRangeRunsToTheEndAndALastPastTheEndIsClamped) {
  EXPECT_EQ(plan_range("bytes=900-", 1000).ranges.at(0), (ByteRange{900, 999}));
  EXPECT_EQ(plan_range("bytes=900-5000", 1000).ranges.at(0), (ByteRange{900, 999}));
}

TEST(RangePlan, ASuffixRangeIsTheLastNBytesAndALongerSuffixIsTheWholeFile) {
  EXPECT_EQ(plan_range("bytes=-100", 1000).ranges.at(0), (ByteRange{900, 999}));
  EXPECT_EQ(plan_range("bytes=-5000", 1000).ranges.at(0), (ByteRange{0, 999}));
}

TEST(RangePlan, OverlappingAndAdjacentRangesAreSortedAndMerged) {
  auto plan = plan_range("bytes=500-599, 0-9,10-19 ,550-700", 1000);
  ASSERT_EQ(plan.kind, Kind::partial);
  ASSERT_EQ(plan.ranges.size(), 2u);
  EXPECT_EQ(plan.ranges[0], (ByteRange{0, 19}));
  EXPECT_EQ(plan.ranges[1], (ByteRange{500, 700}));
}

TEST(RangePlan, MalformedHeadersAreIgnoredAndServeTheWholeFile) {
  for (const char* header : {"", "bytes", "bytes=", "items=0-1", "bytes=a-b", "bytes=5-1",
                             "bytes=1", "bytes=--1", "bytes=0-1-2", "bytes=18446744073709551616-"}) {
    EXPECT_EQ(plan_range(header, 1000).kind, Kind::full) << header;
  }
}

TEST(RangePlan, TheUnitNameIsCaseInsensitiveAndEmptyListElementsAreSkipped) {
  EXPECT_EQ(plan_range("Bytes=0-0", 10).kind, Kind::partial);
  EXPECT_EQ(plan_range("bytes=,0-0,", 10).ranges.at(0), (ByteRange{0, 0}));
}

TEST(RangePlan, RangesThatStartPastTheEndAreUnsatisfiable) {
  EXPECT_EQ(plan_range("bytes=1000-", 1000).kind, Kind::unsatisfiable);
  EXPECT_EQ(plan_range("bytes=-0", 1000).kind, Kind::unsatisfiable);
  EXPECT_EQ(plan_range("bytes=0-", 0).kind, Kind::unsatisfiable);
  EXPECT_EQ(plan_range("bytes=-10", 0).kind, Kind::unsatisfiable);
}

TEST(RangePlan, OneSatisfiableRangeAmongUnsatisfiableOnesIsServed) {
  auto plan = plan_range("bytes=2000-3000,5-9", 1000);
  ASSERT_EQ(plan.kind, Kind::partial);
  EXPECT_EQ(plan.ranges.at(0), (ByteRange{5, 9}));
}

TEST(RangePlan, MoreThanTheMaximumNumberOfRangesIsServedWhole) {
  std::string header = "bytes=";
  for (std::size_t i = 0; i <= kMaxRanges; ++i) header += std::to_string(i * 10) + "-" + std::to_string(i * 10) + ",";
  EXPECT_EQ(plan_range(header, 100000).kind, Kind::full);
}

TEST(IfRange, AStrongEtagOrTheExactLastModifiedDateLetsTheRangeApply) {
  const std::string etag = "\"abc\"";
  EXPECT_TRUE(if_range_matches("\"abc\"", etag, 784111777));
  EXPECT_FALSE(if_range_matches("\"abd\"", etag, 784111777));
  EXPECT_FALSE(if_range_matches("W/\"abc\"", etag, 784111777));
  EXPECT_TRUE(if_range_matches("Sun, 06 Nov 1994 08:49:37 GMT", etag, 784111777));
  EXPECT_FALSE(if_range_matches("Sun, 06 Nov 1994 08:49:38 GMT", etag, 784111777));
  EXPECT_FALSE(if_range_matches("yesterday", etag, 784111777));
}

TEST(HttpDate, FormatsImfFixdateAndParsesItBack) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date(http_date(1767225600)), 1767225600);
  // Only IMF-fixdate: the obsolete forms and trailing junk do not parse.
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT x"));
  EXPECT_FALSE(parse_http_date(""));
}

TEST(HttpDate, IsWhatStrftimeWritesForAnyTimeAndAppends) {
  std::vector<std::int64_t> times = {0,
                                     -1,
                                     951782400 /* 2000-02-29 */,
                                     4107542399 /* 2100 */,
                                     -11644473600 /* 1601 */,
                                     253402300799 /* 9999-12-31 */,
                                     253402300800 /* year 10000 */,
                                     -62135596800 /* year 1 */};
  std::mt19937_64 random(18);
  for (int i = 0; i < 20000; ++i) {
    times.push_back(static_cast<std::int64_t>(random() % 40'000'000'000) - 20'000'000'000);
  }
  for (auto seconds : times) {
    time_t t = static_cast<time_t>(seconds);
    tm utc{};
    gmtime_r(&t, &utc);
    char text[64];
    auto n = strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    ASSERT_EQ(http_date(seconds), std::string(text, n)) << seconds;
  }
  std::string out = "x";
  append_http_date(out, 784111777);
  EXPECT_EQ(out, "xSun, 06 Nov 1994 08:49:37 GMT");
}

TEST(Url, SplitTargetSeparatesThePathFromTheQuery) {
  auto target = split_target("/files/a%20b?download=1&x=2");
  EXPECT_EQ(target.path, "/files/a%20b");
  EXPECT_EQ(target.query, "download=1&x=2");
  EXPECT_EQ(split_target("/api/me").query, "");
  EXPECT_EQ(split_target("/?").path, "/");
}

TEST(Url, PercentDecodingDecodesEscapesAndUtf8) {
  EXPECT_EQ(*percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(*percent_decode("%E6%8A%A5%E5%91%8A.pdf"), "报告.pdf");
  EXPECT_EQ(*percent_decode("%e6%8a%a5"), "报");
  EXPECT_EQ(*percent_decode("a+b"), "a+b");
  EXPECT_EQ(*percent_decode("a+b", true), "a b");
}

TEST(Url, PercentDecodingRefusesMalformedEscapesNulAndInvalidUtf8) {
  for (const char* bad : {"%", "%4", "a%4", "%zz", "%4g", "%00", "%C0%AF", "%ED%A0%80", "%FF",
                          "%E6%8A"}) {
    auto decoded = percent_decode(bad);
    ASSERT_FALSE(decoded) << bad;
    EXPECT_EQ(decoded.error().code, Errc::invalid_path) << bad;
  }
  EXPECT_FALSE(percent_decode(std::string("a\0b", 3)));
}

TEST(Url, QueryParamFindsDecodesAndReportsMalformedValues) {
  EXPECT_EQ(query_param("a=1&name=x%20y+z", "name")->value(), "x y z");
  EXPECT_EQ(query_param("download", "download")->value(), "");
  EXPECT_FALSE(query_param("a=1", "b")->has_value());
  EXPECT_FALSE(query_param("", "b")->has_value());
  auto bad = query_param("name=%zz", "name");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_request);
}

TEST(Url, EncodersKeepOnlyTheirSafeCharacters) {
  EXPECT_EQ(percent_encode_path("docs/a b/报.txt"), "docs/a%20b/%E6%8A%A5.txt");
  EXPECT_EQ(percent_encode_path("a?#%"), "a%3F%23%25");
  EXPECT_EQ(percent_encode_rfc5987("a b/报.txt"), "a%20b%2F%E6%8A%A5.txt");
  EXPECT_EQ(percent_encode_rfc5987("x!#$&+-.^_`|~"), "x!#$&+-.^_`|~");
}

TEST(Cookies, FindCookieReadsOneNameAmongManyAndUnquotesIt) {
  EXPECT_EQ(find_cookie("a=1; netdisk_session=abc; b=2", kSessionCookie), "abc");
  EXPECT_EQ(find_cookie("netdisk_session=\"abc\"", kSessionCookie), "abc");
  EXPECT_EQ(find_cookie(" netdisk_session = abc ", kSessionCookie), "abc");
  EXPECT_FALSE(find_cookie("netdisk_sessionx=abc; xnetdisk_session=abc", kSessionCookie));
  EXPECT_FALSE(find_cookie("netdisk_session", kSessionCookie));
  EXPECT_FALSE(find_cookie("", kSessionCookie));
}

TEST(Cookies, TheSessionCookieIsHttpOnlyStrictAndSecureOnlyOverTls) {
  auto plain = session_cookie("tok", std::chrono::seconds(3600), false);
  EXPECT_EQ(plain, "netdisk_session=tok; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  EXPECT_TRUE(session_cookie("tok", std::chrono::seconds(1), true).ends_with("; Secure"));
  EXPECT_EQ(cleared_session_cookie(false),
            "netdisk_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

RequestOrigin page_post() {
  return RequestOrigin{bhttp::verb::post, "http://127.0.0.1:7080", "http://127.0.0.1:7080/",
                       "1", "http://127.0.0.1:7080", false};
}

Errc refusal(const RequestOrigin& request) {
  auto status = check_csrf(request);
  return status ? Errc::internal_error : status.error().code;
}

TEST(Csrf, SafeMethodsPassWhateverTheirOrigin) {
  for (auto method : {bhttp::verb::get, bhttp::verb::head, bhttp::verb::options}) {
    RequestOrigin request{method, "https://evil.example", "https://evil.example/", "", "http://h", false};
    EXPECT_TRUE(check_csrf(request));
  }
}

TEST(Csrf, ThePagesOwnRequestWithTheHeaderPasses) {
  EXPECT_TRUE(check_csrf(page_post()));
  auto no_origin = page_post();
  no_origin.origin = {};
  no_origin.referer = {};
  EXPECT_TRUE(check_csrf(no_origin));
  auto deep_referer = page_post();
  deep_referer.referer = "http://127.0.0.1:7080/files/a?b=1";
  EXPECT_TRUE(check_csrf(deep_referer));
}

TEST(Csrf, AForeignOriginOrRefererIsRefusedEvenWithBasicCredentials) {
  auto foreign = page_post();
  foreign.origin = "http://127.0.0.1:7081";
  foreign.basic = true;
  EXPECT_EQ(refusal(foreign), Errc::permission_denied);
  auto prefix = page_post();
  prefix.referer = "http://127.0.0.1:70801/";  // shares a prefix, not the origin
  EXPECT_EQ(refusal(prefix), Errc::permission_denied);
  auto scheme = page_post();
  scheme.origin = "https://127.0.0.1:7080";
  EXPECT_EQ(refusal(scheme), Errc::permission_denied);
}

TEST(Csrf, ACookieRequestWithoutTheHeaderIsRefusedAndBasicNeedsNone) {
  for (auto method : {bhttp::verb::post, bhttp::verb::put, bhttp::verb::delete_}) {
    auto request = page_post();
    request.method = method;
    request.csrf_header = {};
    EXPECT_EQ(refusal(request), Errc::permission_denied);
    request.csrf_header = "true";
    EXPECT_EQ(refusal(request), Errc::permission_denied);
    request.csrf_header = {};
    request.basic = true;
    EXPECT_TRUE(check_csrf(request));
  }
}

TEST(StatusMapping, EveryErrorCodeHasTheStatusDocsHttpMdPromises) {
  using S = bhttp::status;
  const std::pair<Errc, S> expected[] = {
      {Errc::bad_json, S::bad_request},
      {Errc::invalid_path, S::bad_request},
      {Errc::not_logged_in, S::unauthorized},
      {Errc::auth_failed, S::unauthorized},
      {Errc::permission_denied, S::forbidden},
      {Errc::not_found, S::not_found},
      {Errc::account_disabled, S::forbidden},
      {Errc::workbook_invalid, S::service_unavailable},
      {Errc::already_exists, S::conflict},
      {Errc::not_empty, S::conflict},
      {Errc::version_mismatch, S::conflict},
      {Errc::offset_out_of_range, S::range_not_satisfiable},
      {Errc::message_too_large, S::payload_too_large},
      {Errc::timeout, S::request_timeout},
      {Errc::rate_limited, S::too_many_requests},
      {Errc::server_busy, S::service_unavailable},
      {Errc::disk_full, S::insufficient_storage},
      {Errc::internal_error, S::internal_server_error},
  };
  for (auto [code, status] : expected) {
    EXPECT_EQ(status_for(code), status) << errc_name(code);
  }
}

TEST(StatusMapping, NoErrorCodeMapsToASuccessStatus) {
  for (int i = 0; i <= static_cast<int>(Errc::internal_error); ++i) {
    auto code = static_cast<Errc>(i);
    EXPECT_GE(static_cast<int>(status_for(code)), 400) << errc_name(code);
  }
}

TEST(StatusMapping, AnErrorResponseIsTheDocumentedJsonShape) {
  auto response = error_response(make_error(Errc::not_found, "no such file: a.txt"));
  EXPECT_EQ(response.result(), bhttp::status::not_found);
  EXPECT_EQ(response[bhttp::field::content_type], "application/json; charset=utf-8");
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], "no such file: a.txt");
}

}  // namespace
}  // namespace netdisk::server::http

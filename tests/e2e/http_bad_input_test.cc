// End-to-end tests of hostile input on netdiskd's HTTP side, over raw sockets so that every
// byte is exactly what an attacker would send (no client normalising paths or headers): paths
// in /files/ URLs and API bodies, malformed JSON, oversize headers and bodies, declared
// lengths that lie or overflow, bad Range headers, cookies of other users or none, and
// state-changing requests without the CSRF header. The rows are listed in docs/SECURITY.md.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kAliceBasic = "Authorization: Basic YWxpY2U6cGFzc3dvcmQx\r\n";  // alice:password1
constexpr const char* kCsrf = "X-NetDisk-CSRF: 1\r\n";

struct Response {
  int status = 0;    // of the first response; 0 when the server sent nothing
  int responses = 0;  // how many status lines came back
  std::string head;
  std::string body;
  std::string header(const std::string& name) const { return header_value(head, name); }
};

enum class End { read_to_close, fin, reset };

// Sends `bytes` on a fresh connection to `port`, optionally ends the sending side with a FIN
// or a reset, and reads everything the server sends until it closes (at most 10 s).
Response exchange(std::uint16_t port, std::string_view bytes, End end = End::read_to_close) {
  int fd = connect_loopback(port);
  if (fd < 0) throw std::runtime_error("cannot connect to the HTTP port");
  for (std::size_t sent = 0; sent < bytes.size();) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (431, 413): read what it said
    sent += static_cast<std::size_t>(n);
  }
  if (end == End::reset) {
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
    return {};
  }
  if (end == End::fin) ::shutdown(fd, SHUT_WR);
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 200) <= 0) continue;
    char buffer[65536];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  Response out;
  std::regex status_line("HTTP/1\\.1 (\\d{3}) ");
  for (std::sregex_iterator it(received.begin(), received.end(), status_line), last; it != last;
       ++it) {
    if (out.responses++ == 0) out.status = std::stoi((*it)[1].str());
  }
  auto split = received.find("\r\n\r\n");
  out.head = received.substr(0, split);
  if (split != std::string::npos) out.body = received.substr(split + 4);
  return out;
}

class HttpBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::WithHttp{},
        std::vector<std::string>{"--password-hash-memory", "1", "--password-hash-ops", "1"});
    create_user(*server_, "alice");
    create_user(*server_, "bob");
    auto alice = logged_in(*server_, "alice");
    ASSERT_TRUE(upload(alice, "mine.txt", "alice's").ok);
    auto bob = logged_in(*server_, "bob");
    ASSERT_TRUE(upload(bob, "bobs.txt", "bob's secret").ok);
    fs::create_directory_symlink(home("bob"), home("alice") / "to_bob");
  }

  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }
  std::string host() const {
    return "Host: 127.0.0.1:" + std::to_string(server_->http_port()) + "\r\n";
  }
  // One request with `headers` (each ending in \r\n) and a body with its Content-Length.
  Response request(const std::string& method, const std::string& target,
                   const std::string& headers, const std::string& body = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\n" + host() + headers +
                       "Connection: close\r\n";
    if (!body.empty() || method == "PUT" || method == "POST") {
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return exchange(server_->http_port(), text + "\r\n" + body);
  }
  // The session cookie of a fresh /api/login.
  std::string cookie_of(const std::string& user) {
    auto login = request("POST", "/api/login",
                         std::string(kCsrf) + "Content-Type: application/json\r\n",
                         json{{"username", user}, {"password", kTestPassword}}.dump());
    EXPECT_EQ(login.status, 200) << login.body;
    std::smatch match;
    std::string set_cookie = login.header("Set-Cookie");
    EXPECT_TRUE(std::regex_search(set_cookie, match, std::regex("netdisk_session=([^;]+)")));
    return "Cookie: netdisk_session=" + match[1].str() + "\r\n";
  }
  void expect_untouched() {
    EXPECT_EQ(read_file(home("bob") / "bobs.txt"), "bob's secret");
    EXPECT_EQ(names_in(home("bob")), std::vector<std::string>{"bobs.txt"});
    EXPECT_EQ(read_file(home("alice") / "mine.txt"), "alice's");
    EXPECT_EQ(names_in(home("alice")), (std::vector<std::string>{"mine.txt", "to_bob"}));
    EXPECT_EQ(names_in(server_->data_dir() / "home"), (std::vector<std::string>{"alice", "bob"}));
    auto me = request("GET", "/api/me", kAliceBasic);
    EXPECT_EQ(me.status, 200) << "the server stopped serving: " << me.body;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(HttpBadInput, HostileFilePathsAreRefusedAndNeverReachAnotherUsersFiles) {
  const std::vector<std::string> targets = {
      "/files/../bob/bobs.txt",        "/files/%2e%2e/bob/bobs.txt",
      "/files/%2E%2E%2Fbob%2Fbobs.txt", "/files/..%5cbob%5cbobs.txt",
      "/files/a%5cb",                  "/files/%c0%ae%c0%ae/bob/bobs.txt",
      "/files/..%c0%afbob",            "/files/%01",
      "/files/x%0ay",                  "/files/mine.txt.",
      "/files/mine.txt%20",            "/files/mine.txt%00.jpg",
      "/files/to_bob/bobs.txt",        "/files/to_bob",
      "/files/.netdisk-part.x",        "/files/%2e",
      "/files//bob/bobs.txt",          "/files/%2fbob%2fbobs.txt",
      "/files/%",                      "/files/%zz",
      "/files/%ff",                    "/files/%ef%bc%8e%ef%bc%8e/bob/bobs.txt"};
  for (const auto& target : targets) {
    for (std::string method : {"GET", "HEAD", "PUT", "DELETE"}) {
      SCOPED_TRACE(method + " " + target);
      auto got = request(method, target, kAliceBasic, method == "PUT" ? "planted" : "");
      EXPECT_TRUE(got.status == 400 || got.status == 404 || got.status == 409) << got.status;
      EXPECT_EQ(got.body.find("bob's secret"), std::string::npos);
      if (got.status == 400 && method != "HEAD") {
        EXPECT_EQ(json::parse(got.body)["error"]["code"], "invalid_path") << got.body;
      }
    }
  }
  expect_untouched();
}

TEST_F(HttpBadInput, ApiCallsWithHostilePathsStayInsideTheFolder) {
  for (std::string query : {"..", "..%2fbob", "%2e%2e", "to_bob", "%2fetc", "%00", "a%5cb",
                            "%c0%ae%c0%ae"}) {
    auto got = request("GET", "/api/list?path=" + query, kAliceBasic);
    EXPECT_EQ(got.status, 400) << query << ": " << got.body;
    EXPECT_EQ(got.body.find("bobs.txt"), std::string::npos) << query;
  }
  std::string headers = std::string(kAliceBasic) + "Content-Type: application/json\r\n";
  for (std::string path : {"../bob/x", "to_bob/x", "/tmp/x", "a\\b", "x/../../bob", "."}) {
    auto got = request("POST", "/api/mkdir", headers, json{{"path", path}}.dump());
    EXPECT_EQ(got.status, 400) << path << ": " << got.body;
  }
  const std::vector<std::pair<std::string, std::string>> renames = {
      {"../bob/bobs.txt", "stolen.txt"}, {"to_bob/bobs.txt", "stolen.txt"},
      {"mine.txt", "../bob/planted.txt"}, {"mine.txt", "to_bob/planted.txt"},
      {"to_bob", "mine2"},                {"/etc/passwd", "passwd"}};
  for (const auto& [from, to] : renames) {
    auto got = request("POST", "/api/rename", headers, json{{"from", from}, {"to", to}}.dump());
    EXPECT_EQ(got.status, 400) << from << " -> " << to << ": " << got.body;
  }
  expect_untouched();
}

TEST_F(HttpBadInput, JsonBodiesWithWrongTypesDuplicateKeysDeepNestingOrOver64KiBAreRefused) {
  std::string headers = std::string(kCsrf) + "Content-Type: application/json\r\n";
  struct Case {
    std::string route;
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"/api/login", R"({"username":1,"password":"password1"})", 400, "bad_request"},
      {"/api/login", R"({"username":"alice","password":["password1"]})", 400, "bad_request"},
      {"/api/login", R"({"username":"bob","password":"password1","username":"alice"})", 400,
       "bad_json"},
      {"/api/login", "{\"username\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
       400, "bad_json"},
      {"/api/login", "username=alice&password=password1", 400, "bad_json"},
      {"/api/login", "[\"alice\",\"password1\"]", 400, "bad_json"},
      {"/api/login", "{\"username\":\"alice\",\"password\":\"password1\"}\xff", 400, "bad_json"},
      {"/api/login", json{{"username", "alice"}, {"password", std::string(1 << 20, 'p')}}.dump(),
       413, "message_too_large"},
      {"/api/register", std::string(70000, ' ') + "{}", 413, "message_too_large"},
      {"/api/register", json{{"username", "=1+1"}, {"password", "password1"}}.dump(), 400,
       "invalid_username"},
      {"/api/register", json{{"username", "a\x01z"}, {"password", "password1"}}.dump(), 400,
       "invalid_username"},
      {"/api/register", json{{"username", "carol"}, {"password", std::string(1025, 'p')}}.dump(),
       400, "invalid_password"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.route + " " + c.body.substr(0, 60));
    auto got = request("POST", c.route, headers, c.body);
    EXPECT_EQ(got.status, c.status) << got.body;
    if (got.status == c.status) {
      EXPECT_EQ(json::parse(got.body)["error"]["code"], c.code);
    }
    EXPECT_TRUE(got.header("Set-Cookie").empty()) << "a refused login handed out a session";
  }
  auto mkdir = request("POST", "/api/mkdir",
                       std::string(kAliceBasic) + "Content-Type: application/json\r\n",
                       R"({"path":"d","parents":"yes"})");
  EXPECT_EQ(mkdir.status, 400);
  expect_untouched();
}

TEST_F(HttpBadInput, OversizeHeadersAndAOneMegabyteBasicPasswordAre431) {
  std::string huge_password = "alice:" + std::string(1 << 20, 'p');
  // Base64 of it is not needed: the header is refused for its size before it is decoded.
  auto basic = request("GET", "/api/me", "Authorization: Basic " + huge_password + "\r\n");
  EXPECT_EQ(basic.status, 431);
  std::string many;
  for (int i = 0; i < 300; ++i) many += "X-Filler-" + std::to_string(i) + ": " + std::string(80, 'f') + "\r\n";
  EXPECT_EQ(request("GET", "/api/me", many).status, 431);
  auto long_target = request("GET", "/files/" + std::string(20000, 'a'), kAliceBasic);
  EXPECT_EQ(long_target.status, 431);
  expect_untouched();
}

TEST_F(HttpBadInput, UploadLengthsThatOverflowOrExceedTheDiskAreRefusedBeforeAnyByteIsStored) {
  struct Case {
    std::string length;
    int status;
  };
  for (const auto& [length, status] : std::vector<Case>{{"18446744073709551615", 400},
                                                         {"99999999999999999999999", 400},
                                                         {"-1", 400},
                                                         {"9223372036854775807", 507}}) {
    std::string text = "PUT /files/big.bin HTTP/1.1\r\n" + host() + kAliceBasic +
                       "Content-Length: " + length + "\r\nConnection: close\r\n\r\nxyz";
    auto got = exchange(server_->http_port(), text);
    EXPECT_EQ(got.status, status) << length << ": " << got.body;
  }
  // A chunked body's announced size (macOS Finder's X-Expected-Entity-Length) is held to the
  // same checks; a transfer coding other than chunked is not decoded at all.
  struct Framing {
    std::string headers;
    int status;
  };
  for (const auto& [headers, status] : std::vector<Framing>{
           {"Transfer-Encoding: chunked\r\nX-Expected-Entity-Length: 18446744073709551615", 400},
           {"Transfer-Encoding: chunked\r\nX-Expected-Entity-Length: 3x", 400},
           {"Transfer-Encoding: chunked\r\nX-Expected-Entity-Length: 9223372036854775807", 507},
           {"Transfer-Encoding: gzip, chunked", 501},
           {"Transfer-Encoding: gzip", 501}}) {
    std::string text = "PUT /files/big.bin HTTP/1.1\r\n" + host() + kAliceBasic + headers +
                       "\r\nConnection: close\r\n\r\n3\r\nxyz\r\n0\r\n\r\n";
    auto got = exchange(server_->http_port(), text);
    EXPECT_EQ(got.status, status) << headers << ": " << got.body;
  }
  std::string no_length =
      "PUT /files/big.bin HTTP/1.1\r\n" + host() + kAliceBasic + "Connection: close\r\n\r\n";
  EXPECT_EQ(exchange(server_->http_port(), no_length).status, 411);
  expect_untouched();
}

TEST_F(HttpBadInput, APutBodyShorterThanDeclaredKeepsTheOldFileAndLeavesNoPartial) {
  // The server notices the cut on its own time (after a reset the client does not even wait
  // for the request to begin): wait until it has logged the failed upload, which it does just
  // before removing the partial, then until the partial is gone.
  auto failures_logged = [this] {
    std::string log = server_->log();
    std::string line = "http: upload of mine.txt by alice failed";
    int count = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++count;
    return count;
  };
  int cuts = 0;
  for (End end : {End::fin, End::reset}) {
    std::string text = "PUT /files/mine.txt HTTP/1.1\r\n" + host() + kAliceBasic +
                       "Content-Length: 100000\r\n\r\n" + std::string(1000, 'n');
    auto got = exchange(server_->http_port(), text, end);
    if (end == End::fin) {
      EXPECT_NE(got.status, 200);
    }
    ++cuts;
    EXPECT_TRUE(wait_until([&] { return failures_logged() >= cuts; }))
        << "the server never reported the cut upload";
    EXPECT_TRUE(wait_until([&] { return names_in(home("alice")).size() == 2; }))
        << "the partial stayed";
    expect_untouched();
  }
}

TEST_F(HttpBadInput, APutBodyLongerThanDeclaredStoresOnlyTheDeclaredBytes) {
  std::string text = "PUT /files/new.txt HTTP/1.1\r\n" + host() + kAliceBasic +
                     "Content-Length: 5\r\n\r\n12345" + "GARBAGE THAT IS NO REQUEST\r\n\r\n";
  auto got = exchange(server_->http_port(), text);
  EXPECT_EQ(got.status, 201) << got.body;
  EXPECT_EQ(got.responses, 2) << "the extra bytes were answered as a (bad) request of their own";
  EXPECT_NE(got.body.find("HTTP/1.1 400 "), std::string::npos) << got.body;
  EXPECT_EQ(read_file(home("alice") / "new.txt"), "12345");
  fs::remove(home("alice") / "new.txt");
  expect_untouched();
}

TEST_F(HttpBadInput, TheUnreadBodyOfAGetIsNeverParsedAsTheNextRequest) {
  std::string smuggled = "DELETE /files/mine.txt HTTP/1.1\r\n" + host() + kAliceBasic + "\r\n";
  std::string text = "GET /files/mine.txt HTTP/1.1\r\n" + host() + kAliceBasic +
                     "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled;
  auto got = exchange(server_->http_port(), text);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.responses, 1) << got.body;
  expect_untouched();
}

TEST_F(HttpBadInput, MalformedAndOverflowingRangesAreIgnoredOrAnsweredWith416) {
  struct Case {
    std::string range;
    int status;
    std::string content_range;
  };
  const std::vector<Case> cases = {
      {"bytes=0-99999999999999999999999", 200, ""},
      {"bytes=99999999999999999999999-", 200, ""},
      {"bytes=18446744073709551615-", 416, "bytes */7"},
      {"bytes=7-", 416, "bytes */7"},
      {"bytes=-0", 416, "bytes */7"},
      {"bytes=-18446744073709551615", 206, "bytes 0-6/7"},
      {"bytes=0-18446744073709551615", 206, "bytes 0-6/7"},
      {"bytes=5-2", 200, ""},
      {"bytes=abc", 200, ""},
      {"bytes=", 200, ""},
      {"bytes=--1", 200, ""},
      {"bytes=1-2-3", 200, ""},
      {"bytes=+1-2", 200, ""},
      {"items=0-1", 200, ""},
      {"=0-1", 200, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.range);
    auto got = request("GET", "/files/mine.txt", std::string(kAliceBasic) + "Range: " + c.range + "\r\n");
    EXPECT_EQ(got.status, c.status) << got.body;
    EXPECT_EQ(got.header("Content-Range"), c.content_range);
    if (c.status == 200) {
      EXPECT_EQ(got.body, "alice's");
    }
  }
  expect_untouched();
}

TEST_F(HttpBadInput, ACookieReachesOnlyItsOwnUsersFilesAndForgedOrRevokedOnesAre401) {
  std::string alice = cookie_of("alice");
  std::string bob = cookie_of("bob");
  auto own = request("GET", "/files/mine.txt", alice);
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body, "alice's");
  auto others = request("GET", "/files/bobs.txt", alice);
  EXPECT_EQ(others.status, 404);
  EXPECT_EQ(request("GET", "/files/mine.txt", bob).status, 404);
  for (std::string forged : {"Cookie: netdisk_session=" + std::string(64, '0') + "\r\n",
                             std::string("Cookie: netdisk_session=\r\n"),
                             std::string("Cookie: netdisk_session=../../users.xlsx\r\n"),
                             std::string("Cookie: other=1\r\n")}) {
    auto got = request("GET", "/files/mine.txt", forged);
    EXPECT_EQ(got.status, 401) << forged;
    EXPECT_EQ(got.body.find("alice's"), std::string::npos);
  }
  EXPECT_EQ(request("POST", "/api/logout", alice + kCsrf).status, 200);
  EXPECT_EQ(request("GET", "/files/mine.txt", alice).status, 401) << "a revoked cookie";
  EXPECT_EQ(request("GET", "/api/me", bob).status, 200) << "bob's session is his own";
  expect_untouched();
}

TEST_F(HttpBadInput, CookieRequestsWithoutTheCsrfHeaderOrFromAnotherOriginChangeNothing) {
  std::string alice = cookie_of("alice");
  std::string json_type = "Content-Type: application/json\r\n";
  std::string evil = "Origin: http://evil.example\r\n";
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> requests = {
      {"PUT", "/files/new.txt", "", "planted"},
      {"DELETE", "/files/mine.txt", "", ""},
      {"POST", "/api/mkdir", json_type, R"({"path":"new"})"},
      {"POST", "/api/rename", json_type, R"({"from":"mine.txt","to":"moved.txt"})"},
      {"POST", "/api/register", json_type, R"({"username":"mallory","password":"password1"})"},
      {"POST", "/api/logout", "", ""},
  };
  for (const auto& [method, target, headers, body] : requests) {
    SCOPED_TRACE(method + " " + target);
    auto without = request(method, target, alice + headers, body);
    EXPECT_EQ(without.status, 403) << without.body;
    auto cross_site = request(method, target, alice + kCsrf + evil + headers, body);
    EXPECT_EQ(cross_site.status, 403) << cross_site.body;
  }
  EXPECT_EQ(request("GET", "/api/me", alice).status, 200) << "the refused logout logged out";
  EXPECT_FALSE(fs::exists(home("mallory")));
  expect_untouched();
}

}  // namespace
}  // namespace netdisk::e2e

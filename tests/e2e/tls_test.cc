// TLS on the NetDisk TCP port against the real netdiskd (docs/PROTOCOL.md, section 1, "TLS"):
// the server's own key made once and kept, its fingerprint in the log and in discovery, the
// plain-text mismatches answered in plain text both ways, and handshakes that stall or carry
// garbage closed without disturbing anyone else.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "client/wire_connection.h"
#include "protocol/key_fingerprint.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ServerProcess tls_server(std::vector<std::string> args = {}) {
  ServerProcess::Launch launch;
  launch.args = std::move(args);
  launch.tls = true;
  return ServerProcess(std::move(launch));
}

std::string fingerprint_of(const fs::path& cert_file) {
  FILE* file = std::fopen(cert_file.c_str(), "r");
  if (file == nullptr) return "(unreadable)";
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) return "(not PEM)";
  auto fingerprint = protocol::key_fingerprint(cert);
  X509_free(cert);
  return fingerprint;
}

// The fingerprints the log announced, in order.
std::vector<std::string> logged_fingerprints(const std::string& log) {
  static const std::regex kLine("key fingerprint (SHA256:[A-Za-z0-9+/]{43})");
  std::vector<std::string> found;
  for (std::sregex_iterator it(log.begin(), log.end(), kLine), end; it != end; ++it) {
    found.push_back((*it)[1]);
  }
  return found;
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 07777;
}

// True when the server closes `fd` within `limit` (end of stream or reset); bytes it sends
// first are read and dropped.
bool closes_within(int fd, std::chrono::seconds limit) {
  return wait_until(
      [fd] {
        char buffer[4096];
        pollfd entry{fd, POLLIN, 0};
        if (::poll(&entry, 1, 50) <= 0) return false;
        ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
      },
      limit);
}

// The start of a TLS 1.x ClientHello record: type 0x16, version 3.1, a length.
const std::string kClientHelloStart{"\x16\x03\x01\x00\xc8", 5};

TEST(TlsServer, MakesItsKeyOnceReadableByTheServerOnlyAndLogsItsFingerprint) {
  auto server = tls_server();
  fs::path folder = server.data_dir() / "tls";
  EXPECT_EQ(mode_of(folder), 0700u);
  EXPECT_EQ(mode_of(folder / "server.key"), 0600u);
  EXPECT_EQ(mode_of(folder / "server.crt"), 0600u);
  auto fingerprint = fingerprint_of(folder / "server.crt");
  ASSERT_TRUE(protocol::is_key_fingerprint(fingerprint)) << fingerprint;
  EXPECT_EQ(logged_fingerprints(server.log()), std::vector<std::string>{fingerprint});
  EXPECT_NE(server.log().find("created a TLS key"), std::string::npos);
  auto key_before = read_file(folder / "server.key");

  server.restart();  // the same key: clients that pinned it keep trusting the server
  EXPECT_EQ(read_file(folder / "server.key"), key_before);
  auto fingerprints = logged_fingerprints(server.log());
  ASSERT_EQ(fingerprints.size(), 2u) << server.log();
  EXPECT_EQ(fingerprints[1], fingerprint);
}

TEST(TlsServer, RefusesToStartWithHalfOfItsIdentityAndSaysWhatToDo) {
  auto server = tls_server();
  fs::path cert = server.data_dir() / "tls" / "server.crt";
  server.stop();
  fs::remove(cert);
  try {
    server.restart();
    FAIL() << "the server started without its certificate";
  } catch (const std::runtime_error& refused) {
    std::string message = refused.what();
    EXPECT_NE(message.find("server.key exists without"), std::string::npos) << message;
    EXPECT_NE(message.find("remove both to make a new key"), std::string::npos) << message;
  }
}

TEST(TlsServer, APlainTextClientIsToldInPlainTextThatTheServerSpeaksTls) {
  auto server = tls_server();
  client::WireConnection plain(server.port());
  plain.send("hello", {{"version", 1}, {"client", "old"}});
  auto reply = plain.receive();
  ASSERT_TRUE(reply.has_value());
  ASSERT_FALSE(reply->ok);
  EXPECT_EQ(reply->error_code_name, "tls_required");
  EXPECT_NE(reply->error->message.find("without --plaintext"), std::string::npos);
  EXPECT_TRUE(plain.closed_by_server());
}

TEST(PlaintextServer, ATlsClientIsToldInPlainTextThatTheServerHasNoTls) {
  ServerProcess server;  // the harness's default: --plaintext
  EXPECT_NE(server.log().find("serves plain text (--plaintext)"), std::string::npos);
  client::WireConnection tls_client(server.port());
  tls_client.send_raw(kClientHelloStart + std::string(200, '\x01'));
  auto reply = tls_client.receive();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "tls_unavailable");
  EXPECT_NE(reply->error->message.find("--plaintext"), std::string::npos);
  EXPECT_TRUE(tls_client.closed_by_server());
}

TEST(TlsServer, AStalledOrGarbledHandshakeEndsOnlyThatConnection) {
  auto server = tls_server({"--handshake-timeout", "1"});
  int stalled = connect_loopback(server.port());
  ASSERT_EQ(::send(stalled, kClientHelloStart.data(), kClientHelloStart.size(), 0), 5);
  int garbled = connect_loopback(server.port());
  std::string garbage = kClientHelloStart + std::string(200, '\xff');
  ASSERT_EQ(::send(garbled, garbage.data(), garbage.size(), 0),
            static_cast<ssize_t>(garbage.size()));
  EXPECT_TRUE(closes_within(garbled, 20s));
  // Everyone else is still served while the stalled one waits for its deadline.
  client::WireConnection plain(server.port());
  plain.send("hello", {{"version", 1}});
  auto reply = plain.receive();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "tls_required");
  EXPECT_TRUE(closes_within(stalled, 30s));
  ::close(stalled);
  ::close(garbled);
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace netdisk::e2e

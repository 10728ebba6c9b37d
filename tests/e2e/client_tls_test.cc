// End-to-end tests of the netdisk client over TLS: trust on first use through a pseudo-
// terminal and in scripts, strict checking, a changed key refused everywhere, a CA-verified
// certificate, the plain-text mismatch, and transfers and chat byte for byte over TLS. The
// TLS server is a TlsTerminator in front of the real netdiskd (tls_terminator.h), so a test
// chooses the key, changes it on the same port, or has a test CA sign it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "client/server_link.h"
#include "client/transfer/partial_download.h"
#include "client/wire_connection.h"
#include "tests/client/client_fixture.h"
#include "tests/e2e/tls_terminator.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kQuestion = "Trust this key and connect? (yes/no)";

class ClientTls : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    if (HasFatalFailure()) return;
    make_self_signed(dir("a.crt"), dir("a.key"));
    tls_ = std::make_unique<TlsTerminator>(server_.port(), dir("a.crt"), dir("a.key"));
  }
  fs::path dir(const std::string& name) const { return server_.work_dir() / name; }
  std::string address() const { return "127.0.0.1:" + std::to_string(tls_->port()); }
  fs::path known_file() const { return server_.work_dir() / "config/netdisk/known_servers"; }
  // The client's arguments and environment for the TLS port.
  std::vector<std::string> tls_argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {(binary_dir() / "netdisk").string(), "--server", address()});
    return args;
  }
  Env tls_env(Env extra = {}) const {
    extra["NETDISK_PLAINTEXT"] = "0";
    return env(std::move(extra));
  }
  CliResult tls(std::vector<std::string> args, Env extra = {}) {
    auto full = tls_argv(std::move(args));
    full.erase(full.begin());
    return run_netdisk(full, tls_env(std::move(extra)));
  }
  // What the TLS port shows, as WireConnection reads it.
  std::string fingerprint() const {
    client::WireConnection connection(tls_->port(), client::ConnectOptions::tls_any_key());
    EXPECT_TRUE(connection.is_tls());
    return connection.peer_key()->fingerprint;
  }
  // Logs alice in over TLS (trusting the key on first use).
  void login_over_tls() {
    auto login = tls({"login", kUser}, {{"NETDISK_PASSWORD", kPassword}});
    ASSERT_EQ(login.exit_code, 0) << login.err;
  }
  // Moves the TLS port to a new key, as a server with another data folder would show.
  void change_key() {
    std::uint16_t port = tls_->port();
    tls_.reset();
    make_self_signed(dir("b.crt"), dir("b.key"));
    tls_ = std::make_unique<TlsTerminator>(server_.port(), dir("b.crt"), dir("b.key"), port);
  }

  std::unique_ptr<TlsTerminator> tls_;
};

TEST_F(ClientTls, AScriptTrustsTheKeyOnFirstUseSaysSoOnStderrAndNeverAgain) {
  std::string key = fingerprint();
  auto first = tls({"ping"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("first connection to " + address()), std::string::npos) << first.err;
  EXPECT_NE(first.err.find(key), std::string::npos) << first.err;
  EXPECT_EQ(read_bytes(known_file()), address() + " " + key + "\n");
  EXPECT_EQ(fs::status(known_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto again = tls({"ping"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err, "");
}

TEST_F(ClientTls, StrictCheckingRefusesAnUnknownKeyByFlagAndByEnvironment) {
  for (auto& [args, extra] : std::vector<std::pair<std::vector<std::string>, Env>>{
           {{"--strict-host-key", "ping"}, {}}, {{"ping"}, {{"NETDISK_STRICT_HOST_KEY", "1"}}}}) {
    auto refused = tls(args, extra);
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("strict checking is on"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(fingerprint()), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(known_file()));
  }
}

TEST_F(ClientTls, ATerminalIsShownTheFingerprintAndYesRemembersIt) {
  std::string key = fingerprint();
  {
    PtyProcess no(tls_argv({"ping"}), tls_env(), local_dir());
    bool asked = false;
    no.read_until(kQuestion, &asked);
    ASSERT_TRUE(asked) << no.transcript();
    no.write("no\n");
    EXPECT_EQ(no.wait(), 2) << no.transcript();
    EXPECT_FALSE(fs::exists(known_file()));
  }
  PtyProcess yes(tls_argv({"ping"}), tls_env(), local_dir());
  bool asked = false;
  std::string shown = yes.read_until(kQuestion, &asked);
  ASSERT_TRUE(asked) << yes.transcript();
  EXPECT_NE(yes.transcript().find(key), std::string::npos) << yes.transcript();
  yes.write("yes\n");
  EXPECT_EQ(yes.wait(), 0) << yes.transcript();
  EXPECT_EQ(read_bytes(known_file()), address() + " " + key + "\n");
  PtyProcess again(tls_argv({"ping"}), tls_env(), local_dir());
  EXPECT_EQ(again.wait(), 0) << again.transcript();
  EXPECT_EQ(again.transcript().find(kQuestion), std::string::npos) << again.transcript();
}

TEST_F(ClientTls, AChangedKeyIsRefusedInAScriptAndAtATerminalUntilForgotten) {
  std::string old_key = fingerprint();
  ASSERT_EQ(tls({"ping"}).exit_code, 0);
  change_key();
  std::string new_key = fingerprint();
  ASSERT_NE(old_key, new_key);
  auto script = tls({"ping"});
  EXPECT_EQ(script.exit_code, 2);
  for (const std::string& part :
       {std::string("HAS CHANGED"), old_key, new_key, known_file().string() + ", line 1",
        std::string("netdiskd logs"), "netdisk trust --forget " + address()}) {
    EXPECT_NE(script.err.find(part), std::string::npos) << part << " not in:\n" << script.err;
  }
  PtyProcess terminal(tls_argv({"ping"}), tls_env(), local_dir());
  EXPECT_EQ(terminal.wait(), 2) << terminal.transcript();
  EXPECT_NE(terminal.transcript().find("HAS CHANGED"), std::string::npos) << terminal.transcript();
  EXPECT_EQ(terminal.transcript().find(kQuestion), std::string::npos) << terminal.transcript();
  EXPECT_EQ(read_bytes(known_file()), address() + " " + old_key + "\n");

  auto forget = tls({"trust", "--forget", address()});
  EXPECT_EQ(forget.exit_code, 0) << forget.err;
  auto accepted = tls({"ping"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(read_bytes(known_file()), address() + " " + new_key + "\n");
}

TEST_F(ClientTls, ACertificateFromATrustedCaForTheHostNameNeedsNoQuestion) {
  // A test CA and a certificate it signs for "localhost"; SSL_CERT_FILE makes the CA trusted.
  auto made = run_shell(
      "cd '" + server_.work_dir().string() +
      "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj '/CN=Test CA' -keyout ca.key -out ca.crt 2>&1 && openssl req -newkey ec -pkeyopt "
      "ec_paramgen_curve:prime256v1 -nodes -subj '/CN=localhost' -keyout host.key -out host.csr "
      "2>&1 && printf 'subjectAltName=DNS:localhost\\n' > ext && openssl x509 -req -in host.csr "
      "-CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile ext -out host.crt 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.out;
  TlsTerminator signed_port(server_.port(), dir("host.crt"), dir("host.key"));
  std::string server = "localhost:" + std::to_string(signed_port.port());
  Env ca = tls_env({{"SSL_CERT_FILE", dir("ca.crt").string()}});
  auto strict = run_netdisk({"--server", server, "--strict-host-key", "ping"}, ca);
  EXPECT_EQ(strict.exit_code, 0) << strict.err;
  EXPECT_EQ(strict.err, "");
  EXPECT_FALSE(fs::exists(known_file()));
  // Without the CA the same certificate is just an unknown key.
  auto unknown = run_netdisk({"--server", server, "--strict-host-key", "ping"}, tls_env());
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
}

TEST_F(ClientTls, ATlsClientToAPlainTextServerSaysToUsePlaintextOnlyOnATrustedNetwork) {
  auto result =
      run_netdisk({"--server", "127.0.0.1:" + std::to_string(server_.port()), "ping"}, tls_env());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("serves plain text only"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("only on a network you trust"), std::string::npos) << result.err;
}

TEST_F(ClientTls, PlaintextSaysOnceThatTheConnectionIsNotEncryptedByFlagAndByEnvironment) {
  // Setting NETDISK_PLAINTEXT keeps the harness from hiding the notice (cli_runner.h).
  for (auto& [args, plaintext] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--plaintext", "ls"}, "0"}, {{"ls"}, "1"}}) {
    auto result = netdisk(args, {{"NETDISK_PLAINTEXT", plaintext}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, client::kPlaintextNotice);
  }
}

TEST_F(ClientTls, UploadsAndDownloadsOverTlsAreByteIdenticalAndParallelConnectionsAskNothing) {
  login_over_tls();
  std::vector<std::string> put = {"put", "-j", "4"};
  for (int i = 0; i < 4; ++i) {
    std::string name = "f" + std::to_string(i);
    write_bytes(local(name), random_bytes((3u << 20) + 77u * static_cast<unsigned>(i), 11 + i));
    put.push_back(local(name).string());
  }
  // Forgotten after the login: the four connections of this put meet an unknown key, and
  // the first one alone decides on it.
  fs::remove(known_file());
  auto sent = tls(put);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  auto first = sent.err.find("first connection");
  EXPECT_NE(first, std::string::npos) << sent.err;
  EXPECT_EQ(sent.err.find("first connection", first + 1), std::string::npos) << sent.err;
  fs::create_directories(local("back"));
  auto got = tls({"get", "-j", "4", "f0", "f1", "f2", "f3", local("back").string()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  for (int i = 0; i < 4; ++i) {
    std::string name = "f" + std::to_string(i);
    EXPECT_TRUE(same_bytes(local(name), home() / name)) << name;
    EXPECT_TRUE(same_bytes(local(name), local("back") / name)) << name;
  }
}

TEST_F(ClientTls, AnInterruptedDownloadOverTlsResumesWithIdenticalBytes) {
  login_over_tls();
  constexpr std::uint64_t kSize = 64ull << 20;
  make_sparse_file(local("big.orig"), kSize, 5);
  ASSERT_EQ(tls({"put", "-q", local("big.orig").string(), "big"}).exit_code, 0);
  fs::path target = local("big");
  {
    // The rate limit only makes sure the interruption comes mid-transfer.
    ChildProcess get(tls_argv({"get", "--limit-rate", "8M", "big", target.string()}), tls_env(),
                     local_dir());
    ASSERT_TRUE(wait_for_size(client::PartialDownload::part_path(target), 2 << 20));
    get.signal(SIGINT);
    EXPECT_EQ(get.wait(), 130) << get.err();
  }
  auto resumed = tls({"get", "--resume", "big", target.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(same_bytes(local("big.orig"), target));
}

TEST_F(ClientTls, ChatOverTlsCarriesMessagesBothWays) {
  login_over_tls();
  auto bob = netdisk({"register", "bob"}, {{"NETDISK_PASSWORD", "bob's password"}});
  ASSERT_EQ(bob.exit_code, 0) << bob.err;
  ChildProcess alice(tls_argv({"chat"}), tls_env(), local_dir(), true);
  ASSERT_TRUE(alice.wait_for_out("* in the room:")) << alice.err();
  ChildProcess other(tls_argv({"--user", "bob", "chat"}),
                     tls_env({{"NETDISK_PASSWORD", "bob's password"}}), local_dir(), true);
  ASSERT_TRUE(other.wait_for_out("* in the room: alice, bob")) << other.err();
  alice.write_stdin("hello over tls\n");
  other.write_stdin("and back\n");
  EXPECT_TRUE(other.wait_for_out("alice: hello over tls")) << other.out();
  EXPECT_TRUE(alice.wait_for_out("bob: and back")) << alice.out();
  other.close_stdin();
  EXPECT_EQ(other.wait(), 0) << other.err();
  alice.close_stdin();
  EXPECT_EQ(alice.wait(), 0) << alice.err();
}

ServerProcess::Launch with_tls() {
  ServerProcess::Launch launch;
  launch.tls = true;
  return launch;
}

// The client against netdiskd's own TLS (its self-signed key in <data>/tls/).
class ClientRealTls : public ::testing::Test {
 protected:
  ServerProcess server_{with_tls()};
  std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  CliResult tls(std::vector<std::string> args, Env extra = {}) {
    args.insert(args.begin(), {"--server", address()});
    extra.emplace("NETDISK_PLAINTEXT", "0");
    extra.emplace("XDG_CONFIG_HOME", (server_.work_dir() / "config").string());
    return run_netdisk(args, extra);
  }
};

TEST_F(ClientRealTls, TheKeyTrustedOnFirstUseIsTheOneNetdiskdLogsAndFilesGoBothWays) {
  auto registered = tls({"register", kUser}, {{"NETDISK_PASSWORD", kPassword}});
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  auto known = read_bytes(server_.work_dir() / "config/netdisk/known_servers");
  ASSERT_TRUE(known.starts_with(address() + " SHA256:")) << known;
  std::string key = known.substr(address().size() + 1, known.size() - address().size() - 2);
  EXPECT_NE(server_.log().find("key fingerprint " + key), std::string::npos) << server_.log();
  EXPECT_NE(registered.err.find(key), std::string::npos) << registered.err;

  ASSERT_EQ(tls({"login", kUser}, {{"NETDISK_PASSWORD", kPassword}}).exit_code, 0);
  fs::path local = server_.work_dir() / "local";
  fs::create_directories(local / "back");
  write_bytes(local / "big", random_bytes((5u << 20) + 3, 21));
  auto put = tls({"put", (local / "big").string()});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  auto get = tls({"get", "big", (local / "back").string()});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(same_bytes(local / "big", server_.data_dir() / "home" / kUser / "big"));
  EXPECT_TRUE(same_bytes(local / "big", local / "back" / "big"));
}

TEST_F(ClientRealTls, APlainTextClientIsToldThatTheServerSpeaksTlsAndToDropPlaintext) {
  auto result = tls({"ping"}, {{"NETDISK_PLAINTEXT", "1"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("speaks TLS"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("without --plaintext"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("NETDISK_PLAINTEXT"), std::string::npos) << result.err;
}

TEST_F(ClientRealTls, WireConnectionReadsTheFingerprintThatNetdiskdLogs) {
  client::WireConnection connection(server_.port(), client::ConnectOptions::tls_any_key());
  ASSERT_TRUE(connection.peer_key());
  EXPECT_FALSE(connection.peer_key()->ca_verified);
  EXPECT_NE(server_.log().find("key fingerprint " + connection.peer_key()->fingerprint),
            std::string::npos);
  EXPECT_TRUE(connection.hello().ok);
  EXPECT_TRUE(connection.call("ping").ok);
}

TEST(ClientRealTlsSlowAnswer, AnAnswerSlowerThanTheServersHandshakeTimeoutStillConnects) {
  ServerProcess::Launch launch = with_tls();
  launch.args = {"--handshake-timeout", "1"};
  ServerProcess server(launch);
  std::string address = "127.0.0.1:" + std::to_string(server.port());
  PtyProcess client(
      {(binary_dir() / "netdisk").string(), "--server", address, "ping"},
      {{"NETDISK_PLAINTEXT", "0"}, {"XDG_CONFIG_HOME", (server.work_dir() / "config").string()}},
      server.work_dir());
  bool asked = false;
  client.read_until(kQuestion, &asked);
  ASSERT_TRUE(asked) << client.transcript();
  // The server gives up on the connection that waits for the answer.
  ASSERT_TRUE(wait_until([&] {
    return server.log().find("closing: timeout") != std::string::npos;
  })) << server.log();
  client.write("yes\n");
  EXPECT_EQ(client.wait(), 0) << client.transcript();
}

// `netdisk discover --to 127.0.0.1` against a UDP socket of the test that answers the probe
// with `answer`; returns what the client printed.
CliResult discover_answered_with(const std::string& answer) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  std::string port = std::to_string(ntohs(address.sin_port));
  fs::path out_dir = fs::temp_directory_path() / ("netdisk-discover-" + port);
  fs::create_directories(out_dir);
  ChildProcess discover({(binary_dir() / "netdisk").string(), "discover", "--to", "127.0.0.1",
                         "--port", port, "--timeout", "3"},
                        {}, out_dir);
  pollfd ready{fd, POLLIN, 0};
  EXPECT_EQ(::poll(&ready, 1, 30000), 1);
  char probe[256];
  sockaddr_in from{};
  socklen_t from_size = sizeof from;
  ::recvfrom(fd, probe, sizeof probe, 0, reinterpret_cast<sockaddr*>(&from), &from_size);
  std::string reply = answer;
  reply.replace(reply.find("PORT"), 4, port);
  ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_size);
  CliResult result;
  result.exit_code = discover.wait();
  result.out = discover.out();
  result.err = discover.err();
  ::close(fd);
  fs::remove_all(out_dir);
  return result;
}

TEST(ClientDiscover, ShowsWhetherEachServerSpeaksTlsAndOnlyAWellFormedFingerprint) {
  std::string key = "SHA256:" + std::string(43, 'k');
  auto with_tls = discover_answered_with(R"({"name":"disk","version":"1","port":PORT,"tls":true,)"
                                         R"("fingerprint":")" +
                                         key + R"("})");
  EXPECT_EQ(with_tls.exit_code, 0) << with_tls.err;
  EXPECT_NE(with_tls.out.find("\tTLS " + key + "\n"), std::string::npos) << with_tls.out;
  auto plain = discover_answered_with(R"({"name":"disk","version":"1","port":PORT})");
  EXPECT_NE(plain.out.find("\tplain text\n"), std::string::npos) << plain.out;
  auto forged = discover_answered_with(
      R"({"name":"disk","version":"1","port":PORT,"tls":true,"fingerprint":"SHA256:\u001b[2J"})");
  EXPECT_NE(forged.out.find("\tTLS\n"), std::string::npos) << forged.out;
  EXPECT_EQ(forged.out.find('\x1b'), std::string::npos) << forged.out;
}

}  // namespace
}  // namespace netdisk::e2e

// End-to-end tests of the server core against the real netdiskd: handshake, framing over a
// socket, timeouts, limits, bad input, many connections and graceful shutdown.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "tests/e2e/server_process.h"
#include "client/wire_connection.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using WireClient = client::WireConnection;

std::string frame(std::string_view payload) { return protocol::encode_frame(payload); }

std::string be32(std::uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

void expect_ping_works(WireClient& client) {
  auto reply = client.call("ping");
  EXPECT_TRUE(reply.ok);
  EXPECT_TRUE(reply.body.contains("time"));
}

TEST(Harness, TheServerInheritsNoDescriptorOfTheTestProcess) {
  int planted[2];
  ASSERT_EQ(::pipe(planted), 0);  // without O_CLOEXEC, as a careless helper would open it
  struct stat info {};
  ASSERT_EQ(::fstat(planted[0], &info), 0);
  std::string planted_name = "pipe:[" + std::to_string(info.st_ino) + "]";
  ServerProcess server;
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(server.server_pid()) + "/fd")) {
    std::error_code ignored;
    EXPECT_NE(std::filesystem::read_symlink(entry.path(), ignored).string(), planted_name)
        << "netdiskd holds the test's pipe as descriptor " << entry.path().filename();
    ++seen;
  }
  EXPECT_GT(seen, 3);  // its standard streams and its own sockets were listed
  ::close(planted[0]);
  ::close(planted[1]);
}

TEST(Handshake, HelloAgreesOnVersionOneAndAnnouncesTheMaximumFrame) {
  ServerProcess server({"--max-frame", "8192"});
  WireClient client(server.port());
  auto reply = client.hello();
  EXPECT_EQ(reply.body["version"], 1);
  EXPECT_EQ(reply.body["max_frame"], 8192);
  EXPECT_TRUE(reply.body["server"].get<std::string>().starts_with("netdiskd/"));
  expect_ping_works(client);
}

TEST(Handshake, AClientSpeakingANewerVersionIsAnsweredWithVersionOne) {
  ServerProcess server;
  WireClient client(server.port());
  auto reply = client.call("hello", {{"version", 7}});
  ASSERT_TRUE(reply.ok);
  EXPECT_EQ(reply.body["version"], 1);
}

TEST(Handshake, VersionZeroIsRefusedAndTheConnectionClosed) {
  ServerProcess server;
  WireClient client(server.port());
  auto reply = client.call("hello", {{"version", 0}});
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.error_code_name, "unsupported_version");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(Handshake, ARequestBeforeHelloIsRefusedAndTheConnectionClosed) {
  ServerProcess server;
  WireClient client(server.port());
  auto reply = client.call("ping");
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.error_code_name, "handshake_required");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(Handshake, ASecondHelloIsABadRequestButNotFatal) {
  ServerProcess server;
  WireClient client(server.port());
  client.hello();
  auto again = client.call("hello", {{"version", 1}});
  EXPECT_EQ(again.error_code_name, "bad_request");
  expect_ping_works(client);
}

TEST(Timeouts, AClientThatNeverSaysHelloIsTimedOut) {
  ServerProcess server({"--handshake-timeout", "1"});
  WireClient silent(server.port());
  auto reply = silent.receive(5s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "timeout");
  EXPECT_TRUE(silent.closed_by_server());
}

TEST(Timeouts, AnIdleConnectionIsClosedAfterTheIdleTimeoutWhileAnActiveOneStays) {
  ServerProcess server({"--idle-timeout", "2"});
  WireClient idle(server.port());
  idle.hello();
  WireClient active(server.port());
  active.hello();
  // The active one pings every 100 ms until the server times the idle one out; waiting on
  // the idle socket is the pause between pings.
  auto give_up = std::chrono::steady_clock::now() + 30s;
  bool idle_answered = false;
  while (!idle_answered && std::chrono::steady_clock::now() < give_up) {
    expect_ping_works(active);
    pollfd readable{idle.fd(), POLLIN, 0};
    idle_answered = ::poll(&readable, 1, 100) > 0;
  }
  ASSERT_TRUE(idle_answered) << "the idle connection was never timed out";
  auto reply = idle.receive(3s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "timeout");
  EXPECT_TRUE(idle.closed_by_server());
  expect_ping_works(active);
}

TEST(Framing, AHeaderAndFrameSentOneByteAtATimeAreReassembled) {
  ServerProcess server;
  WireClient client(server.port());
  std::string hello = protocol::encode_request("hello", 1, {{"version", 1}});
  for (char byte : hello) {
    client.send_raw(std::string_view(&byte, 1));
    std::this_thread::sleep_for(1ms);
  }
  auto reply = client.receive();
  ASSERT_TRUE(reply && reply->ok);
  EXPECT_EQ(reply->id, 1u);
}

TEST(Framing, SeveralFramesInOneWriteGetTheirRepliesInOrder) {
  ServerProcess server;
  WireClient client(server.port());
  std::string burst = protocol::encode_request("hello", 1, {{"version", 1}});
  for (std::uint64_t id = 2; id <= 50; ++id) burst += protocol::encode_request("ping", id);
  client.send_raw(burst);
  for (std::uint64_t id = 1; id <= 50; ++id) {
    auto reply = client.receive();
    ASSERT_TRUE(reply && reply->ok);
    EXPECT_EQ(reply->id, id);
  }
}

TEST(Framing, AFrameSplitAcrossManyWritesIsReassembled) {
  ServerProcess server;
  WireClient client(server.port());
  client.hello();
  std::string padded = protocol::encode_request("ping", 9, {{"pad", std::string(200000, 'x')}});
  for (std::size_t at = 0; at < padded.size(); at += 7919) {
    client.send_raw(std::string_view(padded).substr(at, 7919));
  }
  auto reply = client.receive();
  ASSERT_TRUE(reply && reply->ok);
  EXPECT_EQ(reply->id, 9u);
}

TEST(Framing, TheHandshakeFrameLimitIs64KiBAndTheNegotiatedOneAppliesAfter) {
  ServerProcess server({"--max-frame", "4096"});
  {
    WireClient early(server.port());
    early.send_raw(be32(64 * 1024 + 1) + "{");
    auto reply = early.receive();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->error_code_name, "frame_too_large");
    EXPECT_TRUE(early.closed_by_server());
  }
  WireClient client(server.port());
  client.hello();
  auto ok = client.call("ping", {{"pad", std::string(3000, 'x')}});
  EXPECT_TRUE(ok.ok);
  client.send_raw(frame(json{{"op", "ping"}, {"id", 5}, {"pad", std::string(5000, 'x')}}.dump()));
  auto reply = client.receive();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "frame_too_large");
  EXPECT_TRUE(client.closed_by_server());
}

struct BadInput {
  const char* name;
  std::string bytes;
  const char* expected_code;
  bool fatal;
};

std::vector<BadInput> bad_inputs() {
  return {
      {"length_ffffffff", be32(0xFFFFFFFF) + "xx", "frame_too_large", true},
      {"length_7fffffff", be32(0x7FFFFFFF) + "xx", "frame_too_large", true},
      {"length_zero", be32(0), "bad_frame", true},
      {"broken_json", frame("{\"op\":\"ping\",\"id\":"), "bad_json", false},
      {"invalid_utf8", frame("{\"op\":\"pi\xffng\",\"id\":3}"), "bad_json", false},
      {"not_an_object", frame("[1,2,3]"), "bad_json", false},
      {"duplicate_key", frame(R"({"op":"ping","id":3,"id":4})"), "bad_json", false},
      {"deep_nesting", frame(R"({"op":"ping","id":3,"x":)" + std::string(5000, '[') +
                             std::string(5000, ']') + "}"),
       "bad_json", false},
      {"unknown_op", frame(R"({"op":"format_disk","id":3})"), "unknown_op", false},
      {"missing_op", frame(R"({"id":3})"), "bad_request", false},
      {"op_wrong_type", frame(R"({"op":42,"id":3})"), "bad_request", false},
      {"id_negative", frame(R"({"op":"ping","id":-1})"), "bad_request", false},
      {"id_float_1e30", frame(R"({"op":"ping","id":1e30})"), "bad_request", false},
      {"id_two_to_the_64", frame(R"({"op":"ping","id":18446744073709551616})"), "bad_request",
       false},
      {"id_string", frame(R"({"op":"ping","id":"3"})"), "bad_request", false},
  };
}

TEST(BadInput, EachGetsATypedErrorAndAWellBehavedClientKeepsBeingServed) {
  ServerProcess server;
  WireClient bystander(server.port());
  bystander.hello();
  for (const auto& input : bad_inputs()) {
    SCOPED_TRACE(input.name);
    WireClient attacker(server.port());
    attacker.hello();
    attacker.send_raw(input.bytes);
    auto reply = attacker.receive();
    ASSERT_TRUE(reply.has_value());
    EXPECT_FALSE(reply->ok);
    EXPECT_EQ(reply->error_code_name, input.expected_code);
    if (input.fatal) {
      EXPECT_TRUE(attacker.closed_by_server());
    } else {
      expect_ping_works(attacker);  // the stream is still in sync
    }
    expect_ping_works(bystander);
  }
}

TEST(BadInput, ATruncatedFrameFollowedByFinOrResetDoesNotDisturbTheServer) {
  ServerProcess server;
  WireClient bystander(server.port());
  bystander.hello();
  {
    WireClient fin(server.port());
    fin.hello();
    fin.send_raw(be32(100) + "{\"op\":");
    ::shutdown(fin.fd(), SHUT_WR);
    auto reply = fin.receive();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->error_code_name, "bad_frame");
  }
  {
    WireClient reset(server.port());
    reset.hello();
    reset.send_raw(be32(100) + "{\"op\":");
    linger hard{1, 0};  // close() now sends RST
    ::setsockopt(reset.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    reset.close();
  }
  {
    WireClient header_only(server.port());
    header_only.send_raw(std::string("\0\0", 2));
    ::shutdown(header_only.fd(), SHUT_WR);
    auto reply = header_only.receive();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->error_code_name, "bad_frame");
  }
  expect_ping_works(bystander);
  WireClient fresh(server.port());
  fresh.hello();
  expect_ping_works(fresh);
}

TEST(Limits, ConnectionsOverTheMaximumAreRefusedWithAClearErrorNotAHang) {
  ServerProcess server({"--max-connections", "3"});
  std::vector<WireClient> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back(server.port());
    clients.back().hello();
  }
  WireClient extra(server.port());
  auto reply = extra.receive(5s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "too_many_connections");
  EXPECT_TRUE(extra.closed_by_server());
  clients.pop_back();  // one leaves; its slot is freed once the server sees the close
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    WireClient next(server.port());
    auto answer = next.call("hello", {{"version", 1}});
    served = answer.ok;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
  for (auto& client : clients) expect_ping_works(client);
}

TEST(Scale, TwoThousandIdleConnectionsAllStillAnswerPing) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2100u) << "the test needs 2,000 sockets";

  ServerProcess server;
  constexpr int kConnections = 2000;
  std::vector<WireClient> clients;
  clients.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    clients.emplace_back(server.port());
    clients.back().send("hello", {{"version", 1}});
  }
  for (auto& client : clients) {
    auto reply = client.receive();
    ASSERT_TRUE(reply && reply->ok);
  }
  // All of them are idle now; each must still be served.
  for (auto& client : clients) client.send("ping");
  int answered = 0;
  for (auto& client : clients) {
    auto reply = client.receive();
    if (reply && reply->ok && reply->body.contains("time")) ++answered;
  }
  EXPECT_EQ(answered, kConnections);
}

TEST(Shutdown, SigtermTellsIdleClientsAndExitsCleanly) {
  ServerProcess server({"--shutdown-grace", "5"});
  WireClient client(server.port());
  client.hello();
  expect_ping_works(client);
  ::kill(server.pid(), SIGTERM);
  auto reply = client.receive(5s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "shutting_down");
  EXPECT_TRUE(client.closed_by_server());
  int status = server.stop(0);  // signal 0: just wait for the exit already under way
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Shutdown, NewConnectionsAreNotAcceptedAfterSigterm) {
  ServerProcess server({"--shutdown-grace", "3"});
  WireClient holder(server.port());
  holder.hello();
  ::kill(server.pid(), SIGTERM);
  holder.receive(5s);
  int status = server.stop(0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_THROW(WireClient late(server.port()), std::runtime_error);
}

TEST(StartUp, AConfigFileSetsOptionsAndAnUnknownKeyIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / ("netdisk-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "good.toml") << "name = \"from-config\"\nidle-timeout = 600\n";
  std::ofstream(dir / "bad.toml") << "name = \"x\"\nidle-timeuot = 600\n";
  {
    ServerProcess server({"--config", (dir / "good.toml").string()});
    WireClient client(server.port());
    EXPECT_EQ(client.hello().body["name"], "from-config");
  }
  EXPECT_THROW(ServerProcess bad({"--config", (dir / "bad.toml").string()}), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(StartUp, APortInUseIsAClearErrorAndExitCodeOne) {
  ServerProcess first;
  EXPECT_THROW(ServerProcess second({"--listen", "127.0.0.1:" + std::to_string(first.port())}),
               std::runtime_error);
}

}  // namespace
}  // namespace netdisk::e2e

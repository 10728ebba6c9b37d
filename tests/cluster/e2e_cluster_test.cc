// End-to-end tests of cluster mode (issue #22) against a whole cluster on this machine
// (scripts/cluster.sh: Ceph, PostgreSQL, Redis, three netdiskd nodes, HAProxy), driven with the
// real netdisk client and curl through HAProxy's frontends: NODEn_* reaches node n alone,
// NETDISK_* is balanced. Each test uses its own users and files, and leaves every node and the
// OSD running. Byte for byte; never timed, except `up` itself (under a minute).
#include <signal.h>

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cluster/cluster_fixture.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

[[maybe_unused]] auto* const kCluster = ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);

const std::vector<std::string> kNodeFrontends = {"NODE1_TCP", "NODE2_TCP", "NODE3_TCP"};

std::string password_of(const std::string& user) { return user + "'s cluster password"; }

ClusterEnvironment& cluster() { return *ClusterEnvironment::get(); }

// Registers `user` through node 1 and saves its login there (the client's own login command).
void register_and_log_in(const ClusterClient& client, const std::string& user) {
  Env with_password = {{"NETDISK_PASSWORD", password_of(user)}};
  auto registered = client.run("NODE1_TCP", {"register", user}, with_password);
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  auto login = client.run("NODE1_TCP", {"login", user}, with_password);
  ASSERT_EQ(login.exit_code, 0) << login.err;
}

// The bytes the cluster's uploads table has recorded for `user`'s unfinished uploads, asked
// of PostgreSQL itself (the store's schema, src/cluster/storage/cluster_schema.cc).
std::uint64_t recorded_upload_bytes(const std::string& user) {
  auto query =
      run_program("/usr/bin/psql", {"-At", "-d", address("PG_CONNINFO"), "-c",
                                    "SELECT coalesce(max(recorded), 0) FROM netdisk.uploads "
                                    "WHERE username = '" +
                                        user + "'"});
  return query.exit_code == 0 ? std::strtoull(query.out.c_str(), nullptr, 10) : 0;
}

// How many of `user`'s unfinished uploads a node still holds (its lease has not run out): a
// killed node's lease must lapse before another node may take the upload over.
int held_uploads(const std::string& user) {
  auto query = run_program("/usr/bin/psql",
                           {"-At", "-d", address("PG_CONNINFO"), "-c",
                            "SELECT count(*) FROM netdisk.uploads WHERE username = '" + user +
                                "' AND holder IS NOT NULL AND lease_until_ns > "
                                "(extract(epoch FROM clock_timestamp()) * 1e9)::bigint"});
  return query.exit_code == 0 ? std::atoi(query.out.c_str()) : -1;
}

// The HAProxy view of backend server `server` in `backend` (UP, DOWN, MAINT, ...).
std::string haproxy_state(const std::string& backend, const std::string& server) {
  auto stat = run_program(fs::path(NETDISK_SOURCE_DIR) / "scripts/cluster/haproxy.sh",
                          {"cmd", cluster().dir().string(), "show stat"});
  std::istringstream lines(stat.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(backend + "," + server + ",")) continue;
    std::vector<std::string> columns;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) columns.push_back(cell);
    return columns.size() > 17 ? columns[17] : std::string();
  }
  return {};
}

TEST(Cluster, EveryNodeAnswersThroughItsOwnFrontendAndTheBalancedOne) {
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(http_get(address("NODE" + std::to_string(n) + "_HTTP"), "/healthz"), 200) << n;
  }
  // Round robin: six requests reach every node, and every one is answered.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(http_get(address("NETDISK_HTTP"), "/healthz"), 200);
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(haproxy_state("nodes_http", "node" + std::to_string(n)), "UP") << n;
    EXPECT_EQ(haproxy_state("nodes_tcp", "node" + std::to_string(n)), "UP") << n;
  }
}

TEST(Cluster, ANodeRefusesAConnectionWithoutTheProxyHeader) {
  if (address("PROXY_PROTOCOL") != "1")
    GTEST_SKIP() << "cluster started with NETDISK_CLUSTER_PROXY=0";
  // Only HAProxy may reach a node: a request straight to its own port is not served.
  EXPECT_NE(http_get(address("NODE1_OWN_HTTP"), "/healthz"), 200);
}

TEST(Cluster, ANodeKilledIsTakenOutOfTheBalancedFrontendAndBackWhenRestarted) {
  ASSERT_TRUE(cluster().cluster("kill-node", {"3"}));
  EXPECT_TRUE(wait_until([] { return haproxy_state("nodes_http", "node3").starts_with("DOWN"); },
                         seconds(30)));
  // No request through the balanced frontend fails meanwhile.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(http_get(address("NETDISK_HTTP"), "/healthz"), 200);
  EXPECT_EQ(http_get(address("NODE3_HTTP"), "/healthz"), 503);
  ASSERT_TRUE(cluster().cluster("start-node", {"3"}));
  EXPECT_TRUE(wait_until([] { return haproxy_state("nodes_http", "node3") == "UP"; }, seconds(30)));
  EXPECT_EQ(http_get(address("NODE3_HTTP"), "/healthz"), 200);
}

TEST(Cluster, ALoginThroughNode1WorksOnNodes2And3UntilALogoutOnNode2) {
  ClusterClient client("token-user");
  register_and_log_in(client, "tina");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP", "NETDISK_TCP"});
  for (const auto& node : kNodeFrontends) {
    auto whoami = client.run(node, {"whoami"});
    EXPECT_EQ(whoami.exit_code, 0) << node << ": " << whoami.err;
    EXPECT_NE(whoami.out.find("tina"), std::string::npos) << node << ": " << whoami.out;
  }
  // The password works on every node too (the accounts are shared, not the node's).
  auto login3 =
      client.run("NODE3_TCP", {"login", "tina"}, {{"NETDISK_PASSWORD", password_of("tina")}});
  EXPECT_EQ(login3.exit_code, 0) << login3.err;
  // A logout through node 2 ends the token for every node.
  auto logout = client.run("NODE2_TCP", {"logout"});
  ASSERT_EQ(logout.exit_code, 0) << logout.err;
  auto after = client.run("NODE1_TCP", {"ls"});
  EXPECT_NE(after.exit_code, 0) << after.out;
}

TEST(Cluster, AFileUploadedThroughNode1DownloadsByteIdenticalThroughNodes2And3) {
  ClusterClient client("transfer-user");
  register_and_log_in(client, "uma");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP"});
  // 20 MiB and a bit: several chunk objects, the last one short.
  make_random_file(client.local("data.bin"), (20u << 20) + 12345, 22);
  auto put = client.run("NODE1_TCP", {"put", "-q", client.local("data.bin"), "data.bin"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  auto get = client.run("NODE2_TCP", {"get", "-q", "data.bin", client.local("from-node2")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(same_file_bytes(client.local("data.bin"), client.local("from-node2")));
  // And over HTTP through node 3, with Basic credentials.
  EXPECT_EQ(http_get(address("NODE3_HTTP"), "/files/data.bin", "uma", password_of("uma"),
                     client.local("from-node3")),
            200);
  EXPECT_TRUE(same_file_bytes(client.local("data.bin"), client.local("from-node3")));
}

TEST(Cluster, AUserDeletedThroughNode1IsANewEmptyAccountWhenRegisteredAgainOnNode2) {
  ClusterClient client("deleted-user");
  register_and_log_in(client, "dora");
  make_random_file(client.local("d.bin"), 5u << 20, 23);
  auto put = client.run("NODE1_TCP", {"put", "-q", client.local("d.bin"), "d.bin"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  // Through node 1's admin socket (its data folder): the cluster's accounts and storage.
  auto deleted = run_program(binary_dir() / "netdiskd",
                             {"admin", "--data", (cluster().dir() / "node1").string(), "--json",
                              "user", "delete", "dora"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  auto answer = nlohmann::json::parse(deleted.out, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << deleted.out;
  EXPECT_TRUE(answer["kept_as"].is_string()) << deleted.out;

  ClusterClient newcomer("deleted-user-again");
  Env with_password = {{"NETDISK_PASSWORD", "the newcomer's own password"}};
  auto registered = newcomer.run("NODE2_TCP", {"register", "dora"}, with_password);
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  auto login = newcomer.run("NODE3_TCP", {"login", "dora"}, with_password);
  ASSERT_EQ(login.exit_code, 0) << login.err;
  auto listed = newcomer.run("NODE3_TCP", {"ls"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("d.bin"), std::string::npos) << "inherited: " << listed.out;
  EXPECT_EQ(http_get(address("NODE1_HTTP"), "/files/d.bin", "dora", "the newcomer's own password",
                     newcomer.local("d.bin")),
            404);
}

TEST(Cluster, AnUploadCutByKillingNode1ResumesThroughNode2ByteIdentical) {
  ClusterClient client("resume-user");
  register_and_log_in(client, "vera");
  client.share_login("NODE1_TCP", {"NODE2_TCP"});
  make_random_file(client.local("big.bin"), 48u << 20, 33);
  {
    // The rate limit only makes sure the kill comes mid-upload.
    ChildProcess put(
        client.argv("NODE1_TCP", {"put", "--limit-rate", "8M", client.local("big.bin")}),
        client.env(), client.dir());
    ASSERT_TRUE(wait_until([] { return recorded_upload_bytes("vera") >= (8u << 20); }, seconds(60)))
        << put.err();
    ASSERT_TRUE(cluster().cluster("kill-node", {"1"}));
    EXPECT_NE(put.wait(), 0);
  }
  // Until the dead node's lease on the upload runs out (20 s) another node answers busy.
  ASSERT_TRUE(wait_until([] { return held_uploads("vera") == 0; }, seconds(90)));
  auto resumed = client.run("NODE2_TCP", {"put", "--resume", client.local("big.bin")});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resumed at"), std::string::npos) << resumed.err;
  ASSERT_TRUE(cluster().cluster("start-node", {"1"}));
  auto get = client.run("NODE1_TCP", {"get", "-q", "big.bin", client.local("back.bin")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(same_file_bytes(client.local("big.bin"), client.local("back.bin")));
}

// "[10:04] bob: hi" as the text after the name, for `from`'s lines in order.
std::vector<std::string> messages_from(const std::string& out, const std::string& from) {
  static const std::regex message(R"(^\[\d\d:\d\d\] ([A-Za-z0-9_.-]+): (.*)$)");
  std::vector<std::string> found;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, message) && match[1] == from) found.push_back(match[2]);
  }
  return found;
}

TEST(Cluster, ChatMessagesSentOnNode1ReachMembersOnNodes2And3InOrder) {
  std::map<std::string, std::unique_ptr<ChildProcess>> chats;
  std::map<std::string, ClusterClient> clients;
  const std::vector<std::pair<std::string, std::string>> members = {
      {"wade", "NODE1_TCP"}, {"xena", "NODE2_TCP"}, {"yann", "NODE3_TCP"}};
  for (const auto& [user, node] : members) {
    auto& client = clients.emplace(user, ClusterClient("chat-" + user)).first->second;
    register_and_log_in(client, user);
    client.share_login("NODE1_TCP", {node});
    chats[user] = std::make_unique<ChildProcess>(client.argv(node, {"chat"}), client.env(),
                                                 client.dir(), true);
    ASSERT_TRUE(chats[user]->wait_for_out("* in the room:")) << user << ": " << chats[user]->err();
  }
  constexpr int kMessages = 30;
  for (int i = 0; i < kMessages; ++i)
    chats["wade"]->write_stdin("line " + std::to_string(i) + "\n");
  for (const std::string reader : {"xena", "yann"}) {
    ASSERT_TRUE(chats[reader]->wait_for_out("] wade: line " + std::to_string(kMessages - 1)))
        << reader << " got:\n"
        << chats[reader]->out() << chats[reader]->err();
    auto got = messages_from(chats[reader]->out(), "wade");
    ASSERT_EQ(got.size(), static_cast<std::size_t>(kMessages)) << chats[reader]->out();
    for (int i = 0; i < kMessages; ++i) EXPECT_EQ(got[i], "line " + std::to_string(i)) << reader;
  }
  for (auto& [user, chat] : chats) {
    chat->close_stdin();
    EXPECT_EQ(chat->wait(), 0) << user << ": " << chat->err();
  }
}

TEST(Cluster, TwoNodesReplacingTheSameFileAtOnceLeaveOneCompleteVersion) {
  ClusterClient client("race-user");
  register_and_log_in(client, "zoe");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP"});
  make_random_file(client.local("a.bin"), 12u << 20, 44);
  make_random_file(client.local("b.bin"), (12u << 20) + 777, 55);
  make_random_file(client.local("first.bin"), 1u << 20, 66);
  ASSERT_EQ(
      client.run("NODE1_TCP", {"put", "-q", client.local("first.bin"), "shared.bin"}).exit_code, 0);
  for (int round = 0; round < 3; ++round) {
    ChildProcess a(client.argv("NODE1_TCP", {"put", "-q", client.local("a.bin"), "shared.bin"}),
                   client.env(), client.dir());
    ChildProcess b(client.argv("NODE2_TCP", {"put", "-q", client.local("b.bin"), "shared.bin"}),
                   client.env(), client.dir());
    int a_status = a.wait(seconds(120)), b_status = b.wait(seconds(120));
    // Last writer wins, or one is refused with a message; never both refused.
    EXPECT_TRUE(a_status == 0 || b_status == 0) << a.err() << b.err();
    if (a_status != 0) {
      EXPECT_FALSE(a.err().empty());
    }
    if (b_status != 0) {
      EXPECT_FALSE(b.err().empty());
    }
    fs::path got = client.local("got-" + std::to_string(round));
    auto get = client.run("NODE3_TCP", {"get", "-q", "shared.bin", got});
    ASSERT_EQ(get.exit_code, 0) << get.err;
    bool is_a = same_file_bytes(got, client.local("a.bin"));
    bool is_b = same_file_bytes(got, client.local("b.bin"));
    EXPECT_TRUE(is_a || is_b) << "round " << round << ": the file is a mix of the two uploads";
    if (is_a) {
      EXPECT_EQ(a_status, 0) << "the refused upload's content was published";
    }
    if (is_b) {
      EXPECT_EQ(b_status, 0) << "the refused upload's content was published";
    }
  }
}

TEST(Cluster, AnOsdRestartedDuringADownloadDelaysItAndTheBytesAreIdentical) {
  ClusterClient client("osd-user");
  register_and_log_in(client, "olga");
  client.share_login("NODE1_TCP", {"NODE2_TCP"});
  make_random_file(client.local("movie.bin"), 64u << 20, 77);
  ASSERT_EQ(
      client.run("NODE1_TCP", {"put", "-q", client.local("movie.bin"), "movie.bin"}).exit_code, 0);
  fs::path target = client.local("movie.copy");
  ChildProcess get(client.argv("NODE2_TCP", {"get", "--limit-rate", "16M", "movie.bin", target}),
                   client.env(), client.dir());
  // The client's partial download grows as the bytes arrive (TARGET.part, client/transfer).
  fs::path part = target.string() + ".part";
  ASSERT_TRUE(wait_until(
      [&] {
        std::error_code e;
        return fs::file_size(part, e) >= (8u << 20);
      },
      seconds(60)));
  ASSERT_TRUE(cluster().cluster("restart-osd"));
  EXPECT_EQ(get.wait(seconds(300)), 0) << get.err();
  EXPECT_TRUE(same_file_bytes(client.local("movie.bin"), target));
}

TEST(Cluster, EveryNodeKilledAndRestartedLosesNothingAcknowledged) {
  ClusterClient client("restart-user");
  register_and_log_in(client, "rita");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP"});
  for (int i = 0; i < 3; ++i) {
    std::string name = "kept" + std::to_string(i) + ".bin";
    make_random_file(client.local(name), (3u << 20) + i, 90 + i);
    auto put = client.run(kNodeFrontends[i], {"put", "-q", client.local(name), name});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }
  auto mkdir = client.run("NODE2_TCP", {"mkdir", "folder"});
  ASSERT_EQ(mkdir.exit_code, 0) << mkdir.err;
  for (const std::string n : {"1", "2", "3"}) ASSERT_TRUE(cluster().cluster("kill-node", {n}));
  for (const std::string n : {"1", "2", "3"}) ASSERT_TRUE(cluster().cluster("start-node", {n}));
  // The saved token (no new login), the files and the folder, through every node.
  for (int i = 0; i < 3; ++i) {
    std::string name = "kept" + std::to_string(i) + ".bin";
    fs::path back = client.local(name + ".back");
    auto get = client.run(kNodeFrontends[(i + 1) % 3], {"get", "-q", "--overwrite", name, back});
    ASSERT_EQ(get.exit_code, 0) << get.err;
    EXPECT_TRUE(same_file_bytes(client.local(name), back)) << name;
  }
  auto ls = client.run("NODE3_TCP", {"ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find("folder"), std::string::npos) << ls.out;
  // The account itself: a fresh login with the password.
  ClusterClient again("restart-user-again");
  auto login =
      again.run("NODE2_TCP", {"login", "rita"}, {{"NETDISK_PASSWORD", password_of("rita")}});
  EXPECT_EQ(login.exit_code, 0) << login.err;
}

// --- quota: one quota ledger for the whole cluster (src/cluster/quota/)

// `netdiskd admin ARGS...` in cluster mode against the cluster's PostgreSQL (and RADOS, Redis),
// from a data folder of its own: no node's admin socket is involved.
CliResult cluster_admin(std::vector<std::string> args) {
  auto data = cluster().work() / "admin-data";
  fs::create_directories(data);
  std::vector<std::string> common = {"--data",       data.string(),
                                     "--storage",    "cluster",
                                     "--pg",         cluster().value("PG_CONNINFO"),
                                     "--rados-conf", cluster().value("CEPH_CONF"),
                                     "--redis",      cluster().value("REDIS"),
                                     "--node-name",  "admin"};
  args.insert(args.begin(), "admin");
  args.insert(args.end(), common.begin(), common.end());
  return run_program(binary_dir() / "netdiskd", args);
}

// The first line of `netdisk df` ("used   8.0 MiB (8388608 bytes)").
std::string used_line(const CliResult& df) { return df.out.substr(0, df.out.find('\n')); }

TEST(Cluster, AnAdministratorsQuotaHoldsOnEveryNodeAndEveryNodeShowsTheSameUsage) {
  ClusterClient client("quota-user");
  register_and_log_in(client, "quinn");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP"});
  auto set = cluster_admin({"user", "quota", "quinn", "10MiB"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  // Every node has counted quinn's space already (empty): a node's own running total would
  // miss what another node stores after this.
  for (const auto& frontend : kNodeFrontends) {
    auto df = client.run(frontend, {"df"});
    ASSERT_EQ(df.exit_code, 0) << frontend << ": " << df.err;
    EXPECT_EQ(used_line(df), "used   0 B (0 bytes)") << frontend;
  }

  make_random_file(client.local("eight.bin"), 8u << 20, 81);
  auto put = client.run("NODE1_TCP", {"put", "-q", client.local("eight.bin"), "eight.bin"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  // Node 2 counts what node 1 stored: 3 MiB more would pass 10 MiB.
  make_random_file(client.local("three.bin"), 3u << 20, 82);
  auto refused = client.run("NODE2_TCP", {"put", "-q", client.local("three.bin"), "three.bin"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("quota"), std::string::npos) << refused.err;
  // Nothing of it is left: no file, no upload session, no reservation.
  auto listing = client.run("NODE3_TCP", {"ls"});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out.find("three.bin"), std::string::npos) << listing.out;
  auto sessions =
      run_program("/usr/bin/psql", {"-At", "-d", address("PG_CONNINFO"), "-c",
                                    "SELECT (SELECT count(*) FROM netdisk.uploads WHERE username = "
                                    "'quinn') + (SELECT count(*) FROM netdisk.quota_reservations "
                                    "WHERE username = 'quinn')"});
  EXPECT_EQ(sessions.out, "0\n") << sessions.err;

  // Every node answers the cluster's figures.
  for (const auto& frontend : kNodeFrontends) {
    auto df = client.run(frontend, {"df"});
    ASSERT_EQ(df.exit_code, 0) << frontend << ": " << df.err;
    EXPECT_EQ(used_line(df), "used   8.0 MiB (8388608 bytes)") << frontend;
    EXPECT_NE(df.out.find("quota  10.0 MiB (10485760 bytes)"), std::string::npos) << df.out;
  }
  // What is left still fits, through node 3.
  make_random_file(client.local("two.bin"), 2u << 20, 83);
  auto fits = client.run("NODE3_TCP", {"put", "-q", client.local("two.bin"), "two.bin"});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  // And the administrator's list, in cluster mode, shows the bytes used.
  auto users = cluster_admin({"--json", "users"});
  ASSERT_EQ(users.exit_code, 0) << users.err;
  EXPECT_NE(users.out.find("\"used\": 10485760"), std::string::npos) << users.out;
}

// --- chat: history served across nodes, presence (chat.who, joined, left) across nodes ---
namespace chat_across_nodes {

// Starts `netdisk chat` as a new user through `node` (registered and logged in through node 1),
// once it is in the room.
std::unique_ptr<ChildProcess> chat_through(std::map<std::string, ClusterClient>& clients,
                                           const std::string& user, const std::string& node) {
  auto& client = clients.emplace(user, ClusterClient("chat-" + user)).first->second;
  register_and_log_in(client, user);
  client.share_login("NODE1_TCP", {node});
  auto chat =
      std::make_unique<ChildProcess>(client.argv(node, {"chat"}), client.env(), client.dir(), true);
  EXPECT_TRUE(chat->wait_for_out("* in the room:")) << user << ": " << chat->err();
  return chat;
}

void leave(const std::string& user, ChildProcess& chat) {
  chat.close_stdin();
  EXPECT_EQ(chat.wait(), 0) << user << ": " << chat.err();
}

// The rows netdisk.chat_history holds from `user`, asked of PostgreSQL itself.
int history_rows(const std::string& user) {
  auto query = run_program(
      "/usr/bin/psql", {"-At", "-d", address("PG_CONNINFO"), "-c",
                        "SELECT count(*) FROM netdisk.chat_history WHERE sender = '" + user + "'"});
  return query.exit_code == 0 ? std::atoi(query.out.c_str()) : -1;
}

// "[10:04] (history) hana: text" lines of `out` from `user`, their texts in order.
std::vector<std::string> history_from(const std::string& out, const std::string& user) {
  const std::regex line_of(R"(^\[\d\d:\d\d\] \(history\) ([A-Za-z0-9_.-]+): (.*)$)");
  std::vector<std::string> texts;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, line_of) && match[1] == user) texts.push_back(match[2]);
  }
  return texts;
}

TEST(Cluster, ChatSentThroughNode1IsShownAsHistoryToAMemberJoiningThroughNode3) {
  std::map<std::string, ClusterClient> clients;
  auto ivan = chat_through(clients, "ivan", "NODE1_TCP");
  auto hana = chat_through(clients, "hana", "NODE1_TCP");
  hana->write_stdin("/msg ivan only for ivan\n");
  for (int i = 0; i < 5; ++i) hana->write_stdin("said " + std::to_string(i) + "\n");
  leave("hana", *hana);
  EXPECT_TRUE(ivan->wait_for_out("] (private) hana: only for ivan")) << ivan->out();
  // Node 1 keeps the messages on its blocking pool after it answered: wait until they are in.
  ASSERT_TRUE(wait_until([] { return history_rows("hana") == 5; })) << history_rows("hana");
  auto jude = chat_through(clients, "jude", "NODE3_TCP");
  ASSERT_TRUE(jude->wait_for_out("] (history) hana: said 4\n")) << jude->out();
  EXPECT_EQ(history_from(jude->out(), "hana"),
            (std::vector<std::string>{"said 0", "said 1", "said 2", "said 3", "said 4"}))
      << jude->out();
  EXPECT_EQ(jude->out().find("only for ivan"), std::string::npos) << jude->out();
  leave("jude", *jude);
  leave("ivan", *ivan);
}

TEST(Cluster, ChatWhoThroughNode2ListsMembersOfNodes1And3AndALeaveOnNode1IsAnnouncedThere) {
  std::map<std::string, ClusterClient> clients;
  auto max = chat_through(clients, "max", "NODE2_TCP");
  auto kim = chat_through(clients, "kim", "NODE1_TCP");
  auto lena = chat_through(clients, "lena", "NODE3_TCP");
  // A node announces a join once it has listed the member in Redis.
  ASSERT_TRUE(max->wait_for_out("* kim joined")) << max->out();
  ASSERT_TRUE(max->wait_for_out("* lena joined")) << max->out();
  std::size_t seen = max->out().size();
  max->write_stdin("/who\n");
  ASSERT_TRUE(max->wait_for_out("* in the room:", seen)) << max->out();
  std::string who = max->out().substr(max->out().find("* in the room:", seen));
  who = who.substr(0, who.find('\n'));
  for (const std::string name : {"kim", "lena", "max"}) {
    EXPECT_TRUE(std::regex_search(who, std::regex("[ ,]" + name + "(,|$)"))) << who;
  }
  leave("kim", *kim);
  EXPECT_TRUE(max->wait_for_out("* kim left")) << max->out();
  EXPECT_TRUE(lena->wait_for_out("* kim left")) << lena->out();
  leave("lena", *lena);
  EXPECT_TRUE(max->wait_for_out("* lena left")) << max->out();
  leave("max", *max);
}

}  // namespace chat_across_nodes

// --- shares: share links and registration are the cluster's (PostgreSQL), not a node's ------

// The 48 hex digits after "/s/" in what `netdisk share` printed; empty when there are none.
std::string share_token(const std::string& printed) {
  std::smatch match;
  static const std::regex kLink("/s/([0-9a-f]{48})");
  return std::regex_search(printed, match, kLink) ? match[1].str() : std::string();
}

// `netdiskd [cluster options] admin --json ARGS`: the options before the command, as an
// administrator types them; no node is involved.
CliResult cluster_admin_json(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--storage", "cluster", "--pg", address("PG_CONNINFO")};
  full.insert(full.end(), {"--rados-conf", address("CEPH_CONF"), "--redis", address("REDIS")});
  full.insert(full.end(), {"admin", "--json"});
  full.insert(full.end(), args.begin(), args.end());
  return run_program(binary_dir() / "netdiskd", full);
}

TEST(Cluster, AShareLinkMadeThroughNode1OpensThroughNode2UntilRevokedThroughNode3) {
  ClusterClient client("share-user");
  register_and_log_in(client, "sasha");
  client.share_login("NODE1_TCP", {"NODE2_TCP", "NODE3_TCP"});
  // No use of node 2 before the link is opened there: an owner the node has not read yet is
  // asked of PostgreSQL (AccountService::find_user_anywhere), not refused.
  make_random_file(client.local("shared.bin"), (5u << 20) + 777, 31);
  auto put = client.run("NODE1_TCP", {"put", "-q", client.local("shared.bin"), "shared.bin"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  auto shared = client.run("NODE1_TCP", {"share", "shared.bin"});
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  std::string token = share_token(shared.out);
  ASSERT_FALSE(token.empty()) << shared.out;
  // No login, no credentials: the link alone, on a node that did not make it.
  EXPECT_EQ(http_get(address("NODE2_HTTP"), "/s/" + token, {}, {}, client.local("via-node2")), 200);
  EXPECT_TRUE(same_file_bytes(client.local("shared.bin"), client.local("via-node2")));
  auto revoked = client.run("NODE3_TCP", {"unshare", token});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(http_get(address("NODE1_HTTP"), "/s/" + token), 404);
  EXPECT_EQ(http_get(address("NODE2_HTTP"), "/s/" + token), 404);
}

// Puts registration back to open when the test ends, however it ends: the cluster is shared.
struct ReopenRegistration {
  ~ReopenRegistration() { cluster_admin_json({"registration", "open"}); }
};

TEST(Cluster, AnInvitationFromTheAdminRegistersOnceThroughNode2AndIsSpentOnNode3) {
  ReopenRegistration reopen;
  auto mode = cluster_admin_json({"registration", "invite"});
  ASSERT_EQ(mode.exit_code, 0) << mode.err;
  EXPECT_EQ(nlohmann::json::parse(mode.out, nullptr, false).value("mode", ""), "invite")
      << mode.out;
  auto made = cluster_admin_json({"invite", "create", "--uses", "1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto code = nlohmann::json::parse(made.out, nullptr, false).value("code", "");
  ASSERT_FALSE(code.empty()) << made.out;
  ClusterClient client("invited-user");
  Env with_password = {{"NETDISK_PASSWORD", password_of("ivo")}};
  // Every node follows the administrator's mode: no code, no account, on node 1 too.
  auto without = client.run("NODE1_TCP", {"register", "ivo"}, with_password);
  EXPECT_NE(without.exit_code, 0) << without.out;
  auto first = client.run("NODE2_TCP", {"register", "ivo", "--invite", code}, with_password);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto login = client.run("NODE3_TCP", {"login", "ivo"}, with_password);
  EXPECT_EQ(login.exit_code, 0) << login.err;
  auto second = client.run("NODE3_TCP", {"register", "ivy", "--invite", code},
                           {{"NETDISK_PASSWORD", password_of("ivy")}});
  EXPECT_NE(second.exit_code, 0) << second.out;
  EXPECT_NE(second.err.find("invitation"), std::string::npos) << second.err;
}

// --- locks: WebDAV locks and the login throttle, shared by every node ---

// A WebDAV request through curl, as `user` (Basic, the user's cluster password).
struct DavReply {
  int status = 0;
  std::string headers;
  std::string body;
};

DavReply dav(const std::string& frontend, const std::string& method, const std::string& target,
             const std::string& user, const std::vector<std::string>& headers = {},
             const std::string& body = {}) {
  fs::create_directories(cluster().work());
  fs::path head = cluster().work() / "dav.headers", out = cluster().work() / "dav.body",
           in = cluster().work() / "dav.request";
  std::vector<std::string> args = {"-s",
                                   "-X",
                                   method,
                                   "-D",
                                   head.string(),
                                   "-o",
                                   out.string(),
                                   "-w",
                                   "%{http_code}",
                                   "--max-time",
                                   "120",
                                   "-u",
                                   user + ":" + password_of(user)};
  for (const auto& header : headers) args.insert(args.end(), {"-H", header});
  if (!body.empty() || method == "PUT") {
    write_file(in, body);
    args.insert(args.end(), {"--data-binary", "@" + in.string()});
  }
  args.push_back("http://" + address(frontend) + target);
  auto curl = run_program("/usr/bin/curl", args, {}, {}, seconds(150));
  DavReply reply;
  if (curl.exit_code != 0) return reply;
  reply.status = std::atoi(curl.out.c_str());
  reply.headers = read_file(head);
  reply.body = fs::exists(out) ? read_file(out) : std::string();
  fs::remove(out);
  return reply;
}

std::string lock_token_of(const DavReply& reply) {
  std::smatch found;
  std::regex header("lock-token: *<([^>]+)>", std::regex::icase);
  return std::regex_search(reply.headers, found, header) ? found[1].str() : std::string();
}

const char* const kExclusiveLock =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\">"
    "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    "<D:owner>cluster test</D:owner></D:lockinfo>";

TEST(Cluster, ALockTakenThroughNode1Refuses423OnNode2AndItsTokenWorksOnNode3) {
  ClusterClient client("lock-user");
  register_and_log_in(client, "lars");
  ASSERT_EQ(dav("NODE1_HTTP", "PUT", "/files/doc.txt", "lars", {}, "first").status, 201);
  auto locked = dav("NODE1_HTTP", "LOCK", "/files/doc.txt", "lars",
                    {"Content-Type: application/xml", "Timeout: Second-600"}, kExclusiveLock);
  ASSERT_EQ(locked.status, 200) << locked.body;
  std::string token = lock_token_of(locked);
  ASSERT_TRUE(token.starts_with("urn:uuid:")) << locked.headers;
  // Without the token, through node 2: every write refused, whatever the transport.
  EXPECT_EQ(dav("NODE2_HTTP", "PUT", "/files/doc.txt", "lars", {}, "second").status, 423);
  EXPECT_EQ(dav("NODE2_HTTP", "DELETE", "/files/doc.txt", "lars").status, 423);
  auto moved = dav("NODE2_HTTP", "MOVE", "/files/doc.txt", "lars",
                   {"Destination: http://" + address("NODE2_HTTP") + "/files/moved.txt"});
  EXPECT_EQ(moved.status, 423);
  client.share_login("NODE1_TCP", {"NODE2_TCP"});
  auto removed = client.run("NODE2_TCP", {"rm", "doc.txt"});
  EXPECT_NE(removed.exit_code, 0) << removed.out;
  // Node 3 sees the lock, and takes its token.
  auto found = dav("NODE3_HTTP", "PROPFIND", "/files/doc.txt", "lars", {"Depth: 0"},
                   "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
                   "<D:lockdiscovery/></D:prop></D:propfind>");
  EXPECT_EQ(found.status, 207);
  EXPECT_NE(found.body.find(token), std::string::npos) << found.body;
  auto replaced =
      dav("NODE3_HTTP", "PUT", "/files/doc.txt", "lars", {"If: (<" + token + ">)"}, "third");
  EXPECT_EQ(replaced.status, 200) << replaced.body;  // the file replaced
  // UNLOCK through node 2 frees the name for every node.
  EXPECT_EQ(
      dav("NODE2_HTTP", "UNLOCK", "/files/doc.txt", "lars", {"Lock-Token: <" + token + ">"}).status,
      204);
  EXPECT_EQ(dav("NODE1_HTTP", "PUT", "/files/doc.txt", "lars", {}, "fourth").status, 200);
  auto back = dav("NODE2_HTTP", "GET", "/files/doc.txt", "lars");
  EXPECT_EQ(back.body, "fourth");
}

// litmus's failures in its report (FAIL, ERROR or SKIPPED lines).
std::string litmus_failures(const std::string& report) {
  std::string failed;
  std::istringstream lines(report);
  std::regex bad("(FAIL|ERROR|SKIPPED)");
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, bad)) failed += line + "\n";
  }
  return failed;
}

TEST(Cluster, LitmusLocksSuitePassesAgainstOneNodesFrontend) {
  ClusterClient client("litmus-user");
  register_and_log_in(client, "lily");
  fs::path work = cluster().work() / "litmus";
  fs::create_directories(work);
  // litmus writes debug.log and child.log into its working folder.
  auto run =
      run_program("/bin/sh", {"-c", "cd \"$WORK\" && exec /usr/bin/litmus \"$URL\" lily \"$PASS\""},
                  {{"TESTS", "locks"},
                   {"HOME", work.string()},
                   {"WORK", work.string()},
                   {"PASS", password_of("lily")},
                   {"URL", "http://" + address("NODE1_HTTP") + "/files/"}},
                  "", seconds(300));
  std::string report = run.out + run.err;
  EXPECT_EQ(run.exit_code, 0) << report;
  EXPECT_EQ(litmus_failures(report), "") << report;
  std::smatch summary;
  std::regex line("summary for `locks': of ([0-9]+) tests run: ([0-9]+) passed, 0 failed");
  ASSERT_TRUE(std::regex_search(report, summary, line)) << report;
  EXPECT_EQ(summary[1].str(), summary[2].str()) << report;
}

// The Redis socket of the cluster, and its login throttle's records cleared: every test of
// this binary logs in from 127.0.0.1, one address record.
std::string redis_socket() {
  std::string redis = address("REDIS");
  return redis.starts_with("unix:") ? redis.substr(5) : redis;
}
void clear_throttle() {
  run_shell("redis-cli -s '" + redis_socket() +
            "' --scan --pattern 'netdisk:throttle:*' | xargs -r redis-cli -s '" + redis_socket() +
            "' DEL");
}

// Last in the file: its failures leave 127.0.0.1's address record throttled for a moment.
TEST(Cluster, WrongPasswordsThroughNode1ThrottleTheRightOneThroughNode2) {
  ClusterClient client("throttle-user");
  register_and_log_in(client, "theo");
  clear_throttle();
  // One curl, so no process start-up separates the last failure from the attempt that must be
  // refused: five wrong passwords through node 1 (the free ones), then the right one through
  // node 2, within the 1 s delay the fifth failure set.
  fs::path body = cluster().work() / "throttled.body";
  std::vector<std::string> args;
  for (int i = 0; i < 5; ++i) {
    if (i > 0) args.push_back("--next");
    args.insert(args.end(), {"-s", "-o", "/dev/null", "-w", "%{http_code}\n", "-u",
                             "theo:wrong password " + std::to_string(i),
                             "http://" + address("NODE1_HTTP") + "/files/"});
  }
  args.insert(args.end(),
              {"--next", "-s", "-o", body.string(), "-w", "%{http_code}\n", "-u",
               "theo:" + password_of("theo"), "http://" + address("NODE2_HTTP") + "/files/"});
  auto curl = run_program("/usr/bin/curl", args, {}, {}, seconds(150));
  ASSERT_EQ(curl.exit_code, 0) << curl.err;
  EXPECT_EQ(curl.out, "401\n401\n401\n401\n401\n429\n");
  EXPECT_NE(read_file(body).find("rate_limited"), std::string::npos) << read_file(body);
  // The count is Redis's, the one every node reads.
  auto count = run_program("/usr/bin/redis-cli",
                           {"-s", redis_socket(), "HGET", "netdisk:throttle:user:theo", "f"});
  EXPECT_EQ(count.out, "5\n");
  clear_throttle();  // no throttled address left behind for whatever runs next
}

}  // namespace
}  // namespace netdisk::e2e

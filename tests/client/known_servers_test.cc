// Unit tests of the known_servers file (parsing, rewriting, its mode) and of the trust
// decision on a server's key (server_trust.h), with the question answered by the test.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "client/config_file.h"
#include "client/known_servers.h"
#include "client/server_trust.h"

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

const std::string kKeyA = "SHA256:" + std::string(43, 'A');
const std::string kKeyB = "SHA256:" + std::string(42, 'B') + "/";

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("netdisk-known-" + name + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(KnownServers, ParsesEntriesAndSkipsCommentsBlanksAndBrokenLines) {
  std::string text = "# trusted keys\n\nhost:7070 " + kKeyA + "\n  other:1\t" + kKeyB +
                     "  \r\nbroken-line\nbad:1 SHA256:short\nhost:7070 " + kKeyB + "\n";
  auto entries = parse_known_servers(text);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].server, "host:7070");
  EXPECT_EQ(entries[0].fingerprint, kKeyA);
  EXPECT_EQ(entries[0].line, 3u);
  EXPECT_EQ(entries[1].server, "other:1");
  EXPECT_EQ(entries[1].fingerprint, kKeyB);
  EXPECT_EQ(entries[1].line, 4u);
}

TEST(KnownServers, RememberReplacesTheServersLinesAndKeepsEverythingElse) {
  std::string text = "# mine\nhost:7070 " + kKeyA + "\nnot an entry\nother:1 " + kKeyA;
  EXPECT_EQ(remember_in(text, "host:7070", kKeyB),
            "# mine\nnot an entry\nother:1 " + kKeyA + "\nhost:7070 " + kKeyB + "\n");
  EXPECT_EQ(forget_in(text, "other:1"), "# mine\nhost:7070 " + kKeyA + "\nnot an entry\n");
  EXPECT_EQ(remember_in("", "h:1", kKeyA), "h:1 " + kKeyA + "\n");
}

TEST(KnownServers, TheFileIsPrivateAndForgetSaysWhetherTheServerWasThere) {
  fs::path dir = fresh_dir("file");
  KnownServers known(dir / "netdisk" / "known_servers");
  EXPECT_FALSE(known.find("h:1"));
  known.remember("h:1", kKeyA);
  known.remember("g:2", kKeyB);
  ASSERT_TRUE(known.find("h:1"));
  EXPECT_EQ(known.find("g:2")->fingerprint, kKeyB);
  EXPECT_EQ(known.find("g:2")->line, 2u);
  struct stat info {};
  ASSERT_EQ(::stat(known.file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(known.file().string() + ".tmp"));
  EXPECT_TRUE(known.forget("h:1"));
  EXPECT_FALSE(known.forget("h:1"));
  EXPECT_FALSE(known.find("h:1"));
  EXPECT_EQ(read_text_file(known.file()), "g:2 " + kKeyB + "\n");
  fs::remove_all(dir);
}

struct TrustCase {
  fs::path dir = fresh_dir("trust");
  KnownServers known{dir / "known_servers"};
  std::ostringstream notices;
  int asked = 0;

  ServerTrust make(bool strict, bool terminal, bool answer) {
    ServerTrust::Ask ask;
    if (terminal) {
      ask = [this, answer](const std::string& question) {
        ++asked;
        EXPECT_NE(question.find(kKeyA), std::string::npos) << question;
        return answer;
      };
    }
    return ServerTrust(known, strict, ask, notices);
  }
  ~TrustCase() { fs::remove_all(dir); }
};

TEST(ServerTrust, AScriptTrustsAnUnknownKeyRemembersItAndSaysSo) {
  TrustCase c;
  auto trust = c.make(false, false, false);
  trust.check("h:1", {kKeyA, false});
  EXPECT_EQ(c.known.find("h:1")->fingerprint, kKeyA);
  EXPECT_NE(c.notices.str().find("first connection to h:1"), std::string::npos);
  EXPECT_NE(c.notices.str().find(kKeyA), std::string::npos);
}

TEST(ServerTrust, StrictModeRefusesAnUnknownKeyAndRemembersNothing) {
  TrustCase c;
  auto trust = c.make(true, false, false);
  try {
    trust.check("h:1", {kKeyA, false});
    FAIL() << "an unknown key was trusted";
  } catch (const UntrustedServer& error) {
    EXPECT_NE(std::string(error.what()).find("strict"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(c.known.find("h:1"));
}

TEST(ServerTrust, ATerminalIsAskedOnceAndNoRefuses) {
  TrustCase c;
  auto yes = c.make(false, true, true);
  yes.check("h:1", {kKeyA, false});
  EXPECT_TRUE(yes.take_question_asked());
  EXPECT_FALSE(yes.take_question_asked());
  yes.check("h:1", {kKeyA, false});
  EXPECT_FALSE(yes.take_question_asked());
  EXPECT_EQ(c.asked, 1);
  EXPECT_EQ(c.known.find("h:1")->fingerprint, kKeyA);
  auto no = c.make(false, true, false);
  EXPECT_THROW(no.check("g:2", {kKeyA, false}), UntrustedServer);
  EXPECT_FALSE(c.known.find("g:2"));
}

TEST(ServerTrust, AChangedKeyIsRefusedEverywhereNamingBothKeysTheLineAndTheWayOut) {
  TrustCase c;
  c.known.remember("h:1", kKeyA);
  for (bool terminal : {false, true}) {
    auto trust = c.make(false, terminal, true);
    try {
      trust.check("h:1", {kKeyB, false});
      FAIL() << "a changed key was trusted";
    } catch (const UntrustedServer& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("HAS CHANGED"), std::string::npos) << message;
      EXPECT_NE(message.find(kKeyA), std::string::npos) << message;
      EXPECT_NE(message.find(kKeyB), std::string::npos) << message;
      EXPECT_NE(message.find("line 1"), std::string::npos) << message;
      EXPECT_NE(message.find("netdisk trust --forget h:1"), std::string::npos) << message;
    }
  }
  EXPECT_EQ(c.asked, 0);
  EXPECT_EQ(c.known.find("h:1")->fingerprint, kKeyA);
}

TEST(ServerTrust, ACaVerifiedCertificateNeedsNoQuestionAndNoEntry) {
  TrustCase c;
  auto trust = c.make(true, true, false);
  trust.check("h:1", {kKeyA, true});
  EXPECT_EQ(c.asked, 0);
  EXPECT_FALSE(c.known.find("h:1"));
}

}  // namespace
}  // namespace netdisk::client

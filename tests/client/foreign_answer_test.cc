// Unit tests of what the client says when --server is not a NetDisk protocol port
// (client/foreign_answer.h): recognised from the first bytes the peer sent.
#include <gtest/gtest.h>

#include "client/foreign_answer.h"

namespace netdisk::client {
namespace {

TEST(ForeignAnswer, RecognisesNetdiskdsHttpPortOtherWebServersTlsAndSsh) {
  EXPECT_EQ(identify_foreign("HTTP/1.1 400 Bad Request\r\nServer: netdiskd/0.1.0\r\n\r\n"),
            ForeignKind::netdisk_http);
  EXPECT_EQ(identify_foreign("HTTP/1.1 400 Bad Request\r\nserver: NetDiskd/0.1.0\r\n\r\n"),
            ForeignKind::netdisk_http);
  EXPECT_EQ(identify_foreign("HTTP/1.0 400 Bad Request\r\nServer: nginx\r\n\r\n"),
            ForeignKind::http);
  EXPECT_EQ(identify_foreign(std::string("\x15\x03\x03\x00\x02\x02\x32", 7)), ForeignKind::tls);
  EXPECT_EQ(identify_foreign(std::string("\x16\x03\x01\x00\x05", 5)), ForeignKind::tls);
  EXPECT_EQ(identify_foreign("SSH-2.0-OpenSSH_9.2\r\n"), ForeignKind::ssh);
  EXPECT_EQ(identify_foreign(""), ForeignKind::silent_close);
  EXPECT_EQ(identify_foreign("220 smtp ready\r\n"), ForeignKind::other);
}

TEST(ForeignAnswer, SuggestsTheDefaultProtocolPortUnlessItIsTheOneTried) {
  std::string http = "HTTP/1.1 400 Bad Request\r\nServer: netdiskd/0.1.0\r\n\r\n";
  auto elsewhere = foreign_answer_message(http, ServerAddress{"nas.local", 7080});
  EXPECT_NE(elsewhere.find("nas.local:7080 is NetDisk's HTTP port"), std::string::npos);
  EXPECT_NE(elsewhere.find("try --server nas.local:7070"), std::string::npos) << elsewhere;
  auto same = foreign_answer_message(http, ServerAddress{"nas.local", 7070});
  EXPECT_EQ(same.find("try --server"), std::string::npos) << same;
  auto other = foreign_answer_message("220 smtp\r\n", ServerAddress{"h", 25});
  EXPECT_NE(other.find("is not a NetDisk server"), std::string::npos) << other;
}

}  // namespace
}  // namespace netdisk::client

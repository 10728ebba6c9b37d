// The ASCII fallback of Content-Disposition (server/http/content_disposition.h): what curl -OJ
// saves, since it reads only filename=.
#include "server/http/content_disposition.h"

#include <gtest/gtest.h>

namespace netdisk::server::http {
namespace {

TEST(ContentDisposition, AsciiNamesAreKeptAsTheyAre) {
  EXPECT_EQ(ascii_fallback_name("report 2026 (final).pdf"), "report 2026 (final).pdf");
  EXPECT_EQ(ascii_fallback_name("notes"), "notes");
  EXPECT_EQ(ascii_fallback_name(".bashrc"), ".bashrc");
}

TEST(ContentDisposition, EachRunOfNonAsciiBecomesOneUnderscore) {
  EXPECT_EQ(ascii_fallback_name("2026 报告 final.pdf"), "2026 _ final.pdf");
  EXPECT_EQ(ascii_fallback_name("résumé 2026.txt"), "r_sum_ 2026.txt");
  EXPECT_EQ(ascii_fallback_name("a\"b\\c\x01.txt"), "a_b_c_.txt");
}

TEST(ContentDisposition, AStemWithoutLettersOrDigitsBecomesDownload) {
  EXPECT_EQ(ascii_fallback_name("报告.pdf"), "download.pdf");
  EXPECT_EQ(ascii_fallback_name("报告"), "download");
  EXPECT_EQ(ascii_fallback_name("«» .tar"), "download.tar");
  EXPECT_EQ(ascii_fallback_name("照片.文档"), "download");
  EXPECT_EQ(ascii_fallback_name("photo.文档"), "photo");
}

TEST(ContentDisposition, TheHeaderKeepsTheExactNameInFilenameStar) {
  EXPECT_EQ(content_disposition("2026 报告 final.pdf"),
            "attachment; filename=\"2026 _ final.pdf\"; "
            "filename*=UTF-8''2026%20%E6%8A%A5%E5%91%8A%20final.pdf");
}

}  // namespace
}  // namespace netdisk::server::http

// The client's pure text helpers: remote paths, shell words, ls columns, completion, quoting
// and rates.
#include <gtest/gtest.h>

#include <stdexcept>

#include "client/commands/listing_format.h"
#include "client/commands/transfer_commands.h"
#include "client/remote_path.h"
#include "client/shell/completion.h"
#include "client/shell/line_split.h"
#include "client/transfer/rate_limit.h"

namespace netdisk::client {
namespace {

using Words = std::vector<std::string>;

TEST(RemotePath, DropsLeadingSlashesDotsAndRepeatedSlashes) {
  EXPECT_EQ(normalize_remote("/docs//a.pdf"), "docs/a.pdf");
  EXPECT_EQ(normalize_remote("./docs/./a.pdf/"), "docs/a.pdf");
  EXPECT_EQ(normalize_remote("/"), "");
  EXPECT_EQ(normalize_remote(""), "");
  EXPECT_EQ(normalize_remote("a/../b"), "a/../b");  // the server refuses it, not us
}

TEST(RemotePath, JoinsAndSplits) {
  EXPECT_EQ(join_remote("", "a"), "a");
  EXPECT_EQ(join_remote("d/e", "a"), "d/e/a");
  EXPECT_EQ(remote_basename("d/e/a.txt"), "a.txt");
  EXPECT_EQ(remote_basename("a.txt"), "a.txt");
  EXPECT_EQ(remote_dirname("d/e/a.txt"), "d/e");
  EXPECT_EQ(remote_dirname("a.txt"), "");
}

TEST(SplitWords, SplitsOnBlanksAndHonoursQuotesAndBackslashes) {
  EXPECT_EQ(split_words("  put  a.txt   b "), (Words{"put", "a.txt", "b"}));
  EXPECT_EQ(split_words("get 'my file.txt' \"x \\\"y\\\"\" a\\ b"),
            (Words{"get", "my file.txt", "x \"y\"", "a b"}));
  EXPECT_EQ(split_words("rm ''"), (Words{"rm", ""}));
  EXPECT_EQ(split_words(""), Words{});
}

TEST(SplitWords, RefusesAnUnterminatedQuote) {
  EXPECT_THROW(split_words("get 'open"), std::invalid_argument);
  EXPECT_THROW(split_words("get \"open"), std::invalid_argument);
  EXPECT_THROW(split_words("get trailing\\"), std::invalid_argument);
}

TEST(Listing, AlignsColumnsAndMarksFolders) {
  std::vector<RemoteEntry> entries = {
      {"docs", true, 0, "2026-11-23T10:04:05.123456789Z"},
      {"big.iso", false, 3ull << 30, "2026-11-22T09:00:00Z"},
      {"a.txt", false, 12, "2026-11-21T08:00:00Z"},
  };
  EXPECT_EQ(format_listing(entries, false),
            "dir         -  2026-11-23 10:04:05  docs/\n"
            "file  3.0 GiB  2026-11-22 09:00:00  big.iso\n"
            "file     12 B  2026-11-21 08:00:00  a.txt\n");
  EXPECT_EQ(format_listing(entries, true),
            "dir         -           -  2026-11-23 10:04:05  docs/\n"
            "file  3.0 GiB  3221225472  2026-11-22 09:00:00  big.iso\n"
            "file     12 B          12  2026-11-21 08:00:00  a.txt\n");
  EXPECT_EQ(format_listing({}, true), "");
}

TEST(Listing, KeepsATimeItCannotShorten) { EXPECT_EQ(short_time("yesterday"), "yesterday"); }

TEST(Completion, OffersCommandsFirstThenLocalFilesForPutAndRemoteNamesElsewhere) {
  EXPECT_EQ(completion_kind({}), CompletionKind::command);
  EXPECT_EQ(completion_kind({"put"}), CompletionKind::local_file);
  EXPECT_EQ(completion_kind({"put", "a", "--to"}), CompletionKind::remote_path);
  EXPECT_EQ(completion_kind({"get"}), CompletionKind::remote_path);
  EXPECT_EQ(completion_kind({"rm", "x"}), CompletionKind::remote_path);
}

TEST(Completion, MatchesRemoteNamesInTheTypedFolder) {
  std::vector<RemoteEntry> entries = {
      {"report.pdf", false, 1, ""}, {"reports", true, 0, ""}, {"zebra", false, 1, ""}};
  EXPECT_EQ(matching_remote_names(entries, "docs/rep"),
            (Words{"docs/report.pdf", "docs/reports/"}));
  EXPECT_EQ(matching_remote_names(entries, "z"), Words{"zebra"});
  EXPECT_TRUE(matching_remote_names(entries, "q").empty());
}

TEST(ShellQuote, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_quote("docs/a.txt"), "docs/a.txt");
  EXPECT_EQ(shell_quote("my file"), "'my file'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(ParseRate, ReadsBinarySuffixesAndRefusesNonsense) {
  EXPECT_EQ(parse_rate("123"), 123u);
  EXPECT_EQ(parse_rate("500K"), 500u * 1024);
  EXPECT_EQ(parse_rate("10M"), 10u << 20);
  EXPECT_EQ(parse_rate("1g"), 1u << 30);
  EXPECT_THROW(parse_rate("fast"), std::invalid_argument);
  EXPECT_THROW(parse_rate("10X"), std::invalid_argument);
  EXPECT_THROW(parse_rate("0"), std::invalid_argument);
}

}  // namespace
}  // namespace netdisk::client

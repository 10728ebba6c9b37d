// The shell's words as quoting leaves them: wildcards quoted or not, the word completion
// continues, completed names quoted so that the line splits back to exactly the name; command
// hints for the shell and the command line; remote wildcard matching.
#include <gtest/gtest.h>

#include "client/command_hint.h"
#include "client/remote_glob.h"
#include "client/shell/completion.h"
#include "client/shell/line_split.h"

namespace netdisk::client {
namespace {

using Words = std::vector<std::string>;

// Names with every character line_split or glob expansion treats specially.
const Words kAwkwardNames = {
    "a b  c.txt",   "it's",      "say \"hi\"",     "back\\slash", "*?[x].txt",
    "$HOME `x`",    "tab\there", "semi;colon&amp", "~user#1",     "caf\xc3\xa9 \xe2\x9c\x93",
    "!bang (1){2}", "trailing\\"};

TEST(SplitShellWords, MarksOnlyUnquotedWildcardsForExpansion) {
  auto words = split_shell_words("put *.txt '*.md' \"a?\" b\\[1] docs/*.jpg");
  ASSERT_EQ(words.size(), 6u);
  EXPECT_FALSE(words[0].has_glob);
  EXPECT_TRUE(words[1].has_glob);
  EXPECT_EQ(words[1].pattern, "*.txt");
  EXPECT_FALSE(words[2].has_glob);
  EXPECT_EQ(words[2].text, "*.md");
  EXPECT_EQ(words[2].pattern, "\\*.md");
  EXPECT_FALSE(words[3].has_glob);
  EXPECT_EQ(words[3].pattern, "a\\?");
  EXPECT_FALSE(words[4].has_glob);  // the [ is escaped, and a ] alone is no pattern
  EXPECT_EQ(words[4].text, "b[1]");
  EXPECT_EQ(words[4].pattern, "b\\[1]");
  EXPECT_TRUE(words[5].has_glob);
}

TEST(QuoteWord, EveryNameSplitsBackToItself) {
  for (const auto& name : kAwkwardNames) {
    std::string line = "get " + quote_word(name) + " " + quote_word("") + " x";
    EXPECT_EQ(split_words(line), (Words{"get", name, "", "x"})) << line;
  }
  EXPECT_EQ(quote_word("plain-name_1.txt"), "plain-name_1.txt");
  EXPECT_EQ(quote_word("a b"), "a\\ b");
}

TEST(OpenWord, TellsTheQuoteAndTheTextSoFar) {
  auto word = open_word("get \"a b");
  EXPECT_EQ(word.before, Words{"get"});
  EXPECT_EQ(word.text, "a b");
  EXPECT_EQ(word.quote, '"');
  word = open_word("put x 'it'\\''s");
  EXPECT_EQ(word.before, (Words{"put", "x"}));
  EXPECT_EQ(word.text, "it's");
  EXPECT_EQ(word.quote, '\'');
  word = open_word("get a\\");
  EXPECT_EQ(word.text, "a");
  EXPECT_TRUE(word.escape);
  EXPECT_EQ(open_word("get ").text, "");
  EXPECT_EQ(open_word("get ").before, Words{"get"});
}

// Completing every awkward name from every way of beginning to type it gives a line that
// splits back to exactly that name.
TEST(CompletionText, ACompletedNameSplitsBackToExactlyTheName) {
  for (const auto& name : kAwkwardNames) {
    for (std::size_t typed = 0; typed <= 3 && typed <= name.size(); ++typed) {
      std::string start = name.substr(0, typed);
      for (std::string begun : {quote_word(start).substr(0, start.empty() ? 0 : std::string::npos),
                                "'" + start, "\"" + start}) {
        std::string line = "get " + begun;
        auto word = open_word(line);
        if (word.text != start) continue;  // that style cannot hold this start
        line += completion_text(word, {name});
        EXPECT_EQ(split_words(line), (Words{"get", name})) << line;
      }
    }
  }
}

TEST(CompletionText, FinishesInsideAnOpenQuoteAndLeavesFoldersOpen) {
  EXPECT_EQ(completion_text(open_word("get \"a b"), {"a b  c.txt"}), "  c.txt\"");
  EXPECT_EQ(completion_text(open_word("get a\\ b"), {"a b  c.txt"}), "\\ \\ c.txt");
  EXPECT_EQ(completion_text(open_word("get a"), {"a b  c.txt"}), "\\ b\\ \\ c.txt");
  EXPECT_EQ(completion_text(open_word("get 'my d"), {"my docs/"}), "ocs/");
  EXPECT_EQ(completion_text(open_word("get a\\"), {"a b"}), " b");  // the typed \ escapes it
  // Several candidates: their common start, quote left open.
  EXPECT_EQ(completion_text(open_word("get 'r"), {"report one.pdf", "report two.pdf"}), "eport ");
  EXPECT_EQ(completion_text(open_word("get r"), {"report one.pdf", "report two.pdf"}), "eport\\ ");
}

TEST(CommandHint, NamesTheCommandAsTypedWhereItIsRun) {
  EXPECT_EQ(command_hint(CommandMode::one_shot, "login NAME"), "netdisk login NAME");
  EXPECT_EQ(command_hint(CommandMode::shell, "login NAME"), "login NAME");
  EXPECT_EQ(command_hint(CommandMode::one_shot, "put a b", "h:7070", std::nullopt),
            "netdisk --server h:7070 put a b");
  EXPECT_EQ(command_hint(CommandMode::one_shot, "put a b", "h:7070", std::string("bob")),
            "netdisk --server h:7070 --user bob put a b");
  EXPECT_EQ(command_hint(CommandMode::shell, "put a b", "h:7070", std::string("bob")), "put a b");
}

TEST(RemoteGlob, MatchesTheLastPartOnlyAndSkipsDotFilesAndFoldersWhenAsked) {
  std::vector<RemoteEntry> entries = {{".hidden.txt", false, 1, ""},
                                      {"a.txt", false, 1, ""},
                                      {"b.pdf", false, 1, ""},
                                      {"c.txt", true, 0, ""},
                                      {"d[1].txt", false, 1, ""}};
  EXPECT_EQ(matching_entries(entries, "", "*.txt", true), (Words{"a.txt", "d[1].txt"}));
  EXPECT_EQ(matching_entries(entries, "docs", "*.txt", false),
            (Words{"docs/a.txt", "docs/c.txt", "docs/d[1].txt"}));
  EXPECT_EQ(matching_entries(entries, "", "?.pdf", true), Words{"b.pdf"});
  EXPECT_TRUE(matching_entries(entries, "", "*.zip", true).empty());
  EXPECT_TRUE(has_wildcard("docs/*.pdf"));
  EXPECT_TRUE(has_wildcard("a[12]"));
  EXPECT_FALSE(has_wildcard("d*cs/a.pdf"));  // only the last part is a pattern
}

}  // namespace
}  // namespace netdisk::client

// The listing's hand-written JSON (server/listing_json.h) against nlohmann's dump of the same
// values, byte for byte: hostile names (every control character, quotes, backslashes, valid
// and invalid UTF-8, random bytes), times, whole pages (with and without versions), and a list
// reply's frame.
#include "server/listing_json.h"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "protocol/encoded_fields.h"
#include "protocol/frame.h"
#include "protocol/message.h"
#include "server/listing.h"

namespace netdisk::server {
namespace {

using json = nlohmann::json;

std::string library_dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The list reply's fields as a DOM, the oracle the text writers must match: entry_json() per
// entry, with a file's "version" when asked.
json dom_fields(const ListPage& page) {
  auto entries = json::array();
  for (const auto& entry : page.entries) {
    entries.push_back(entry_json(entry));
    if (page.versions && !entry.is_directory) entries.back()["version"] = entry.version;
  }
  return {{"entries", std::move(entries)}, {"more", page.more}};
}

std::string ours(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::vector<std::string> hostile_names() {
  std::vector<std::string> names = {
      "",          "plain.txt", "sp ace",   "quote\"d", "back\\slash",  "slash/",
      "tab\there", "nl\nx",     "cr\rx",    "bs\bx",    "ff\fx",        std::string("nul\0x", 5),
      "del\x7f",   "é",         "报告.pdf", "😀",        "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf"};
  for (int c = 0; c < 0x20; ++c) names.push_back(std::string("c") + static_cast<char>(c));
  // Invalid UTF-8: lone continuation, truncated sequences, overlong forms, surrogates, above
  // U+10FFFF, and invalid bytes next to valid ones and at the end.
  for (const char* bad :
       {"\x80", "a\xbf", "\xc0\xaf", "\xc1\xbf", "\xc2", "\xe0\x80\xaf", "\xe0\xa0", "\xed\xa0\x80",
        "\xed\xbf\xbf", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
        "\xfe\xff", "x\xe2\x82", "\xe2\x82x\"", "\xc3\xa9\xc3", "\xf0\x9f\x98", "\xc3\x28"}) {
    names.emplace_back(bad);
  }
  return names;
}

TEST(ListingJson, StringsAreEscapedExactlyAsNlohmannDumpsThem) {
  for (const auto& name : hostile_names()) {
    EXPECT_EQ(ours(name), library_dump(json(name)))
        << json(name).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

TEST(ListingJson, RandomBytesAreEscapedExactlyAsNlohmannDumpsThem) {
  std::mt19937 random(17);
  // Biased towards the interesting bytes: controls, quotes, UTF-8 leads and continuations.
  const std::string alphabet =
      std::string("\x01\x1f\"\\/a\x7f\x80\xbf\xc2\xdf\xe0\xed\xef\xf0\xf4\xf5\xff", 18);
  for (int round = 0; round < 20000; ++round) {
    std::string text(random() % 12, '\0');
    for (auto& c : text) {
      c = random() % 3 == 0 ? static_cast<char>(random() % 256)
                            : alphabet[random() % alphabet.size()];
    }
    ASSERT_EQ(ours(text), library_dump(json(text)));
  }
}

TEST(ListingJson, TimesAreFormattedAsFormatUtcNs) {
  std::vector<std::int64_t> times = {0,
                                     1,
                                     -1,
                                     999'999'999,
                                     1'000'000'000,
                                     -1'000'000'000,
                                     1'700'000'000'000'000'000,
                                     1'700'000'000'120'000'000,
                                     951'782'400'000'000'000 /* 2000-02-29 */,
                                     std::numeric_limits<std::int64_t>::max(),
                                     std::numeric_limits<std::int64_t>::min()};
  std::mt19937_64 random(17);
  for (int i = 0; i < 20000; ++i) times.push_back(static_cast<std::int64_t>(random()));
  for (auto ns : times) {
    std::string out;
    append_utc_ns(out, ns);
    ASSERT_EQ(out, format_utc_ns(ns)) << ns;
  }
}

TEST(ListingJson, APageIsTheDomsTextByteForByte) {
  ListPage page;
  std::int64_t mtime = 1'700'000'000'123'456'789;
  for (const auto& name : hostile_names()) {
    page.entries.push_back({name, name.size() % 2 == 0, name.size() * 4097, mtime});
    mtime += 1'000'000'007;
  }
  page.entries.push_back({"max", false, std::numeric_limits<std::uint64_t>::max(), 0});
  for (auto& entry : page.entries) entry.version = entry.name.substr(0, 3);
  for (bool versions : {false, true}) {
    for (bool more : {false, true}) {
      page.more = more;
      page.versions = versions;
      EXPECT_EQ("{" + list_fields_text(page) + "}", library_dump(dom_fields(page)));
    }
  }
}

TEST(ListingJson, AnEncodedListReplyCarriesTheSameFieldsAsTheDomOne) {
  ListPage page;
  page.entries = {{"a\"b", false, 3, 1'000}, {"报告", true, 0, -5}, {"\xff", false, 1, 7}};
  page.more = true;
  auto encoded = protocol::encode_reply(42, protocol::encoded_fields(list_fields_text(page)));
  auto dom = protocol::encode_reply(42, dom_fields(page));
  auto payload = [](const std::string& frame) {
    EXPECT_EQ(protocol::decode_frame_header(reinterpret_cast<const unsigned char*>(frame.data())),
              frame.size() - protocol::kFrameHeaderBytes);
    return std::string_view(frame).substr(protocol::kFrameHeaderBytes);
  };
  EXPECT_EQ(json::parse(payload(encoded)), json::parse(payload(dom)));
  auto reply = protocol::parse_reply(payload(encoded));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->id, 42u);
  EXPECT_EQ(reply->body.at("entries").size(), 3u);
  EXPECT_EQ(protocol::encode_reply(7, protocol::encoded_fields("")),
            protocol::encode_reply(7, json::object()));
}

}  // namespace
}  // namespace netdisk::server

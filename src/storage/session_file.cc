#include "storage/session_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <optional>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/unique_fd.h"
#include "storage/username.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

constexpr std::string_view kHeader = "netdisk-sessions 1";
// Far above what the server's bounds let the file reach (server/accounts/session_book.h): a
// larger file was not written by the server, and is not read into memory.
constexpr std::size_t kMaxFileBytes = 32u << 20;

bool is_digest(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<Clock::time_point> parse_seconds(std::string_view text) {
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  return Clock::time_point(std::chrono::seconds(seconds));
}

std::int64_t to_seconds(Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

// One "<digest> <issued> <expires> <username>" line.
std::optional<SessionRecord> parse_line(std::string_view line) {
  std::string_view fields[4];
  for (int i = 0; i < 3; ++i) {
    auto space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    fields[i] = line.substr(0, space);
    line.remove_prefix(space + 1);
  }
  fields[3] = line;
  auto issued = parse_seconds(fields[1]);
  auto expires = parse_seconds(fields[2]);
  if (!is_digest(fields[0]) || !issued || !expires || !validate_username(fields[3]).ok()) {
    return std::nullopt;
  }
  return SessionRecord{std::string(fields[0]), std::string(fields[3]), *issued, *expires};
}

Error damaged(std::size_t line, std::string_view why) {
  return make_error(Errc::io_error, fmt::format("damaged at line {}: {}", line, why));
}

}  // namespace

std::string format_sessions(const std::vector<SessionRecord>& records) {
  std::string text = fmt::format("{}\n", kHeader);
  for (const auto& record : records) {
    text += fmt::format("{} {} {} {}\n", record.digest, to_seconds(record.issued),
                        to_seconds(record.expires), record.username);
  }
  return text;
}

Result<std::vector<SessionRecord>> parse_sessions(std::string_view text) {
  auto header_end = text.find('\n');
  if (header_end == std::string_view::npos || text.substr(0, header_end) != kHeader) {
    return damaged(1, "not a NetDisk sessions file (wrong first line)");
  }
  text.remove_prefix(header_end + 1);
  std::vector<SessionRecord> records;
  for (std::size_t number = 2; !text.empty(); ++number) {
    auto end = text.find('\n');
    // Every line the server writes ends in a newline: a missing one is a torn file.
    if (end == std::string_view::npos) return damaged(number, "the last line is cut short");
    auto record = parse_line(text.substr(0, end));
    if (!record) return damaged(number, "not a session record");
    records.push_back(std::move(*record));
    text.remove_prefix(end + 1);
  }
  return records;
}

Result<std::vector<SessionRecord>> SessionFile::load() {
  auto text = read_small_file(path_, kMaxFileBytes, "the sessions file");
  if (!text) {
    if (text.error().code == Errc::not_found) return std::vector<SessionRecord>{};
    return std::move(text).error();
  }
  return parse_sessions(*text);
}

Status SessionFile::save(const std::vector<SessionRecord>& records) {
  // Owner-only: the digests are not tokens, but who is logged in until when is nobody's
  // business but the server's.
  return replace_small_file(path_, format_sessions(records), 0600);
}

Result<std::string> SessionFile::set_aside() {
  auto aside = path_;
  aside += fmt::format(".damaged-{}", to_seconds(Clock::now()));
  if (::rename(path_.c_str(), aside.c_str()) != 0) {
    return error_from_errno(errno, "set the damaged sessions file aside");
  }
  return aside.filename().string();
}

}  // namespace netdisk::storage

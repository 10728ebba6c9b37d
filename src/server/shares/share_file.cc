#include "server/shares/share_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/atomic_file.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::system_clock;

constexpr std::string_view kHeader = "netdisk-shares 1";
// Far above what a server writes (each user's links are bounded: share_service.h).
constexpr std::size_t kMaxFileBytes = 64u << 20;

std::int64_t to_seconds(Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

Clock::time_point from_seconds(std::int64_t seconds) {
  return Clock::time_point(std::chrono::seconds(seconds));
}

bool is_digest(const std::string& text) {
  if (text.size() != 64) return false;
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

json to_json(const ShareRecord& record) {
  json line = {{"digest", record.digest},
               {"owner", record.owner},
               {"path", record.path},
               {"folder", record.folder},
               {"upload_only", record.upload_only},
               {"created", to_seconds(record.created)},
               {"max_downloads", record.max_downloads},
               {"downloads", record.downloads},
               {"password", record.password_hash}};
  if (record.expires) line["expires"] = to_seconds(*record.expires);
  return line;
}

std::optional<ShareRecord> from_json(std::string_view text) {
  auto line = json::parse(text, nullptr, false);
  if (!line.is_object()) return std::nullopt;
  try {
    ShareRecord record;
    record.digest = line.at("digest").get<std::string>();
    record.owner = line.at("owner").get<std::string>();
    record.path = line.at("path").get<std::string>();
    record.folder = line.at("folder").get<bool>();
    record.upload_only = line.at("upload_only").get<bool>();
    record.created = from_seconds(line.at("created").get<std::int64_t>());
    record.max_downloads = line.at("max_downloads").get<std::uint64_t>();
    record.downloads = line.at("downloads").get<std::uint64_t>();
    record.password_hash = line.at("password").get<std::string>();
    if (line.contains("expires"))
      record.expires = from_seconds(line["expires"].get<std::int64_t>());
    if (!is_digest(record.digest) || record.owner.empty()) return std::nullopt;
    return record;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

Error damaged(std::size_t line, std::string_view why) {
  return make_error(Errc::io_error, fmt::format("shares file damaged at line {}: {}", line, why));
}

}  // namespace

std::string format_shares(const std::vector<ShareRecord>& records) {
  std::string text = fmt::format("{}\n", kHeader);
  for (const auto& record : records) {
    // ensure_ascii: the line holds no raw newline or invalid UTF-8, whatever the path.
    text += to_json(record).dump(-1, ' ', true, json::error_handler_t::replace);
    text += '\n';
  }
  return text;
}

Result<std::vector<ShareRecord>> parse_shares(std::string_view text) {
  auto header_end = text.find('\n');
  if (header_end == std::string_view::npos || text.substr(0, header_end) != kHeader) {
    return damaged(1, "not a NetDisk shares file (wrong first line)");
  }
  text.remove_prefix(header_end + 1);
  std::vector<ShareRecord> records;
  for (std::size_t number = 2; !text.empty(); ++number) {
    auto end = text.find('\n');
    if (end == std::string_view::npos) return damaged(number, "the last line is cut short");
    auto record = from_json(text.substr(0, end));
    if (!record) return damaged(number, "not a share record");
    records.push_back(std::move(*record));
    text.remove_prefix(end + 1);
  }
  return records;
}

Result<std::vector<ShareRecord>> load_shares(const fs::path& path) {
  auto text = storage::read_small_file(path, kMaxFileBytes, "the shares file");
  if (!text) {
    if (text.error().code == Errc::not_found) return std::vector<ShareRecord>{};
    return std::move(text).error();
  }
  return parse_shares(*text);
}

Status save_shares(const fs::path& path, const std::vector<ShareRecord>& records) {
  // Owner-only: password hashes and who shares what are the server's business.
  return storage::replace_small_file(path, format_shares(records), 0600);
}

}  // namespace netdisk::server

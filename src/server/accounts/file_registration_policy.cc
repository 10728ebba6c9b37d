#include "server/accounts/file_registration_policy.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <span>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/atomic_file.h"
#include "storage/iso_time.h"
#include "storage/unique_fd.h"

namespace netdisk::server {
namespace {

using Clock = RegistrationPolicy::Clock;

Error damaged(const std::filesystem::path& file, std::string_view what) {
  return make_error(Errc::io_error,
                    fmt::format("{} is damaged: {}; fix it, or remove it to reopen registration",
                                file.filename().string(), what));
}

std::optional<Clock::time_point> optional_time(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_string()) throw std::invalid_argument("a time is not text");
  auto time = storage::parse_iso8601_utc(value.get<std::string>());
  if (!time) throw std::invalid_argument("a time is not YYYY-MM-DDTHH:MM:SSZ");
  return time;
}

}  // namespace

Result<std::unique_ptr<RegistrationPolicy>> RegistrationPolicy::open(std::filesystem::path file,
                                                                     Now now) {
  auto opened = FileRegistrationPolicy::open_file(std::move(file), std::move(now));
  if (!opened) return std::move(opened).error();
  return std::unique_ptr<RegistrationPolicy>(std::move(*opened));
}

Result<std::unique_ptr<FileRegistrationPolicy>> FileRegistrationPolicy::open_file(
    std::filesystem::path file, Now now) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return std::unique_ptr<FileRegistrationPolicy>(
          new FileRegistrationPolicy(std::move(file), std::move(now), RegistrationMode::open, {}));
    }
    return error_from_errno(errno, fmt::format("open {}", file.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return damaged(file, "not a JSON object");
  auto mode = registration_mode_from_name(doc.value("mode", std::string()));
  if (!mode) return damaged(file, "\"mode\" is not open, closed or invite");
  std::vector<Entry> entries;
  try {
    for (const auto& item : doc.value("invites", nlohmann::json::array())) {
      Entry entry{item.at("digest").get<std::string>(), *optional_time(item.at("created")),
                  optional_time(item.at("expires")), item.at("uses_left").get<std::uint32_t>()};
      entries.push_back(std::move(entry));
    }
  } catch (const std::exception& problem) {
    return damaged(file, fmt::format("an invitation is malformed ({})", problem.what()));
  }
  return std::unique_ptr<FileRegistrationPolicy>(
      new FileRegistrationPolicy(std::move(file), std::move(now), *mode, std::move(entries)));
}

FileRegistrationPolicy::FileRegistrationPolicy(std::filesystem::path file, Now now,
                                               RegistrationMode mode, std::vector<Entry> entries)
    : RegistrationPolicy(std::move(now)),
      file_(std::move(file)),
      mode_(mode),
      entries_(std::move(entries)) {}

RegistrationMode FileRegistrationPolicy::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

Status FileRegistrationPolicy::set_mode(RegistrationMode mode) {
  std::lock_guard lock(mutex_);
  if (auto saved = save(mode, entries_); !saved) return saved;
  mode_ = mode;
  return {};
}

Status FileRegistrationPolicy::add_invite(const Entry& entry) {
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  entries.push_back(entry);
  if (auto saved = save(mode_, entries); !saved) return saved;
  entries_ = std::move(entries);
  return {};
}

std::vector<RegistrationPolicy::InviteInfo> FileRegistrationPolicy::invites() const {
  auto now = now_();
  std::lock_guard lock(mutex_);
  std::vector<InviteInfo> out;
  for (const auto& entry : entries_) {
    if (usable(entry, now)) out.push_back({entry.created, entry.expires, entry.uses_left});
  }
  return out;
}

Result<bool> FileRegistrationPolicy::take_use(const std::string& digest, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& entry) {
    return entry.digest == digest && usable(entry, now);
  });
  if (it == entries.end()) return false;
  --it->uses_left;
  if (auto saved = save(mode_, entries); !saved) return std::move(saved).error();
  entries_ = std::move(entries);
  return true;
}

void FileRegistrationPolicy::refund(const Ticket& ticket) {
  if (ticket.digest.empty()) return;
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& entry) { return entry.digest == ticket.digest; });
  if (it == entries.end()) return;  // pruned meanwhile: expired, so nothing to give back
  ++it->uses_left;
  if (save(mode_, entries)) entries_ = std::move(entries);
}

Status FileRegistrationPolicy::save(RegistrationMode mode,
                                    const std::vector<Entry>& entries) const {
  auto now = now_();
  nlohmann::json invites = nlohmann::json::array();
  for (const auto& entry : entries) {
    if (!usable(entry, now)) continue;  // pruned
    invites.push_back(
        {{"digest", entry.digest},
         {"created", storage::format_iso8601_utc(entry.created)},
         {"expires", entry.expires ? nlohmann::json(storage::format_iso8601_utc(*entry.expires))
                                   : nlohmann::json()},
         {"uses_left", entry.uses_left}});
  }
  nlohmann::json doc = {{"mode", registration_mode_name(mode)}, {"invites", invites}};
  std::string text = doc.dump(2) + "\n";
  auto dir = file_.parent_path();
  storage::UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) return error_from_errno(errno, fmt::format("open {}", dir.string()));
  auto file = storage::AtomicFile::create(dirfd.get(), file_.filename().string(), 0600);
  if (!file) return std::move(file).error();
  if (auto written = file->write(std::as_bytes(std::span(text))); !written) return written;
  return file->commit();
}

}  // namespace netdisk::server

#include "server/accounts/registration_policy.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <span>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "server/accounts/secret_text.h"
#include "storage/atomic_file.h"
#include "storage/iso_time.h"
#include "storage/unique_fd.h"

namespace netdisk::server {
namespace {

using Clock = RegistrationPolicy::Clock;
constexpr std::array kModeNames = {"open", "closed", "invite"};


// 96 random bits as four groups of six hex digits ("3f9a1c-..."): easy to read out, far too
// many to guess.
std::string new_code() {
  std::string digits = random_hex(12);
  std::string code;
  for (std::size_t i = 0; i < digits.size(); i += 6) {
    if (!code.empty()) code += '-';
    code += digits.substr(i, 6);
  }
  return code;
}

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

std::string_view registration_mode_name(RegistrationMode mode) {
  return kModeNames[static_cast<std::size_t>(mode)];
}

std::optional<RegistrationMode> registration_mode_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kModeNames.size(); ++i) {
    if (name == kModeNames[i]) return static_cast<RegistrationMode>(i);
  }
  return std::nullopt;
}

std::string invite_digest(std::string_view code) {
  std::string normalised;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    normalised += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return digest_hex(normalised);
}

Result<std::unique_ptr<RegistrationPolicy>> RegistrationPolicy::open(std::filesystem::path file,
                                                                     Now now) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return std::unique_ptr<RegistrationPolicy>(
          new RegistrationPolicy(std::move(file), std::move(now), RegistrationMode::open, {}));
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
  return std::unique_ptr<RegistrationPolicy>(
      new RegistrationPolicy(std::move(file), std::move(now), *mode, std::move(entries)));
}

RegistrationPolicy::RegistrationPolicy(std::filesystem::path file, Now now, RegistrationMode mode,
                                       std::vector<Entry> entries)
    : file_(std::move(file)), now_(std::move(now)), mode_(mode), entries_(std::move(entries)) {}

RegistrationMode RegistrationPolicy::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

Status RegistrationPolicy::set_mode(RegistrationMode mode) {
  std::lock_guard lock(mutex_);
  if (auto saved = save(mode, entries_); !saved) return saved;
  mode_ = mode;
  return {};
}

bool RegistrationPolicy::usable(const Entry& entry, Clock::time_point now) const {
  return entry.uses_left > 0 && (!entry.expires || now < *entry.expires);
}

Result<RegistrationPolicy::Invite> RegistrationPolicy::create_invite(
    std::optional<std::chrono::seconds> valid_for, std::uint32_t uses) {
  if (uses == 0 || uses > kMaxInviteUses) {
    return make_error(Errc::bad_request,
                      fmt::format("an invitation is good for 1 to {} uses", kMaxInviteUses));
  }
  if (valid_for && valid_for->count() <= 0) {
    return make_error(Errc::bad_request, "an invitation must be valid for some time");
  }
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(now_());
  Invite invite{new_code(), std::nullopt, uses};
  if (valid_for) invite.expires = now + *valid_for;
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  entries.push_back(Entry{invite_digest(invite.code), now, invite.expires, uses});
  if (auto saved = save(mode_, entries); !saved) return std::move(saved).error();
  entries_ = std::move(entries);
  return invite;
}

std::vector<RegistrationPolicy::InviteInfo> RegistrationPolicy::invites() const {
  auto now = now_();
  std::lock_guard lock(mutex_);
  std::vector<InviteInfo> out;
  for (const auto& entry : entries_) {
    if (usable(entry, now)) out.push_back({entry.created, entry.expires, entry.uses_left});
  }
  return out;
}

Result<RegistrationPolicy::Ticket> RegistrationPolicy::admit(std::string_view code) {
  std::lock_guard lock(mutex_);
  if (mode_ == RegistrationMode::open) return Ticket{};
  if (mode_ == RegistrationMode::closed) {
    return make_error(Errc::registration_closed,
                      "registration is closed on this server; ask its administrator for an "
                      "account");
  }
  if (code.empty()) {
    return make_error(Errc::invite_required,
                      "registration on this server needs an invitation code from its "
                      "administrator");
  }
  auto digest = invite_digest(code);
  auto now = now_();
  auto entries = entries_;
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& entry) {
    return entry.digest == digest && usable(entry, now);
  });
  if (it == entries.end()) {
    return make_error(Errc::invalid_invite,
                      "the invitation code is unknown, expired or used up; ask the "
                      "administrator for a new one");
  }
  --it->uses_left;
  if (auto saved = save(mode_, entries); !saved) return std::move(saved).error();
  entries_ = std::move(entries);
  return Ticket{std::move(digest)};
}

void RegistrationPolicy::refund(const Ticket& ticket) {
  if (ticket.digest.empty()) return;
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& entry) { return entry.digest == ticket.digest; });
  if (it == entries.end()) return;  // pruned meanwhile: expired, so nothing to give back
  ++it->uses_left;
  if (save(mode_, entries)) entries_ = std::move(entries);
}

Status RegistrationPolicy::save(RegistrationMode mode, const std::vector<Entry>& entries) const {
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

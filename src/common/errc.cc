#include "common/errc.h"

#include <array>

namespace netdisk {
namespace {

struct ErrcInfo {
  Errc code;
  std::string_view name;
  bool fatal;
};

// One row per code, in enum order; errc_name() indexes it directly.
constexpr std::array kErrcTable = {
    ErrcInfo{Errc::bad_frame, "bad_frame", true},
    ErrcInfo{Errc::frame_too_large, "frame_too_large", true},
    ErrcInfo{Errc::bad_json, "bad_json", false},
    ErrcInfo{Errc::bad_request, "bad_request", false},
    ErrcInfo{Errc::unknown_op, "unknown_op", false},
    ErrcInfo{Errc::handshake_required, "handshake_required", true},
    ErrcInfo{Errc::unsupported_version, "unsupported_version", true},
    ErrcInfo{Errc::timeout, "timeout", true},
    ErrcInfo{Errc::too_many_connections, "too_many_connections", true},
    ErrcInfo{Errc::shutting_down, "shutting_down", true},
    ErrcInfo{Errc::tls_required, "tls_required", true},
    ErrcInfo{Errc::tls_unavailable, "tls_unavailable", true},
    ErrcInfo{Errc::server_busy, "server_busy", false},
    ErrcInfo{Errc::not_logged_in, "not_logged_in", false},
    ErrcInfo{Errc::auth_failed, "auth_failed", false},
    ErrcInfo{Errc::invalid_username, "invalid_username", false},
    ErrcInfo{Errc::invalid_password, "invalid_password", false},
    ErrcInfo{Errc::user_exists, "user_exists", false},
    ErrcInfo{Errc::session_expired, "session_expired", false},
    ErrcInfo{Errc::rate_limited, "rate_limited", false},
    ErrcInfo{Errc::registration_closed, "registration_closed", false},
    ErrcInfo{Errc::invite_required, "invite_required", false},
    ErrcInfo{Errc::invalid_invite, "invalid_invite", false},
    ErrcInfo{Errc::account_disabled, "account_disabled", false},
    ErrcInfo{Errc::workbook_invalid, "workbook_invalid", false},
    ErrcInfo{Errc::invalid_path, "invalid_path", false},
    ErrcInfo{Errc::not_found, "not_found", false},
    ErrcInfo{Errc::already_exists, "already_exists", false},
    ErrcInfo{Errc::not_a_directory, "not_a_directory", false},
    ErrcInfo{Errc::is_a_directory, "is_a_directory", false},
    ErrcInfo{Errc::not_empty, "not_empty", false},
    ErrcInfo{Errc::permission_denied, "permission_denied", false},
    ErrcInfo{Errc::disk_full, "disk_full", false},
    ErrcInfo{Errc::offset_out_of_range, "offset_out_of_range", false},
    ErrcInfo{Errc::version_mismatch, "version_mismatch", false},
    ErrcInfo{Errc::checksum_mismatch, "checksum_mismatch", false},
    ErrcInfo{Errc::size_mismatch, "size_mismatch", true},
    ErrcInfo{Errc::precondition_failed, "precondition_failed", false},
    ErrcInfo{Errc::locked, "locked", false},
    ErrcInfo{Errc::message_too_large, "message_too_large", false},
    ErrcInfo{Errc::io_error, "io_error", false},
    ErrcInfo{Errc::internal_error, "internal_error", false},
    ErrcInfo{Errc::quota_exceeded, "quota_exceeded", false},
    ErrcInfo{Errc::share_gone, "share_gone", false},
};

constexpr bool table_matches_enum() {
  for (std::size_t i = 0; i < kErrcTable.size(); ++i) {
    if (static_cast<int>(kErrcTable[i].code) != static_cast<int>(i)) return false;
  }
  return kErrcTable.back().code == Errc::share_gone;
}
static_assert(table_matches_enum(), "kErrcTable must list every Errc, in enum order");

}  // namespace

std::string_view errc_name(Errc code) noexcept {
  auto index = static_cast<std::size_t>(code);
  return index < kErrcTable.size() ? kErrcTable[index].name : "internal_error";
}

std::optional<Errc> errc_from_name(std::string_view name) noexcept {
  for (const auto& info : kErrcTable) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

bool errc_is_fatal(Errc code) noexcept {
  auto index = static_cast<std::size_t>(code);
  return index < kErrcTable.size() && kErrcTable[index].fatal;
}

}  // namespace netdisk

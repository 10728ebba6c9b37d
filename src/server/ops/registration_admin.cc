#include "server/ops/registration_admin.h"

#include "common/time_format.h"
#include "protocol/fields.h"

namespace netdisk::server::ops {
namespace {

// An invitation lasts at most a year: a forgotten code should not stay a door for ever.
constexpr std::uint64_t kMaxInviteSeconds = 366ull * 24 * 3600;

nlohmann::json optional_time(const std::optional<std::chrono::system_clock::time_point>& time) {
  return time ? nlohmann::json(format_utc(*time)) : nlohmann::json();
}

Result<nlohmann::json> set_registration(RegistrationPolicy& policy, const nlohmann::json& body) {
  auto name = protocol::optional_string_field(body, "mode");
  if (!name) return std::move(name).error();
  if (*name) {
    auto mode = registration_mode_from_name(**name);
    if (!mode) return make_error(Errc::bad_request, "\"mode\" must be open, closed or invite");
    if (auto set = policy.set_mode(*mode); !set.ok()) return std::move(set).error();
  }
  return registration_fields(policy);
}

Result<nlohmann::json> create_invite(RegistrationPolicy& policy, const nlohmann::json& body) {
  auto uses = protocol::optional_uint_field(body, "uses", kMaxInviteUses);
  if (!uses) return std::move(uses).error();
  auto seconds = protocol::optional_uint_field(body, "valid_for", kMaxInviteSeconds);
  if (!seconds) return std::move(seconds).error();
  std::optional<std::chrono::seconds> valid_for;
  if (*seconds) valid_for = std::chrono::seconds(**seconds);
  auto count = static_cast<std::uint32_t>(uses->value_or(1));
  auto invite = policy.create_invite(valid_for, count);
  if (!invite) return std::move(invite).error();
  auto fields = registration_fields(policy);
  fields["code"] = invite->code;
  fields["uses"] = invite->uses;
  fields["expires"] = optional_time(invite->expires);
  return fields;
}

}  // namespace

nlohmann::json registration_fields(const RegistrationPolicy& policy) {
  return {{"mode", registration_mode_name(policy.mode())}, {"invites", policy.invites().size()}};
}

Result<nlohmann::json> run_registration_request(RegistrationPolicy& policy, std::string_view op,
                                                const nlohmann::json& body) {
  if (op == "admin.registration") return set_registration(policy, body);
  if (op == "admin.invite") return create_invite(policy, body);
  return make_error(Errc::bad_request, "not a registration request");
}

}  // namespace netdisk::server::ops

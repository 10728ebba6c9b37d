#include "server/accounts/registration_policy.h"

#include <cctype>

#include <fmt/format.h>

#include "server/accounts/secret_text.h"

namespace netdisk::server {
namespace {

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

}  // namespace

std::string invite_digest(std::string_view code) {
  std::string normalised;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    normalised += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return digest_hex(normalised);
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
  if (auto added = add_invite(Entry{invite_digest(invite.code), now, invite.expires, uses});
      !added) {
    return std::move(added).error();
  }
  return invite;
}

Result<RegistrationPolicy::Ticket> RegistrationPolicy::admit(std::string_view code) {
  auto mode = this->mode();
  if (mode == RegistrationMode::open) return Ticket{};
  if (mode == RegistrationMode::closed) {
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
  auto taken = take_use(digest, now_());
  if (!taken) return std::move(taken).error();
  if (!*taken) {
    return make_error(Errc::invalid_invite,
                      "the invitation code is unknown, expired or used up; ask the "
                      "administrator for a new one");
  }
  return Ticket{std::move(digest)};
}

}  // namespace netdisk::server

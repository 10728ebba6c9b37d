// Errc: the stable error codes NetDisk uses everywhere, on the wire and between layers.
// Each code has a fixed snake_case name that is part of the protocol (docs/PROTOCOL.md,
// "Error codes"); never rename one, only add. Thread-safe: everything here is immutable.
#pragma once

#include <optional>
#include <string_view>

namespace netdisk {

enum class Errc {
  // Framing and message shape. The ones marked "fatal" close the connection.
  bad_frame,             // fatal: zero-length frame or a frame truncated by EOF
  frame_too_large,       // fatal: the declared length is over the negotiated maximum
  bad_json,              // the payload is not UTF-8 JSON, or not a JSON object
  bad_request,           // a field is missing, has the wrong type, or is out of range
  unknown_op,            // the op name is not one the server knows
  handshake_required,    // fatal: the first message was not "hello"
  unsupported_version,   // fatal: no protocol version in common
  timeout,               // fatal: the handshake or an idle period took too long
  too_many_connections,  // fatal: the server is at its connection limit
  shutting_down,         // fatal: the server is stopping
  tls_required,          // fatal: the client spoke plain text to a TLS port (sent in plain text)
  tls_unavailable,       // fatal: the client began TLS on a port started with --plaintext
  server_busy,           // try again later (for example, too many password hashes queued)
  // Accounts.
  not_logged_in,
  auth_failed,  // wrong username or password, deliberately indistinguishable
  invalid_username,
  invalid_password,
  user_exists,
  session_expired,
  rate_limited,
  registration_closed,  // the administrator closed registration (netdiskd admin registration)
  invite_required,      // registration is by invitation and the request carried no code
  invalid_invite,       // the invitation code is unknown, expired or used up
  account_disabled,  // the administrator disabled the account in users.xlsx
  workbook_invalid,  // users.xlsx has an error the administrator must fix; no account changes
  // Files.
  invalid_path,
  not_found,
  already_exists,
  not_a_directory,
  is_a_directory,
  not_empty,
  permission_denied,
  disk_full,
  offset_out_of_range,
  version_mismatch,  // the file changed since the client's copy was taken
  checksum_mismatch,
  size_mismatch,        // a byte stream was shorter or longer than declared
  precondition_failed,  // a conditional change found the name not in the state it expected
  locked,               // a WebDAV lock covers the name and the request did not submit its token
  // Chat.
  message_too_large,
  // Anything else: a bug or an unexpected system error. The message says which.
  io_error,
  internal_error,
  // Quotas (server/quota/): the user's byte quota has no room for the upload or copy.
  quota_exceeded,
  // Share links (issue #20).
  share_gone,  // the share link expired or has no downloads left (HTTP 410)
};

// The wire name of a code, for example "frame_too_large".
std::string_view errc_name(Errc code) noexcept;

// The code for a wire name; nullopt for names this build does not know.
std::optional<Errc> errc_from_name(std::string_view name) noexcept;

// True for codes after which the connection is closed (see the list above).
bool errc_is_fatal(Errc code) noexcept;

}  // namespace netdisk

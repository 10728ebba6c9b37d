// Reply fields an operation already wrote as JSON text, for a reply too large to build cheaply
// as a DOM (the list op: 1,000 entries). The text travels through the transport inside a json
// value of its own kind (a binary value with a reserved subtype; no NetDisk reply carries
// binary values) and protocol::encode_reply (message.h) splices it into the frame. A transport
// that edits or dumps reply fields itself (HTTP /api) must be given a DOM instead. Any thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace netdisk::protocol {

// `members` is the inside of a JSON object ("\"a\":1,\"b\":[]"): valid JSON text, without
// "id" or "ok", which encode_reply adds.
nlohmann::json encoded_fields(std::string_view members);
bool is_encoded_fields(const nlohmann::json& fields);
// The fields as a DOM: encoded fields parsed back, anything else as it is. For code that looks
// inside a reply, such as tests that call operations directly.
nlohmann::json decoded_fields(nlohmann::json fields);

}  // namespace netdisk::protocol

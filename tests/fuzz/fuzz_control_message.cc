// fuzz_control_message: the input is one frame payload. It goes through parse_request() and
// parse_reply() (and the strict JSON parser under them), then every typed field accessor is
// applied to every field of the parsed object, nested objects included. Properties checked:
//  - accepted payloads are valid UTF-8, objects, nested at most kMaxJsonDepth deep, and survive
//    dump -> parse unchanged; failures are only bad_json / bad_request;
//  - a parsed request has 1 <= id <= 2^53-1 and the op and id that the object holds;
//  - accessors agree with the JSON types (uint results are within max, optional_* agree with
//    the required form, fallbacks are used only for missing/null fields);
//  - encode_request/reply/error/event -> parse round trips keep op, id, code and message.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/errc.h"
#include "fuzz_check.h"
#include "protocol/fields.h"
#include "protocol/frame.h"
#include "protocol/json_parser.h"
#include "protocol/message.h"
#include "utf8_check.h"

namespace {

using json = nlohmann::json;
using netdisk::Errc;
using netdisk::Error;
namespace protocol = netdisk::protocol;

// Every field name docs/PROTOCOL.md uses, so accessors also run on absent fields.
constexpr std::string_view kFieldNames[] = {
    "op",      "id",       "ok",        "error",   "code",    "message",         "event",
    "version", "client",   "server",    "max_frame", "username", "password",     "token",
    "expires", "path",     "after",     "entries", "more",    "name",            "type",
    "size",    "mtime",    "parents",   "from",    "to",      "checksum",        "offset",
    "stream",  "done",     "prefix_checksum", "text", "members", "user", "time", "reason", "port"};

constexpr std::uint64_t kMaxChoices[] = {0, 1, 255, protocol::kMaxRequestId,
                                         protocol::kMaxWireInteger, UINT64_MAX};

std::size_t depth_of(const json& value) {
  std::size_t deepest = 0;
  if (value.is_object() || value.is_array()) {
    for (const auto& child : value) deepest = std::max(deepest, depth_of(child));
    return deepest + 1;
  }
  return 0;
}

void check_accessors(const json& object, std::string_view name, std::uint64_t max) {
  auto it = object.find(name);
  const json* field = it == object.end() ? nullptr : &*it;
  bool absent = field == nullptr || field->is_null();

  auto s = protocol::string_field(object, name);
  FUZZ_CHECK(s.ok() == (field != nullptr && field->is_string()));
  if (s) FUZZ_CHECK(*s == field->get_ref<const std::string&>());
  if (!s) FUZZ_CHECK(s.error().code == Errc::bad_request);
  auto os = protocol::optional_string_field(object, name);
  FUZZ_CHECK(os.ok() == (absent || field->is_string()));
  if (os) FUZZ_CHECK(os->has_value() == !absent);
  if (os && os->has_value()) FUZZ_CHECK(s && **os == *s);

  auto u = protocol::uint_field(object, name, max);
  if (u) {
    FUZZ_CHECK(*u <= max);
    FUZZ_CHECK(field->is_number_unsigned() && field->get<std::uint64_t>() == *u);
  } else {
    FUZZ_CHECK(u.error().code == Errc::bad_request);
    // Refused although it is an in-range unsigned integer: only allowed if it is over max.
    if (field != nullptr && field->is_number_unsigned()) FUZZ_CHECK(field->get<std::uint64_t>() > max);
    // Floats, negatives and everything else are refused even when they look integral.
  }
  auto ou = protocol::optional_uint_field(object, name, max);
  if (absent) {
    FUZZ_CHECK(ou && !ou->has_value());
  } else {
    FUZZ_CHECK(ou.ok() == u.ok());
    if (ou) FUZZ_CHECK(ou->has_value() && **ou == *u);
  }
  auto ud = protocol::uint_field(object, name);
  if (ud) FUZZ_CHECK(*ud <= protocol::kMaxWireInteger);

  auto b = protocol::bool_field(object, name);
  FUZZ_CHECK(b.ok() == (field != nullptr && field->is_boolean()));
  if (b) FUZZ_CHECK(*b == field->get<bool>());
  for (bool fallback : {false, true}) {
    auto ob = protocol::optional_bool_field(object, name, fallback);
    if (absent) FUZZ_CHECK(ob && *ob == fallback);
    else FUZZ_CHECK(ob.ok() == b.ok() && (!ob || *ob == *b));
  }
}

// Runs the accessors on every object in the tree, with its own keys and the protocol's names.
void check_all_accessors(const json& value, std::uint64_t max, int depth = 0) {
  if (value.is_object()) {
    for (auto name : kFieldNames) check_accessors(value, name, max);
    for (const auto& [key, child] : value.items()) {
      check_accessors(value, key, max);
      check_all_accessors(child, max, depth + 1);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) check_all_accessors(child, max, depth + 1);
  }
}

// Decodes one complete frame produced by an encoder: exactly one header + payload.
std::string_view payload_of(const std::string& frame) {
  FUZZ_CHECK(frame.size() >= protocol::kFrameHeaderBytes);
  auto length =
      protocol::decode_frame_header(reinterpret_cast<const unsigned char*>(frame.data()));
  FUZZ_CHECK(length == frame.size() - protocol::kFrameHeaderBytes);
  return std::string_view(frame).substr(protocol::kFrameHeaderBytes);
}

void check_round_trips(const json& object, std::uint64_t seed) {
  std::uint64_t id = seed % protocol::kMaxRequestId + 1;
  std::string op = "ping";
  if (auto it = object.find("op"); it != object.end() && it->is_string()) op = *it;

  protocol::Request request;
  auto status = protocol::parse_request(payload_of(protocol::encode_request(op, id, object)),
                                        request);
  FUZZ_CHECK(status.ok());
  FUZZ_CHECK(request.id == id && request.op == op);
  status = protocol::parse_request(payload_of(protocol::encode_request(op, id)), request);
  FUZZ_CHECK(status.ok() && request.id == id && request.op == op);

  json fields = object;
  fields.erase("event");  // a reply carrying "event" would read as an event
  auto reply = protocol::parse_reply(payload_of(protocol::encode_reply(id, fields)));
  FUZZ_CHECK(reply.ok() && reply->id == id && reply->ok && !reply->event && !reply->error);

  auto code = static_cast<Errc>(seed % (static_cast<std::uint64_t>(Errc::internal_error) + 1));
  std::string message = op;  // valid UTF-8, arbitrary content
  auto error = protocol::parse_reply(payload_of(protocol::encode_error(id, Error{code, message})));
  FUZZ_CHECK(error.ok() && error->id == id && !error->ok && error->error);
  FUZZ_CHECK(error->error->code == code && error->error->message == message);
  FUZZ_CHECK(error->error_code_name == netdisk::errc_name(code));

  auto event = protocol::parse_reply(payload_of(protocol::encode_event(op, object)));
  FUZZ_CHECK(event.ok() && event->event && *event->event == op && event->ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  std::uint64_t seed = 1469598103934665603u;  // FNV-1a of the input picks ids, codes, maxima
  for (std::size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 1099511628211u;

  auto object = protocol::parse_json_object(payload);
  if (!object) {
    FUZZ_CHECK(object.error().code == Errc::bad_json);
  } else {
    FUZZ_CHECK(object->is_object());
    FUZZ_CHECK(netdisk::fuzz::is_valid_utf8(payload));
    FUZZ_CHECK(depth_of(*object) <= protocol::kMaxJsonDepth);
    auto again = protocol::parse_json_object(object->dump());
    FUZZ_CHECK(again.ok() && *again == *object);
  }

  protocol::Request request;
  auto status = protocol::parse_request(payload, request);
  FUZZ_CHECK(request.id <= protocol::kMaxRequestId);
  if (status) {
    FUZZ_CHECK(object.ok());
    FUZZ_CHECK(request.id >= 1);
    FUZZ_CHECK(request.body == *object);
    FUZZ_CHECK(request.body["id"].is_number_unsigned() &&
               request.body["id"].get<std::uint64_t>() == request.id);
    FUZZ_CHECK(request.body["op"].is_string() && request.body["op"] == request.op);
  } else {
    auto code = status.error().code;
    FUZZ_CHECK(code == (object.ok() ? Errc::bad_request : Errc::bad_json));
    if (!object.ok()) FUZZ_CHECK(request.id == 0);
  }

  auto reply = protocol::parse_reply(payload);
  if (reply) {
    FUZZ_CHECK(object.ok());
    FUZZ_CHECK(reply->id <= protocol::kMaxRequestId);
    if (reply->event) FUZZ_CHECK(reply->ok && reply->id == 0);
    FUZZ_CHECK(reply->ok == !reply->error.has_value());
    if (reply->error) {
      auto known = netdisk::errc_from_name(reply->error_code_name);
      FUZZ_CHECK(reply->error->code == known.value_or(Errc::internal_error));
    }
  } else {
    FUZZ_CHECK(reply.error().code == (object.ok() ? Errc::bad_request : Errc::bad_json));
  }

  if (object) {
    check_all_accessors(*object, kMaxChoices[seed % std::size(kMaxChoices)]);
    check_round_trips(*object, seed);
  }
  return 0;
}

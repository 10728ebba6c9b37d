// fuzz_dav_request: what a WebDAV client sends beside the method, parsed by the transport-free
// WebDAV code (src/server/dav/). The first byte picks the parser, the rest is its input:
//   0  the If header: parsed within its bounds, and, when accepted, evaluated against a made-up
//      state; the submitted tokens are exactly its state-token conditions
//   1  the Timeout header: never negative
//   2  an XML body as a tree: what serialize_xml writes parses again to the same text
//   3  a PROPFIND body: at most kMaxProps names
//   4  a LOCK body: an accepted owner, echoed in a response, is well-formed XML there
//   5  a PROPPATCH body: at most kMaxPropertyUpdates changes, each named; a set's stored
//      element parses again, inside a response, to one element of that name that writes
//      back the same; the 207 for it is well-formed XML
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "server/dav/if_header.h"
#include "server/dav/lock_body.h"
#include "server/dav/propfind_body.h"
#include "server/dav/proppatch_body.h"
#include "server/dav/proppatch_response.h"
#include "server/dav/timeout_header.h"
#include "server/dav/xml_tree.h"

namespace {

namespace dav = netdisk::server::dav;

// A state derived from the strings asked about, so evaluation takes both branches.
class MadeUpState : public dav::IfState {
 public:
  std::optional<std::string> etag(const std::optional<std::string>& tag) override {
    if (tag && tag->size() % 3 == 0) return std::nullopt;
    return "\"" + std::to_string(tag ? tag->size() : 0) + "\"";
  }
  bool lock_matches(const std::optional<std::string>&, std::string_view token) override {
    return token.size() % 2 == 0;
  }
};

void if_header(std::string_view input) {
  auto header = dav::parse_if_header(input);
  if (!header.ok()) return;
  FUZZ_CHECK(!header->resources.empty() && header->resources.size() <= 32);
  std::size_t conditions = 0, tokens = 0;
  for (const auto& resource : header->resources) {
    FUZZ_CHECK(!resource.lists.empty());
    for (const auto& list : resource.lists) {
      FUZZ_CHECK(!list.empty());
      for (const auto& condition : list) {
        ++conditions;
        if (!condition.is_etag) ++tokens;
        FUZZ_CHECK(!condition.value.empty());
      }
    }
  }
  FUZZ_CHECK(conditions <= 256);
  FUZZ_CHECK(header->state_tokens().size() == tokens);
  MadeUpState state;
  (void)dav::evaluate_if(*header, state);
}

void xml_round_trip(std::string_view input) {
  auto tree = dav::parse_xml_tree(input);
  if (!tree.ok()) return;
  std::string text = dav::serialize_xml(*tree);
  auto again = dav::parse_xml_tree("<r xmlns:D='DAV:'>" + text + "</r>");
  FUZZ_CHECK(again.ok());
  const auto* inner = again->first_element();
  FUZZ_CHECK(inner != nullptr);
  FUZZ_CHECK(dav::serialize_xml(*inner) == text);
}

void lock_body(std::string_view input) {
  auto request = dav::parse_lock_body(input);
  if (!request.ok() || request->owner.empty()) return;
  FUZZ_CHECK(dav::parse_xml_tree("<r xmlns:D='DAV:'>" + request->owner + "</r>").ok());
}

void proppatch_body(std::string_view input) {
  auto updates = dav::parse_propertyupdate(input);
  if (!updates.ok()) return;
  FUZZ_CHECK(!updates->empty() && updates->size() <= dav::kMaxPropertyUpdates);
  for (const auto& update : *updates) {
    FUZZ_CHECK(!update.name.local.empty());
    if (!update.element) continue;
    auto again = dav::parse_xml_tree("<r xmlns:D='DAV:'>" + *update.element + "</r>");
    FUZZ_CHECK(again.ok());
    const auto* element = again->first_element();
    FUZZ_CHECK(element != nullptr && element->is(update.name.ns, update.name.local));
    FUZZ_CHECK(dav::serialize_xml(*element) == *update.element);
  }
  auto reply = dav::proppatch_response("/files/x", *updates, dav::PatchOutcome::protected_refused);
  FUZZ_CHECK(dav::parse_xml_tree(reply).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      if_header(input);
      break;
    case 1:
      FUZZ_CHECK(dav::parse_timeout(input).count() >= 0);
      break;
    case 2:
      xml_round_trip(input);
      break;
    case 3:
      if (auto request = dav::parse_propfind(input); request.ok()) {
        FUZZ_CHECK(request->props.size() <= dav::kMaxProps);
      }
      break;
    case 4:
      lock_body(input);
      break;
    default:
      proppatch_body(input);
  }
  return 0;
}

#include "server/dav/lock_body.h"

#include "common/markup_escape.h"
#include "server/dav/xml_tree.h"

namespace netdisk::server::dav {
namespace {

Error refused(std::string_view why) {
  return make_error(Errc::bad_request, "the LOCK body " + std::string(why));
}

// The one element inside <D:lockscope> or <D:locktype>.
const XmlElement* choice_in(const XmlElement& lockinfo, std::string_view container) {
  const XmlElement* holder = lockinfo.dav_child(container);
  return holder == nullptr ? nullptr : holder->first_element();
}

std::string activelock_xml(const ActiveLock& lock, const HrefOf& href_of, TimePoint now) {
  std::string out = "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>";
  out += lock.scope == LockScope::exclusive ? "<D:exclusive/>" : "<D:shared/>";
  out += "</D:lockscope><D:depth>";
  out += lock.depth == LockDepth::zero ? "0" : "infinity";
  out += "</D:depth>";
  out += lock.owner;
  out += "<D:timeout>Second-" + std::to_string(lock.remaining(now).count()) + "</D:timeout>";
  out += "<D:locktoken><D:href>" + markup_escape(lock.token) + "</D:href></D:locktoken>";
  out += "<D:lockroot><D:href>" + markup_escape(href_of(lock.root)) + "</D:href></D:lockroot>";
  out += "</D:activelock>";
  return out;
}

}  // namespace

Result<LockRequest> parse_lock_body(std::string_view body) {
  auto tree = parse_xml_tree(body);
  if (!tree) return tree.error();
  if (!tree->is_dav("lockinfo")) return refused("is not a DAV:lockinfo");
  const XmlElement* scope = choice_in(*tree, "lockscope");
  if (scope == nullptr) return refused("has no lockscope");
  const XmlElement* type = choice_in(*tree, "locktype");
  if (type == nullptr || !type->is_dav("write"))
    return refused("asks for a lock type other than write");
  LockRequest request;
  if (scope->is_dav("exclusive")) {
    request.scope = LockScope::exclusive;
  } else if (scope->is_dav("shared")) {
    request.scope = LockScope::shared;
  } else {
    return refused("asks for a lock scope other than exclusive or shared");
  }
  if (const XmlElement* owner = tree->dav_child("owner")) request.owner = serialize_xml(*owner);
  return request;
}

std::string lockdiscovery_xml(std::span<const ActiveLock> locks, const HrefOf& href_of,
                              TimePoint now) {
  if (locks.empty()) return "<D:lockdiscovery/>";
  return "<D:lockdiscovery>" + activelocks_xml(locks, href_of, now) + "</D:lockdiscovery>";
}

std::string activelocks_xml(std::span<const ActiveLock> locks, const HrefOf& href_of,
                            TimePoint now) {
  std::string out;
  for (const auto& lock : locks) out += activelock_xml(lock, href_of, now);
  return out;
}

std::string supportedlock_xml() {
  return "<D:supportedlock>" + lockentries_xml() + "</D:supportedlock>";
}

std::string lockentries_xml() {
  return "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope>"
         "<D:locktype><D:write/></D:locktype></D:lockentry>"
         "<D:lockentry><D:lockscope><D:shared/></D:lockscope>"
         "<D:locktype><D:write/></D:locktype></D:lockentry>";
}

std::string lock_response_body(const ActiveLock& lock, const HrefOf& href_of, TimePoint now) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\">" +
         lockdiscovery_xml(std::span(&lock, 1), href_of, now) + "</D:prop>";
}

}  // namespace netdisk::server::dav

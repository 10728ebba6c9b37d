#include "server/dav/multistatus.h"

#include <algorithm>
#include <array>
#include <vector>

#include "server/dav/lock_body.h"

namespace netdisk::server::dav {
namespace {

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

// The live properties, in allprop's order. quota-available-bytes and quota-used-bytes are not
// among them: the server keeps no quota figures, so they are 404 as RFC 4331 allows.
constexpr std::array<std::string_view, 9> kLive = {
    "resourcetype",     "displayname",    "creationdate",  "getlastmodified", "getcontentlength",
    "getcontenttype",   "getetag",        "lockdiscovery", "supportedlock"};

// Live properties this server does not serve but never stores either (RFC 4331's quota).
constexpr std::array<std::string_view, 2> kUnkept = {"quota-available-bytes", "quota-used-bytes"};

bool file_only(std::string_view name) {
  return name == "getcontentlength" || name == "getcontenttype" || name == "getetag";
}

bool has_live(const Resource& resource, std::string_view name) {
  for (auto live : kLive) {
    if (live == name) return !(resource.collection && file_only(name));
  }
  return false;
}

// The value of a live property `name` the resource has, as XML content.
std::string live_value(const Resource& resource, std::string_view name) {
  if (name == "resourcetype") return resource.collection ? "<D:collection/>" : "";
  if (name == "displayname") return xml_escape(resource.display_name);
  if (name == "creationdate") return xml_escape(resource.created);
  if (name == "getlastmodified") return xml_escape(resource.last_modified);
  if (name == "getcontentlength") return std::to_string(resource.size);
  if (name == "getcontenttype") return xml_escape(resource.content_type);
  if (name == "lockdiscovery") return resource.active_locks;  // XML already
  if (name == "supportedlock") return lockentries_xml();
  return xml_escape(resource.etag);  // getetag
}

void append_element(std::string& out, const PropName& name, std::string_view value) {
  if (name.ns == "DAV:") {
    out += "<D:";
    out += name.local;
  } else {
    out += "<X:";
    out += name.local;
    out += " xmlns:X=\"";
    out += xml_escape(name.ns, true);
    out += '"';
  }
  if (value.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += value;
  out += name.ns == "DAV:" ? "</D:" : "</X:";
  out += name.local;
  out += '>';
}

const Resource::StoredProperty* dead_named(const Resource& resource, const PropName& name) {
  for (const auto& dead : resource.dead) {
    if (dead.name == name) return &dead;
  }
  return nullptr;
}

void append_propstat(std::string& out, std::string_view props, std::string_view status) {
  out += "<D:propstat><D:prop>";
  out += props;
  out += "</D:prop><D:status>HTTP/1.1 ";
  out += status;
  out += "</D:status></D:propstat>";
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      // Quotes stay as they are in text: an ETag reads "v1" there, as RFC 4918 shows it.
      case '"': out += attribute ? "&quot;" : "\""; break;
      default: out += c;
    }
  }
  return out;
}

bool is_protected_property(const PropName& name) {
  if (name.ns != "DAV:") return false;
  auto named = [&name](std::string_view live) { return live == name.local; };
  return std::any_of(kLive.begin(), kLive.end(), named) ||
         std::any_of(kUnkept.begin(), kUnkept.end(), named);
}

bool needs_dead_properties(const PropfindRequest& request) {
  if (request.kind != PropfindRequest::Kind::prop) return true;
  return std::any_of(request.props.begin(), request.props.end(),
                     [](const PropName& name) { return !is_protected_property(name); });
}

std::string empty_property(const PropName& name) {
  std::string out;
  append_element(out, name, "");
  return out;
}

std::string multistatus_open() {
  return std::string(kXmlHead) + "<D:multistatus xmlns:D=\"DAV:\">";
}

std::string multistatus_close() { return "</D:multistatus>\n"; }

void append_response(std::string& out, const Resource& resource, const PropfindRequest& request) {
  using Kind = PropfindRequest::Kind;
  out += "<D:response><D:href>";
  out += xml_escape(resource.href);
  out += "</D:href>";
  std::string found, missing;
  if (request.kind == Kind::prop) {
    for (const auto& name : request.props) {
      if (name.ns == "DAV:" && has_live(resource, name.local)) {
        append_element(found, name, live_value(resource, name.local));
      } else if (const auto* dead = dead_named(resource, name)) {
        found += dead->element;
      } else {
        append_element(missing, name, "");
      }
    }
  } else {
    bool names_only = request.kind == Kind::propname;
    for (auto local : kLive) {
      if (!has_live(resource, local)) continue;
      PropName name{"DAV:", std::string(local)};
      append_element(found, name, names_only ? "" : live_value(resource, local));
    }
    for (const auto& dead : resource.dead) {
      if (names_only) append_element(found, dead.name, "");
      if (!names_only) found += dead.element;
    }
  }
  if (!found.empty()) append_propstat(out, found, "200 OK");
  if (!missing.empty()) append_propstat(out, missing, "404 Not Found");
  out += "</D:response>";
}

std::string status_response(std::string_view href, std::string_view status) {
  std::string out = multistatus_open();
  out += "<D:response><D:href>";
  out += xml_escape(href);
  out += "</D:href><D:status>";
  out += status;
  out += "</D:status></D:response>";
  out += multistatus_close();
  return out;
}

std::string error_body(std::string_view condition) {
  return std::string(kXmlHead) + "<D:error xmlns:D=\"DAV:\"><D:" + std::string(condition) +
         "/></D:error>\n";
}

}  // namespace netdisk::server::dav

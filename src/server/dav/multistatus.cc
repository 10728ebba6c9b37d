#include "server/dav/multistatus.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "server/dav/lock_body.h"

namespace netdisk::server::dav {
namespace {

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

// The live properties, in allprop's order. quota-available-bytes and quota-used-bytes are not
// among them: RFC 4331 keeps them out of allprop; they are answered only when named.
constexpr std::array<std::string_view, 9> kLive = {
    "resourcetype",     "displayname",    "creationdate",  "getlastmodified", "getcontentlength",
    "getcontenttype",   "getetag",        "lockdiscovery", "supportedlock"};

// RFC 4331's quota properties: live (never stored), answered from Resource when it has them.
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

void append_uint(std::string& out, std::uint64_t value) {
  char digits[20];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Appends the value of a live property `name` the resource has, as XML content. Written
// straight into the response: a 10,000-entry PROPFIND makes 50,000 of these.
void append_live_value(std::string& out, const Resource& resource, std::string_view name) {
  if (name == "resourcetype") {
    if (resource.collection) out += "<D:collection/>";
  } else if (name == "displayname") {
    append_xml_escaped(out, resource.display_name);
  } else if (name == "creationdate") {
    append_xml_escaped(out, resource.created);
  } else if (name == "getlastmodified") {
    append_xml_escaped(out, resource.last_modified);
  } else if (name == "getcontentlength") {
    append_uint(out, resource.size);
  } else if (name == "getcontenttype") {
    append_xml_escaped(out, resource.content_type);
  } else if (name == "lockdiscovery") {
    out += resource.active_locks;  // XML already
  } else if (name == "supportedlock") {
    static const std::string entries = lockentries_xml();  // the same for every resource
    out += entries;
  } else {
    append_xml_escaped(out, resource.etag);  // getetag
  }
}

// Appends <D:local/> or <X:local xmlns:X="ns"/>, or with `resource` the element holding the
// resource's value of live property `local` (an empty value gives the empty element).
void append_element(std::string& out, std::string_view ns, std::string_view local,
                    const Resource* resource = nullptr) {
  // DAV: names use the document's D: prefix; a name in no namespace takes no prefix (an empty
  // xmlns:X would undeclare a prefix, which XML 1.0 namespaces forbid; the multistatus has no
  // default namespace); a name in the XML namespace takes its reserved xml: prefix, which is
  // never declared (binding another prefix to that namespace is an error); any other declares
  // X on the element itself.
  constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
  std::string_view prefix = ns == "DAV:"          ? "D:"
                            : ns.empty()          ? ""
                            : ns == kXmlNamespace ? "xml:"
                                                  : "X:";
  out += '<';
  out += prefix;
  out += local;
  if (prefix == "X:") {
    out += " xmlns:X=\"";
    append_xml_escaped(out, ns, true);
    out += '"';
  }
  std::size_t open_end = out.size();
  out += '>';
  if (resource != nullptr) append_live_value(out, *resource, local);
  if (out.size() == open_end + 1) {
    out.back() = '/';
    out += '>';
    return;
  }
  out += "</";
  out += prefix;
  out += local;
  out += '>';
}

// The value of RFC 4331 property DAV:`name`, when the resource has it.
std::optional<std::uint64_t> quota_value(const Resource& resource, const PropName& name) {
  if (name.ns != "DAV:") return std::nullopt;
  if (name.local == kUnkept[0]) return resource.quota_available;
  if (name.local == kUnkept[1]) return resource.quota_used;
  return std::nullopt;
}

const Resource::StoredProperty* dead_named(const Resource& resource, const PropName& name) {
  for (const auto& dead : resource.dead) {
    if (dead.name == name) return &dead;
  }
  return nullptr;
}

constexpr std::string_view kPropstatOpen = "<D:propstat><D:prop>";

void close_propstat(std::string& out, std::string_view status) {
  out += "</D:prop><D:status>HTTP/1.1 ";
  out += status;
  out += "</D:status></D:propstat>";
}

// The propstat of the properties the resource has (its values unless `names_only`); nothing
// when it has none of them.
void append_found(std::string& out, const Resource& resource, const PropfindRequest& request) {
  using Kind = PropfindRequest::Kind;
  std::size_t mark = out.size();
  out += kPropstatOpen;
  std::size_t first = out.size();
  if (request.kind == Kind::prop) {
    for (const auto& name : request.props) {
      if (name.ns == "DAV:" && has_live(resource, name.local)) {
        append_element(out, name.ns, name.local, &resource);
      } else if (auto bytes = quota_value(resource, name)) {
        out += "<D:";
        out += name.local;
        out += '>';
        append_uint(out, *bytes);
        out += "</D:";
        out += name.local;
        out += '>';
      } else if (const auto* dead = dead_named(resource, name)) {
        out += dead->element;  // stored self-contained (proppatch_body.h)
      }
    }
  } else {
    const Resource* values = request.kind == Kind::propname ? nullptr : &resource;
    for (auto local : kLive) {
      if (has_live(resource, local)) append_element(out, "DAV:", local, values);
    }
    for (const auto& dead : resource.dead) {
      if (values == nullptr) append_element(out, dead.name.ns, dead.name.local);
      if (values != nullptr) out += dead.element;
    }
  }
  if (out.size() == first) {
    out.resize(mark);
    return;
  }
  close_propstat(out, "200 OK");
}

// The 404 propstat of the named properties the resource does not have; nothing when none.
void append_missing(std::string& out, const Resource& resource, const PropfindRequest& request) {
  if (request.kind != PropfindRequest::Kind::prop) return;
  std::size_t mark = out.size();
  out += kPropstatOpen;
  std::size_t first = out.size();
  for (const auto& name : request.props) {
    bool live = (name.ns == "DAV:" && has_live(resource, name.local)) ||
                quota_value(resource, name).has_value();
    if (!live && dead_named(resource, name) == nullptr) append_element(out, name.ns, name.local);
  }
  if (out.size() == first) {
    out.resize(mark);
    return;
  }
  close_propstat(out, "404 Not Found");
}

}  // namespace

void append_xml_escaped(std::string& out, std::string_view text, bool attribute) {
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      // Quotes stay as they are in text: an ETag reads "v1" there, as RFC 4918 shows it.
      case '"':
        entity = attribute ? "&quot;" : "";
        break;
      // A parser turns a raw CR into LF in text, and CR, LF and tab into spaces in an
      // attribute (a namespace URI may hold any of them, as character references): written
      // as references, they read back as they were.
      case '\r':
        entity = "&#13;";
        break;
      case '\n':
        entity = attribute ? "&#10;" : "";
        break;
      case '\t':
        entity = attribute ? "&#9;" : "";
        break;
      default:
        break;
    }
    if (entity.empty()) continue;
    out.append(text.data() + plain, i - plain);
    out += entity;
    plain = i + 1;
  }
  out.append(text.data() + plain, text.size() - plain);
}

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  append_xml_escaped(out, text, attribute);
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
  append_element(out, name.ns, name.local);
  return out;
}

std::string multistatus_open() {
  return std::string(kXmlHead) + "<D:multistatus xmlns:D=\"DAV:\">";
}

std::string multistatus_close() { return "</D:multistatus>\n"; }

void append_response(std::string& out, const Resource& resource, const PropfindRequest& request) {
  out += "<D:response><D:href>";
  append_xml_escaped(out, resource.href);
  out += "</D:href>";
  append_found(out, resource, request);
  append_missing(out, resource, request);
  out += "</D:response>";
}

bool asks_for(const PropfindRequest& request, std::string_view dav_name) {
  using Kind = PropfindRequest::Kind;
  if (request.kind == Kind::propname) return false;
  if (request.kind == Kind::allprop) return true;
  for (const auto& name : request.props) {
    if (name.ns == "DAV:" && name.local == dav_name) return true;
  }
  return false;
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

// The 207 Multi-Status body of a PROPFIND (RFC 4918, sections 9.1 and 14.16), written one
// <D:response> at a time so a big folder streams: open, then one append_response() per
// resource, then close. Knows the live properties NetDisk serves (kLive, with RFC 4918's
// lockdiscovery and supportedlock), which are protected from PROPPATCH; the dead properties
// a resource holds are written as they were stored (proppatch_body.h); any other name asked
// for is answered 404 in its own propstat. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/dav/propfind_body.h"

namespace netdisk::server::dav {

// What PROPFIND says about one file or folder; every text is ready to print (not escaped).
struct Resource {
  std::string href;           // percent-encoded absolute path ("/files/a%20b/")
  bool collection = false;
  std::uint64_t size = 0;      // files only
  std::string last_modified;  // RFC 1123 date
  std::string created;        // RFC 3339 date-time
  std::string etag;           // the quoted strong ETag GET gives; files only
  std::string display_name;
  std::string content_type;   // files only
  std::string active_locks;   // the <D:activelock> elements of the locks covering it, as XML
  // Its dead properties, each as the XML element PROPPATCH stored (filled only when
  // needs_dead_properties() says the request shows them).
  struct StoredProperty {
    PropName name;
    std::string element;
  };
  std::vector<StoredProperty> dead;
  // RFC 4331's quota-used-bytes and quota-available-bytes: the user's figures (the same on
  // every resource of their space); unset, the property is 404. Never in allprop (RFC 4331,
  // section 3: they may be expensive), only when named.
  std::optional<std::uint64_t> quota_used;
  std::optional<std::uint64_t> quota_available;
};

// True for the live properties a server computes (and quota-available-bytes and
// quota-used-bytes, RFC 4331): PROPPATCH may not set or remove them (403).
bool is_protected_property(const PropName& name);

// Whether answering `request` shows dead properties: allprop, propname, or a name that is
// not a live one. The common PROPFIND of live names need not read them.
bool needs_dead_properties(const PropfindRequest& request);

// An empty element of that name (<D:x/> or <X:x xmlns:X="..."/>), as propname lists it.
std::string empty_property(const PropName& name);

std::string multistatus_open();
std::string multistatus_close();

// Appends the <D:response> for `resource` as `request` asks.
void append_response(std::string& out, const Resource& resource, const PropfindRequest& request);

// Whether answering `request` needs the value of the live property DAV:`dav_name` (allprop, or
// named): lets the caller skip computing what nobody asked for (lockdiscovery).
bool asks_for(const PropfindRequest& request, std::string_view dav_name);

// A 207 body with one <D:response> whose status line is `status` ("HTTP/1.1 424 ..."): for a
// COPY or MOVE failing on a member, and for refusals that want a body.
std::string status_response(std::string_view href, std::string_view status);

// <D:error><D:NAME/></D:error>: a precondition's body (RFC 4918, section 16).
std::string error_body(std::string_view condition);

// Escapes &, < and > and CR for XML text; with `attribute`, ", LF and tab too (for a value in
// double quotes), so that a parser reads back exactly `text`.
std::string xml_escape(std::string_view text, bool attribute = false);
// The same, appended to `out`.
void append_xml_escaped(std::string& out, std::string_view text, bool attribute = false);

}  // namespace netdisk::server::dav

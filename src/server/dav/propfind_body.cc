#include "server/dav/propfind_body.h"

#include <expat.h>

#include <memory>

namespace netdisk::server::dav {
namespace {

constexpr char kSeparator = ' ';  // between namespace URI and local name; no local name holds one

PropName split_name(const XML_Char* name) {
  std::string_view text(name);
  auto cut = text.rfind(kSeparator);  // the last: a local name has no space, a URI may
  if (cut == std::string_view::npos) return {"", std::string(text)};
  return {std::string(text.substr(0, cut)), std::string(text.substr(cut + 1))};
}

bool is_dav(const PropName& name, std::string_view local) {
  return name.ns == "DAV:" && name.local == local;
}

// The walk over the elements: depth 1 is propfind, 2 its choice, 3 the names inside prop.
struct Walk {
  XML_Parser parser = nullptr;
  int depth = 0;
  bool saw_choice = false;
  bool in_prop = false;
  std::string problem;
  PropfindRequest request;

  void fail(std::string why) {
    if (problem.empty()) problem = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
  void start(const PropName& name) {
    ++depth;
    if (depth == 1 && !is_dav(name, "propfind")) return fail("the body is not a DAV:propfind");
    if (depth == 2) choose(name);
    if (depth == 3 && in_prop) {
      if (request.props.size() >= kMaxProps) return fail("too many properties asked for");
      request.props.push_back(name);
    }
  }
  void choose(const PropName& name) {
    using Kind = PropfindRequest::Kind;
    in_prop = false;
    if (is_dav(name, "include")) return;  // allprop's extra names: all are live ones here
    if (saw_choice) return fail("propfind holds more than one of allprop, propname, prop");
    saw_choice = true;
    if (is_dav(name, "allprop")) {
      request.kind = Kind::allprop;
    } else if (is_dav(name, "propname")) {
      request.kind = Kind::propname;
    } else if (is_dav(name, "prop")) {
      request.kind = Kind::prop;
      in_prop = true;
    } else {
      fail("propfind holds an unknown element");
    }
  }
};

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char**) {
  static_cast<Walk*>(data)->start(split_name(name));
}

void XMLCALL on_end(void* data, const XML_Char*) { --static_cast<Walk*>(data)->depth; }

void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Walk*>(data)->fail("a DOCTYPE is not accepted");
}

struct FreeParser {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

}  // namespace

Result<PropfindRequest> parse_propfind(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return PropfindRequest{};
  std::unique_ptr<XML_ParserStruct, FreeParser> parser(XML_ParserCreateNS(nullptr, kSeparator));
  if (!parser) return make_error(Errc::internal_error, "no memory for the XML parser");
  Walk walk;
  walk.parser = parser.get();
  XML_SetUserData(parser.get(), &walk);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  auto status = XML_Parse(parser.get(), body.data(), static_cast<int>(body.size()), XML_TRUE);
  if (!walk.problem.empty()) return make_error(Errc::bad_request, walk.problem);
  if (status != XML_STATUS_OK) {
    return make_error(Errc::bad_request,
                      std::string("the PROPFIND body is not well-formed XML: ") +
                          XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  if (!walk.saw_choice) return make_error(Errc::bad_request, "propfind is empty");
  return std::move(walk.request);
}

}  // namespace netdisk::server::dav

#include "server/dav/xml_tree.h"

#include <expat.h>

#include "common/markup_escape.h"

#include <climits>
#include <memory>
#include <tuple>

namespace netdisk::server::dav {
namespace {

constexpr char kSeparator = ' ';  // between namespace URI and local name; no local name holds one
constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

std::pair<std::string, std::string> split_name(std::string_view name) {
  auto cut = name.rfind(kSeparator);  // the last: a local name has no space, a URI may
  if (cut == std::string_view::npos) return {"", std::string(name)};
  return {std::string(name.substr(0, cut)), std::string(name.substr(cut + 1))};
}

// Builds the tree as expat reports it. `open` holds the chain of elements being read: only the
// innermost one gains children, so the pointers to its ancestors stay valid.
struct Builder {
  XML_Parser parser = nullptr;
  const XmlLimits* limits = nullptr;
  XmlElement root;
  bool has_root = false;
  std::vector<XmlElement*> open;
  std::size_t elements = 0;
  std::size_t text_bytes = 0;
  std::string problem;

  void fail(std::string why) {
    if (problem.empty()) problem = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
  void start(const XML_Char* name, const XML_Char** attrs);
  void text(std::string_view chars);
};

void Builder::start(const XML_Char* name, const XML_Char** attrs) {
  if (++elements > limits->elements) return fail("the XML body has too many elements");
  if (open.size() >= limits->depth) return fail("the XML body nests too deep");
  XmlElement element;
  std::tie(element.ns, element.local) = split_name(name);
  for (auto at = attrs; at[0] != nullptr; at += 2) {
    auto [ns, local] = split_name(at[0]);
    if (ns.empty()) {
      element.attributes.emplace_back(std::move(local), at[1]);
    } else if (ns == kXmlNamespace) {  // xml:lang, xml:space: the prefix is bound everywhere
      element.attributes.emplace_back("xml:" + local, at[1]);
    } else {
      element.qualified_attributes.push_back({std::move(ns), std::move(local), at[1]});
    }
  }
  if (open.empty()) {
    root = std::move(element);
    has_root = true;
    open.push_back(&root);
    return;
  }
  auto& siblings = open.back()->children;
  siblings.push_back(std::move(element));
  open.push_back(&siblings.back());
}

void Builder::text(std::string_view chars) {
  if (open.empty()) return;
  text_bytes += chars.size();
  if (text_bytes > limits->text_bytes) return fail("the XML body holds too much text");
  auto& children = open.back()->children;
  if (children.empty() || !children.back().is_text()) children.emplace_back();
  children.back().text.append(chars);
}

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
  static_cast<Builder*>(data)->start(name, attrs);
}
void XMLCALL on_end(void* data, const XML_Char*) { static_cast<Builder*>(data)->open.pop_back(); }
void XMLCALL on_text(void* data, const XML_Char* chars, int length) {
  static_cast<Builder*>(data)->text(std::string_view(chars, static_cast<std::size_t>(length)));
}
void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Builder*>(data)->fail("a DOCTYPE is not accepted");
}

struct FreeParser {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

// markup_escape, plus the white space a parser would otherwise normalise on the way back in:
// CR in text (XML turns CR LF and lone CR into LF), and tab, LF and CR in attribute values
// (which become spaces), so an echoed fragment means exactly what the client sent.
std::string escaped(std::string_view text, bool attribute) {
  std::string out;
  for (char c : markup_escape(text)) {
    if (c == '\r') {
      out += "&#13;";
    } else if (attribute && c == '\n') {
      out += "&#10;";
    } else if (attribute && c == '\t') {
      out += "&#9;";
    } else {
      out += c;
    }
  }
  return out;
}

// The prefix an element is written with: D: for DAV:, the reserved xml: for the XML namespace
// (never declared: neither a default nor another prefix may be bound to it), none otherwise
// (the element then declares its namespace as the default).
std::string_view element_prefix(const XmlElement& element) {
  if (element.ns == "DAV:") return "D:";
  if (element.ns == kXmlNamespace) return "xml:";
  return "";
}

void write_open_tag(std::string& out, const XmlElement& element) {
  auto element_ns_prefix = element_prefix(element);
  out += '<';
  out += element_ns_prefix;
  out += element.local;
  if (element_ns_prefix.empty()) out += " xmlns=\"" + escaped(element.ns, true) + '"';
  for (const auto& [name, value] : element.attributes) {
    out += ' ' + name + "=\"" + escaped(value, true) + '"';
  }
  std::size_t index = 0;
  for (const auto& [ns, local, value] : element.qualified_attributes) {
    std::string prefix = "a" + std::to_string(index++);
    out += " xmlns:" + prefix + "=\"" + escaped(ns, true) + '"';
    out += ' ' + prefix + ':' + local + "=\"" + escaped(value, true) + '"';
  }
}

void write_element(std::string& out, const XmlElement& element) {
  if (element.is_text()) {
    out += escaped(element.text, false);
    return;
  }
  write_open_tag(out, element);
  if (element.children.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const auto& child : element.children) write_element(out, child);
  out += "</";
  out += element_prefix(element);
  out += element.local + '>';
}

}  // namespace

std::string XmlElement::inner_text() const {
  std::string all;
  for (const auto& child : children) {
    if (child.is_text()) all += child.text;
  }
  return all;
}

const XmlElement* XmlElement::dav_child(std::string_view wanted_local) const {
  for (const auto& child : children) {
    if (child.is_dav(wanted_local)) return &child;
  }
  return nullptr;
}

const XmlElement* XmlElement::first_element() const {
  for (const auto& child : children) {
    if (!child.is_text()) return &child;
  }
  return nullptr;
}

Result<XmlElement> parse_xml_tree(std::string_view body, const XmlLimits& limits) {
  if (body.size() > static_cast<std::size_t>(INT_MAX)) {
    return make_error(Errc::bad_request, "the XML body is too large");
  }
  std::unique_ptr<XML_ParserStruct, FreeParser> parser(XML_ParserCreateNS(nullptr, kSeparator));
  if (!parser) return make_error(Errc::internal_error, "no memory for the XML parser");
  Builder builder;
  builder.parser = parser.get();
  builder.limits = &limits;
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  auto status = XML_Parse(parser.get(), body.data(), static_cast<int>(body.size()), XML_TRUE);
  if (!builder.problem.empty()) return make_error(Errc::bad_request, builder.problem);
  if (status != XML_STATUS_OK || !builder.has_root) {
    return make_error(Errc::bad_request, std::string("the body is not well-formed XML: ") +
                                             XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  return std::move(builder.root);
}

std::string serialize_xml(const XmlElement& element) {
  std::string out;
  write_element(out, element);
  return out;
}

}  // namespace netdisk::server::dav

#include "server/dav/proppatch_body.h"

#include "server/dav/xml_tree.h"

namespace netdisk::server::dav {
namespace {

Error refused(std::string_view why) {
  return make_error(Errc::bad_request, "the PROPPATCH body " + std::string(why));
}

// The xml:lang `element` carries, if any.
const std::string* lang_of(const XmlElement& element) {
  for (const auto& [name, value] : element.attributes) {
    if (name == "xml:lang") return &value;
  }
  return nullptr;
}

// The property as it will be stored: with the xml:lang in scope where it was written (RFC 4918
// section 4.3 wants it kept), unless it has its own.
std::string stored_element(XmlElement property, const std::string* lang) {
  if (lang != nullptr && lang_of(property) == nullptr) {
    property.attributes.emplace_back("xml:lang", *lang);
  }
  return serialize_xml(property);
}

// Adds the properties of one DAV:set or DAV:remove.
Status add_instruction(const XmlElement& instruction, const std::string* lang,
                       std::vector<PropertyUpdate>& out) {
  bool set = instruction.is_dav("set");
  if (const std::string* own = lang_of(instruction)) lang = own;
  const XmlElement* prop = instruction.dav_child("prop");
  if (prop == nullptr) return refused("has a set or remove without a DAV:prop");
  if (const std::string* own = lang_of(*prop)) lang = own;
  for (const auto& property : prop->children) {
    if (property.is_text()) continue;
    if (out.size() == kMaxPropertyUpdates) return refused("changes too many properties");
    PropertyUpdate update{{property.ns, property.local}, std::nullopt};
    if (set) update.element = stored_element(property, lang);
    out.push_back(std::move(update));
  }
  return {};
}

}  // namespace

Result<std::vector<PropertyUpdate>> parse_propertyupdate(std::string_view body) {
  auto tree = parse_xml_tree(body);
  if (!tree) return tree.error();
  if (!tree->is_dav("propertyupdate")) return refused("is not a DAV:propertyupdate");
  const std::string* lang = lang_of(*tree);
  std::vector<PropertyUpdate> updates;
  for (const auto& child : tree->children) {
    if (!child.is_dav("set") && !child.is_dav("remove")) continue;
    if (auto added = add_instruction(child, lang, updates); !added) return added.error();
  }
  if (updates.empty()) return refused("changes no property");
  return updates;
}

}  // namespace netdisk::server::dav

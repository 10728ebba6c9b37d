#include "server/dav/proppatch_response.h"

#include <array>

#include "server/dav/multistatus.h"

namespace netdisk::server::dav {
namespace {

struct StatusGroup {
  std::string_view status;     // "200 OK"
  std::string_view condition;  // a precondition element for <D:error>, or empty
  std::string props;           // the empty property elements with that status
};

// Which group (of kGroups' order) a property's status falls in.
enum Group { kOk, kProtected, kNoRoom, kFailedDependency };

Group group_of(const PropertyUpdate& update, PatchOutcome outcome) {
  switch (outcome) {
    case PatchOutcome::applied:
      return kOk;
    case PatchOutcome::protected_refused:
      return is_protected_property(update.name) ? kProtected : kFailedDependency;
    default:  // insufficient_storage: the sets needed the room
      return update.element ? kNoRoom : kFailedDependency;
  }
}

}  // namespace

std::string proppatch_response(std::string_view href, std::span<const PropertyUpdate> updates,
                               PatchOutcome outcome) {
  std::array<StatusGroup, 4> groups = {
      StatusGroup{"200 OK", "", ""},
      StatusGroup{"403 Forbidden", "cannot-modify-protected-property", ""},
      StatusGroup{"507 Insufficient Storage", "", ""},
      StatusGroup{"424 Failed Dependency", "", ""},
  };
  for (const auto& update : updates) {
    groups[group_of(update, outcome)].props += empty_property(update.name);
  }
  std::string out = multistatus_open();
  out += "<D:response><D:href>" + xml_escape(href) + "</D:href>";
  for (const auto& group : groups) {
    if (group.props.empty()) continue;
    out += "<D:propstat><D:prop>" + group.props + "</D:prop><D:status>HTTP/1.1 ";
    out += group.status;
    out += "</D:status>";
    if (!group.condition.empty()) {
      out += "<D:error><D:" + std::string(group.condition) + "/></D:error>";
    }
    out += "</D:propstat>";
  }
  out += "</D:response>";
  out += multistatus_close();
  return out;
}

}  // namespace netdisk::server::dav

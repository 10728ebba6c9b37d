#include "server/dav/if_header.h"

#include <cctype>

namespace netdisk::server::dav {
namespace {

// Each tagged resource costs the caller a lookup, each condition a comparison: a header that
// names more is refused rather than evaluated.
constexpr std::size_t kMaxResources = 32;
constexpr std::size_t kMaxConditions = 256;

Error malformed(std::string_view why) {
  return make_error(Errc::bad_request, "malformed If header: " + std::string(why));
}

class IfParser {
 public:
  explicit IfParser(std::string_view in) : in_(in) {}

  Result<IfHeader> parse();

 private:
  void skip_space() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t')) ++pos_;
  }
  // Between two lists or resources: white space, and the commas that join the field lines
  // of an If header sent several times (RFC 9110 §5.3; combine_if_lines()).
  void skip_separators() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == ',')) {
      ++pos_;
    }
  }
  bool at(char c) {
    skip_space();
    return pos_ < in_.size() && in_[pos_] == c;
  }
  bool eat_not();
  Result<std::string> until(char open, char close);
  Result<std::string> etag();
  Result<IfCondition> condition();
  Result<IfList> list();
  Status add_list(IfHeader& header, bool tagged);

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t conditions_ = 0;
};

bool IfParser::eat_not() {
  skip_space();
  if (in_.size() - pos_ < 3) return false;
  auto word = in_.substr(pos_, 3);
  bool is_not = std::tolower(static_cast<unsigned char>(word[0])) == 'n' &&
                std::tolower(static_cast<unsigned char>(word[1])) == 'o' &&
                std::tolower(static_cast<unsigned char>(word[2])) == 't';
  if (is_not) pos_ += 3;
  return is_not;
}

// "<…>": a Coded-URL or a Resource-Tag; '>' cannot occur inside either.
Result<std::string> IfParser::until(char open, char close) {
  if (!at(open)) return malformed(std::string("expected '") + open + "'");
  auto end = in_.find(close, pos_ + 1);
  if (end == std::string_view::npos) return malformed(std::string("no closing '") + close + "'");
  std::string inside(in_.substr(pos_ + 1, end - pos_ - 1));
  pos_ = end + 1;
  if (inside.empty()) return malformed("empty <> or []");
  return inside;
}

// "[" entity-tag "]", where entity-tag = [ "W/" ] quoted-string and the quoted string may
// itself hold ']'.
Result<std::string> IfParser::etag() {
  if (!at('[')) return malformed("expected '['");
  std::size_t start = ++pos_;
  if (in_.substr(pos_).starts_with("W/")) pos_ += 2;
  if (pos_ >= in_.size() || in_[pos_] != '"') return malformed("an entity tag is not quoted");
  auto close_quote = in_.find('"', pos_ + 1);
  if (close_quote == std::string_view::npos) return malformed("an entity tag is not closed");
  std::string value(in_.substr(start, close_quote + 1 - start));
  pos_ = close_quote + 1;
  if (!at(']')) return malformed("expected ']' after an entity tag");
  ++pos_;
  return value;
}

Result<IfCondition> IfParser::condition() {
  if (++conditions_ > kMaxConditions) return malformed("too many conditions");
  IfCondition condition;
  condition.negated = eat_not();
  if (at('[')) {
    auto value = etag();
    if (!value) return value.error();
    condition.is_etag = true;
    condition.value = std::move(*value);
    return condition;
  }
  auto token = until('<', '>');
  if (!token) return token.error();
  condition.value = std::move(*token);
  return condition;
}

Result<IfList> IfParser::list() {
  if (!at('(')) return malformed("expected '('");
  ++pos_;
  IfList conditions;
  while (!at(')')) {
    if (pos_ >= in_.size()) return malformed("a list is not closed");
    auto next = condition();
    if (!next) return next.error();
    conditions.push_back(std::move(*next));
  }
  ++pos_;
  if (conditions.empty()) return malformed("an empty list");
  return conditions;
}

Status IfParser::add_list(IfHeader& header, bool tagged) {
  auto parsed = list();
  if (!parsed) return parsed.error();
  if (!tagged && header.resources.empty()) header.resources.emplace_back();
  header.resources.back().lists.push_back(std::move(*parsed));
  return {};
}

// If = ( 1*No-tag-list | 1*Tagged-list ): the first production decides which.
Result<IfHeader> IfParser::parse() {
  IfHeader header;
  skip_separators();
  const bool tagged = at('<');
  while (skip_separators(), pos_ < in_.size()) {
    if (at('<')) {
      if (!tagged) return malformed("a Resource-Tag after an untagged list");
      if (header.resources.size() >= kMaxResources) return malformed("too many resources");
      auto tag = until('<', '>');
      if (!tag) return tag.error();
      header.resources.push_back(IfResourceLists{std::move(*tag), {}});
      if (!at('(')) return malformed("a Resource-Tag without a list");
    }
    auto added = add_list(header, tagged);
    if (!added) return added.error();
  }
  if (header.resources.empty()) return malformed("no list");
  return header;
}

std::string_view opaque(std::string_view etag) {
  return etag.starts_with("W/") ? etag.substr(2) : etag;
}

// Evaluates one resource's lists, asking for its entity tag at most once.
bool resource_holds(const IfResourceLists& resource, IfState& state) {
  std::optional<std::optional<std::string>> current;
  auto holds = [&](const IfCondition& condition) {
    bool match = false;
    if (condition.is_etag) {
      if (!current) current = state.etag(resource.tag);
      match = current->has_value() && opaque(**current) == opaque(condition.value);
    } else {
      match = state.lock_matches(resource.tag, condition.value);
    }
    return match != condition.negated;
  };
  for (const auto& list : resource.lists) {
    bool all = true;
    for (const auto& condition : list) all = all && holds(condition);
    if (all) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> IfHeader::state_tokens() const {
  std::vector<std::string> tokens;
  for (const auto& resource : resources) {
    for (const auto& list : resource.lists) {
      for (const auto& condition : list) {
        if (!condition.is_etag) tokens.push_back(condition.value);
      }
    }
  }
  return tokens;
}

Result<IfHeader> parse_if_header(std::string_view value) { return IfParser(value).parse(); }

std::string combine_if_lines(const std::vector<std::string_view>& lines) {
  std::string combined;
  for (auto line : lines) {
    if (!combined.empty()) combined += ", ";
    combined += line;
  }
  return combined;
}

bool evaluate_if(const IfHeader& header, IfState& state) {
  for (const auto& resource : header.resources) {
    if (resource_holds(resource, state)) return true;
  }
  return false;
}

}  // namespace netdisk::server::dav

// Escaping text for HTML and XML, the one place every page and every WebDAV body uses: the
// five characters that can end a text or an attribute value become character references.
// Pure function; any thread.
#pragma once

#include <string>
#include <string_view>

namespace netdisk {

// `text` with & < > " ' as &amp; &lt; &gt; &quot; &#39; (valid in HTML and in XML text and
// attribute values alike); every other byte, UTF-8 included, as it is.
std::string markup_escape(std::string_view text);

}  // namespace netdisk

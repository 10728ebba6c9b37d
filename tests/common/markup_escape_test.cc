// markup_escape: the five characters that end HTML or XML text become references; the rest,
// UTF-8 and control bytes included, stays as it is.
#include "common/markup_escape.h"

#include <gtest/gtest.h>

namespace netdisk {
namespace {

TEST(MarkupEscape, TheFiveMarkupCharactersBecomeReferences) {
  EXPECT_EQ(markup_escape("<b>&'\"x"), "&lt;b&gt;&amp;&#39;&quot;x");
  EXPECT_EQ(markup_escape("&amp;"), "&amp;amp;");  // escaped again, never taken as a reference
}

TEST(MarkupEscape, OtherBytesPassUnchanged) {
  EXPECT_EQ(markup_escape(""), "");
  EXPECT_EQ(markup_escape("ünïcödé 文件 \t"), "ünïcödé 文件 \t");
}

}  // namespace
}  // namespace netdisk

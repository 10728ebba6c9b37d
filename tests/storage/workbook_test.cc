#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "accounts_test_util.h"
#include "zip_test_util.h"
#include "storage/iso_time.h"
#include "storage/user_table.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"

namespace netdisk::storage {
namespace {

using testing::read_file;
using testing::ScratchDir;
using testing::write_file;

using Clock = std::chrono::system_clock;

using testing::Entries;
using testing::write_zip;

// Pads rows to the same width so written and read-back sheets compare cell by cell.
SheetRows as_table(const std::vector<SheetRow>& rows, std::size_t width) {
  SheetRows out;
  for (const auto& row : rows) {
    out.push_back(row.cells);
    out.back().resize(width);
  }
  return out;
}

const std::string kWorkbookXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  xmlns:ns9="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="notes" sheetId="1" ns9:id="rId7"/><sheet name="users" sheetId="2" ns9:id="rId3"/></sheets>
</workbook>)";
const std::string kRelsXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="./sharedStrings.xml"/>
</Relationships>)";
const std::string kSharedStringsXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">
<si><t>username</t></si><si><t xml:space="preserve">password_hash</t></si>
<si><r><rPr><b/></rPr><t>registered</t></r><r><t>_at</t></r><rPh><t>IGNORED</t></rPh></si>
<si><t>last_login</t></si><si><t>Alice_x0007_</t></si>
</sst>)";
const std::string kSheetXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
<row r="2"/>
<row r="4"><c r="A4" t="s"><v>4</v></c><c r="C4" t="inlineStr"><is><t>2026-11-23T10:04:05Z</t></is></c></row>
<row r="5"><c t="str"><f>CONCAT("b","ob")</f><v>bob</v></c><c><v>42</v></c><c r="E5" t="inlineStr"><is><t>far</t></is></c></row>
</sheetData></worksheet>)";

Entries libreoffice_like() {
  return {{"[Content_Types].xml", "<Types/>"},
          {"xl/workbook.xml", kWorkbookXml},
          {"xl/_rels/workbook.xml.rels", kRelsXml},
          {"xl/sharedStrings.xml", kSharedStringsXml},
          {"xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"},
          {"xl/worksheets/sheet2.xml", kSheetXml}};
}

TEST(WorkbookEscape, EscapesControlCharactersAndLiteralEscapesTheExcelWay) {
  EXPECT_EQ(escape_xlsx_text("plain"), "plain");
  EXPECT_EQ(escape_xlsx_text(std::string_view("a\x01z", 3)), "a_x0001_z");
  EXPECT_EQ(escape_xlsx_text("\x1b[0m"), "_x001B_[0m");
  EXPECT_EQ(escape_xlsx_text("\r"), "_x000D_");
  EXPECT_EQ(escape_xlsx_text("tab\tnl\n"), "tab\tnl\n");
  EXPECT_EQ(escape_xlsx_text("_x0041_"), "_x005F_x0041_");
  EXPECT_EQ(escape_xlsx_text("_x00_ and _X0041_"), "_x00_ and _X0041_");
  EXPECT_EQ(unescape_xlsx_text("_x005F_x0041_"), "_x0041_");
  EXPECT_EQ(unescape_xlsx_text("_x0041__x0042_"), "AB");
  EXPECT_EQ(unescape_xlsx_text("_xD83D__xDE00_"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(unescape_xlsx_text("_xD83D_"), "\xEF\xBF\xBD");
}

TEST(Workbook, RoundTripsUsersThroughTheWriterAndReader) {
  ScratchDir dir;
  std::vector<UserRecord> users;
  auto base = Clock::time_point{} + std::chrono::seconds(1'790'000'000);
  for (int i = 0; i < 250; ++i) {
    UserRecord user{"user." + std::to_string(i),
                    "$argon2id$v=19$m=8,t=1,p=1$hash" + std::to_string(i),
                    base + std::chrono::hours(i), std::nullopt};
    if (i % 3 == 0) user.last_login = base + std::chrono::hours(i + 1);
    users.push_back(user);
  }
  auto path = dir / "users.xlsx";
  ASSERT_TRUE(write_workbook(path, kUsersSheet, users_to_rows(users)).ok());
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 251u);
  auto back = users_from_rows(*rows, "users.xlsx");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, users);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"users.xlsx"});
}

TEST(Workbook, RoundTripsHostileStringsAndStaysValidXml) {
  ScratchDir dir;
  const std::vector<std::string> hostile = {
      std::string("\x01", 1),
      "\x1b[31mred\x1b[0m",
      std::string("nul\0inside", 10),
      "_x0041_ stays literal",
      "_x005F_",
      "_x00_ _xZZZZ_ _X0041_",
      "tab\tnew\nline\r\nend",
      "=cmd|' /C calc'!A0",
      "+1+1",
      "@SUM(A1)",
      "<tag attr=\"1\">&amp;</tag> ]]>",
      "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80",
      "\x7f\x1f\x0b\x0c",
      std::string(2000, '\x02'),
      "not characters: \xef\xbf\xbe \xef\xbf\xbf, fine: \xef\xbf\xbd",
  };
  SheetRows table;
  table.push_back({"username", "password_hash", "registered_at", "last_login"});
  for (const auto& text : hostile) table.push_back({text, text, "x", text});
  auto path = dir / "users.xlsx";
  auto written = write_workbook(path, kUsersSheet, table);
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(as_table(*rows, 4), table);

  // Python's own zip and XML parsers must accept it too, and see the names as written.
  std::string command =
      "python3 -c \"import zipfile,xml.etree.ElementTree as E;"
      "z=zipfile.ZipFile('" +
      path.string() +
      "');"
      "[E.fromstring(z.read(n)) for n in z.namelist() if n.endswith('.xml')]\"";
  EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST(Workbook, EveryCellIsAStringAndAnIndependentReaderSeesEveryUser) {
  ScratchDir dir;
  std::vector<UserRecord> users;
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    std::string name = "Person_" + std::to_string(i);
    users.push_back(
        {name, "$argon2id$fake", Clock::time_point{} + std::chrono::days(20000 + i), std::nullopt});
    expected += name + "\n";
  }
  auto path = dir / "users.xlsx";
  ASSERT_TRUE(write_workbook(path, kUsersSheet, users_to_rows(users)).ok());
  write_file(dir / "names.txt", expected);
  std::string command = std::string("python3 ") + NETDISK_ACCOUNTS_TEST_DIR +
                        "/check_workbook.py " + path.string() + " " + (dir / "names.txt").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(Workbook, ReadsAWorkbookSavedTheLibreOfficeWay) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  write_zip(path, libreoffice_like());
  auto rows = read_workbook_sheet(path, "users");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);  // the empty row 2 is left out
  EXPECT_EQ((*rows)[0].cells,
            (std::vector<std::string>{"username", "password_hash", "registered_at", "last_login"}));
  EXPECT_EQ((*rows)[1].number, 4u);
  EXPECT_EQ((*rows)[1].cells, (std::vector<std::string>{"Alice\x07", "", "2026-11-23T10:04:05Z"}));
  EXPECT_EQ((*rows)[2].number, 5u);
  EXPECT_EQ((*rows)[2].cells, (std::vector<std::string>{"bob", "42", "", "", "far"}));

  // Without a sheet named "users", the first sheet in tab order is read.
  auto first = read_workbook_sheet(path, "missing");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->empty());
}

TEST(Workbook, FallsBackToSheet1WhenTheWorkbookPartIsMissing) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  write_zip(path, {{"xl/worksheets/sheet1.xml",
                    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>hi</t></is></c></row>"
                    "</sheetData></worksheet>"}});
  auto rows = read_workbook_sheet(path, "users");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].cells, std::vector<std::string>{"hi"});
}

// Each broken workbook must give io_error "users.xlsx is damaged: <part>", never a crash.
void expect_damaged(const std::filesystem::path& path, std::string_view part,
                    const WorkbookLimits& limits = {}) {
  auto rows = read_workbook_sheet(path, "users", limits);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().code, Errc::io_error);
  EXPECT_NE(rows.error().message.find("users.xlsx is damaged: "), std::string::npos)
      << rows.error().message;
  EXPECT_NE(rows.error().message.find(part), std::string::npos) << rows.error().message;
}

Entries with_sheet(std::string sheet) {
  Entries entries = libreoffice_like();
  entries.back().second = std::move(sheet);
  return entries;
}

TEST(WorkbookDamage, RefusesRandomBytesAnEmptyFileAndATruncatedZip) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  std::mt19937 random(42);
  std::string noise(10000, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  write_file(path, noise);
  expect_damaged(path, "not a zip");
  write_file(path, "");
  expect_damaged(path, "not a zip");
  write_zip(path, libreoffice_like());
  std::string whole = read_file(path);
  write_file(path, whole.substr(0, whole.size() / 2));
  expect_damaged(path, "not a zip");
}

TEST(WorkbookDamage, RefusesAZipWithoutASheet) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  write_zip(path, {{"hello.txt", "not a workbook"}});
  expect_damaged(path, "no worksheet");
}

TEST(WorkbookDamage, RefusesBadXmlAndDoctypes) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  write_zip(path, with_sheet("<worksheet><sheetData><row></sheetData>"));
  expect_damaged(path, "bad XML");
  write_zip(path, with_sheet(""));
  expect_damaged(path, "bad XML");
  write_zip(path, with_sheet("<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaa\">"
                             "<!ENTITY b \"&a;&a;&a;&a;\">]><worksheet>&b;</worksheet>"));
  expect_damaged(path, "DOCTYPE");
}

TEST(WorkbookDamage, RefusesBadCellsAndRows) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  write_zip(path, with_sheet("<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>99</v></c></row>"
                             "</sheetData></worksheet>"));
  expect_damaged(path, "shared string index");
  write_zip(path, with_sheet("<worksheet><sheetData><row r=\"3\"/><row r=\"2\"/>"
                             "</sheetData></worksheet>"));
  expect_damaged(path, "out of order");
  write_zip(path, with_sheet("<worksheet><sheetData><row><c r=\"1A\"/></row>"
                             "</sheetData></worksheet>"));
  expect_damaged(path, "bad cell reference");
  write_zip(path,
            with_sheet("<worksheet><sheetData><row r=\"99999999\"/></sheetData></worksheet>"));
  expect_damaged(path, "out of order");
}

TEST(WorkbookDamage, CapsTheUncompressedSizeOfAnEntry) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  // A zip bomb: 65 MiB of spaces compresses to a few tens of KiB.
  write_zip(path, with_sheet("<worksheet>" + std::string(65u << 20, ' ') + "</worksheet>"));
  EXPECT_LT(std::filesystem::file_size(path), 1u << 20);
  expect_damaged(path, "larger than 64 MiB");
}

TEST(WorkbookDamage, CapsTheNumberOfRows) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  SheetRows rows(50, std::vector<std::string>{"x"});
  ASSERT_TRUE(write_workbook(path, "users", rows).ok());
  WorkbookLimits limits;
  limits.max_rows = 49;
  expect_damaged(path, "too many rows", limits);
  limits.max_rows = 50;
  EXPECT_TRUE(read_workbook_sheet(path, "users", limits).ok());
}

TEST(WorkbookDamage, ReportsAMissingFileAsNotFound) {
  ScratchDir dir;
  auto rows = read_workbook_sheet(dir / "users.xlsx", "users");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().code, Errc::not_found);
}

TEST(WorkbookWriter, LeavesTheOldWorkbookAndNoTemporaryFileWhenWritingFails) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  ASSERT_TRUE(write_workbook(path, "users", {{"old"}}).ok());
  std::string before = read_file(path);
  EXPECT_FALSE(write_workbook(path, "bad[sheet]name", {{"new"}}).ok());
  SheetRows too_long = {{std::string(kMaxCellChars + 1, 'x')}};
  auto failed = write_workbook(path, "users", too_long);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::io_error);
  EXPECT_EQ(read_file(path), before);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"users.xlsx"});
}

TEST(WorkbookWriter, RefusesTextThatIsNotUtf8AndKeepsTheOldWorkbook) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  ASSERT_TRUE(write_workbook(path, "users", {{"old"}}).ok());
  std::string before = read_file(path);
  for (std::string bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    auto written = write_workbook(path, "users", {{"ok", bad}});
    ASSERT_FALSE(written.ok());
    EXPECT_NE(written.error().message.find("row 1, column 2 is not valid UTF-8"), std::string::npos)
        << written.error().message;
  }
  EXPECT_EQ(read_file(path), before);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"users.xlsx"});
}

TEST(WorkbookWriter, ReportsAMissingDirectory) {
  ScratchDir dir;
  auto written = write_workbook(dir / "nowhere" / "users.xlsx", "users", {{"x"}});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, Errc::not_found);
}

}  // namespace
}  // namespace netdisk::storage

// Dates an administrator types into users.xlsx: Excel's serial dates in date-formatted cells
// (both date systems, the 1900 leap-year quirk), dates typed as text, and the message that
// names the cell when a time cannot be read.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "accounts_test_util.h"
#include "zip_test_util.h"
#include "storage/excel_date.h"
#include "storage/iso_time.h"
#include "storage/user_table.h"
#include "storage/workbook_reader.h"

namespace netdisk::storage {
namespace {

using testing::ScratchDir;

using testing::Entries;
using testing::write_zip;

std::string iso(std::string_view stored, bool date1904 = false) {
  return excel_serial_to_iso8601(stored, date1904).value_or("nullopt");
}

TEST(ExcelDate, SerialDatesOfThe1900SystemKeepExcelsLeapYearQuirk) {
  EXPECT_EQ(iso("45658"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(iso("45658.5"), "2025-01-01T12:00:00Z");
  EXPECT_EQ(iso("46349.41950231481"), "2026-11-23T10:04:05Z");
  EXPECT_EQ(iso("25569"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso("1"), "1900-01-01T00:00:00Z");
  EXPECT_EQ(iso("59"), "1900-02-28T00:00:00Z");
  EXPECT_EQ(iso("61"), "1900-03-01T00:00:00Z");
  EXPECT_EQ(iso("60"), "nullopt") << "29 February 1900 never existed";
  EXPECT_EQ(iso("0.5"), "nullopt") << "a time of day without a date";
  EXPECT_EQ(iso("2958465.99999"), "9999-12-31T23:59:59Z");
  EXPECT_EQ(iso("2958466"), "nullopt");
  // Just under a whole second, as floating point leaves it: rounds to that second.
  EXPECT_EQ(iso("45658.000011574"), "2025-01-01T00:00:01Z");
  for (const char* bad : {"", "-1", "abc", "1e400", "nan", "45658x", " 45658"}) {
    EXPECT_EQ(iso(bad), "nullopt") << bad;
  }
}

TEST(ExcelDate, SerialDatesOfThe1904SystemCountFrom1904) {
  EXPECT_EQ(iso("0", true), "1904-01-01T00:00:00Z");
  EXPECT_EQ(iso("44196", true), "2025-01-01T00:00:00Z");
  EXPECT_EQ(iso("60", true), "1904-03-01T00:00:00Z");
}

TEST(ExcelDate, RecognisesBuiltInAndCustomDateFormats) {
  for (unsigned id : {14u, 15u, 22u, 27u, 36u, 45u, 47u, 50u, 58u}) {
    EXPECT_TRUE(is_date_number_format(id, "")) << id;
  }
  for (unsigned id : {0u, 1u, 2u, 10u, 11u, 37u, 49u, 164u}) {
    EXPECT_FALSE(is_date_number_format(id, "")) << id;
  }
  for (const char* code : {"yyyy-mm-dd h:mm:ss", "yyyy\\-mm\\-dd", "d/m/yy", "mmm d, yyyy",
                           "[$-409]dddd, mmmm dd, yyyy", "hh:mm", "YYYY-MM-DD\"T\"HH:MM:SS"}) {
    EXPECT_TRUE(is_date_number_format(164, code)) << code;
  }
  for (const char* code :
       {"General", "0.00", "#,##0", "0.00E+00", "\"days\" 0", "[Red]0", "[h]", "_(* #,##0_)"}) {
    EXPECT_FALSE(is_date_number_format(164, code)) << code;
  }
}

TEST(TypedTime, AcceptsCommonYearFirstFormsAndRefusesAmbiguousOnes) {
  auto as_text = [](std::string_view text) {
    auto when = parse_typed_time(text);
    return when ? format_iso8601_utc(*when) : std::string("nullopt");
  };
  EXPECT_EQ(as_text("2026-11-23T10:04:05Z"), "2026-11-23T10:04:05Z");
  EXPECT_EQ(as_text("2026-11-23"), "2026-11-23T00:00:00Z");
  EXPECT_EQ(as_text(" 2026/11/23 "), "2026-11-23T00:00:00Z");
  EXPECT_EQ(as_text("2026-11-23 10:04"), "2026-11-23T10:04:00Z");
  EXPECT_EQ(as_text("2026-11-23 10:04:05"), "2026-11-23T10:04:05Z");
  EXPECT_EQ(as_text("2026-11-23T10:04:05.75"), "2026-11-23T10:04:05Z");
  EXPECT_EQ(as_text("2026-11-23 10:04:05 UTC"), "2026-11-23T10:04:05Z");
  EXPECT_EQ(as_text("2026-11-23T10:04:05+02:00"), "2026-11-23T08:04:05Z");
  EXPECT_EQ(as_text("2026-11-23T10:04:05-0530"), "2026-11-23T15:34:05Z");
  EXPECT_EQ(as_text("2026-11-23 01:00+02"), "2026-11-22T23:00:00Z");
  for (const char* bad : {"", "yesterday", "23/11/2026", "11/23/2026", "2026-11", "2026-11-31",
                          "2026-11-23 25:00", "2026-11-23T10", "2026-11-23 10:04 CET",
                          "2026-11-23+99:00", "1969-12-31", "2026-11-23T10:04:05ZZ"}) {
    EXPECT_EQ(as_text(bad), "nullopt") << bad;
  }
}

const std::string kStylesXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/><numFmt numFmtId="165" formatCode="0.00"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs>
</styleSheet>)";

std::string sheet_with(const std::string& rows) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>username</t></is></c><c r="B1" t="inlineStr"><is><t>password_hash</t></is></c><c r="C1" t="inlineStr"><is><t>registered_at</t></is></c><c r="D1" t="inlineStr"><is><t>last_login</t></is></c></row>
)" + rows +
         "</sheetData></worksheet>";
}

// A workbook as a spreadsheet program saves it: styles, and the date system in workbook.xml.
std::filesystem::path write_book(const ScratchDir& dir, const std::string& rows,
                                 bool date1904 = false) {
  auto path = dir / "users.xlsx";
  std::string workbook =
      std::string(
          R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)") +
      (date1904 ? R"(<workbookPr date1904="1"/>)" : "") +
      R"(<sheets><sheet name="users" sheetId="1"/></sheets></workbook>)";
  write_zip(path, {{"xl/workbook.xml", workbook},
                   {"xl/styles.xml", kStylesXml},
                   {"xl/worksheets/sheet1.xml", sheet_with(rows)}});
  return path;
}

std::string user_row(int number, const std::string& registered, const std::string& last = "") {
  auto n = std::to_string(number);
  return "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"inlineStr\"><is><t>u" + n +
         "</t></is></c><c r=\"B" + n + "\" t=\"inlineStr\"><is><t>$argon2id$x</t></is></c>" +
         registered + last + "</row>\n";
}

TEST(WorkbookDates, NumbersInDateFormattedCellsReadAsIsoTimesOtherNumbersAsStored) {
  ScratchDir dir;
  auto path = write_book(dir, user_row(2, R"(<c r="C2" s="1"><v>45658</v></c>)",
                                       R"(<c r="D2" s="2"><v>45658.41950231481</v></c>)") +
                                  user_row(3, R"(<c r="C3" s="4"><v>45658.75</v></c>)",
                                           R"(<c r="D3" s="3"><v>45658</v></c>)") +
                                  user_row(4, R"(<c r="C4"><v>45658</v></c>)"));
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[1].cells[2], "2025-01-01T00:00:00Z");
  EXPECT_EQ((*rows)[1].cells[3], "2025-01-01T10:04:05Z");
  EXPECT_EQ((*rows)[2].cells[2], "2025-01-01T18:00:00Z");
  EXPECT_EQ((*rows)[2].cells[3], "45658") << "style 3 is \"0.00\", not a date";
  EXPECT_EQ((*rows)[3].cells[2], "45658") << "no style: a plain number";
}

TEST(WorkbookDates, TheWorkbooks1904DateSystemIsHonoured) {
  ScratchDir dir;
  auto path = write_book(dir, user_row(2, R"(<c r="C2" s="1"><v>44196</v></c>)"), true);
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ((*rows)[1].cells[2], "2025-01-01T00:00:00Z");
}

TEST(WorkbookDates, DateCellsAndTypedDatesBecomeUsersAndABadTimeNamesItsCell) {
  ScratchDir dir;
  auto path = write_book(
      dir, user_row(2, R"(<c r="C2" s="1"><v>45658</v></c>)") +
               user_row(3, R"(<c r="C3" t="inlineStr"><is><t>2025-01-01 10:30</t></is></c>)",
                        R"(<c r="D3" s="4"><v>45659.5</v></c>)"));
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  auto users = users_from_rows(*rows, "users.xlsx");
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ(format_iso8601_utc((*users)[0].registered_at), "2025-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601_utc((*users)[1].registered_at), "2025-01-01T10:30:00Z");
  EXPECT_EQ(format_iso8601_utc(*(*users)[1].last_login), "2025-01-02T12:00:00Z");

  // A plain number (no date format) is refused, and the message shows what the admin sees.
  ScratchDir other;
  auto plain = write_book(other, user_row(2, R"(<c r="C2" s="1"><v>45658</v></c>)") +
                                     user_row(3, R"(<c r="C3"><v>45658</v></c>)"));
  auto refused = users_from_rows(*read_workbook_sheet(plain, kUsersSheet), "users.xlsx");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("users.xlsx is damaged: row 3, cell C3 (registered_at): "
                                         "\"45658\" is not a time"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("format the cell as a date"), std::string::npos);
}

// Columns of the administrator's own are kept by the server's rewrites (workbook_patcher.h),
// so they are accepted when read, wherever they are.
TEST(WorkbookColumns, ACellRightOfTheOwnedColumnsIsTheAdministratorsAndAccepted) {
  auto refusal = [](const std::string& rows) {
    ScratchDir dir;
    auto read = read_workbook_sheet(write_book(dir, rows), kUsersSheet);
    if (!read) return read.error().message;
    auto users = users_from_rows(*read, "users.xlsx");
    return users ? std::string("accepted") : users.error().message;
  };
  std::string good = R"(<c r="C2" t="inlineStr"><is><t>2025-01-01</t></is></c>)";
  EXPECT_EQ(refusal(user_row(2, good)), "accepted");
  EXPECT_EQ(refusal(user_row(2, good, R"(<c r="H2" t="inlineStr"><is><t>note</t></is></c>)")),
            "accepted");
  // Right of the reader's column limit: not read, and not needed.
  EXPECT_EQ(refusal(user_row(2, good) + user_row(3, good, R"(<c r="Z3"><v>7</v></c>)")),
            "accepted");
}

}  // namespace
}  // namespace netdisk::storage

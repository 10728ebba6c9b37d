// make_workbook_seeds OUT_DIR: writes the seed corpus of fuzz_workbook_reader. Real users.xlsx
// files come from the project's own users_to_rows() + write_workbook() (what the server
// writes); hand-made zips (minizip) cover what other spreadsheet programs write and a few
// hostile or broken files. Some entries are stored uncompressed so that the fuzzer can mutate
// the XML itself. Run by hand when the format changes (see tests/fuzz/README.md).
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "storage/user_table.h"
#include "storage/workbook_writer.h"

namespace {

namespace fs = std::filesystem;
namespace storage = netdisk::storage;
using Entries = std::vector<std::pair<std::string, std::string>>;
using Clock = std::chrono::system_clock;

bool g_failed = false;

void write_users(const fs::path& path, const std::vector<storage::UserRecord>& users,
                 std::string_view sheet = storage::kUsersSheet) {
  auto status = storage::write_workbook(path, sheet, storage::users_to_rows(users));
  if (!status) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), status.error().message.c_str());
    g_failed = true;
  }
}

void write_rows(const fs::path& path, const storage::SheetRows& rows) {
  auto status = storage::write_workbook(path, storage::kUsersSheet, rows);
  if (!status) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), status.error().message.c_str());
    g_failed = true;
  }
}

// method: Z_DEFLATED or 0 (stored).
void write_zip(const fs::path& path, const Entries& entries, int method = Z_DEFLATED) {
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zip == nullptr) {
    g_failed = true;
    return;
  }
  for (const auto& [name, content] : entries) {
    zip_fileinfo info{};
    zipOpenNewFileInZip64(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, method,
                          method == 0 ? 0 : Z_DEFAULT_COMPRESSION, 0);
    zipWriteInFileInZip(zip, content.data(), static_cast<unsigned>(content.size()));
    zipCloseFileInZip(zip);
  }
  zipClose(zip, nullptr);
}

storage::UserRecord user(std::string name, bool logged_in = false) {
  storage::UserRecord record;
  record.name = std::move(name);
  record.password_hash =
      "$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
      "2Z1Uy0n7p9fMFoWbm6vKq5VFXHmL0N1tKxJq3o8m2aE";
  record.registered_at = Clock::time_point(std::chrono::seconds(1795428245));  // 2026-11-23
  if (logged_in) record.last_login = record.registered_at + std::chrono::hours(30);
  return record;
}

const std::string kXmlHead = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)";
const std::string kWorkbookXml = kXmlHead + R"(
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="notes" sheetId="1" r:id="rId7"/><sheet name="users" sheetId="2" r:id="rId3"/></sheets></workbook>)";
const std::string kRelsXml = kXmlHead + R"(
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="../xl/./sharedStrings.xml"/></Relationships>)";
const std::string kSharedXml = kXmlHead + R"(
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>username</t></si><si><t xml:space="preserve">password_hash</t></si><si><r><rPr><b/></rPr><t>registered</t></r><r><t>_at</t></r><rPh sb="0" eb="1"><t>IGNORED</t></rPh></si><si><t>last_login</t></si><si><t>alice</t></si><si><t>_xD83D__xDE00_ _x0007_ _xDC00_</t></si></sst>)";
const std::string kSheet2Xml = kXmlHead + R"(
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"/><row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="s"><v>5</v></c><c r="C4" t="inlineStr"><is><t>2026-11-23T10:04:05Z</t></is></c></row><row r="5"><c t="str"><f>CONCAT("b","ob")</f><v>bob</v></c><c><v>42</v></c><c t="inlineStr"><is><t>2026-11-23T10:04:05.123Z</t></is></c><c t="b"><v>1</v></c><c r="XFD5" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>)";
const std::string kSheet1Xml = kXmlHead + R"(
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>notes</t></is></c></row></sheetData></worksheet>)";

std::string sheet_of(const std::string& rows) {
  return kXmlHead +
         R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         rows + "</sheetData></worksheet>";
}

const std::string kHeaderRow =
    R"(<row r="1"><c r="A1" t="inlineStr"><is><t>username</t></is></c><c r="B1" t="inlineStr"><is><t>password_hash</t></is></c><c r="C1" t="inlineStr"><is><t>registered_at</t></is></c><c r="D1" t="inlineStr"><is><t>last_login</t></is></c></row>)";

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_workbook_seeds OUT_DIR\n");
    return 2;
  }
  fs::path out = argv[1];
  fs::create_directories(out);

  // What the server writes.
  write_users(out / "server_empty.xlsx", {});
  write_users(out / "server_one_user.xlsx", {user("alice")});
  write_users(out / "server_three_users.xlsx",
              {user("alice", true), user("Bob_2"), user("carol.d-e", true)});
  std::vector<storage::UserRecord> many;
  for (int i = 0; i < 120; ++i) many.push_back(user("user" + std::to_string(i), i % 3 == 0));
  write_users(out / "server_120_users.xlsx", many);
  write_users(out / "server_other_sheet_name.xlsx", {user("dave")}, "Sheet1");
  // Written by the project's writer but refused by users_from_rows.
  write_users(out / "bad_duplicate_name.xlsx", {user("Alice"), user("alice")});
  write_rows(out / "bad_username.xlsx",
             {{"username", "password_hash", "registered_at", "last_login"},
              {"../etc", "$argon2id$x", "2026-11-23T10:04:05Z", ""}});
  write_rows(out / "bad_time.xlsx",
             {{"username", "password_hash", "registered_at", "last_login"},
              {"eve", "$argon2id$x", "2026-02-30T25:61:61Z", "yesterday"}});
  write_rows(out / "bad_header.xlsx", {{"user", "hash"}, {"eve", "h"}});
  write_rows(out / "escaped_text.xlsx",
             {{"username", "password_hash", "registered_at", "last_login"},
              {"frank", std::string("h\x01\x1f_x0041_\xef\xbf\xbe", 13), "2026-11-23T10:04:05Z",
               "2026-11-24T00:00:00.999999999Z"}});

  // What other programs write: sharedStrings, rich text, phonetic runs, sparse references.
  write_zip(out / "libreoffice_like.xlsx", {{"xl/workbook.xml", kWorkbookXml},
                                            {"xl/_rels/workbook.xml.rels", kRelsXml},
                                            {"xl/sharedStrings.xml", kSharedXml},
                                            {"xl/worksheets/sheet1.xml", kSheet1Xml},
                                            {"xl/worksheets/sheet2.xml", kSheet2Xml}});
  // The same, stored: the fuzzer can mutate the XML text directly.
  write_zip(out / "stored_libreoffice_like.xlsx",
            {{"xl/workbook.xml", kWorkbookXml},
             {"xl/_rels/workbook.xml.rels", kRelsXml},
             {"xl/sharedStrings.xml", kSharedXml},
             {"xl/worksheets/sheet1.xml", kSheet1Xml},
             {"xl/worksheets/sheet2.xml", kSheet2Xml}},
            0);
  write_zip(out / "stored_fallback_sheet1_only.xlsx",
            {{"xl/worksheets/sheet1.xml",
              sheet_of(kHeaderRow + R"(<row r="2"><c t="inlineStr"><is><t>gina</t></is></c><c t="inlineStr"><is><t>h</t></is></c><c t="inlineStr"><is><t>2026-11-23T10:04:05Z</t></is></c></row>)")}},
            0);
  write_zip(out / "stored_doctype_entities.xlsx",
            {{"xl/worksheets/sheet1.xml",
              kXmlHead + R"(<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>)"}},
            0);
  write_zip(out / "stored_rows_out_of_order.xlsx",
            {{"xl/worksheets/sheet1.xml",
              sheet_of(R"(<row r="5"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row>)")}},
            0);
  write_zip(out / "stored_bad_refs.xlsx",
            {{"xl/worksheets/sheet1.xml",
              sheet_of(R"(<row r="1"><c r="ZZZZ1"><v>1</v></c><c r="A" t="s"><v>99</v></c></row><row r="1048577"/>)")}},
            0);
  write_zip(out / "stored_cell_outside_row.xlsx",
            {{"xl/worksheets/sheet1.xml", sheet_of(R"(<c r="A1"><v>1</v></c>)")}}, 0);
  write_zip(out / "stored_bad_xml.xlsx",
            {{"xl/worksheets/sheet1.xml", kXmlHead + "<worksheet><sheetData><row>&bogus;</wor"}},
            0);
  write_zip(out / "stored_rels_escape.xlsx",
            {{"xl/workbook.xml", kWorkbookXml},
             {"xl/_rels/workbook.xml.rels",
              kXmlHead + R"(<Relationships><Relationship Id="rId3" Type="x/worksheet" Target="../../../../etc/passwd"/><Relationship Id="rId9" Type="x/sharedStrings" Target="/"/></Relationships>)"},
             {"xl/worksheets/sheet1.xml", kSheet1Xml}},
            0);
  // Large when inflated (1 MiB of blanks in a sheet) but tiny compressed.
  write_zip(out / "inflates_to_1mib.xlsx",
            {{"xl/worksheets/sheet1.xml",
              sheet_of(kHeaderRow + std::string(1 << 20, ' '))}});
  write_zip(out / "no_worksheet.xlsx", {{"xl/workbook.xml", kWorkbookXml}});
  return g_failed ? 1 : 0;
}

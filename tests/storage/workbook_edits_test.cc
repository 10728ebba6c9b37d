// users.xlsx as the administrator's own file: the state and quota columns, names a
// spreadsheet turns into numbers, what the administrator adds surviving the server's rewrites
// (workbook_patcher), and edits made while the registry runs (change detection). Edits are
// published by rename, as spreadsheet programs save, so each is a new version of the file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accounts_test_util.h"
#include "storage/byte_size.h"
#include "storage/user_registry.h"
#include "storage/xlsx_xml.h"
#include "zip_test_util.h"

namespace netdisk::storage {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;
using testing::read_file;
using testing::ScratchDir;
using testing::write_zip;

const std::string kHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
const std::string kWorkbookXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="users" sheetId="1" r:id="rId1"/><sheet name="notes" sheetId="2" r:id="rId2"/></sheets></workbook>)";
const std::string kRelsXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>)";
const std::string kSharedXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>username</t></si><si><t>VIP</t></si></sst>)";
const std::string kNotesXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>the admin's notes</t></is></c></row></sheetData></worksheet>)";

std::string text_cell(const std::string& ref, const std::string& text,
                      const std::string& style = "") {
  return "<c r=\"" + ref + "\"" + (style.empty() ? "" : " s=\"" + style + "\"") +
         " t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

// A users sheet with <cols> and a note column E, the username header a shared string.
std::string users_sheet(const std::string& rows, const std::string& after = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="1" width="30" customWidth="1"/></cols><sheetData><row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c>)" +
         text_cell("B1", "password_hash") + text_cell("C1", "registered_at") +
         text_cell("D1", "last_login") + text_cell("E1", "note", "3") + "</row>" + rows +
         "</sheetData>" + after + "</worksheet>";
}

// users_sheet() whose header also names state (F1) and quota (G1).
std::string with_state_and_quota(const std::string& rows) {
  std::string sheet = users_sheet(rows);
  auto header_end = sheet.find("</row>");
  return sheet.replace(header_end, 6,
                       text_cell("F1", "state") + text_cell("G1", "quota") + "</row>");
}

std::string user_row(int n, const std::string& name, const std::string& extra = "") {
  auto r = std::to_string(n);
  return "<row r=\"" + r + "\">" + text_cell("A" + r, name) + text_cell("B" + r, kHash) +
         text_cell("C" + r, "2026-11-23T10:04:05Z") + extra + "</row>";
}

// Writes the workbook beside `path` and renames it over, as a spreadsheet program saves.
void save_as_admin(const std::filesystem::path& path, const std::string& sheet1) {
  auto temp = path.parent_path() / "admin-save.tmp";
  write_zip(temp, {{"[Content_Types].xml", "<Types/>"},
                   {"xl/workbook.xml", kWorkbookXml},
                   {"xl/_rels/workbook.xml.rels", kRelsXml},
                   {"xl/sharedStrings.xml", kSharedXml},
                   {"xl/worksheets/sheet1.xml", sheet1},
                   {"xl/worksheets/sheet2.xml", kNotesXml}});
  std::filesystem::rename(temp, path);
}

std::string entry(const std::filesystem::path& path, const std::string& name) {
  auto zip = ZipReader::open(path);
  EXPECT_TRUE(zip.ok());
  std::string out;
  if (!zip) return out;
  EXPECT_TRUE(zip->read(name, 1 << 20,
                        [&](std::string_view chunk) {
                          out.append(chunk);
                          return Status{};
                        })
                  .ok());
  return out;
}

std::unique_ptr<UserRegistry> open_registry(const std::filesystem::path& path) {
  auto registry = UserRegistry::open(path);
  EXPECT_TRUE(registry.ok()) << registry.error().message;
  return registry.ok() ? std::move(registry).value() : nullptr;
}

UserRecord user(std::string name) {
  return UserRecord{std::move(name), kHash, Clock::time_point{} + 20000 * 24h, std::nullopt};
}

TEST(ByteSize, ParsesByteCountsAndUnitsStrictly) {
  EXPECT_EQ(parse_byte_size("1073741824"), 1073741824u);
  EXPECT_EQ(parse_byte_size("10 GiB"), 10ull << 30);
  EXPECT_EQ(parse_byte_size("10gib"), 10ull << 30);
  EXPECT_EQ(parse_byte_size("500 MB"), 500000000u);
  EXPECT_EQ(parse_byte_size("1.5 KiB"), 1536u);
  EXPECT_EQ(parse_byte_size("0"), 0u);
  for (const char* bad : {"", "GiB", "10 GB extra", "-1", "1e9", "1,000", "1.", ".5 GB", " 10",
                          "10 XB", "99999999999999999999", "9000000 TiB"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
}

TEST(WorkbookColumns, StateAndQuotaAreReadAndAnOldWorkbookGainsThemAtTheNextRewrite) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice")));
  auto registry = open_registry(path);
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(registry->find("alice")->state, AccountState::active) << "no state column: active";
  ASSERT_TRUE(registry->add(user("bob")).ok());
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  // E holds the administrator's note header, so the new columns go to F, G and H.
  EXPECT_EQ(rows->front().cells,
            (std::vector<std::string>{"username", "password_hash", "registered_at", "last_login",
                                      "note", "state", "quota", "role"}));
  EXPECT_EQ(rows->at(2).cells.at(0), "bob");
  EXPECT_EQ(rows->at(2).cells.at(5), "active");

  // The administrator disables bob and gives alice a quota.
  save_as_admin(path, with_state_and_quota(user_row(2, "alice", text_cell("G2", "10 GiB")) +
                                           user_row(3, "bob", text_cell("F3", "Disabled"))));
  auto edits = registry->check_for_edits();
  ASSERT_TRUE(edits.ok()) << edits.error().message;
  EXPECT_EQ(registry->find("bob")->state, AccountState::disabled);
  EXPECT_EQ(registry->find("alice")->quota, "10 GiB");
  EXPECT_EQ(registry->find("alice")->quota_bytes, 10ull << 30);
}

TEST(WorkbookColumns, ABadStateOrQuotaIsAnErrorNamingTheCell) {
  auto message = [](const std::string& extra) {
    ScratchDir dir;
    auto path = dir / "users.xlsx";
    save_as_admin(path, with_state_and_quota(user_row(2, "alice", extra)));
    auto registry = UserRegistry::open(path);
    return registry ? std::string("accepted") : registry.error().message;
  };
  EXPECT_EQ(message(text_cell("F2", "active") + text_cell("G2", "500 MB")), "accepted");
  EXPECT_NE(message(text_cell("F2", "on hold"))
                .find("row 2, cell F2 (state): \"on hold\" is not a state"),
            std::string::npos);
  EXPECT_NE(message(text_cell("G2", "lots")).find("row 2, cell G2 (quota): \"lots\" is not a size"),
            std::string::npos);
}

TEST(WorkbookNames, ANumberWhereANameShouldBeIsAnErrorNamingTheRowNotALockOut) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice") + "<row r=\"3\"><c r=\"A3\"><v>7</v></c>" +
                                  text_cell("B3", kHash) + text_cell("C3", "2026-11-23T10:04:05Z") +
                                  "</row>"));
  auto registry = UserRegistry::open(path);
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.error().message.find(
                "row 3, cell A3 (username): the name is the number 7; a name must be text"),
            std::string::npos)
      << registry.error().message;
}

TEST(WorkbookNames, AllDigitNamesAreWrittenAsTextAndReadBackExactly) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  {
    auto registry = open_registry(path);
    ASSERT_TRUE(registry->add(user("007")).ok());
    ASSERT_TRUE(registry->add(user("1e5")).ok());  // the second write patches the first
  }
  auto reopened = open_registry(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->names(), (std::vector<std::string>{"007", "1e5"}));
}

TEST(WorkbookPatcher, EverythingTheAdministratorAddedSurvivesARewriteByteForByte) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  std::string after = R"(<mergeCells count="1"><mergeCell ref="H1:I1"/></mergeCells>)";
  save_as_admin(
      path, users_sheet(user_row(2, "alice",
                                 text_cell("E2", "paid", "3") + "<c r=\"H2\" t=\"s\"><v>1</v></c>"),
                        after));
  auto registry = open_registry(path);
  ASSERT_NE(registry, nullptr);
  registry->note_login("alice", Clock::time_point{} + 20001 * 24h);
  ASSERT_TRUE(registry->add(user("bob")).ok());
  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, std::string>>{{"xl/workbook.xml", kWorkbookXml},
                                                        {"xl/_rels/workbook.xml.rels", kRelsXml},
                                                        {"xl/sharedStrings.xml", kSharedXml},
                                                        {"xl/worksheets/sheet2.xml", kNotesXml}}) {
    EXPECT_EQ(entry(path, name), bytes) << name << " must be copied unchanged";
  }
  auto sheet = entry(path, "xl/worksheets/sheet1.xml");
  for (const auto& kept :
       {std::string(R"(<cols><col min="1" max="1" width="30" customWidth="1"/></cols>)"),
        std::string(R"(<sheetViews><sheetView workbookViewId="0"/></sheetViews>)"), after,
        text_cell("E2", "paid", "3"), std::string(R"(<c r="H2" t="s"><v>1</v></c>)"),
        text_cell("E1", "note", "3")}) {
    EXPECT_NE(sheet.find(kept), std::string::npos) << kept << " is missing from\n" << sheet;
  }
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(rows->at(1).cells.at(3), "2024-10-05T00:00:00Z") << "alice's login time";
  EXPECT_EQ(rows->at(1).cells.at(7), "VIP") << "shared string indices stay valid";
  EXPECT_EQ(rows->at(2).cells.at(0), "bob");
}

TEST(WorkbookPatcher, FindsTheOwnedColumnsWhereverTheAdministratorMovedThem) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  std::string sheet =
      R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">)" +
      text_cell("A1", "team") + text_cell("B1", "password_hash") + text_cell("C1", "username") +
      text_cell("D1", "registered_at") + "</row><row r=\"2\">" + text_cell("A2", "red") +
      text_cell("B2", kHash) + text_cell("C2", "alice") + text_cell("D2", "2026-11-23T10:04:05Z") +
      "</row></sheetData></worksheet>";
  save_as_admin(path, sheet);
  auto registry = open_registry(path);
  ASSERT_NE(registry, nullptr);
  ASSERT_TRUE(registry->add(user("bob")).ok());
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->at(0).cells,
            (std::vector<std::string>{"team", "password_hash", "username", "registered_at",
                                      "last_login", "state", "quota", "role"}));
  EXPECT_EQ(rows->at(1).cells.at(0), "red");
  EXPECT_EQ(rows->at(1).cells.at(2), "alice");
  EXPECT_EQ(rows->at(2).cells.at(2), "bob");
  EXPECT_EQ(rows->at(2).cells.at(1), kHash);
  ASSERT_TRUE(open_registry(path)->find("bob").has_value());
}

TEST(WorkbookPatcher, AFormulaOrATableInTheUsersSheetIsRefusedSayingWhatToMoveAndLeftAlone) {
  struct Case {
    std::string sheet;
    std::string says;
  };
  std::vector<Case> cases = {
      {users_sheet(
           "<row r=\"2\">" + text_cell("A2", "alice") + text_cell("B2", kHash) +
           "<c r=\"C2\" t=\"str\"><f>TEXT(NOW(),\"yyyy-mm-dd\")</f><v>2026-11-23</v></c></row>"),
       "cell C2 holds a formula, but the server writes the registered_at column"},
      {users_sheet(
           user_row(2, "alice"),
           R"(<tableParts count="1"><tablePart r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></tableParts>)"),
       "Convert to Range"},
  };
  for (const auto& c : cases) {
    ScratchDir dir;
    auto path = dir / "users.xlsx";
    save_as_admin(path, c.sheet);
    auto before = read_file(path);
    auto registry = open_registry(path);
    ASSERT_NE(registry, nullptr);
    std::vector<std::string> reports;
    registry->set_reporter([&](const std::string& problem) { reports.push_back(problem); });
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto added = registry->add(user("bob"));
      ASSERT_FALSE(added.ok());
      EXPECT_EQ(added.error().code, Errc::workbook_invalid);
      EXPECT_NE(added.error().message.find(c.says), std::string::npos) << added.error().message;
    }
    EXPECT_EQ(reports.size(), 1u) << "reported once, not per attempt";
    EXPECT_EQ(read_file(path), before);
    EXPECT_FALSE(registry->find("bob").has_value());
  }
}

TEST(WorkbookEdits, AnEditWhileRunningIsReadBeforeTheNextRewriteAndNeverOverwritten) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice") + user_row(3, "bob")));
  auto registry = open_registry(path);
  ASSERT_NE(registry, nullptr);
  registry->note_login("bob", Clock::time_point{} + 20001 * 24h);    // bob is then deleted
  registry->note_login("alice", Clock::time_point{} + 20002 * 24h);  // alice stays
  // The administrator deletes bob and adds carol, while the server runs.
  save_as_admin(path,
                users_sheet(user_row(2, "alice") + user_row(3, "carol", text_cell("E3", "new"))));
  auto again = registry->add(user("Carol"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::user_exists) << "carol was added by hand meanwhile";
  ASSERT_TRUE(registry->add(user("dave")).ok());
  EXPECT_FALSE(registry->find("bob").has_value());
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ(rows->at(1).cells.at(0), "alice");
  EXPECT_EQ(rows->at(1).cells.at(3), "2024-10-06T00:00:00Z");
  EXPECT_EQ(rows->at(2).cells.at(0), "carol");
  EXPECT_EQ(rows->at(2).cells.at(4), "new");
  EXPECT_EQ(rows->at(3).cells.at(0), "dave");
}

// The administrator saves after the registry's check but before its rewrite is published: the
// patcher sees another version (version_mismatch), and the registry reads it and tries again.
TEST(WorkbookEdits, ASaveBetweenTheCheckAndTheRewriteIsReadAndKept) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice")));
  int writes = 0;
  auto racing = [&](const std::filesystem::path& target, const UserRegistry::WorkbookWrite& write) {
    if (++writes == 1)
      save_as_admin(target, users_sheet(user_row(2, "alice") + user_row(3, "carol")));
    return UserRegistry::save_workbook(target, write);
  };
  auto registry = UserRegistry::open(path, racing);
  ASSERT_TRUE(registry.ok());
  ASSERT_TRUE((*registry)->add(user("bob")).ok());
  EXPECT_EQ(writes, 2);
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ(rows->at(2).cells.at(0), "carol") << "the administrator's save is kept";
  EXPECT_EQ(rows->at(3).cells.at(0), "bob");
}

TEST(WorkbookEdits, ThePeriodicCheckReportsWhoWasAddedAndRemoved) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice") + user_row(3, "bob")));
  auto registry = open_registry(path);
  auto unchanged = registry->check_for_edits();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(unchanged->reloaded);
  save_as_admin(path, users_sheet(user_row(2, "alice") + user_row(3, "carol")));
  auto edits = registry->check_for_edits();
  ASSERT_TRUE(edits.ok());
  EXPECT_TRUE(edits->reloaded);
  EXPECT_EQ(edits->added, std::vector<std::string>{"carol"});
  EXPECT_EQ(edits->removed, std::vector<std::string>{"bob"});
  EXPECT_TRUE(registry->find("carol").has_value());
}

TEST(WorkbookEdits, AnInvalidEditKeepsServingRefusesToWriteAndIsReportedOnceUntilFixed) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  save_as_admin(path, users_sheet(user_row(2, "alice")));
  auto registry = open_registry(path);
  std::vector<std::string> reports;
  registry->set_reporter([&](const std::string& problem) { reports.push_back(problem); });
  save_as_admin(path, users_sheet(user_row(2, "alice") + user_row(3, "bad name")));
  auto broken = read_file(path);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto added = registry->add(user("bob"));
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, Errc::workbook_invalid);
    EXPECT_NE(added.error().message.find("the server administrator must fix it"),
              std::string::npos);
    EXPECT_NE(added.error().message.find("row 3"), std::string::npos) << added.error().message;
    EXPECT_FALSE(registry->check_for_edits().ok());
  }
  registry->note_login("alice", Clock::time_point{} + 20002 * 24h);
  EXPECT_FALSE(registry->flush().ok());
  EXPECT_TRUE(registry->find("alice").has_value()) << "still served from memory";
  EXPECT_EQ(read_file(path), broken) << "never rewritten";
  ASSERT_EQ(reports.size(), 1u) << "reported once, not per attempt";
  EXPECT_NE(reports[0].find("row 3"), std::string::npos) << reports[0];

  save_as_admin(path, users_sheet(user_row(2, "alice") + user_row(3, "bad_name")));
  ASSERT_TRUE(registry->add(user("bob")).ok());
  EXPECT_TRUE(registry->find("bad_name").has_value());
  EXPECT_EQ(reports.size(), 2u) << "the fix is reported too";
  auto rows = read_workbook_sheet(path, kUsersSheet);
  EXPECT_EQ(rows->at(1).cells.at(3), "2024-10-06T00:00:00Z") << "the pending login was kept";
}

}  // namespace
}  // namespace netdisk::storage

namespace netdisk::storage {
namespace {

TEST(WorkbookRemoval, DeletingAUserTakesOnlyTheirRowAndKeepsEverythingElse) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  std::string after = R"(<mergeCells count="1"><mergeCell ref="H1:I1"/></mergeCells>)";
  save_as_admin(path, users_sheet(user_row(2, "alice", text_cell("E2", "paid", "3")) +
                                      user_row(3, "bob", text_cell("E3", "bob's note")) +
                                      user_row(4, "carol"),
                                  after));
  auto registry = open_registry(path);
  ASSERT_NE(registry, nullptr);
  ASSERT_TRUE(registry->remove("BOB").ok());
  EXPECT_FALSE(registry->find("bob"));
  EXPECT_EQ(registry->remove("bob").error().code, Errc::not_found);
  auto sheet = entry(path, "xl/worksheets/sheet1.xml");
  for (const auto& kept : {after, text_cell("E2", "paid", "3")}) {
    EXPECT_NE(sheet.find(kept), std::string::npos) << kept << " is missing from\n" << sheet;
  }
  EXPECT_EQ(sheet.find("bob"), std::string::npos) << "bob's row stayed:\n" << sheet;
  EXPECT_EQ(entry(path, "xl/worksheets/sheet2.xml"), kNotesXml);
  // A later registration goes below the last row; the state and role of another user change.
  ASSERT_TRUE(registry->add(user("dave")).ok());
  ASSERT_TRUE(registry
                  ->update("carol",
                           [](UserRecord& record) {
                             record.role = UserRole::admin;
                             record.state = AccountState::disabled;
                           })
                  .ok());
  auto reopened = open_registry(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->names(), (std::vector<std::string>{"alice", "carol", "dave"}));
  EXPECT_EQ(reopened->find("carol")->role, UserRole::admin);
  EXPECT_EQ(reopened->find("carol")->state, AccountState::disabled);
  EXPECT_EQ(reopened->find("alice")->role, UserRole::user);
  auto rows = read_workbook_sheet(path, kUsersSheet);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->back().number, 5u) << "dave goes below carol, not into bob's old row";
}

TEST(WorkbookRemoval, ABadRoleIsAnErrorNamingTheCell) {
  ScratchDir dir;
  auto path = dir / "users.xlsx";
  std::string sheet = users_sheet(user_row(2, "alice", text_cell("F2", "boss")));
  sheet.replace(sheet.find("</row>"), 6, text_cell("F1", "role") + "</row>");
  save_as_admin(path, sheet);
  auto registry = UserRegistry::open(path);
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.error().message.find("cell F2 (role)"), std::string::npos)
      << registry.error().message;
}

}  // namespace
}  // namespace netdisk::storage

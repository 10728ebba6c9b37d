# End-to-end tests of the users' folders and users.xlsx as an administrator edits it (with
# openpyxl, tests/e2e/edit_workbook.py), and of error replies that must never show a server path.
netdisk_test(e2e_user_folders_test SOURCES user_folders_test.cc LIBS netdisk_e2e_harness
  LABELS e2e)
add_dependencies(e2e_user_folders_test netdiskd)

netdisk_test(e2e_server_paths_test SOURCES server_paths_test.cc LIBS netdisk_http_fixture
  LABELS e2e)
add_dependencies(e2e_server_paths_test netdiskd)

netdisk_test(e2e_workbook_dates_test SOURCES workbook_dates_test.cc LIBS netdisk_e2e_harness
  LABELS e2e)
add_dependencies(e2e_workbook_dates_test netdiskd)

# users.xlsx edited while the server runs (openpyxl, LibreOffice Calc headless).
netdisk_test(e2e_workbook_edits_test SOURCES workbook_edits_test.cc LIBS netdisk_http_fixture
  LABELS e2e)
add_dependencies(e2e_workbook_edits_test netdiskd)

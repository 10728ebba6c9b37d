# Tests of the user registry (accounts).
netdisk_test(accounts_username_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/username_test.cc
  LIBS netdisk_storage LABELS unit)
netdisk_test(accounts_password_hasher_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/password_hasher_test.cc
  LIBS netdisk_storage LABELS unit)
netdisk_test(accounts_workbook_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/iso_time_test.cc ${CMAKE_CURRENT_LIST_DIR}/workbook_test.cc
  LIBS netdisk_storage PkgConfig::MINIZIP LABELS unit)
# The independent check of the written workbook runs this Python script (stdlib only).
target_compile_definitions(accounts_workbook_test PRIVATE
  NETDISK_ACCOUNTS_TEST_DIR="${CMAKE_CURRENT_LIST_DIR}")
netdisk_test(accounts_registry_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/user_registry_test.cc
  LIBS netdisk_storage LABELS unit)
# Regression test for a bug found by the fuzzer (tests/fuzz/README.md, "Findings").
netdisk_test(accounts_zip_regression_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/zip_extra_field_seeks_test.cc
  LIBS netdisk_storage LABELS unit)
target_compile_definitions(accounts_zip_regression_test PRIVATE
  NETDISK_FUZZ_CORPUS_DIR="${PROJECT_SOURCE_DIR}/tests/fuzz/corpus")
# Dates typed into users.xlsx by an administrator (Excel serial dates, dates as text).
netdisk_test(accounts_workbook_dates_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/workbook_dates_test.cc
  LIBS netdisk_storage PkgConfig::MINIZIP LABELS unit)
# users.xlsx as the administrator's file: new columns, numeric names, the patcher, edits while
# the registry runs.
netdisk_test(accounts_workbook_edits_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/workbook_edits_test.cc
  LIBS netdisk_storage PkgConfig::MINIZIP LABELS unit)
# Deleted users' folders kept aside, and the sweep that removes them.
netdisk_test(accounts_deleted_folders_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/deleted_folders_test.cc
  LIBS netdisk_storage LABELS unit)

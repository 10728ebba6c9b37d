# User registry: usernames, password hashes, the users.xlsx workbook.
target_sources(netdisk_storage PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/username.cc
  ${CMAKE_CURRENT_LIST_DIR}/password_hasher.cc
  ${CMAKE_CURRENT_LIST_DIR}/iso_time.cc
  ${CMAKE_CURRENT_LIST_DIR}/excel_date.cc
  ${CMAKE_CURRENT_LIST_DIR}/byte_size.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_identity.cc
  ${CMAKE_CURRENT_LIST_DIR}/workbook_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/workbook_patcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/xlsx_xml.cc
  ${CMAKE_CURRENT_LIST_DIR}/zip_memory_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/workbook_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/user_table.cc
  ${CMAKE_CURRENT_LIST_DIR}/user_registry.cc
  ${CMAKE_CURRENT_LIST_DIR}/session_file.cc
  ${CMAKE_CURRENT_LIST_DIR}/deleted_folders.cc
  ${CMAKE_CURRENT_LIST_DIR}/deleted_users.cc)
# Only the .cc files include these libraries' headers, so none of them leaks into the API.
target_link_libraries(netdisk_storage PRIVATE
  PkgConfig::SODIUM PkgConfig::XLSXWRITER PkgConfig::MINIZIP PkgConfig::EXPAT)

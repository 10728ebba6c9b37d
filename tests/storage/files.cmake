# Tests of the confined file store (files).
netdisk_test(storage_files_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/safe_path_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/checksum_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/file_store_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/upload_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/target_check_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/confinement_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/cached_open_test.cc
  LIBS netdisk_storage
  LABELS unit)
# Users' folders in the data folder (DataLayout).
netdisk_test(storage_data_layout_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/data_layout_test.cc
  LIBS netdisk_storage LABELS unit)
# The storage interface's conformance suite (both backends) and the memory twin's faults.
netdisk_test(storage_user_space_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/user_space_conformance_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/user_space_retention_conformance_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/memory_version_faults_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/local_retention_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/memory_faults_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/storage_error_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/local_space_test.cc
  LIBS netdisk_storage_testing
  LABELS unit)

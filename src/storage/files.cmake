# Confined user folders: safe paths, listings, uploads, downloads, checksums.
target_sources(netdisk_storage PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/safe_path.cc
  ${CMAKE_CURRENT_LIST_DIR}/confined_open.cc
  ${CMAKE_CURRENT_LIST_DIR}/checksum.cc
  ${CMAKE_CURRENT_LIST_DIR}/partial_uploads.cc
  ${CMAKE_CURRENT_LIST_DIR}/upload.cc
  ${CMAKE_CURRENT_LIST_DIR}/name_lock.cc
  ${CMAKE_CURRENT_LIST_DIR}/target_check.cc
  ${CMAKE_CURRENT_LIST_DIR}/storage_error.cc
  ${CMAKE_CURRENT_LIST_DIR}/errc_bridge.cc
  ${CMAKE_CURRENT_LIST_DIR}/tree_ops.cc
  ${CMAKE_CURRENT_LIST_DIR}/space_usage.cc
  ${CMAKE_CURRENT_LIST_DIR}/stored_bytes.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_store_properties.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_store_trash.cc
  ${CMAKE_CURRENT_LIST_DIR}/file_store_versions.cc
  ${CMAKE_CURRENT_LIST_DIR}/local_space_retention.cc
  ${CMAKE_CURRENT_LIST_DIR}/dead_properties.cc
  ${CMAKE_CURRENT_LIST_DIR}/property_xattr.cc
  ${CMAKE_CURRENT_LIST_DIR}/local_space.cc)
target_link_libraries(netdisk_storage PRIVATE PkgConfig::XXHASH)

# The in-memory twin of the storage interface with fault injection (memory_space.h), for
# tests of storage and, later, of the server.
add_library(netdisk_storage_testing STATIC
  ${CMAKE_CURRENT_LIST_DIR}/fault_plan.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_tree.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_space.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_transfer.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_retention.cc)
target_link_libraries(netdisk_storage_testing PUBLIC netdisk_storage)
netdisk_warnings(netdisk_storage_testing)

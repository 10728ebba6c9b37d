# End-to-end tests of the netdisk client (files, shell, progress), and unit tests of its
# pieces (sources in tests/client/).
set(_client_tests ${PROJECT_SOURCE_DIR}/tests/client)

netdisk_test(client_progress_test
  SOURCES ${_client_tests}/progress_format_test.cc ${_client_tests}/progress_display_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_text_test SOURCES ${_client_tests}/text_helpers_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_partial_test SOURCES ${_client_tests}/partial_download_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_target_append_test SOURCES ${_client_tests}/target_append_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_chat_text_test SOURCES ${_client_tests}/chat_text_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_shell_words_test SOURCES ${_client_tests}/shell_words_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_foreign_answer_test SOURCES ${_client_tests}/foreign_answer_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_busy_retry_test SOURCES ${_client_tests}/busy_retry_test.cc
  LIBS netdisk_client LABELS unit)
netdisk_test(client_known_servers_test SOURCES ${_client_tests}/known_servers_test.cc
  LIBS netdisk_client LABELS unit)

add_library(netdisk_client_e2e_harness STATIC
  ${_client_tests}/child_process.cc ${_client_tests}/client_fixture.cc ${_client_tests}/screen.cc
  tls_terminator.cc)
target_link_libraries(netdisk_client_e2e_harness PUBLIC netdisk_e2e_harness GTest::gtest util
  OpenSSL::SSL)
netdisk_warnings(netdisk_client_e2e_harness)

foreach(_name files resume terminal chat shell put_special wrong_port busy existing_target tls
    trash)
  netdisk_test(e2e_client_${_name}_test SOURCES client_${_name}_test.cc
    LIBS netdisk_client_e2e_harness LABELS e2e)
  add_dependencies(e2e_client_${_name}_test netdiskd netdisk)
endforeach()

# `netdisk df` and a `netdisk put` over quota (issue #20).
netdisk_test(e2e_client_quota_test SOURCES client_quota_test.cc
  LIBS netdisk_client_e2e_harness LABELS e2e)
add_dependencies(e2e_client_quota_test netdiskd netdisk)

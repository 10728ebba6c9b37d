# The end-to-end cluster tests (issue #22, tests/cluster/e2e_cluster_test.cc): one CTest test for
# the whole binary, so its cases share the one cluster scripts/cluster.sh brings up (Ceph,
# PostgreSQL, Redis, HAProxy, three nodes: about 15 s). Label `cluster`: they need the packages
# of scripts/deps.sh's cluster set, and root (Ceph's daemons).
add_executable(e2e_cluster_test ${CMAKE_CURRENT_LIST_DIR}/cluster_fixture.cc
  ${CMAKE_CURRENT_LIST_DIR}/e2e_cluster_test.cc)
target_link_libraries(e2e_cluster_test PRIVATE netdisk_client_e2e_harness GTest::gtest
  GTest::gtest_main)
target_compile_options(e2e_cluster_test PRIVATE ${NETDISK_TEST_CASE_FLAGS})
target_precompile_headers(e2e_cluster_test REUSE_FROM netdisk_test_pch)
netdisk_warnings(e2e_cluster_test)
set_target_properties(e2e_cluster_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_dependencies(e2e_cluster_test netdiskd netdisk)
add_test(NAME e2e_cluster_test COMMAND e2e_cluster_test)
set_tests_properties(e2e_cluster_test PROPERTIES LABELS cluster TIMEOUT 900
  ENVIRONMENT "NETDISK_BIN_DIR=${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")

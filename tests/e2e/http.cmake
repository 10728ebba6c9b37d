# End-to-end tests of netdiskd's HTTP side (docs/HTTP.md) with curl and wget as the clients.
add_library(netdisk_http_fixture STATIC http_fixture.cc)
target_link_libraries(netdisk_http_fixture PUBLIC netdisk_e2e_harness GTest::gtest)
netdisk_warnings(netdisk_http_fixture)

netdisk_test(e2e_http_test SOURCES http_test.cc LIBS netdisk_http_fixture netdisk_storage LABELS e2e)
add_dependencies(e2e_http_test netdiskd)

# Hostile input on the HTTP side over raw sockets (docs/SECURITY.md).
netdisk_test(e2e_http_bad_input_test SOURCES http_bad_input_test.cc LIBS netdisk_e2e_harness
  LABELS e2e)
add_dependencies(e2e_http_bad_input_test netdiskd)

netdisk_test(e2e_http_body_test SOURCES http_body_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_http_body_test netdiskd)

netdisk_test(e2e_http_tls_test SOURCES http_tls_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_http_tls_test netdiskd)

# Folder URLs (listings for browsers, wget -r and rclone), curl -OJ names, and conditional
# requests (issue #15).
foreach(_name http_folders http_conditional)
  netdisk_test(e2e_${_name}_test SOURCES ${_name}_test.cc LIBS netdisk_http_fixture LABELS e2e)
  add_dependencies(e2e_${_name}_test netdiskd)
endforeach()

# HTTP Basic and the verified-credential cache (issue #17): Argon2id counts, not timings.
netdisk_test(e2e_http_basic_cache_test SOURCES http_basic_cache_test.cc LIBS netdisk_http_fixture
  LABELS e2e)
add_dependencies(e2e_http_basic_cache_test netdiskd)

# HTTP connections turn Nagle's algorithm off (issue #17), seen in strace's setsockopt log.
netdisk_test(e2e_http_nodelay_test SOURCES http_nodelay_test.cc LIBS netdisk_http_fixture
  LABELS e2e)
add_dependencies(e2e_http_nodelay_test netdiskd)

# Listings written without a DOM (issue #17) against /api/list's DOM, for hostile names.
netdisk_test(e2e_listing_test SOURCES listing_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_listing_test netdiskd)

# Small downloads (issue #17): one write per reply and no blocking-pool hop, seen in strace's
# log of the server's system calls.
netdisk_test(e2e_small_download_test SOURCES small_download_test.cc LIBS netdisk_http_fixture
  LABELS e2e)
add_dependencies(e2e_small_download_test netdiskd)

# Login sessions that survive a restart; passwd and logout --all (issue #19).
netdisk_test(e2e_sessions_test SOURCES sessions_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_sessions_test netdiskd netdisk)

# Per-user byte quotas (issue #20): TCP, HTTP and WebDAV refusals, the running total, df.
netdisk_test(e2e_quota_test SOURCES quota_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_quota_test netdiskd)
# The trash and versions over HTTP and WebDAV (issue #20).
netdisk_test(e2e_http_trash_test SOURCES http_trash_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_http_trash_test netdiskd)
# Share links (issue #20): netdisk share/shares/unshare, and /s/<token> fetched with curl.
netdisk_test(e2e_shares_test SOURCES shares_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_shares_test netdiskd netdisk)

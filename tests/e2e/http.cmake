# End-to-end tests of netdiskd's HTTP side (docs/HTTP.md) with curl and wget as the clients.
netdisk_test(e2e_http_test SOURCES http_test.cc LIBS netdisk_e2e_harness netdisk_storage LABELS e2e)
add_dependencies(e2e_http_test netdiskd)

# Hostile input on the HTTP side over raw sockets (docs/SECURITY.md).
netdisk_test(e2e_http_bad_input_test SOURCES http_bad_input_test.cc LIBS netdisk_e2e_harness
  LABELS e2e)
add_dependencies(e2e_http_bad_input_test netdiskd)

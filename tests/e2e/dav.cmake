# End-to-end tests of WebDAV on /files/ (docs/HTTP.md, "WebDAV"): methods and statuses with
# curl and litmus, real clients (rclone, cadaver, GNOME's gvfs), the replayed sequences of
# clients that cannot run here (Windows' Mini-Redirector, macOS Finder), confinement attacks,
# locks, dead properties, and chunked PUT bodies (macOS Finder's).
foreach(_name dav dav_clients dav_confinement dav_locks dav_replay dav_gvfs dav_props dav_chunked)
  netdisk_test(e2e_${_name}_test SOURCES ${_name}_test.cc LIBS netdisk_http_fixture LABELS e2e)
  add_dependencies(e2e_${_name}_test netdiskd)
endforeach()
add_dependencies(e2e_dav_chunked_test netdisk)  # `netdisk get` reads back what was put

# davfs2 mounting /files/ as a folder: FUSE, Debian's davfs2, the real server.
netdisk_test(e2e_dav_davfs2_test SOURCES dav_davfs2_test.cc LIBS netdisk_http_fixture LABELS e2e)
add_dependencies(e2e_dav_davfs2_test netdiskd)

# What `cmake --install` puts where, for the Debian package (scripts/package.sh installs into a
# staging folder with --prefix /usr) and for a plain install from source. The binaries, man
# pages, bash completion and docs go under the prefix; the configuration and the systemd unit
# go to the absolute paths Debian uses, which DESTDIR still moves. docs/PACKAGING.md.
include(GNUInstallDirs)

install(TARGETS netdiskd netdisk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/netdiskd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/netdisk.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/netdisk.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME netdisk)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/netdisk)
# The package is native (no Debian revision): Policy 12.7 names its changelog changelog.gz.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/netdisk)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/low-port.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/netdisk/examples)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/netdiskd.toml DESTINATION /etc/netdisk)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/netdiskd.service DESTINATION /lib/systemd/system)

# The hardening Debian's dpkg-buildflags gives its packages, for every build but the
# sanitizer and fuzzing ones (their runtimes intercept the same functions that
# _FORTIFY_SOURCE wraps): checked string and memory functions, a stack protector, control-flow
# protection, and a read-only relocation table bound at start-up (full RELRO). The installed
# binaries are these (docs/PACKAGING.md); lintian checks for them.
if(NOT NETDISK_SANITIZE AND NOT NETDISK_FUZZ)
  add_compile_options(-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong
    -fstack-clash-protection -fcf-protection)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()

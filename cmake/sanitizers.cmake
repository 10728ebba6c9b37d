# NETDISK_SANITIZE="address;undefined" or "thread": applied to every target in the tree.
# Sanitizer builds exist to run the tests (scripts/test-sanitizers.sh), so they are built lean:
# -O1 keeps ASan/TSan stacks readable and compiles faster than -O2, -g1 gives file:line in
# reports without full debug info (the Boost-heavy units build much faster and smaller).
set(NETDISK_SANITIZE_FLAGS "-O1;-g1" CACHE STRING "Optimisation/debug flags of sanitizer builds")
if(NETDISK_SANITIZE)
  list(JOIN NETDISK_SANITIZE "," _netdisk_sanitizers)
  add_compile_options(-fsanitize=${_netdisk_sanitizers} -fno-omit-frame-pointer
    -fno-sanitize-recover=all ${NETDISK_SANITIZE_FLAGS})
  add_link_options(-fsanitize=${_netdisk_sanitizers})
  if("thread" IN_LIST NETDISK_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC warns at every std::atomic_thread_fence (Boost.Asio's and libstdc++'s) that TSan does
    # not model fences. That can only cause false reports, never hide one, and the thousands
    # of warnings would bury the build log.
    add_compile_options(-Wno-tsan)
  endif()
endif()

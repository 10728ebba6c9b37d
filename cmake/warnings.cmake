# Strict warnings for NetDisk's own targets (third-party headers come in as system headers).
function(netdisk_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
  if(NETDISK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# netdisk_gcc_pr109224(SOURCES...): GCC 12 reports -Wmismatched-new-delete for some Asio
# coroutine frames: once awaitable_frame_base::operator new (thread_info_base::allocate ->
# aligned_new) is inlined, it pairs the frame's own sized operator delete with the global new it
# inlined and calls the pair mismatched; the pair is Asio's and correct (GCC PR 109224). Which
# units trip it depends on inlining (-O2 for the HTTP side, -O1 with ASan for connection.cc),
# so it is silenced only for the sources named, only with GCC, and stays an error elsewhere.
function(netdisk_gcc_pr109224)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set_property(SOURCE ${ARGN} DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
      APPEND PROPERTY COMPILE_OPTIONS -Wno-mismatched-new-delete)
  endif()
endfunction()

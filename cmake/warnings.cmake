# Strict warnings for NetDisk's own targets (third-party headers come in as system headers).
function(netdisk_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
  if(NETDISK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

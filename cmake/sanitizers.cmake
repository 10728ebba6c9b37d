# NETDISK_SANITIZE="address;undefined" or "thread": applied to every target in the tree.
if(NETDISK_SANITIZE)
  list(JOIN NETDISK_SANITIZE "," _netdisk_sanitizers)
  add_compile_options(-fsanitize=${_netdisk_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_netdisk_sanitizers})
endif()

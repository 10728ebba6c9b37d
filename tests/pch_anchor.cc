// The one source of netdisk_test_pch, the target whose precompiled header every test
// binary reuses (tests/CMakeLists.txt).

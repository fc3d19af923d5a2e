# berichtd_add_plugin comes from the SDK's own package file, so in-tree plugins are built
# exactly as out-of-tree ones.
include(${CMAKE_CURRENT_LIST_DIR}/../sdk/cmake/berichtd-plugin.cmake)

# berichtd_add_test(NAME SOURCES... [LIBS targets...] [LABELS labels...] [SERIAL]): one
# GoogleTest binary, its tests discovered by ctest. SERIAL: its tests never run beside others
# (they start whole daemons or measure waiting).
function(berichtd_add_test name)
  cmake_parse_arguments(T "SERIAL" "" "SOURCES;LIBS;LABELS" ${ARGN})
  set(serial FALSE)
  if(T_SERIAL)
    set(serial TRUE)
  endif()
  add_executable(${name} ${T_SOURCES} ${T_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    BERICHTD_BUILD_DIR="${CMAKE_BINARY_DIR}"
    BERICHTD_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    BERICHTD_PLUGIN_DIR="${CMAKE_BINARY_DIR}/plugins")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300 RUN_SERIAL ${serial})
  # The ThreadSanitizer pass runs only these labels; it builds just their binaries
  # (target unit_and_concurrency_tests, tests/CMakeLists.txt) to keep CI short.
  if("unit" IN_LIST T_LABELS OR "concurrency" IN_LIST T_LABELS)
    set_property(GLOBAL APPEND PROPERTY BERICHTD_UNIT_AND_CONCURRENCY_TESTS ${name})
  endif()
endfunction()

# berichtd_add_plugin comes from the SDK's own package file, so in-tree plugins are built
# exactly as out-of-tree ones.
include(${CMAKE_CURRENT_LIST_DIR}/../sdk/cmake/berichtd-plugin.cmake)

# berichtd_add_test(NAME SOURCES... [LIBS targets...] [LABELS labels...]): one GoogleTest
# binary, its tests discovered by ctest.
function(berichtd_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES} ${T_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    BERICHTD_BUILD_DIR="${CMAKE_BINARY_DIR}"
    BERICHTD_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    BERICHTD_PLUGIN_DIR="${CMAKE_BINARY_DIR}/plugins")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
endfunction()

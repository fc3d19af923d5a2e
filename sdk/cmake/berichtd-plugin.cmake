# berichtd_add_plugin(NAME SOURCES...): a plugin library as the daemon loads it — a MODULE
# named berichtd-<NAME>.so with hidden visibility, so only the four ABI entry points are
# exported.
function(berichtd_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE berichtd::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX "berichtd-"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()

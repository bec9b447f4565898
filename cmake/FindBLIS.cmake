# Finds BLIS (Debian: libblis-dev) and defines the imported target BLIS::BLIS.
find_path(BLIS_INCLUDE_DIR blis.h
          PATH_SUFFIXES blis x86_64-linux-gnu/blis-openmp x86_64-linux-gnu/blis-pthread
                        x86_64-linux-gnu/blis-serial)
find_library(BLIS_LIBRARY NAMES blis)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(BLIS REQUIRED_VARS BLIS_LIBRARY BLIS_INCLUDE_DIR)
if(BLIS_FOUND AND NOT TARGET BLIS::BLIS)
  add_library(BLIS::BLIS UNKNOWN IMPORTED)
  set_target_properties(BLIS::BLIS PROPERTIES IMPORTED_LOCATION "${BLIS_LIBRARY}"
                                              INTERFACE_INCLUDE_DIRECTORIES "${BLIS_INCLUDE_DIR}")
endif()
mark_as_advanced(BLIS_INCLUDE_DIR BLIS_LIBRARY)

# cpack -G DEB: a Debian package of what packaging/install.cmake installs,
# under /usr (docs/installing.md). Its dependencies: the libraries the
# binary links (found by dpkg-shlibdeps) and what grading runs: gcc and
# libc6-dev build every submission, pkg-config and libcjson-dev the
# exercises that link cJSON. lintian finds no error in it (tests/package).
set(grader_maintainer "grader developers <grader@example.org>")

# A native package's changelog and its copyright file, where Debian policy
# puts them. The changelog's date comes from SOURCE_DATE_EPOCH when set, so
# that two builds of one commit make the same file.
string(TIMESTAMP grader_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in
  ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9n -c ${CMAKE_BINARY_DIR}/packaging/changelog
    > ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog)
add_custom_target(changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.gz ${CMAKE_SOURCE_DIR}/packaging/copyright
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME grader)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${grader_maintainer}")
set(CPACK_PACKAGE_VENDOR "grader developers")
set(CPACK_PACKAGE_INSTALL_DIRECTORY grader)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "autograder for C exercises, sandboxed")
# The long description; CPack puts the summary above it and indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "grader compiles a learner's C file with the exercise's driver in a
sandbox (seccomp, Landlock, namespaces), runs each test in its own
sandboxed process and compares what the learner's functions returned
with the reference solution's. Reports in seven formats (human, json,
JUnit, TAP, Gradescope, GitHub, Markdown), a signed webhook, and the
grading of a whole class, sharded over machines if need be.

Four exercises come with it, in /usr/share/grader/exercises.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl4 by name: the grader loads it at run time (grader/deliver/webhook.c),
# so dpkg-shlibdeps cannot see it. 7.85 brought CURLOPT_PROTOCOLS_STR.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "gcc, libc6-dev, pkg-config, libcjson-dev, libcurl4 (>= 7.85.0)")
# binutils brings gold, mold the memory check's faster link (grader/build.c);
# without them the compiler's own linker does the same work, more slowly.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "binutils, mold")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gdb, valgrind")
include(CPack)

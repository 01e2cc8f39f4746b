# What 'cmake --install build --prefix P' puts under P (docs/installing.md):
#
#   bin/grader
#   share/grader/exercises/   every exercise: spec, statement, header, driver,
#                             reference, starter, mistakes, test inputs
#   share/grader/driver/      grader_driver.h, grader_alloc.h, grader_json.h
#   share/doc/grader/         README.md, SECURITY.md, docs/ (and package.cmake's
#                             copyright and changelog.gz)
#   share/man/man1/           grader(1) and grader-<command>(1)
#
# The installed binary finds share/grader from its own path (grader/datadir.h),
# so P can be moved or unpacked anywhere.
install(TARGETS grader RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/exercises/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/grader/exercises)
install(FILES ${CMAKE_SOURCE_DIR}/grader/driver/grader_driver.h
  ${CMAKE_SOURCE_DIR}/grader/driver/grader_alloc.h
  ${CMAKE_SOURCE_DIR}/grader/driver/grader_json.h
  DESTINATION ${CMAKE_INSTALL_DATADIR}/grader/driver)

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/SECURITY.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# The man pages, written at build time from the built grader's --help (the
# one source of their text) by packaging/help-to-man.sh, into build/man/.
set(grader_man_dir ${CMAKE_BINARY_DIR}/man)
add_custom_command(OUTPUT ${grader_man_dir}/grader.1
  COMMAND sh ${CMAKE_SOURCE_DIR}/packaging/help-to-man.sh $<TARGET_FILE:grader>
    ${grader_man_dir}
  DEPENDS grader ${CMAKE_SOURCE_DIR}/packaging/help-to-man.sh
    ${CMAKE_SOURCE_DIR}/packaging/help-to-man.awk
  COMMENT "Writing the man pages from grader --help")
add_custom_target(man ALL DEPENDS ${grader_man_dir}/grader.1)
install(DIRECTORY ${grader_man_dir}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
  FILES_MATCHING PATTERN "*.1.gz")

# The runtime test program, built with cfrt-cc (the host's, or in a cross
# build the target's) into BUILD/tests/cfrt.
set(CT ${CMAKE_BINARY_DIR}/tests/cfrt)
set(CFRT_CC ${CMAKE_BINARY_DIR}/bin/cfrt-cc)
# cfrt-cc's driver and specs, the start file, the headers and the runtime:
# a change to any of them rebuilds the programs.
set(CFRT_CC_DEPENDS ${CFRT_CC} ${CMAKE_BINARY_DIR}/lib/cfrt.specs ${CMAKE_BINARY_DIR}/lib/crt1.o
    ${CMAKE_BINARY_DIR}/include/.stamp cfrt)
set(CTS ${CMAKE_CURRENT_LIST_DIR})
# runtime_test_nopie: the same as an ET_EXEC, whose non-PIC code makes the
# linker emit COPY relocations on every machine.
add_custom_command(OUTPUT ${CT}/runtime_test ${CT}/runtime_test_nopie ${CT}/libtls.so ${CT}/libdlplugin.so
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CT}
  COMMAND ${CFRT_CC} -g -O1 -shared -fPIC -o ${CT}/libtls.so ${CTS}/libtls.c
  COMMAND ${CFRT_CC} -g -O1 -shared -fPIC -o ${CT}/libdlplugin.so ${CTS}/dlplugin.c
  COMMAND ${CFRT_CC} -g -O1 -o ${CT}/runtime_test ${CTS}/runtime_test.c
          -L${CT} -ltls "-Wl,-rpath,\$ORIGIN"
  COMMAND ${CFRT_CC} -g -O1 -fno-PIE -no-pie -o ${CT}/runtime_test_nopie ${CTS}/runtime_test.c
          -L${CT} -ltls "-Wl,-rpath,\$ORIGIN"
  DEPENDS cfrt_sdk ${CFRT_CC_DEPENDS} ${CTS}/libtls.c ${CTS}/dlplugin.c ${CTS}/runtime_test.c
  VERBATIM)
add_custom_target(cfrt_runtime_test ALL DEPENDS ${CT}/runtime_test)

# cfrt: the same crashes built with our own runtime (cfrt-cc), run through
# PT_INTERP or with libcfrt.so as a command (prog.so like a KM payload).
set(CF ${OUT}/cfrt)
set(CFRT_CC ${CMAKE_BINARY_DIR}/bin/cfrt-cc)
# What cfrt-cc builds with: the driver and its specs (headers, start file,
# PT_INTERP), the start file, the headers and the runtime itself; a change
# to any of them rebuilds these.
set(CFRT_CC_DEPENDS ${CFRT_CC} ${CMAKE_BINARY_DIR}/lib/cfrt.specs ${CMAKE_BINARY_DIR}/lib/crt1.o
    ${CMAKE_BINARY_DIR}/include/.stamp cfrt)
set(CFF -g -O0 -fno-omit-frame-pointer)
set(RP "-Wl,-rpath,\$ORIGIN")
add_custom_command(
  OUTPUT ${CF}/libb.so ${CF}/liba.so ${CF}/prog ${CF}/prog.so ${CF}/threads ${CF}/plugin.so ${CF}/dlopen
         ${CF}/abort ${CF}/div0
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CF}
  COMMAND ${CFRT_CC} ${CFF} -shared -fPIC -o ${CF}/libb.so ${S}/libb.c
  COMMAND ${CFRT_CC} ${CFF} -shared -fPIC -o ${CF}/liba.so ${S}/liba.c -L${CF} -lb ${RP}
  COMMAND ${CFRT_CC} ${CFF} -o ${CF}/prog ${S}/main.c -L${CF} -la -lb ${RP}
  COMMAND ${CFRT_CC} ${CFF} -shared -fPIC -o ${CF}/prog.so ${S}/main.c ${CMAKE_BINARY_DIR}/lib/crt1.o
          -Wl,-e,_start -L${CF} -la -lb ${RP}
  COMMAND ${CFRT_CC} ${CFF} -o ${CF}/threads ${S}/threads.c -L${CF} -la -lb ${RP}
  COMMAND ${CFRT_CC} ${CFF} -shared -fPIC -o ${CF}/plugin.so ${S}/plugin.c
  COMMAND ${CFRT_CC} ${CFF} -o ${CF}/dlopen ${S}/dlopen.c
  COMMAND ${CFRT_CC} ${CFF} -o ${CF}/abort ${S}/abort.c
  COMMAND ${CFRT_CC} ${CFF} -o ${CF}/div0 ${S}/div0.c
  DEPENDS cfrt_sdk ${CFRT_CC_DEPENDS} ${S}/libb.c ${S}/liba.c ${S}/main.c ${S}/threads.c ${S}/plugin.c
          ${S}/dlopen.c ${S}/abort.c ${S}/div0.c
  COMMENT "Building the cfrt samples"
  VERBATIM)
add_custom_target(samples_cfrt ALL DEPENDS ${CF}/prog ${CF}/prog.so)

# Cross toolchain for cfrt on aarch64 (the cfrt-aarch64 preset): clang
# for the target against Debian's arm64 cross sysroot and binutils
# (libc6-dev-arm64-cross, libgcc-12-dev-arm64-cross,
# binutils-aarch64-linux-gnu; never gcc-aarch64-linux-gnu, which
# conflicts with gcc-multilib).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_ASM_COMPILER_TARGET aarch64-linux-gnu)
set(CFRT_LINKER /usr/bin/aarch64-linux-gnu-ld)
set(CMAKE_C_FLAGS_INIT "--gcc-toolchain=/usr")
set(CMAKE_ASM_FLAGS_INIT "--gcc-toolchain=/usr")
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_INIT "-fuse-ld=${CFRT_LINKER}")
endforeach()
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

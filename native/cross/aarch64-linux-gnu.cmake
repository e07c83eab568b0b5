# CMake toolchain for the linux-arm64 build of the dispatcher and the C tests (Debian's gcc-aarch64-linux-gnu);
# tests run under qemu-aarch64-static.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
# With Debian's arm64 multiarch C library installed (libc6:arm64, which .ci/run installs), qemu finds the loader
# and libraries in the usual places and must get no prefix: NativeAOT code hangs under qemu with one. Without it,
# the cross C library is the prefix.
if(EXISTS /lib/ld-linux-aarch64.so.1)
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/aarch64-linux-gnu)
endif()

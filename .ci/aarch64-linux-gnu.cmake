# CMake toolchain file: cross-compile for aarch64 Linux with Debian's g++-aarch64-linux-gnu and run
# the test executables under qemu-user (.ci/install-cross-deps installs both, plus Qt 6 for arm64
# through multiarch; used by the "neon" presets in CMakePresets.json).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Libraries and CMake packages (Qt6) are searched under the arm64 multiarch directories first
# (CMAKE_LIBRARY_ARCHITECTURE: /usr/lib/aarch64-linux-gnu/cmake/Qt6); programs (moc) come from
# the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# ctest runs each test executable through the emulator. No -L /usr/aarch64-linux-gnu: the target's
# loader, libc, libstdc++ and Qt all come from the multiarch arm64 packages (/lib/ld-linux-aarch64.so.1,
# /usr/lib/aarch64-linux-gnu), and mixing the cross toolchain's loader (libc6-arm64-cross) with
# the multiarch libc (another Debian revision) hangs the first pthread_create under qemu.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)

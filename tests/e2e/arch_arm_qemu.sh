#!/bin/bash
# 32-bit ARM (armhf) under qemu-user, glibc's loader run as a command: see
# qemu_loader_as_command. The program's first page is dumped here, so the
# auxv glibc rewrote for the program is all that names the loader: PRPSINFO
# must.
. "$(dirname "$0")/../lib.sh"
qemu_loader_as_command armhf /usr/arm-linux-gnueabihf qemu-arm /usr/arm-linux-gnueabihf/lib/ld-linux-armhf.so.3 \
	arm ARM
exit 0

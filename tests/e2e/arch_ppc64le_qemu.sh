#!/bin/bash
# ppc64le under qemu-user, glibc's loader run as a command: see
# qemu_loader_as_command.
. "$(dirname "$0")/../lib.sh"
qemu_loader_as_command ppc64le /usr/powerpc64le-linux-gnu qemu-ppc64le /usr/powerpc64le-linux-gnu/lib/ld64.so.2 \
	ppc64 PowerPC64
exit 0

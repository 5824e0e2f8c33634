#!/bin/bash
# aarch64 under qemu-user, glibc's loader run as a command
# (qemu-aarch64 … ld-linux-aarch64.so.1 ./prog): see qemu_loader_as_command.
. "$(dirname "$0")/../lib.sh"
qemu_loader_as_command aarch64 /usr/aarch64-linux-gnu qemu-aarch64 /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 \
	aarch64 AArch64
exit 0

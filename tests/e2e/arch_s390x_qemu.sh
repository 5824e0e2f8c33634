#!/bin/bash
# s390x (big-endian, 64-bit) under qemu-user, glibc's loader run as a
# command: see qemu_loader_as_command.
. "$(dirname "$0")/../lib.sh"
qemu_loader_as_command s390x /usr/s390x-linux-gnu qemu-s390x /usr/s390x-linux-gnu/lib/ld64.so.1 s390 'IBM S/390'
exit 0

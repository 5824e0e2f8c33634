#!/bin/bash
# perl: an ithread (threads.so, the XS module dlopened by `use threads`)
# faults in the interpreter: unpack "p" of a bad pointer (strlen of 0x8).
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/perl perl-base
ANCHORS=(Perl_pp_unpack Perl_call_sv start_thread)
echo 'use threads; threads->create(sub { unpack("p", pack("J", 8)) })->join;' >"$IN/crash.pl"
real_run /usr/bin/perl "$IN/crash.pl"

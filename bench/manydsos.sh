#!/bin/bash
# bench/manydsos.sh WORKDIR [DSOS] [GIB] : WORKDIR/core-GIBg, the core of a
# program linked against DSOS shared libraries (default 500) that maps GIB
# GiB (default 1) of anonymous memory and touches one page in each 64 MiB,
# so the core is as large as the mapping but sparse on disk. Libraries are
# built once per WORKDIR and reused for every size.
set -eu
work=$1 n=${2:-500} gib=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/lib"
if [ ! -x "$work/prog" ] || [ "$(cat "$work/ndsos" 2>/dev/null)" != "$n" ]; then
	rm -f "$work"/lib/*.so
	seq 0 $((n - 1)) | xargs -P "$(nproc)" -I{} sh -c \
		'printf "int f{}(int x) { return x + {}; }\n" | cc -x c -O1 -shared -fPIC -o "$0/lib/libd{}.so" -' "$work"
	{
		printf '#include <stdlib.h>\n#include <sys/mman.h>\n'
		for i in $(seq 0 $((n - 1))); do printf 'int f%d(int);\n' "$i"; done
		printf 'int main(int argc, char **argv) { int s = 0;\n'
		for i in $(seq 0 $((n - 1))); do printf 's += f%d(1);\n' "$i"; done
		cat <<'C'
	size_t len = (size_t)atol(argc > 1 ? argv[1] : "1") << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t o = 0; o < len; o += 64 << 20)
		p[o] = (char)s;
	abort();
}
C
	} >"$work/main.c"
	libs=()
	for i in $(seq 0 $((n - 1))); do libs+=("-ld$i"); done
	cc -O1 -o "$work/prog" "$work/main.c" -L"$work/lib" "${libs[@]}" -Wl,-rpath,"$work/lib"
	echo "$n" >"$work/ndsos"
fi
mkdir -p "$work/run"
"$here/../tests/make-core.sh" "$work/run" "$work/prog" "$gib" || true
mv "$work/run/core" "$work/core-${gib}g"

#!/bin/bash
# Dependencies point one way (tools/check-layers.py): no two files of the compiler, the
# grammar or the runtime call each other, directly or around a loop, and no file calls
# up the layers (driver -> back ends -> emit -> describe -> check -> front; the runtime's
# commands -> train -> report -> model -> io).  Read from the object files of the build
# under test: BUILD (the runner exports it), else NETC's directory when it holds the
# objects (NETC=build-asan/netc), else build/.  First the checker itself, on a small
# made-up tree with one of each mistake, so that a checker that sees nothing fails here.
source tests/e2e/common.bash

build=${BUILD:-}
if [ -z "$build" ]; then
    build=build
    [ -e "$(dirname "$netc")/compiler/main.o" ] && build=$(dirname "$netc")
fi

# The made-up tree: emit/ and trainer/ call each other; three front files call around a
# loop; infer calls its sibling trainer.
mkdir -p "$work"/src/compiler/{emit,trainer,infer,front} "$work"/obj/compiler/{emit,trainer,infer,front}
made_up() {   # FILE BODY
    printf '%s\n' "$2" > "$work/src/compiler/$1.c"
    cc -std=c99 -c -o "$work/obj/compiler/$1.o" "$work/src/compiler/$1.c"
}
made_up emit/files 'void model(void); void header_open(void) { model(); }'
made_up trainer/model 'void header_open(void); void infer(void); void model(void) { header_open(); }'
made_up infer/infer 'void model(void); void infer(void) { model(); }'
made_up front/a 'void b(void); void a(void) { b(); }'
made_up front/b 'void c(void); void b(void) { c(); }'
made_up front/c 'void a(void); void c(void) { a(); }'
if tools/check-layers.py "$work/obj" "$work/src" > "$work/made_up.txt"; then
    cat "$work/made_up.txt"
    fail "check-layers passed a tree with circles"
fi
for expected in \
    'circle: compiler/emit/files.c -> compiler/trainer/model.c (model) -> compiler/emit/files.c (header_open)' \
    'circle: compiler/front/a.c -> compiler/front/b.c (b) -> compiler/front/c.c (c) -> compiler/front/a.c (a)' \
    'layers: compiler/emit/files.c (emit) calls up to compiler/trainer/model.c (trainer): model' \
    'layers: compiler/infer/infer.c (infer) calls across to its sibling compiler/trainer/model.c (trainer): model'; do
    grep -qxF "$expected" "$work/made_up.txt" ||
        fail "check-layers on the made-up tree should say: $expected; it said: $(cat "$work/made_up.txt")"
done
echo "ok: check-layers finds circles, loops and upward calls"

# The real thing.
tools/check-layers.py "$build"

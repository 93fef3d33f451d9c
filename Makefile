# netc - a compiler from .net network descriptions to specialised C trainers.
#
#   make          build build/netc and the runtime library (all output in BUILD [build])
#   make test     the quick tier: unit suites, golden diagnostics, code snapshots (installs nothing)
#   make check    install what is missing, build, run every test (ends with the CUnit summary)
#   make golden   rewrite the golden diagnostics and code snapshots from netc's output
#   make demo     fetch MNIST, compile samples/mnist.net, train it, report test accuracy
#   make asan     the same compiler and tests built with AddressSanitizer + UBSan
#   make fuzz     libFuzzer on the front end and the IDX, CSV, safetensors readers

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c99 -Wall -Wextra -Wpedantic
ALL_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L $(CPPFLAGS) $(CFLAGS)
BUILD   ?= build
BISON   ?= bison
FLEX    ?= flex

# What `make check` needs on a fresh Debian machine.
CHECK_DEPS := flex bison libcunit1-dev clang libclang-rt-14-dev libpng-dev python3-torch python3-numpy python3-sklearn \
              libprotobuf-c-dev protobuf-c-compiler libonnx-dev python3-onnx nodejs \
              imagemagick chromium valgrind libopenmpi-dev openmpi-bin gcc-multilib qemu-user \
              lld wasi-libc libclang-rt-14-dev-wasm32 clang-16 lld-16 libclang-rt-16-dev-wasm32 \
              pkg-config man-db vim emacs-nox debhelper dpkg-dev lintian

COMPILER_SRC := $(sort $(filter-out compiler/main.c,$(shell find compiler -name '*.c')))
# The runtime's folders (io/ model/ report/ train/ commands/); mpi/ is compiled into MPI
# trainers by `netc build --mpi`, not into the library.
RUNTIME_SRC  := $(sort $(filter-out runtime/mpi/%,$(wildcard runtime/*/*.c)))
TEST_SRC     := $(wildcard tests/unit/*.c) $(wildcard tests/kernels/*.c)

GRAMMAR_OBJ  := $(BUILD)/parser.o $(BUILD)/lexer.o
# --emit infer reads weights with the runtime's safetensors reader, and --quantize its
# calibration samples with the IDX and CSV readers (and what they call): runtime/io/ only.
EXPORT_RT_OBJ := $(addprefix $(BUILD)/runtime/io/,safetensors.o weights_check.o json.o error.o atomic.o dataset.o idx.o csv.o)
# ONNX import and export (compiler/onnx/) read and write models with protobuf-c: protoc-c
# turns Debian's onnx.proto (libonnx-dev) into $(BUILD)/proto/onnx.pb-c.{c,h}.
ONNX_PROTO   ?= /usr/include/onnx/onnx.proto
PROTO_OBJ    := $(BUILD)/proto/onnx.pb-c.o
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(BUILD)/%.o) $(GRAMMAR_OBJ) $(EXPORT_RT_OBJ) $(PROTO_OBJ)
RUNTIME_OBJ  := $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ     := $(TEST_SRC:%.c=$(BUILD)/%.o)
RUNTIME_LIB  := $(BUILD)/libnetcrt.a

INCLUDES := -Icompiler -Iruntime -I$(BUILD)

.PHONY: all test check demo asan clean deps deps-build golden fuzz bench bench-web
all: $(BUILD)/netc $(RUNTIME_LIB)

deps-build:
	@tools/deps.sh flex bison libpng-dev libprotobuf-c-dev protobuf-c-compiler libonnx-dev

deps:
	@tools/deps.sh $(CHECK_DEPS)

# netc itself does not link the runtime, but `netc build` needs it built.  $(BUILD)/netc
# finds the runtime from where it is (compiler/locate.c).  `make netc` builds it.
netc: $(BUILD)/netc

# The grammar: bison writes the parser and its header, flex the reentrant lexer.
$(BUILD)/parser.c $(BUILD)/parser.h: grammar/parser.y | $(BUILD)/.dir
	$(BISON) -Wall -Werror --defines=$(BUILD)/parser.h -o $(BUILD)/parser.c $<
$(BUILD)/lexer.c $(BUILD)/lexer.h: grammar/lexer.l $(BUILD)/parser.h | $(BUILD)/.dir
	$(FLEX) --header-file=$(BUILD)/lexer.h -o $(BUILD)/lexer.c $<
# flex's and bison's output is not ours to fix: only -Wall for it.
$(GRAMMAR_OBJ): $(BUILD)/%.o: $(BUILD)/%.c $(BUILD)/parser.h $(BUILD)/lexer.h
	$(CC) -std=c99 -Wall -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(INCLUDES) -Wno-unused-function -MMD -MP -c -o $@ $<

# ONNX's messages in C, generated like the grammar (and, like it, only -Wall).
$(BUILD)/proto/onnx.pb-c.c $(BUILD)/proto/onnx.pb-c.h: $(ONNX_PROTO) | $(BUILD)/.dir
	@mkdir -p $(BUILD)/proto
	protoc-c --c_out=$(BUILD)/proto -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)
$(PROTO_OBJ): $(BUILD)/proto/onnx.pb-c.c $(BUILD)/proto/onnx.pb-c.h
	$(CC) -std=c99 -Wall -D_POSIX_C_SOURCE=200809L $(CFLAGS) -MMD -MP -c -o $@ $<
$(filter $(BUILD)/compiler/onnx/%,$(COMPILER_OBJ)): $(BUILD)/proto/onnx.pb-c.h

# The kernels (compiler/kernels/*.h) are C that the generated code is made of: each one
# becomes the lines of a string array that the emitters include (tools/embed.sh).
# reference.h, the plain loops the kernels are tested against, is not generated code.
KERNEL_INC := $(patsubst compiler/kernels/%.h,$(BUILD)/kernels/%.inc,\
                $(filter-out compiler/kernels/reference.h,$(wildcard compiler/kernels/*.h)))
.PHONY: kernel-text
kernel-text: $(KERNEL_INC)
$(BUILD)/kernels/%.inc: compiler/kernels/%.h tools/embed.sh | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	sh tools/embed.sh $< > $@.tmp && mv $@.tmp $@

# netc --emit web's page (compiler/web/page/: HTML, CSS, JavaScript) and the runtime's
# shuffle and learning-rate schedule (runtime/model/rng.{h,c}, schedule.{h,c}, with the
# netc_model.h they read; compiled into the page's WebAssembly), embedded the same way.
WEB_INC := $(patsubst compiler/web/page/%,$(BUILD)/web/%.inc,$(wildcard compiler/web/page/*)) \
           $(BUILD)/web/rng.h.inc $(BUILD)/web/rng.c.inc \
           $(BUILD)/web/schedule.h.inc $(BUILD)/web/schedule.c.inc \
           $(BUILD)/web/netc_enums.h.inc $(BUILD)/web/netc_model.h.inc
$(BUILD)/web/%.inc: compiler/web/page/% tools/embed.sh | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	sh tools/embed.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/web/rng.%.inc: runtime/model/rng.% tools/embed.sh | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	sh tools/embed.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/web/schedule.%.inc: runtime/model/schedule.% tools/embed.sh | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	sh tools/embed.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/web/netc_%.h.inc: runtime/netc_%.h tools/embed.sh | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	sh tools/embed.sh $< > $@.tmp && mv $@.tmp $@
$(filter $(BUILD)/compiler/web/%,$(COMPILER_OBJ)): $(WEB_INC)

$(BUILD)/compiler/%.o: compiler/%.c $(BUILD)/parser.h $(BUILD)/lexer.h | $(BUILD)/.dir $(KERNEL_INC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -MMD -MP -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.c | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iruntime -MMD -MP -c -o $@ $<

$(RUNTIME_LIB): $(RUNTIME_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/parser.h $(BUILD)/lexer.h | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -MMD -MP -c -o $@ $<
# The kernels' AVX2 + FMA build, as trainers compiled with -march=native run them
# (the suite runs it where the processor has both).
ifeq ($(shell uname -m),x86_64)
$(BUILD)/tests/kernels/avx2.o $(BUILD)/tests/kernels/avx2_export.o: ALL_CFLAGS += -mavx2 -mfma
# The int8 kernels' AVX2 and AVX-512 VNNI paths (the suite runs each where the processor
# has it, and compares their bytes with the plain C's).
$(BUILD)/tests/kernels/int8_avx2.o: ALL_CFLAGS += -mavx2
$(BUILD)/tests/kernels/int8_vnni.o: ALL_CFLAGS += -mavx512f -mavx512bw -mavx512vnni
endif

$(BUILD)/run_tests: $(TEST_OBJ) $(COMPILER_OBJ) $(RUNTIME_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lcunit -lpng -lprotobuf-c -lm -pthread

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

# The quick tier: every suite but the SLOW ones of tests/unit/suites.def (no trainers
# built, no end-to-end scripts), in seconds; it needs the build dependencies and CUnit.
test: $(BUILD)/netc $(BUILD)/run_tests
	$(BUILD)/run_tests --quick

# The whole run's wall-clock time last: CUnit's "Elapsed time" is its own CPU time only.
# The build takes one job per processor unless make was given -j.
CHECK_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1))
check: deps
	@start=$$(date +%s); \
	$(MAKE) $(CHECK_JOBS) $(BUILD)/netc $(RUNTIME_LIB) $(BUILD)/run_tests && $(BUILD)/run_tests; rc=$$?; \
	t=$$(($$(date +%s) - start)); \
	echo "make check: $$((t / 60)) min $$((t % 60)) s of wall-clock time in all"; exit $$rc

demo: deps-build $(BUILD)/netc $(RUNTIME_LIB)
	BUILD=$(BUILD) tools/demo.sh

bench: $(BUILD)/netc $(RUNTIME_LIB)
	BUILD=$(BUILD) bench/run.sh

# netc --emit web's page beside the native trainer and TensorFlow.js, ConvNetJS, brain.js
# in headless Chromium (bench/web.sh; npm, chromium): bench/results/web.md.  Not a test.
bench-web: $(BUILD)/netc $(RUNTIME_LIB)
	BUILD=$(BUILD) bench/web.sh

# The compiler, runtime and tests under AddressSanitizer and UBSan, in their own tree:
# the tests run build-asan/netc, and the trainers it builds are sanitized too.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: deps
	$(MAKE) BUILD=build-asan CFLAGS='$(ASAN_FLAGS)' build-asan/netc build-asan/run_tests
	NETC=build-asan/netc CFLAGS='$(ASAN_FLAGS)' build-asan/run_tests

$(BUILD)/netc: $(BUILD)/compiler/main.o $(COMPILER_OBJ) | $(RUNTIME_LIB) $(BUILD)/runtime-src
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lprotobuf-c -lm

# Where `make install` puts things.  netc finds its runtime relative to its own binary
# (BINDIR -> LIBDIR, INCLUDEDIR/netc, DATADIR/netc): those relative paths are compiled
# into compiler/locate.c; in the build tree, BUILD/libnetcrt.a and BUILD/runtime-src.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
DOCDIR      ?= $(DATADIR)/doc/netc
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
VIMDIR      ?= $(DATADIR)/vim/vimfiles
EMACSDIR    ?= $(DATADIR)/emacs/site-lisp
relative_to_bin = $(shell realpath -m --relative-to='$(BINDIR)' '$(1)')
DIRS_DEFS := -DNETC_BIN_TO_LIB='"$(call relative_to_bin,$(LIBDIR))"' \
             -DNETC_BIN_TO_INCLUDE='"$(call relative_to_bin,$(INCLUDEDIR))"' \
             -DNETC_BIN_TO_DATA='"$(call relative_to_bin,$(DATADIR))"'
$(BUILD)/compiler/locate.o: ALL_CFLAGS += $(DIRS_DEFS)
$(BUILD)/compiler/locate.o: $(BUILD)/dirs.txt
# Rewritten only when the directories change, so that locate.o is rebuilt then only.
$(BUILD)/dirs.txt: FORCE | $(BUILD)/.dir
	@echo '$(DIRS_DEFS)' | cmp -s - $@ || echo '$(DIRS_DEFS)' > $@
$(BUILD)/runtime-src: | $(BUILD)/.dir
	ln -sfn $(CURDIR)/runtime $@
$(BUILD)/netc.pc: netc.pc.in FORCE | $(BUILD)/.dir
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(shell sed -n 's/.*NETC_VERSION "\(.*\)"/\1/p' compiler/check/network.h)|' $< > $@
.PHONY: FORCE install uninstall netc

# What make install writes, as DEST:SOURCE pairs under $(DESTDIR) (uninstall removes them).
RUNTIME_HEADERS := $(wildcard runtime/*.h runtime/*/*.h)
INSTALL_FILES := \
    $(BINDIR)/netc:$(BUILD)/netc \
    $(LIBDIR)/libnetcrt.a:$(RUNTIME_LIB) \
    $(PKGCONFIGDIR)/netc.pc:$(BUILD)/netc.pc \
    $(foreach h,$(RUNTIME_HEADERS),$(INCLUDEDIR)/netc/$(h:runtime/%=%):$(h)) \
    $(DATADIR)/netc/mpi/netc_mpi.c:runtime/mpi/netc_mpi.c \
    $(foreach m,$(wildcard man/*.[0-9]),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)):$(m)) \
    $(BASHCOMPDIR)/netc:completion/netc.bash \
    $(ZSHCOMPDIR)/_netc:completion/_netc \
    $(VIMDIR)/syntax/netc.vim:editors/vim/syntax/netc.vim \
    $(VIMDIR)/ftdetect/netc.vim:editors/vim/ftdetect/netc.vim \
    $(EMACSDIR)/netc-mode.el:editors/emacs/netc-mode.el \
    $(DATADIR)/netc/editors/netc.tmLanguage.json:editors/textmate/netc.tmLanguage.json \
    $(foreach d,README.md $(wildcard docs/*.md),$(DOCDIR)/$(notdir $(d)):$(d)) \
    $(foreach f,$(wildcard samples/*.net samples/*.csv),$(DOCDIR)/examples/$(notdir $(f)):$(f))
INSTALL_EXISTING := $(foreach p,$(INSTALL_FILES),$(if $(wildcard $(lastword $(subst :, ,$(p)))),$(p),$(if $(filter $(BUILD)/%,$(lastword $(subst :, ,$(p)))),$(p))))

install: $(BUILD)/netc $(RUNTIME_LIB) $(BUILD)/netc.pc
	@set -e; for p in $(INSTALL_EXISTING); do \
	    dest="$(DESTDIR)$${p%%:*}"; src="$${p#*:}"; \
	    case "$$src" in $(BUILD)/netc) mode=755;; *) mode=644;; esac; \
	    echo "install $$src $$dest"; install -D -m $$mode "$$src" "$$dest"; \
	done

uninstall:
	@for p in $(INSTALL_FILES); do rm -f "$(DESTDIR)$${p%%:*}"; done
	@for d in $(INCLUDEDIR)/netc $(DATADIR)/netc $(DOCDIR); do \
	    [ ! -d "$(DESTDIR)$$d" ] || find "$(DESTDIR)$$d" -depth -type d -empty -delete; \
	done

# libFuzzer on the front end and the readers: FUZZ_SECONDS each (make check runs 30).
FUZZ_SECONDS ?= 60
fuzz: deps
	tools/fuzz.sh $(FUZZ_SECONDS)

# Rewrite the expected diagnostics and code snapshots from netc's current output; the
# files that changed are listed, for review with git diff.
golden: $(BUILD)/netc
	@for f in tests/diagnostics/*.net; do $(BUILD)/netc --check "$$f" 2> "$${f%.net}.err" >/dev/null; done
	@for c in tests/snapshots/*.cmd; do \
	    name=$$(basename "$$c" .cmd); \
	    sh tests/snapshots/generate.sh $(BUILD)/netc "$$name" "tests/snapshots/$$name" || exit 1; \
	done
	@git status --short tests/diagnostics tests/snapshots

clean:
	rm -rf $(BUILD) build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

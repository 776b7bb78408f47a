# Traceformer — plain GNU make. `make help` lists the targets.

CC      ?= cc
CFLAGS  ?= -std=c11 -O2 -g -Wall -Wextra
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

PKGS      := ncursesw inih libdeflate openblas pangocairo fontconfig
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# test programs: cmocka, libpng to read the plotted images back (test_plot),
# zlib's crc32 as the reference the CRC is checked against
CMOCKA_LIBS := $(shell pkg-config --libs cmocka libpng zlib 2>/dev/null)

# A small pool of threads of our own shares the rows and heads of a forward
# pass among the BLAS's threads (src/core/parallel.c). Compiled and linked
# with -pthread through ALL_CFLAGS, after CFLAGS, so the sanitizer, strict
# and fuzz builds, which set CFLAGS, have it too.
PTHREAD_CFLAGS := -pthread

DATADIR := $(PREFIX)/share/traceformer
ALL_CPPFLAGS := -Isrc -D_POSIX_C_SOURCE=200809L -DTF_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   := $(CFLAGS) $(PTHREAD_CFLAGS) -MMD -MP
ALL_LDLIBS   := $(PKG_LIBS) -lm $(LDLIBS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/io/*.c src/text/*.c src/doc/*.c src/model/*.c src/trace/*.c src/plot/*.c src/train/*.c src/view/*.c src/run/*.c src/lesson/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
SUP_OBJ  := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libtraceformer.a
PROG     := $(BUILD)/traceformer
BENCH    := $(BUILD)/bench/bench
BENCH_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard bench/*.c)))

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

.PHONY: all deps deps-check demo test test-unit test-cli test-asan strict strict-bin bench images clean install uninstall help

all: $(PROG)

help:
	@echo 'Traceformer make targets:'
	@echo '  make            build $(PROG)'
	@echo '  make demo       install missing Debian packages, build, open lesson 1 in the viewer'
	@echo '  make test       the same set-up, make strict, then every test (also under ASan + UBSan), then'
	@echo '                  a short fuzz pass (about FUZZ_TEST_SECONDS=$(FUZZ_TEST_SECONDS) s per harness; clang needed, or TF_ALLOW_SKIP=1)'
	@echo '  make fuzz       every fuzz harness (tests/fuzz/) for FUZZ_SECONDS=$(FUZZ_SECONDS) s each, with'
	@echo '                  clang'"'"'s libFuzzer + ASan + UBSan; a crash fails it, the input kept in build-fuzz/'
	@echo '  make strict     build everything once with the warnings CI requires, each an error ($(STRICT_BUILD)/)'
	@echo '  make bench      benchmark figures, one "name: value unit" line each'
	@echo '  make images     the default example'"'"'s figures (gnuplot) as PNG in out/'
	@echo '  make models     train the shipped models lessons/models/{copy,reverse,phrasebook,poems}.tfw'
	@echo '  make lessons    every lesson'"'"'s figures as PNG in out/lessons/NN-slug/'
	@echo '  make deps       install the Debian packages the project needs (root)'
	@echo '  make deps-ref   install python3-torch and python3-numpy, for make ref (root)'
	@echo '  make ref        regenerate the PyTorch reference fixtures in tests/ref/cases'
	@echo '  make install    PREFIX=$(PREFIX) DESTDIR=...: program, lessons, viz scripts'
	@echo '  make clean      remove build output'
	@echo '  V=1             show full commands'

deps:
	$(Q)sh scripts/deps.sh

# The reference fixtures: PyTorch's nn.Transformer, intermediate by
# intermediate (tests/ref/gen_fixtures.py). They are committed, so `make
# test` needs no Python; `make ref` writes the same bytes again.
.PHONY: deps-ref ref
deps-ref:
	$(Q)sh scripts/deps-ref.sh

ref: deps-ref
	$(Q)/usr/bin/python3 tests/ref/gen_fixtures.py

# The elementwise kernels of a forward pass: loops over a row or a tensor
# that gcc vectorises at -O3 (-O2's "very cheap" cost model gives up on a
# loop that needs a remainder or a runtime aliasing check: all of them).
# -fno-trapping-math lets it turn the ?: selects of softmax's exp into
# vector blends: the values are the same, only the floating-point exception
# flags, which nothing reads, may differ. Added after CFLAGS, so the
# sanitizer and strict builds, which set CFLAGS, compile the same loops.
KERNEL_SRC    := src/core/activation.c src/core/elementwise.c src/core/layernorm.c src/core/softmax.c
KERNEL_CFLAGS ?= -O3 -fno-trapping-math
$(KERNEL_SRC:%.c=$(BUILD)/%.o): ALL_CFLAGS += $(KERNEL_CFLAGS)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROG): $(CLI_OBJ) $(LIB)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(ALL_LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(SUP_OBJ) $(LIB)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(TEST_LDFLAGS) -o $@ $< $(SUP_OBJ) $(LIB) $(CMOCKA_LIBS) $(ALL_LDLIBS)

# test_lesson_walk walks the real lessons through the command line's lesson
# adapter (src/cli/lesson_view.c), so it links the command line's objects
# but its main.
CLI_LIB_OBJ := $(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJ))
$(BUILD)/tests/test_lesson_walk: $(BUILD)/tests/unit/test_lesson_walk.o $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB) $(CMOCKA_LIBS) $(ALL_LDLIBS)

# test_cli_options parses with the command line's option table
# (src/cli/cli_options.c), so it links the command line's objects too.
$(BUILD)/tests/test_cli_options: $(BUILD)/tests/unit/test_cli_options.o $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB) $(CMOCKA_LIBS) $(ALL_LDLIBS)

# The fuzz harnesses: make fuzz, test-fuzz, test-fuzz-regress.
include tests/fuzz/fuzz.mk

# test_decode counts the multiply-adds of every matrix product the engine
# computes, by wrapping the two product functions (ld --wrap).
$(BUILD)/tests/test_decode: TEST_LDFLAGS = -Wl,--wrap=linear_forward -Wl,--wrap=matmul_forward

$(BENCH): $(BENCH_OBJ) $(LIB)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(LIB) $(ALL_LDLIBS)

# The installed program looks for its data under $(DATADIR): rebuild the
# file that knows it whenever PREFIX changes.
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(BUILD)/src/cli/paths.o: $(BUILD)/datadir.stamp
.PHONY: FORCE
FORCE:

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/demo.sh $(PROG)

# Every test: the strict build, unit tests, command-line tests, then the
# same again under AddressSanitizer + UndefinedBehaviorSanitizer in a
# separate build tree.
test: deps
	$(Q)$(MAKE) --no-print-directory strict
	$(Q)$(MAKE) --no-print-directory test-unit test-cli
	$(Q)sh tests/test_install.sh
	$(Q)$(MAKE) --no-print-directory test-asan
	$(Q)$(MAKE) --no-print-directory test-fuzz

test-unit: $(TEST_BIN) $(PROG) $(FUZZ_REGRESS)
	$(Q)sh tests/run_unit.sh $(BUILD) $(TEST_BIN)
	$(Q)sh tests/fuzz/regress.sh $(BUILD) $(FUZZ_NAMES)

# tests/cli/test_symbol_names.sh reads which library symbols the tests and
# bench use from their objects, so those are built first.
SYMBOL_USERS := $(TEST_SRC:%.c=$(BUILD)/%.o) $(SUP_OBJ) $(FUZZ_REGRESS:%=%.o) \
                $(FUZZ_SUP_OBJ) $(BUILD)/tests/fuzz/regress_main.o $(BENCH_OBJ)
test-cli: $(PROG) $(SYMBOL_USERS)
	$(Q)sh tests/run_cli.sh $(PROG)

test-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS='-std=c11 -O1 -g -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' \
	  LDFLAGS='-fsanitize=address,undefined' test-unit test-cli

# Everything (program, test programs, fuzz regression harnesses, bench)
# built once in its own tree with the warnings CI holds the code to, every
# one an error: shadowed names, and format strings the compiler cannot
# check (-Wformat-nonliteral). -Wsign-conversion stays off.
STRICT_BUILD  := build-strict
STRICT_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wformat=2 -Wformat-nonliteral -Werror
strict:
	$(Q)$(MAKE) --no-print-directory BUILD=$(STRICT_BUILD) CFLAGS='$(STRICT_CFLAGS)' strict-bin
	@echo 'strict build ($(STRICT_BUILD)): no warnings'

strict-bin: $(PROG) $(TEST_BIN) $(FUZZ_REGRESS) $(BENCH)

# The shipped models: each task's default model and options, seed 1.
# Training is single-threaded and seeded, so the files come out the same
# bit for bit on every run. OpenBLAS picks its kernels by CPU, and another
# kernel rounds differently, so the kernel is pinned to Haswell's (AVX2 +
# FMA, what x86-64 CPUs since 2013 run): the same bits on any such machine.
# poems reads the Tang poems of fortunes-zh (make deps), which the file
# records; its probe is the first couplet of 静夜思.
MODELS := copy reverse phrasebook
.PHONY: models
models: $(PROG)
	$(Q)mkdir -p lessons/models
	$(Q)for t in $(MODELS); do OPENBLAS_CORETYPE=Haswell $(PROG) train --task $$t --seed 1 \
	  --trace-every 100 --probe "$$(case $$t in phrasebook) echo 猫 追 老鼠;; *) echo a b c d e f;; esac)" \
	  -o lessons/models/$$t.tfw || exit 1; done
	$(Q)OPENBLAS_CORETYPE=Haswell $(PROG) train --task poems --seed 1 --trace-every 50 \
	  --probe "床前明月光，疑是地上霜。" -o lessons/models/poems.tfw

# The default example's figures: traceformer plot's default set, as PNG.
images: $(PROG)
	$(Q)mkdir -p out
	$(Q)$(PROG) run -q --lesson demo -o out/demo.trace
	$(Q)$(PROG) plot out/demo.trace -o out

# Every lesson's figures (traceformer lesson N --plot), into out/lessons/NN-slug/.
.PHONY: lessons
lessons: $(PROG)
	$(Q)for d in lessons/[0-9][0-9]-*/; do n=$$(basename $$d); \
	  $(PROG) lesson $$n --plot out/lessons/$$n || exit 1; done

# BENCH_PARTS: only some parts (bench/bench.c lists them), e.g. "pytorch generate".
bench: $(BENCH) $(PROG)
	$(Q)$(BENCH) $(BENCH_PARTS)

install: $(PROG)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/traceformer
	cp -R lessons viz $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/traceformer
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-install build-fuzz build-strict out

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Fuzzing (tests/fuzz/README.md): included by the Makefile.
#
# Every tests/fuzz/fuzz_NAME.c is one harness. It is linked twice:
#   $(BUILD)/tests/fuzz/fuzz_NAME  with regress_main.c, by any compiler, in
#       every build tree: `make test` runs the kept inputs of
#       tests/fuzz/regress/NAME/ through it (so also under ASan + UBSan);
#   build-fuzz/fuzz/fuzz_NAME      with clang's libFuzzer, ASan and UBSan,
#       the library compiled into build-fuzz/ with the same flags: `make fuzz`.

FUZZ_NAMES   := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_support.c,$(wildcard tests/fuzz/fuzz_*.c))))
FUZZ_SUP_OBJ := $(BUILD)/tests/fuzz/fuzz_support.o
FUZZ_REGRESS := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/fuzz_%)
FUZZ_BIN     := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

# Seconds each harness runs: `make fuzz` (FUZZ_SECONDS) and the short pass
# of `make test` (FUZZ_TEST_SECONDS).
FUZZ_SECONDS      ?= 30
FUZZ_TEST_SECONDS ?= 15
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer

$(FUZZ_REGRESS): $(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/regress_main.o \
                 $(FUZZ_SUP_OBJ) $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(CMOCKA_LIBS) $(ALL_LDLIBS)

# Only meaningful in a tree built with FUZZ_CFLAGS (fuzz-build below).
$(FUZZ_BIN): $(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_SUP_OBJ) $(SUP_OBJ) $(CLI_LIB_OBJ) $(LIB)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LIB) $(CMOCKA_LIBS) $(ALL_LDLIBS)

.PHONY: fuzz fuzz-build fuzz-bin test-fuzz test-fuzz-regress

# The kept inputs, through the harnesses built in $(BUILD).
test-fuzz-regress: $(FUZZ_REGRESS)
	$(Q)sh tests/fuzz/regress.sh $(BUILD) $(FUZZ_NAMES)

fuzz-bin: $(FUZZ_BIN)

# The libFuzzer harnesses, in build-fuzz/.
fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC='$(FUZZ_CC)' CFLAGS='$(FUZZ_CFLAGS)' \
	  LDFLAGS='-fsanitize=address,undefined' fuzz-bin

# Every harness for FUZZ_SECONDS, on a corpus kept in build-fuzz/corpus/.
fuzz: $(PROG)
	$(Q)FUZZ_CC='$(FUZZ_CC)' MAKE='$(MAKE)' sh tests/fuzz/fuzz.sh $(PROG) $(FUZZ_SECONDS) keep $(FUZZ_NAMES)

# The short pass of `make test`: FUZZ_TEST_SECONDS each, from the seeds and
# kept inputs alone, fixed seed; without clang's libFuzzer a failure, or a
# skip when TF_ALLOW_SKIP=1.
test-fuzz: $(PROG)
	$(Q)FUZZ_CC='$(FUZZ_CC)' MAKE='$(MAKE)' sh tests/fuzz/fuzz.sh $(PROG) $(FUZZ_TEST_SECONDS) fresh $(FUZZ_NAMES)

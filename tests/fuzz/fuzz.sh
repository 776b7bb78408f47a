#!/bin/sh
# Build the libFuzzer harnesses (build-fuzz/) and run each for a while.
# usage: fuzz.sh PATH/TO/traceformer SECONDS keep|fresh NAME...
#   keep   `make fuzz`: the corpus grows in build-fuzz/corpus/NAME/ from run
#          to run; without clang's libFuzzer this is an error.
#   fresh  `make test`: from the seeds and kept inputs alone, in a corpus
#          emptied first, for a fixed number of executions (about SECONDS
#          on the machine the rates below were measured on; SECONDS × 3 at
#          most), so a pass finds the same things on any machine;
#          without clang's libFuzzer it fails, or is skipped when
#          TF_ALLOW_SKIP=1 (the suite's one skip rule, tests/support/skip.sh).
# Prints per harness: executions, coverage (cov: edges, ft: features, from
# libFuzzer's last status line), and any crash with its input's path and
# the top of its stack. Exit 1 when any harness crashed.
# Environment: MAKE, FUZZ_CC (default clang).
set -u
# Byte-wise text handling: libFuzzer's status lines can quote input bytes.
LC_ALL=C
export LC_ALL
tf=$1; seconds=$2; mode=$3; shift 3
cc=${FUZZ_CC:-clang}
out=build-fuzz

# Is clang with libFuzzer, ASan and UBSan here? Try it on a tiny harness.
probe=$(mktemp -d "${TMPDIR:-/tmp}/tf_fuzzprobe_XXXXXX")
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$probe/t.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then
    rm -rf "$probe"
    if [ "$mode" = fresh ]; then
        . tests/support/skip.sh
        tf_skip fuzz "$cc cannot build a libFuzzer harness (install clang and libclang-rt-dev: make deps)" && exit 0
        exit 1
    fi
    echo "traceformer: fuzz: $cc cannot build a libFuzzer harness" >&2
    echo "hint: install clang and libclang-rt-dev (make deps)" >&2
    exit 1
fi
rm -rf "$probe"

${MAKE:-make} --no-print-directory FUZZ_CC="$cc" fuzz-build || exit 1
sh tests/fuzz/seeds.sh "$tf" "$out/seeds" || exit 1

dict_for() {
    case $1 in
        trace|trace_cli|tfw) echo tests/fuzz/formats.dict ;;
        *) echo "tests/fuzz/$1.dict" ;;
    esac
}

# Executions per second of each harness (nice'd, one core, ASan + UBSan,
# from its seeds), for the fixed number of executions of a fresh pass.
rate_for() {
    case $1 in
        npy|tokenizer|claims) echo 35000 ;;
        tfw) echo 10000 ;;
        trace) echo 6000 ;;
        trace_cli|ini) echo 2000 ;;
        lesson) echo 300 ;;
        *) echo 1000 ;;
    esac
}

crashed=""
for name in "$@"; do
    corpus=$out/corpus/$name
    [ "$mode" = fresh ] && corpus=$out/test-corpus/$name && rm -rf "$corpus"
    crashes=$out/crashes/$name
    mkdir -p "$corpus" "$crashes"
    log=$out/logs/$name.log
    mkdir -p "$out/logs"
    dirs="$corpus $out/seeds/$name"
    [ -d "tests/fuzz/regress/$name" ] && dirs="$dirs tests/fuzz/regress/$name"
    dict=$(dict_for "$name")
    dict_flag=""
    [ -f "$dict" ] && dict_flag="-dict=$dict"
    limit="-max_total_time=$seconds"
    [ "$mode" = fresh ] && limit="-runs=$(($(rate_for "$name") * seconds)) -max_total_time=$((seconds * 3))"
    # One process (no -jobs), a fixed seed, a generous per-input timeout
    # (a loaded machine must not make a slow input look like a hang).
    # shellcheck disable=SC2086
    nice -n 10 "$out/fuzz/fuzz_$name" -seed=1 $limit -timeout=60 \
        -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$crashes/" \
        $dict_flag $dirs >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    status=$(grep -aE '^#[0-9]+.*cov: ' "$log" | tail -1)
    cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -1)
    printf 'fuzz %-10s %9s runs  cov %5s  ft %6s' "$name:" "${runs:-?}" "${cov:-?}" "${ft:-?}"
    if [ $rc -ne 0 ] || [ -n "$input" ]; then
        echo "  CRASH"
        crashed="$crashed $name"
        echo "  input: ${input:-(none written; exit $rc)}"
        echo "  log:   $log"
        grep -aE '^==[0-9]+==ERROR|^SUMMARY|runtime error|ALARM|out-of-memory' "$log" | head -3 | sed 's/^/  /'
        grep -aE '^ *#[0-9]+ 0x' "$log" | head -8 | sed 's/^/  /'
        echo "  to keep it as a regression input: cp $input tests/fuzz/regress/$name/"
    else
        echo
    fi
done
[ "$mode" = fresh ] && rm -rf "$out/test-corpus"
if [ -n "$crashed" ]; then
    echo "fuzz: crashes in:$crashed"
    exit 1
fi
echo "fuzz: $# harnesses, no crash"

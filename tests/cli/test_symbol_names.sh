# The naming rule for the library's external symbols, checked on the
# objects the build made (nm), so a name that says nothing about whose it
# is, or a function nobody else calls, cannot slip in.
#
# The rule. Every symbol an object of src/ exports (nm -g --defined-only)
# starts with a prefix naming the concept of the file that defines it,
# followed by an underscore (`main` alone is left as it is):
#   - the file's stem:                  row_stats_  in core/row_stats.c
#   - its room:                         view_ trace_ lesson_ cli_ plot_
#                                       model_ train_ text_ io_ core_ run_
#   - the first word of the file's name, singular or plural:
#                                       weights_ in model/weights_file.c,
#                                       claim_ in lesson/claims_eval.c,
#                                       layer_ in model/layer_steps.c
# One convention on top: in core/ and train/ an operation and its backward
# twin are named OP_forward / OP_backward (optionally _reference), as
# PyTorch and llm.c name them (relu_forward, matmul_backward,
# cross_entropy_forward, attention_backward).
#
# And every exported symbol is used by some other object: of src/, of the
# tests (tests/unit, tests/support, tests/fuzz) or of bench/. One used
# only inside its own file should be static; one used nowhere, deleted;
# one used only by tests belongs in tests/support, unless it is part of a
# module's API on purpose (allow_test_only below).
#
# Objects are read from the build directory next to $TF, and only those
# whose .c still exists (the build directory may hold stale ones); make
# test-cli builds the objects of the tests and bench first.
. tests/cli/lib.sh
SRC=$(pwd)
BUILD=$(dirname "$TF")

# Library API that only tests use, on purpose: the symbol and why. Most are
# used inside their own file too (the part of a module a test checks on its
# own); none may be used by another object of src/ or bench (then it is
# no longer test-only and leaves this list).
allow_test_only() { cat <<'LIST'
corpus_parse               the corpus reader on bytes in memory, which corpus_read runs on a
                             file's; the tests give it every malformed text directly
parallel_workers_started   how many threads the pool has started: the tests check that a
                             pass at one thread starts none
simd_force                 the kernels at a chosen vector width: the tests hold the AVX2
                             copies to the baseline's bits
linear_forward_reference   the plain loops linear_forward and matmul_forward run for small
matmul_forward_reference     products; the tests hold the OpenBLAS path against them
linear_backward_reference  the same for the backward twins
matmul_backward_reference
row_stats_float            the row rule in float32, as row_stats_matrix applies it; tests hold
                             it against the double entry point the claims use
trace_reader_values        values of a record checked by the 64 KiB chunks they lie in (3.x):
                             the reader's per-page read; the tests check it, the viewer and
                             show still fetch whole records (trace_reader_get)
rng_range                  one uniform draw in [lo, hi): the seeded weights take theirs n at a
                             time (rng_fill_range, checked against it); tests draw their data
positions_relative_bucket  T5 bucket of one offset, which the table is made of; tests check it
generator_step_register    the two halves of generator_step: tests check the slots one step
generator_step_run           registers before and after it runs
activations_find           a slot by name: the tests read single slots of a pass with it
claim_slice                the slicing step of claim_eval, which the claims fuzz harness drives
lesson_view_prepare        the lesson viewer without a terminal: the lesson walk test steps
lesson_view_free             every lesson through the view state with it
plot_norms                 the figures plot_list draws, one kind each, so the plot tests
                             can draw one and read the image back
plot_generation
plot_train_curves
plot_film
printable_file_problem     the rule printable_file_check applies, with the line and column
utf8_prefix_for_width      the UTF-8 module: a prefix cut by display columns (text_fit uses
                             utf8_width; tests and the tokenizer fuzz harness use this)
export_write_csv           the CSV export to any stream; export_write_dat is the program's
record_name_step_is        part of record_name_parse's table that its tests check
grad_param_kind            which parameter a gradient key names, used by grad_records_add
task_phrasebook_size       how many sentences the phrasebook grammar makes (the dataset sizes)
task_tokens_join           tokens into Config's sentence form, used by the task generator
palette_rgb                the colours palette_ink chooses between; the tests check contrast
palette_luminance
view_numbers_on            whether cells show numbers, which the matrix pane asks internally
byte_cursor_u8             the cursor reads every width the format may need; the readers
byte_cursor_u64              use u16/u32/f32/f64 (f64 is u64's bits) and the tests check
byte_cursor_skip             the bounds of all of them
lesson_switch_is_default   whether a switch is at its default, which the tests ask of every row
verse_form_add_text        the line-form rate of plain text, as the tests write verse by hand
ngram_fit_lambda           the baselines with λ given, and their probabilities one by one:
ngram_unigram_prob           the tests check them against hand-computed values (the program
ngram_bigram_prob            fits λ itself and reads only the bits)
LIST
}

if ! need nm "the symbols of the library's objects"; then finish; fi

# The library's objects (src/) and their users' (tests, bench), each
# listed only when its source file exists.
: >"$WORK/lib.list"
for c in $(cd "$SRC" && find src -name '*.c' | sort); do
    o="$BUILD/${c%.c}.o"
    if [ -f "$o" ]; then echo "$c $o" >>"$WORK/lib.list"; else
        bad "no object for $c in $BUILD (build it first)"; fi
done
: >"$WORK/users.list"
missing=""
for c in $(cd "$SRC" && ls tests/unit/*.c tests/support/*.c tests/fuzz/*.c bench/*.c); do
    o="$BUILD/${c%.c}.o"
    if [ -f "$o" ]; then echo "$o" >>"$WORK/users.list"; else missing="$missing $c"; fi
done

# defs: SOURCE SYMBOL per exported symbol; uses: OBJECT SYMBOL per
# undefined reference. Names that begin with two underscores are the
# compiler's and the sanitizers' (ASan's __odr_asan.NAME beside each
# global), never the project's.
: >"$WORK/defs"; : >"$WORK/uses"
while read -r c o; do
    nm -g --defined-only -P "$o" | awk -v c="$c" '$1 !~ /^__/ { print c, $1 }' >>"$WORK/defs"
    nm -u -P "$o" | awk -v o="$o" '{ print o, $1 }' >>"$WORK/uses"
done <"$WORK/lib.list"
while read -r o; do
    nm -u -P "$o" | awk -v o="$o" '{ print o, $1 }' >>"$WORK/uses"
done <"$WORK/users.list"
n=$(wc -l <"$WORK/defs")
[ "$n" -gt 100 ] && ok "$n exported symbols read from $BUILD" ||
    bad "only $n exported symbols found in $BUILD"

# The prefix rule.
awk '
function ok_prefix(sym, p) { return index(sym, p "_") == 1 }
{
    src = $1; sym = $2
    if (sym == "main") next
    n = split(src, part, "/"); room = part[2]
    stem = part[n]; sub(/\.c$/, "", stem)
    first = stem; sub(/_.*/, "", first)
    single = first; sub(/s$/, "", single)
    if (ok_prefix(sym, stem) || ok_prefix(sym, room) || ok_prefix(sym, first) ||
        ok_prefix(sym, single) || ok_prefix(sym, first "s"))
        next
    if ((room == "core" || room == "train") &&
        sym ~ /^[a-z0-9_]+_(forward|backward)(_reference)?$/)
        next
    print src ":" sym
}' "$WORK/defs" >"$WORK/breakers"
if [ -s "$WORK/breakers" ]; then
    bad "$(wc -l <"$WORK/breakers") exported symbols do not start with their file's, its room's or its first word's name:"
    sed 's/^/       | /' "$WORK/breakers"
else
    ok "every exported symbol names its file, room or first word"
fi

# Used elsewhere: by another object of src/, or by the tests or bench.
if [ -n "$missing" ]; then
    skip "objects of the tests or bench not built ($(echo $missing | cut -c1-80)...): make test-unit builds them"
else
    allow_test_only | awk '/^[a-z]/ { print $1 }' >"$WORK/allow"
    awk -v build="$BUILD/" '
    FILENAME == ARGV[1] { allow[$1] = 1; next }
    FILENAME == ARGV[2] {               # uses: OBJECT SYMBOL
        o = $1; s = $2
        if (index(o, build "src/") == 1 || index(o, build "bench/") == 1)
            lib_user[s] = lib_user[s] " " o
        else
            test_user[s] = 1
        next
    }
    {                                   # defs: SOURCE SYMBOL
        src = $1; sym = $2; own = build src; sub(/\.c$/, ".o", own)
        n = split(lib_user[sym], users, " "); other = 0
        for (i = 1; i <= n; i++) if (users[i] != own) other = 1
        if (other) next
        if (sym == "main") next
        if (sym in test_user) {
            if (!(sym in allow)) print src ":" sym " (only tests use it: tests/support, or allow_test_only)"
        } else {
            print src ":" sym " (no other object uses it: static, or delete it)"
        }
    }' "$WORK/allow" "$WORK/uses" "$WORK/defs" >"$WORK/unused"
    if [ -s "$WORK/unused" ]; then
        bad "$(wc -l <"$WORK/unused") exported symbols no other object of src/ uses:"
        sed 's/^/       | /' "$WORK/unused"
    else
        ok "every exported symbol is used by another object of src/, or is allowed test-only API"
    fi
    # an allowed name that is gone, or used by the program after all
    for s in $(cat "$WORK/allow"); do
        if ! grep -q " $s\$" "$WORK/defs"; then
            bad "allow_test_only names $s, which src/ does not export"
        elif grep " $s\$" "$WORK/uses" | grep -q "^$BUILD/\(src\|bench\)/"; then
            def=$(grep " $s\$" "$WORK/defs" | cut -d' ' -f1 | sed 's/\.c$/.o/')
            if grep " $s\$" "$WORK/uses" | grep "^$BUILD/\(src\|bench\)/" | grep -qv "^$BUILD/$def "; then
                bad "allow_test_only names $s, which the program uses: take it off the list"
            fi
        fi
    done
fi

finish

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
# module's API on purpose (ALLOW_TEST_ONLY below).
#
# Objects are read from the build directory next to $TF, and only those
# whose .c still exists (the build directory may hold stale ones).
. tests/cli/lib.sh
SRC=$(pwd)
BUILD=$(dirname "$TF")

# Library API that only tests use, on purpose: the symbol and why.
ALLOW_TEST_ONLY='
byte_cursor_u8      the cursor reads every width; the trace format has no lone byte yet
byte_cursor_u64     the cursor reads every width; the tests read the footer offset with it
byte_cursor_skip    the cursor moves past what a reader does not need; tests check the bounds
crc_update_chunked  the running CRC-32 fed in pieces, as a streaming writer would
'

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
# undefined reference.
: >"$WORK/defs"; : >"$WORK/uses"
while read -r c o; do
    nm -g --defined-only -P "$o" | awk -v c="$c" '{ print c, $1 }' >>"$WORK/defs"
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
    echo "$ALLOW_TEST_ONLY" | awk 'NF { print $1 }' >"$WORK/allow"
    awk -v build="$BUILD/" '
    FILENAME == ARGV[1] { allow[$1] = 1; next }
    FILENAME == ARGV[2] {               # uses: OBJECT SYMBOL
        o = $1; s = $2
        if (index(o, build "src/") == 1) { lib_user[s] = lib_user[s] " " o }
        else                             { test_user[s] = 1 }
        next
    }
    {                                   # defs: SOURCE SYMBOL
        src = $1; sym = $2; own = build src; sub(/\.c$/, ".o", own)
        n = split(lib_user[sym], users, " "); other = 0
        for (i = 1; i <= n; i++) if (users[i] != own) other = 1
        if (other) next
        if (sym == "main") next
        if (sym in test_user) {
            if (!(sym in allow)) print src ":" sym " (only tests use it: tests/support, or ALLOW_TEST_ONLY)"
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
    # an allowed name that is gone or used by the program after all
    for s in $(cat "$WORK/allow"); do
        if ! grep -q " $s\$" "$WORK/defs"; then bad "ALLOW_TEST_ONLY names $s, which src/ does not export"; fi
    done
fi

finish

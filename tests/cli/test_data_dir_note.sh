# TRACEFORMER_DATA supplies the gnuplot scripts gnuplot runs: a data folder
# is code. The README, where the variable is documented, and plot --help,
# which names it, say so.
. tests/cli/lib.sh
README="$PWD/README.md"
cd "$WORK"

# the paragraph that documents the variable carries the note
para=$(awk 'BEGIN{RS=""} /TRACEFORMER_DATA=DIR/' "$README")
printf '%s\n' "$para" > para.txt
expect_in para.txt "A data directory is code" "the README says a data directory is code"
expect_in para.txt "gnuplot, which can run any command" "that gnuplot runs its scripts"
expect_in para.txt "trust as much as the program" "and to trust it like the program"

expect_exit 0 "plot --help" -- "$TF" plot --help
tr '\n' ' ' <"$WORK/out" | tr -s ' ' >help.txt
expect_in help.txt "TRACEFORMER_DATA (the directory holding viz/; gnuplot runs its scripts, and they can run any command: trust it as you trust this program)" \
    "plot --help says it where it names the variable"

finish

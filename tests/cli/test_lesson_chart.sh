# A lesson's chart on the command line: `lesson 9 --plot DIR` draws
# [chart.scaling] into DIR/scaling.png beside its table DIR/scaling.dat,
# in Chinese with --lang zh; a chart whose value is not one number is
# refused naming lesson.ini:LINE, and nothing is written.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

if need gnuplot "lesson 9's chart"; then
    expect_exit 0 "lesson 9 --plot figs" -- "$TF" lesson 9 --plot figs
    expect_in "$WORK/out" "figs/scaling.png" "the chart is listed with the figures"
    if [ -s figs/scaling.png ] && [ -s figs/scaling.dat ]; then ok "scaling.png and scaling.dat written"; else
        bad "no figs/scaling.png or figs/scaling.dat"; fi
    expect_in figs/scaling.dat "# block: panel 1, series 2" "the table has the scores' std, not divided"
    if awk '/^# block: panel 1, series 2/ { b = 1; next } b && $1 == 256 { d = $2 - 20.0764; exit !(d < 1e-3 && d > -1e-3) }' \
        figs/scaling.dat; then ok "std at d_k = 256, not divided: 20.076, as the claim measures"; else
        bad "std at d_k = 256 not divided is not 20.076"; sed 's/^/       | /' figs/scaling.dat | head -30; fi
    expect_exit 0 "lesson 9 --plot zh --lang zh --format svg" -- "$TF" lesson 9 --plot zh --lang zh --format svg
    expect_in zh/scaling.svg "分数的标准差" "--lang zh: the panels' Chinese titles"
    expect_in zh/scaling.svg "除以 √d_k" "--lang zh: the series' Chinese names"

    # a value that is not one number: refused at plot time, with its line
    mkdir -p 99-chart
    sed 's/mean(rowmax(enc.0.attn.weights@d256_off))/rowmax(enc.0.attn.weights@d256_off)/' \
        "$SRC/lessons/09-scaling/lesson.ini" >99-chart/lesson.ini
    cp "$SRC/lessons/09-scaling/lesson.md" 99-chart/
    line=$(grep -n 'series = not divided | mean(rowmax' 99-chart/lesson.ini | cut -d: -f1)
    expect_exit 2 "a chart value that is not one number" -- "$TF" lesson ./99-chart --plot bad
    expect_in "$WORK/err" "lesson.ini:$line: chart scaling, series 'not divided' at d_k = 256: the value is" \
        "the error names lesson.ini:$line and the value"
    if [ -e bad ]; then bad "a figure was written although the chart failed"; else ok "nothing written"; fi
fi
finish

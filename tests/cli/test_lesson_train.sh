# Lesson runs that train (train = TASK in [run.NAME]): the fixture
# tests/lessons/99-training trains a tiny copy model twice (d_model 16,
# 40 updates) inside `lesson --check`, which says how long that took;
# its claims read the training traces' curves (first_below, a curve's
# last value) and a glob over the snapshots; the warmup switch reaches
# the run that does not set train_warmup and breaks the claim that says
# so, in --check and in the --breaks matrix; the probe is the run's
# sentence (a student's too), in the task's tokens; the training keys
# exclude weights, generate and train_step, and need train = TASK.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"
L="$SRC/tests/lessons/99-training"

expect_exit 0 "the training fixture --check" -- "$TF" lesson "$L" --check --traces kept
expect_in "$WORK/out" "trained 3 runs in " "the check says how long the training took"
expect_in "$WORK/out" "PASS  The task's warm-up (200 updates) is longer than the run" "the claim on the lr curve holds"
expect_in "$WORK/out" "PASS  With a warm-up longer than the run, the loss takes more updates" "first_below: the short warm-up gets there sooner"
expect_in "$WORK/out" "measured: 120 == 120 and 3 == 3 and 40 == 40" "a glob stacks the 3 snapshots; the last evaluation is at update 40"
expect_in "$WORK/out" "2 of 2 claims hold" "both claims hold"
for run in main short_warmup; do
    [ -s "kept/$run.trace" ] && ok "kept/$run.trace written" || bad "kept/$run.trace missing"
done
expect_exit 0 "ls the training trace" -- "$TF" ls kept/main.trace
for rec in train.loss train.lr train.eval.loss train.0.dec.0.cross_attn.weights train.40.dec.0.cross_attn.weights \
    train.lengths.accuracy; do
    expect_in "$WORK/out" "$rec " "the training trace has $rec"
done
expect_not_in "$WORK/out" "train.60." "no snapshot after the last update"
# eval_lengths = 3-5 on main only
expect_exit 0 "ls the other run's trace" -- "$TF" ls kept/short_warmup.trace
expect_not_in "$WORK/out" "train.lengths" "a run without eval_lengths has no lengths evaluation"

# seeded: the same lesson trains the same model, bit for bit (nothing kept
# between the two: both train)
expect_exit 0 "the fixture, nothing kept" -- env TRACEFORMER_CACHE=off "$TF" lesson "$L" --check --traces fresh1
expect_exit 0 "the fixture again" -- env TRACEFORMER_CACHE=off "$TF" lesson "$L" --check --traces fresh2
if cmp -s fresh1/main.trace fresh2/main.trace; then ok "two checks write the same training trace"; else
    bad "the training trace differs between two checks"; fi

# the training traces kept for next time (run/train_cache.h)
C=$WORK/cache
expect_exit 0 "a check that keeps its trainings" -- env TRACEFORMER_CACHE="$C" "$TF" lesson "$L" --check --traces c1
n=$(ls "$C/train" | grep -c '^train-.*\.trace$')
[ "$n" -eq 3 ] && ok "three trainings kept" || bad "kept $n trainings, not 3"
cmp -s fresh1/main.trace c1/main.trace && ok "keeping changes nothing in the trace" || bad "the kept run differs"
perm=$(stat -c %a "$C/train")
[ "$perm" = 700 ] && ok "the cache directory is private (700)" || bad "the cache directory is $perm"
expect_exit 0 "the check again, from what was kept" -- env TRACEFORMER_CACHE="$C" "$TF" lesson "$L" --check --traces c2
cmp -s fresh1/main.trace c2/main.trace && ok "the kept trace is the trained one, byte for byte" || bad "the kept trace differs"
# a kept file that is damaged is not used: the run trains again, right
for f in "$C"/train/train-*.trace; do printf 'garbage' | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null; done
expect_exit 0 "damaged kept files" -- env TRACEFORMER_CACHE="$C" "$TF" lesson "$L" --check --traces c3
cmp -s fresh1/main.trace c3/main.trace && ok "a damaged kept file is trained anew" || bad "a damaged kept file was used"
# a directory others may write to is not used, nor kept into
chmod 777 "$C/train"
rm -f "$C"/train/train-*.trace
expect_exit 0 "a cache others may write to" -- env TRACEFORMER_CACHE="$C" "$TF" lesson "$L" --check --traces c4
n=$(ls "$C/train" | grep -c '^train-' || true)
[ "$n" -eq 0 ] && ok "nothing kept in a directory others may write to" || bad "kept $n files in a shared directory"
chmod 700 "$C/train"
expect_exit 0 "TRACEFORMER_CACHE=off" -- env TRACEFORMER_CACHE=off "$TF" lesson "$L" --check --traces c5
n=$(ls "$C/train" | grep -c '^train-' || true)
[ "$n" -eq 0 ] && ok "off keeps nothing" || bad "off kept $n files"

expect_exit 0 "--check --lang zh" -- "$TF" lesson "$L" --check --lang zh
expect_in "$WORK/out" "训练了 3 个运行，用时 " "the training time in Chinese"

expect_exit 0 "lesson --help" -- "$TF" lesson --help
expect_in "$WORK/out" "--heads N  --norm pre|post" "help names the heads and norm switches"
expect_in "$WORK/out" "--warmup N       the learning-rate warm-up of every training run" "and the warmup switch"

# the warmup switch reaches the run without train_warmup, and breaks its claim
expect_exit 1 "--check --warmup 1" -- "$TF" lesson "$L" --check --warmup 1 --traces w1
expect_in "$WORK/out" "FAIL  The task's warm-up (200 updates) is longer than the run" "no warm-up: the lr falls after update 1"
if cmp -s kept/short_warmup.trace w1/short_warmup.trace; then ok "a run that sets train_warmup keeps its own"; else
    bad "--warmup 1 reached the run that sets train_warmup = 5"; fi
if cmp -s kept/main.trace w1/main.trace; then bad "--warmup 1 did not change the main run"; else
    ok "--warmup 1 reached the main run"; fi
expect_exit 2 "--warmup 0" -- "$TF" lesson "$L" --check --warmup 0
expect_in "$WORK/err" "--warmup '0': a whole number of warm-up updates" "a warm-up of 0 refused"

# --breaks: the columns of the new switches, each claim broken where it says
expect_exit 0 "the fixture --breaks" -- "$TF" lesson "$L" --breaks
expect_in "$WORK/out" "2 claims, 2 broken by a switch they declare; 1 facts; 0 questions; 0 cells not as declared; 0 errors" \
    "every cell as declared"
expect_in "$WORK/out" "  9  heads=1                     one head instead of several" "heads=1 is a column"
expect_in "$WORK/out" " 10  norm=post                   layer norm after each sublayer" "norm=post is a column"
expect_in "$WORK/out" " 11  warmup=1                    no learning-rate warm-up" "warmup=1 is a column"
expect_in "$WORK/out" " 12  warmup=5                    (named by a claim's breaks =)" "warmup=5, from a claim's breaks ="
row=$(grep -a '^claim still_warming ' "$WORK/out")
case "$row" in
*holds*holds*holds*holds*holds*holds*holds*holds*holds*holds*FAILS*FAILS) ok "still_warming fails under warmup=1 and warmup=5 only" ;;
*) bad "still_warming's row: $row" ;;
esac

# the probe is the run's sentence: a student's too, with the task's answer as its target
expect_exit 0 "--check --src 'b c a'" -- "$TF" lesson "$L" --check --src "b c a" --traces edited
expect_exit 0 "show the probe's target" -- "$TF" show edited/main.trace train.40.tgt.tokens
expect_in "$WORK/out" "<START>        b        c        a" "copy: the probe's target is the student's sentence"
expect_exit 2 "a student's token the task does not know" -- "$TF" lesson "$L" --check --src "a b x"
expect_in "$WORK/err" "--src: run main trains on task copy, which has no token 'x'" "names the token and the run"
expect_in "$WORK/err" "hint: the tokens task copy knows: a b c d e f g h i j" "and lists the task's tokens"

# `run --lesson N` traces one pass: a lesson whose main run trains says where its trace is
mkdir -p data/lessons && cp -r "$L" data/lessons/
expect_exit 2 "run --lesson of a training lesson" -- env TRACEFORMER_DATA="$WORK/data" "$TF" run --lesson 99 -o one.trace
expect_in "$WORK/err" "lesson 99's main run trains (train = copy): it is not one pass to run" "says why"
expect_absent one.trace "no trace written"

# load errors, each naming lesson.ini and the line
bad_lesson() {  # bad_lesson NAME SED-SCRIPT: the fixture with one change
    mkdir -p "$1"
    cp "$L/lesson.md" "$1/"
    sed "$2" "$L/lesson.ini" >"$1/lesson.ini"
}
bad_lesson 98-foreign 's/^src = a b c d$/src = a b z d/'
line=$(grep -n '^src = a b z d' 98-foreign/lesson.ini | cut -d: -f1)
expect_exit 2 "a sentence with a token outside the task" -- "$TF" lesson ./98-foreign --check
expect_in "$WORK/err" "lesson.ini:$line: run main trains on task copy, which has no token 'z'" "the line of the sentence"
expect_in "$WORK/err" "the tokens task copy knows: a b c d e f g h i j" "the task's tokens"

for other in "generate = 4" "train_step = yes" "weights = ../models/copy.tfw"; do
    key=${other%% =*}
    bad_lesson "97-$key" "s|^eval_lengths = 3-5\$|eval_lengths = 3-5\n$other|"
    line=$(grep -n '^train = copy' "97-$key/lesson.ini" | head -1 | cut -d: -f1)
    expect_exit 2 "train and $key in one run" -- "$TF" lesson "./97-$key" --check
    case $key in train_step) word="train_step = yes" ;; *) word=$key ;; esac
    expect_in "$WORK/err" "lesson.ini:$line: [run.main] has train = copy and $word: they exclude each other" \
        "train and $key refused, with the line"
done

bad_lesson 96-orphan '0,/^train = copy$/s///'
line=$(grep -n '^train_steps' 96-orphan/lesson.ini | head -1 | cut -d: -f1)
expect_exit 2 "training options without train =" -- "$TF" lesson ./96-orphan --check
expect_in "$WORK/err" "lesson.ini:$line: [run.main] sets training options but does not train" "names the first option's line"

bad_lesson 95-task 's/^train = copy$/train = translate/'
expect_exit 2 "an unknown task" -- "$TF" lesson ./95-task --check
expect_in "$WORK/err" "train = 'translate': the task to train on: copy, reverse, sort or phrasebook" "lists the tasks"

bad_lesson 94-len 's/^eval_lengths = 3-5$/eval_lengths = 5-3/'
expect_exit 2 "eval_lengths backwards" -- "$TF" lesson ./94-len --check
expect_in "$WORK/err" "eval_lengths = '5-3': held-out accuracy by length, A-B" "says how to write it"

bad_lesson 93-phrase 's/^train = copy$/train = phrasebook/'
expect_exit 2 "a phrasebook run without a target" -- "$TF" lesson ./93-phrase --check
expect_in "$WORK/err" "trains on task phrasebook, which has no token 'a'" "the copy sentence is not the phrasebook's"
# figures: training curves of several runs on one plot, and the film strip
if need gnuplot "the training figures"; then
    expect_exit 0 "lesson --plot" -- "$TF" lesson "$L" --plot figs
    expect_in "$WORK/out" "figs/loss.vs-short_warmup.png" "the loss of three runs, named after the second"
    expect_in "$WORK/out" "figs/short_warmup/accuracy.vs-main.png" "a figure of another run goes into its directory"
    expect_in "$WORK/out" "figs/film.dec.0.cross_attn.png" "the film strip"
fi
bad_lesson 97-figure 's/^figure = film |/figure = dec.0.cross_attn.weights vs @main vs @short_warmup |/'
expect_exit 2 "a record figure of three runs" -- "$TF" lesson ./97-figure --check
expect_in "$WORK/err" "cannot compare two runs" "refused: only curves and norms compare"
bad_lesson 96-figure 's/^figure = film |/figure = loss vs @short_warmup vs @short_warmup |/'
expect_exit 2 "a run drawn twice" -- "$TF" lesson ./96-figure --check
expect_in "$WORK/err" "draws run short_warmup twice" "names the run"
bad_lesson 95-figure 's/^figure = film |/figure = loss vs @short_warmup vs nope |/'
expect_exit 2 "not a run after vs" -- "$TF" lesson ./95-figure --check
expect_in "$WORK/err" "after 'vs' comes a run, as @RUN, not 'nope'" "says what was expected"
bad_lesson 94-figure 's/^figure = film |/figure = norms vs @short_warmup vs @slow_warmup |/'
expect_exit 2 "norms of three runs" -- "$TF" lesson ./94-figure --check
expect_in "$WORK/err" "the norms figure compares two runs, not 3" "refused"
# heads shapes the model: in lesson 2, which has runs of a trained file
# (copy.tfw, 4 heads) and runs that train, --heads 1 reaches the training
# run that does not set heads and leaves the file's runs as they are; in
# lesson 5, where every run loads a file, the file refuses it
expect_exit 0 "lesson 2 --check" -- "$TF" lesson 2 --check --traces l2
expect_in "$WORK/out" "PASS  Several heads learn faster" "one head against four: four learn faster"
expect_exit 1 "lesson 2 --check --heads 1" -- "$TF" lesson 2 --check --heads 1 --traces l2h1
expect_in "$WORK/out" "FAIL  Several heads learn faster" "--heads 1: the claim fails"
if cmp -s l2/main.trace l2h1/main.trace; then ok "--heads 1 leaves the copy model's run alone"; else
    bad "--heads 1 changed lesson 2's main run (copy.tfw)"; fi
if cmp -s l2/one_head.trace l2h1/one_head.trace; then ok "the run that sets heads = 1 keeps it"; else
    bad "--heads 1 changed the run that sets heads itself"; fi
expect_exit 0 "ls the four-head run trained with --heads 1" -- "$TF" ls l2h1/four_heads.trace
expect_in "$WORK/out" "train.40.dec.1.cross_attn.weights  [head=1," "--heads 1 reached the four-head run"
expect_exit 2 "lesson 5 --check --heads 1" -- "$TF" lesson 5 --check --heads 1
expect_in "$WORK/err" "--heads 1 contradicts" "every run of lesson 5 loads phrasebook.tfw: refused, with why"

finish

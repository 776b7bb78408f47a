# A lesson whose runs train (tests/lessons/99-training), in the viewer:
# the run is named by its probe sentence, read from the training trace's
# meta; U re-trains without the warm-up and the claims say what broke;
# an edited sentence becomes the probe, copied as the task copies it.
. tests/cli/lib.sh
need tmux "the lesson is viewed in a terminal" || finish
. tests/ui/tmux.sh
L="$(pwd)/tests/lessons/99-training"
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

ui_start train 140 40 "'$TF' lesson '$L'"
ui_wait "(run: main — a b c d → a b c d)" "the run is named by its probe and the task's answer"
ui_wait "train.loss [step=40]" "opens on the loss curve, the lesson's first step"
ui_keys U
ui_wait "(you changed: learning-rate warm-up)" "U: trained again without warm-up"
ui_wait "FAIL  The task's warm-up (200 updates) is longer than the run" "the claim the switch breaks says FAIL"
ui_keys Escape U
ui_wait "claims: 2 of 2 pass" "U again: the run's own warm-up, both claims hold"
ui_keys Escape e C-u
ui_type "c b a"
ui_keys Enter
ui_wait "(run: main — c b a → c b a)" "an edited sentence is the probe, copied"
ui_keys Escape q
ui_wait_exit 0 "q quits"
if [ -z "$(ls -A tmp)" ]; then ok "the training traces are gone"; else bad "left in TMPDIR: $(ls -A tmp)"; fi
finish

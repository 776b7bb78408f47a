# tmux.sh — drive a full-screen program in a real terminal: a private tmux
# server (sourced after tests/cli/lib.sh, which gives ok, bad and $WORK).
#
# Every test script gets its own server (tmux -L tf-test-PID, no config
# file), killed when the script ends however it ends, so tests never touch
# a person's tmux or each other. Nothing here sleeps for a fixed time to
# let the program catch up: ui_wait polls the screen until the text is
# there or the timeout (UI_TIMEOUT seconds, default 10) passes.
UI_SOCK="tf-test-$$"
UI_TIMEOUT=${UI_TIMEOUT:-10}
ui() { LC_ALL=C.UTF-8 tmux -u -L "$UI_SOCK" -f /dev/null "$@"; }
trap 'ui kill-server >/dev/null 2>&1; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# ui_start NAME WIDTH HEIGHT COMMAND: run COMMAND (one shell string) in a
# WIDTH×HEIGHT terminal with TERM=xterm-256color and a UTF-8 locale (set
# UI_ENV for more, e.g. NO_COLOR=1). When the program ends, the shell in
# the pane writes its exit code to $WORK/NAME.exit and the terminal's modes
# (stty -a) to $WORK/NAME.stty, then waits, so the screen can be read.
UI_N=0
UI_T=
ui_start() {
    UI_NAME=$1
    rm -f "$WORK/$1.exit" "$WORK/$1.stty" "$WORK/$1.tmp"
    # A new session first, then the old one goes: the server never runs
    # empty, so it never exits while the next session is being made.
    _old=$UI_T
    UI_N=$((UI_N + 1))
    UI_T="ui$UI_N"
    ui new-session -d -s "$UI_T" -x "$2" -y "$3" -c "$WORK" \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 ${UI_ENV:-} $4; echo \$? > '$WORK/$1.tmp'; stty -a > '$WORK/$1.stty' 2>&1; mv '$WORK/$1.tmp' '$WORK/$1.exit'; exec sleep 3600"
    [ -z "$_old" ] || ui kill-session -t "$_old" >/dev/null 2>&1
}

ui_screen() { ui capture-pane -p -t "$UI_T"; }
ui_keys() { ui send-keys -t "$UI_T" "$@"; }
ui_type() { ui send-keys -t "$UI_T" -l "$1"; }

# The program's process id: the child of the pane's shell (from /proc, so
# no procps is needed).
ui_pid() {
    awk -v pp="$(ui display -p -t "$UI_T" '#{pane_pid}')" '$4 == pp { print $1; exit }' /proc/[0-9]*/stat 2>/dev/null
}

# ui_resize W H: the terminal changes size (the program gets SIGWINCH).
ui_resize() { ui resize-window -t "$UI_T" -x "$1" -y "$2"; }

_ui_dump() {
    echo "       | screen:"
    ui_screen | sed 's/^/       | /'
}

# ui_wait TEXT DESCRIPTION: the screen shows TEXT (fixed string) in time.
ui_wait() {
    _n=$((UI_TIMEOUT * 10))
    while [ "$_n" -gt 0 ]; do
        if ui_screen | grep -qF -- "$1"; then ok "$2"; return 0; fi
        sleep 0.1; _n=$((_n - 1))
    done
    bad "$2: '$1' not on the screen after ${UI_TIMEOUT}s"; _ui_dump; return 1
}

# ui_wait_re REGEX DESCRIPTION: a line of the screen matches the extended
# regular expression REGEX in time (for text whose spacing the layout
# decides, such as tokens in cells).
ui_wait_re() {
    _n=$((UI_TIMEOUT * 10))
    while [ "$_n" -gt 0 ]; do
        if ui_screen | grep -qE -- "$1"; then ok "$2"; return 0; fi
        sleep 0.1; _n=$((_n - 1))
    done
    bad "$2: /$1/ not on the screen after ${UI_TIMEOUT}s"; _ui_dump; return 1
}

# ui_wait_gone TEXT DESCRIPTION: TEXT leaves the screen in time.
ui_wait_gone() {
    _n=$((UI_TIMEOUT * 10))
    while [ "$_n" -gt 0 ]; do
        if ! ui_screen | grep -qF -- "$1"; then ok "$2"; return 0; fi
        sleep 0.1; _n=$((_n - 1))
    done
    bad "$2: '$1' still on the screen after ${UI_TIMEOUT}s"; _ui_dump; return 1
}

# ui_wait_exit CODE DESCRIPTION: the program ended with CODE, and left the
# terminal as it found it: the normal screen (not the alternate one), the
# cursor shown, line editing and echo back on.
ui_wait_exit() {
    _n=$((UI_TIMEOUT * 10))
    while [ "$_n" -gt 0 ] && [ ! -f "$WORK/$UI_NAME.exit" ]; do sleep 0.1; _n=$((_n - 1)); done
    if [ ! -f "$WORK/$UI_NAME.exit" ]; then
        bad "$2: still running after ${UI_TIMEOUT}s"; _ui_dump; return 1
    fi
    _code=$(cat "$WORK/$UI_NAME.exit")
    if [ "$_code" = "$1" ]; then ok "$2 (exit $_code)"; else bad "$2: exit $_code, expected $1"; _ui_dump; fi
    _alt=$(ui display -p -t "$UI_T" '#{alternate_on} #{cursor_flag}')
    if [ "$_alt" = "0 1" ]; then ok "$2: normal screen and cursor back"; else
        bad "$2: terminal not restored (alternate screen, cursor shown: $_alt)"; fi
    if grep -qE '(^| )-icanon|(^| )-echo( |$)' "$WORK/$UI_NAME.stty"; then
        bad "$2: terminal modes not restored:"; sed 's/^/       | /' "$WORK/$UI_NAME.stty"
    else ok "$2: terminal modes restored (icanon, echo)"; fi
}

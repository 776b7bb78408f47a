/* view.c — the terminal session and the main loop. */
#include "view/view.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/draw.h"
#include "view/keys.h"
#include "view/paint.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_CAUGHT ((int)(sizeof caught / sizeof caught[0]))

/* No SA_RESTART: a signal interrupts the wait for a key at once. */
static void catch_signals(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction *old)
{
    for (int i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &old[i], NULL);
}

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* https://no-color.org: present and not empty. */
static bool no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && v[0];
}

/* Run the export with the terminal's file descriptors pointed at
 * /dev/null, so nothing gnuplot prints can scribble over the screen. */
static void perform_quietly(ViewState *s)
{
    fflush(stdout);
    fflush(stderr);
    int null = open("/dev/null", O_RDWR);
    int saved[3] = {-1, -1, -1};
    if (null >= 0)
        for (int fd = 0; fd < 3; fd++) {
            saved[fd] = dup(fd);
            dup2(null, fd);
        }
    view_perform_pending(s);
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < 3; fd++)
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    if (null >= 0)
        close(null);
}

static void handle_mouse(ViewState *s)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
        view_click(s, ev.y, ev.x);
    else if (ev.bstate & BUTTON4_PRESSED)
        view_wheel(s, ev.y, ev.x, -1);
#ifdef BUTTON5_PRESSED
    else if (ev.bstate & BUTTON5_PRESSED)
        view_wheel(s, ev.y, ev.x, 1);
#endif
}

Status view_run(const ViewConfig *cfg_in, int *signal_out, Error *err)
{
    *signal_out = 0;
    got_signal = 0;
    ViewConfig cfg = *cfg_in;
    cfg.theme.utf8 = locale_is_utf8();
    cfg.theme.color = false;  /* decided once the terminal is known */
    cfg.lines = 24;
    cfg.cols = 80;
    ViewState *s = malloc(sizeof *s);
    if (!s)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Status st = view_init(s, &cfg, err);
    if (st) {
        free(s);
        return st;
    }

    struct sigaction old[N_CAUGHT];
    catch_signals(old);
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        restore_signals(old);
        view_free(s);
        free(s);
        const char *term = getenv("TERM");
        st = error_set(err, TF_ERR_RUNTIME, "cannot drive this terminal (TERM=%s)", term ? term : "(unset)");
        error_hint(err, "set TERM to your terminal's type, e.g. TERM=xterm-256color");
        return st;
    }
    set_term(scr);
    set_escdelay(25);  /* Esc answers at once, not after a second */
    cbreak();          /* not raw: Ctrl-C still raises SIGINT, which the loop turns into a clean exit */
    noecho();
    keypad(stdscr, TRUE);
    if (has_colors() && !no_color()) {
        start_color();
        use_default_colors();
        s->theme.color = paint_init();
    }
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                  | BUTTON5_PRESSED
#endif
              ,
              NULL);
    mouseinterval(0);
    timeout(250);  /* wake now and then, so a signal is never missed */
    view_resize(s, LINES, COLS);

    bool dirty = true;
    while (!s->quit && !got_signal) {
        if (dirty) {
            view_draw(s);
            refresh();
            dirty = false;
        }
        if (s->pending != PENDING_NONE) {
            perform_quietly(s);
            clearok(curscr, TRUE);
            dirty = true;
            continue;
        }
        wint_t wc;
        int r = get_wch(&wc);
        if (r == ERR)
            continue;  /* timeout or a signal: the loop condition decides */
        dirty = true;
        if (r == KEY_CODE_YES) {
            if (wc == KEY_RESIZE)
                view_resize(s, LINES, COLS);  /* the one place a resize is handled */
            else if (wc == KEY_MOUSE)
                handle_mouse(s);
            else
                view_key(s, (int)wc);
        } else if (wc < 0x80) {
            if (wc == KEY_CTRL('l'))
                clearok(curscr, TRUE);
            view_key(s, (int)wc);
        } else
            view_input_char(s, (uint32_t)wc);  /* text for the line editor (猫); no key elsewhere */
    }

    endwin();
    delscreen(scr);
    restore_signals(old);
    *signal_out = got_signal;
    view_free(s);
    free(s);
    return TF_OK;
}

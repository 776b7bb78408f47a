/* runs.c — which trace is on screen as A: the main run the viewer opened
 * on, its re-run, or another run of a guided walk (a lesson's swapped
 * sentence, positions off, generation). Each run is a trace of its own;
 * the one on screen brings its own outline, search and labels. No
 * terminal here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/state.h"
#include "view/words.h"

/* Close what we opened; the caller's traces stay the caller's. */
static void drop_owned(ViewState *s, TraceReader *r)
{
    if (r && r != s->origin && (!s->b_given || r != s->b))
        trace_reader_close(r);
}

void view_drop_records(ViewState *s)
{
    cache_free(&s->cache);
    compare_align_free(&s->aligned);
    view_topk_drop(s);
}

/* The trace of the main run: the caller's, or its re-run. */
static TraceReader *main_trace(const ViewState *s)
{
    return s->owned ? s->owned : s->origin;
}

/* Put r on screen as a, with its own outline, at the record called keep
 * (else the current step's, else the first). The caller owns r and the
 * trace it replaces, and sets a_run first (the steps are matched by it).
 * False (nothing changed) when r cannot be shown. */
static bool show_trace(ViewState *s, TraceReader *r, const char *keep, const char *what)
{
    uint32_t n = trace_reader_count(r);
    StepTree t;
    memset(&t, 0, sizeof t);
    Error err;
    error_clear(&err);
    if (n == 0 || tree_build(&t, n, view_tree_name, r, &err)) {
        view_message(s, MSG_ERROR, "%s cannot be shown: %s", what, n ? err.msg : "it holds no records");
        return false;
    }
    view_drop_records(s);
    tree_free(&s->tree);
    s->tree = t;
    s->a = r;
    s->count = n;
    s->guide_for = NULL;  /* the steps are found again in this trace */
    long i = keep ? trace_reader_find(r, keep) : -1;
    view_guide_sync(s);
    if (i < 0 && s->guide_step >= 0 && s->guide_step < s->n_guide)
        i = s->guide_idx[s->guide_step];
    s->cur = i >= 0 ? (uint32_t)i : 0;
    s->tree_node = s->tree.rec_node[s->cur];
    s->tree_top = 0;
    s->top = s->left = 0;
    return true;
}

static bool is_main_run(const char *run)
{
    return !run || !run[0] || strcmp(run, "main") == 0;
}

bool view_show_run(ViewState *s, const char *run)
{
    char keep[VIEW_GUIDE_NAME];
    snprintf(keep, sizeof keep, "%s", view_name(s, s->cur));
    if (is_main_run(run)) {
        if (!s->run_a)
            return true;
        TraceReader *old = s->run_a;
        char old_run[sizeof s->a_run];
        snprintf(old_run, sizeof old_run, "%s", s->a_run);
        s->a_run[0] = '\0';
        if (!show_trace(s, main_trace(s), keep, "the main run")) {
            snprintf(s->a_run, sizeof s->a_run, "%s", old_run);
            return false;
        }
        s->run_a = NULL;
        trace_reader_close(old);
        view_sync(s);
        return true;
    }
    const char *path = s->narration.run_trace ? s->narration.run_trace(s->narration.ctx, run) : NULL;
    if (!path) {
        view_say(s, MSG_ERROR, WORD_MSG_NO_RUN, run);
        return false;
    }
    if (s->run_a && strcmp(s->a_run, run) == 0 && strcmp(trace_reader_path(s->run_a), path) == 0)
        return true;  /* already on screen */
    Error err;
    error_clear(&err);
    TraceReader *r;
    if (trace_reader_open(&r, path, &err)) {
        view_say(s, MSG_ERROR, WORD_MSG_RUN_UNREADABLE, run, err.msg);
        return false;
    }
    TraceReader *old = s->run_a;
    char old_run[sizeof s->a_run];
    snprintf(old_run, sizeof old_run, "%s", s->a_run);
    snprintf(s->a_run, sizeof s->a_run, "%s", run);
    if (!show_trace(s, r, keep, "that run")) {
        snprintf(s->a_run, sizeof s->a_run, "%s", old_run);
        trace_reader_close(r);
        return false;
    }
    s->run_a = r;
    if (old)
        trace_reader_close(old);
    view_sync(s);
    return true;
}

bool view_reopen(ViewState *s, const char *path)
{
    Error err;
    error_clear(&err);
    TraceReader *r = NULL;
    if (trace_reader_open(&r, path, &err)) {
        view_say(s, MSG_ERROR, WORD_MSG_NEW_RUN_UNREADABLE, err.msg);
        return false;
    }
    char keep[VIEW_GUIDE_NAME], run[sizeof s->a_run];
    snprintf(keep, sizeof keep, "%s", view_name(s, s->cur));
    snprintf(run, sizeof run, "%s", s->a_run);
    bool compared = s->guide_b != NULL;
    int step = s->guide_step;

    view_guide_leave(s);  /* a step's other run belongs to the old runs */
    s->a_run[0] = '\0';
    if (!show_trace(s, r, keep, "the new run")) {
        snprintf(s->a_run, sizeof s->a_run, "%s", run);
        trace_reader_close(r);
        view_sync(s);
        return false;
    }
    TraceReader *old = s->owned, *old_run = s->run_a;
    s->owned = r;
    s->run_a = NULL;
    if (!s->b_given)
        s->b = s->origin;  /* c compares this run with the one the viewer opened on */
    drop_owned(s, old);
    if (old_run)
        trace_reader_close(old_run);
    /* Every run was computed again: stay on the run that was on screen,
     * and on the step's comparison, in their new files. */
    if (run[0])
        view_show_run(s, run);
    view_sync(s);
    if (compared && step >= 0 && s->guide_step == step && s->guide_on) {
        view_guide_enter(s, step);
        view_sync(s);
    }
    const CachedRecord *c = view_current(s);
    if (!c->ok)
        view_message(s, MSG_ERROR, "%s: %s", view_name(s, s->cur), c->err.msg);
    return true;
}

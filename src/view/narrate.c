/* narrate.c — the viewer as a guide: the narration beside the matrix, the
 * walk's own ordered steps (N, P), the language (L), and re-running the
 * model with one thing changed (e E M D T R) with the claims re-checked (C).
 *
 * Everything lesson-specific comes through the hooks in ViewConfig
 * (state.h); this file only keeps the state they feed. No terminal here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/record_name.h"
#include "view/cache.h"
#include "view/layout.h"
#include "view/quiz.h"
#include "view/state.h"
#include "view/text.h"
#include "view/words.h"

static const char *lang_name(ViewLang l)
{
    return l == VIEW_LANG_ZH ? "\xe7\xae\x80\xe4\xbd\x93\xe4\xb8\xad\xe6\x96\x87" : "English";  /* 简体中文 */
}

/* ---- the guided steps ---- */

void view_guide_sync(ViewState *s)
{
    if (s->guide_for != s->a) {  /* a new trace: where are its run's steps now? */
        for (int k = 0; k < s->n_guide; k++)
            s->guide_idx[k] = s->guide_rec[k][0] && strcmp(s->guide_run[k], s->a_run) == 0
                                  ? trace_reader_find(s->a, s->guide_rec[k])
                                  : -1;
        s->guide_for = s->a;
    }
    s->guide_on = false;
    if (s->guide_step >= 0 && s->guide_step < s->n_guide && s->guide_idx[s->guide_step] == (long)s->cur) {
        s->guide_on = true;
        return;
    }
    for (int k = 0; k < s->n_guide; k++)
        if (s->guide_idx[k] == (long)s->cur) {
            s->guide_step = k;
            s->guide_on = true;
            return;
        }
}

bool view_guide_current(const ViewState *s, ViewGuideStep *out)
{
    memset(out, 0, sizeof *out);
    if (s->guide_step < 0 || s->guide_step >= s->n_guide || !s->narration.step)
        return false;
    if (!s->narration.step(s->narration.ctx, s->guide_step, s->lang, out))
        return false;
    if (!out->note && s->lang != VIEW_LANG_EN) {  /* a note not yet translated: English */
        ViewGuideStep en = {0};
        if (s->narration.step(s->narration.ctx, s->guide_step, VIEW_LANG_EN, &en))
            out->note = en.note;
    }
    return true;
}

/* Give b back as it was before a step showed its other run. */
void view_guide_leave(ViewState *s)
{
    if (!s->guide_b)
        return;
    view_drop_records(s);  /* they may include records of the trace about to close */
    if (s->b == s->guide_b) {
        s->b = s->guide_saved_b;
        s->compare = s->guide_saved_compare && s->b;
    }
    trace_reader_close(s->guide_b);
    s->guide_b = NULL;
    s->b_run[0] = '\0';
    view_sync(s);
}

void view_guide_enter(ViewState *s, int k)
{
    ViewGuideStep g = {0};
    if (!s->narration.step || !s->narration.step(s->narration.ctx, k, VIEW_LANG_EN, &g) || !g.compare)
        return;
    const char *path = s->narration.run_trace ? s->narration.run_trace(s->narration.ctx, g.compare) : NULL;
    Error err;
    error_clear(&err);
    TraceReader *r;
    if (!path) {
        view_say(s, MSG_ERROR, WORD_MSG_NO_COMPARE_RUN, k + 1, g.compare);
        return;
    }
    if (trace_reader_open(&r, path, &err)) {
        view_say(s, MSG_ERROR, WORD_MSG_COMPARE_RUN_UNREADABLE, k + 1, err.msg);
        return;
    }
    s->guide_saved_b = s->b;
    s->guide_saved_compare = s->compare;
    s->guide_b = s->b = r;
    snprintf(s->b_run, sizeof s->b_run, "%s", g.compare);
    s->compare = true;
    s->heads = false;
}

void view_guide_step(ViewState *s, int delta)
{
    if (s->n_guide == 0) {
        view_message(s, MSG_NOTICE, "%s", s->narration.lookup
                                              ? view_word(s->lang, WORD_MSG_NO_STEPS)
                                              : "no lesson here: traceformer lesson N opens one, with its steps");
        return;
    }
    int k;
    if (s->guide_step < 0)
        k = delta > 0 ? 0 : -1;
    else if (!s->guide_on && delta < 0)
        k = s->guide_step;  /* off the path: P goes back to the step we left */
    else
        k = s->guide_step + delta;
    int dir = delta > 0 ? 1 : -1;
    /* Each step is shown on its own run. One whose record that run does
     * not have (a re-run with positions off has no enc.pos) is passed
     * over, and the message says so. */
    int skipped = -1;
    char was_run[sizeof s->a_run], was_rec[VIEW_GUIDE_NAME];
    snprintf(was_run, sizeof was_run, "%s", s->a_run);
    snprintf(was_rec, sizeof was_rec, "%s", view_name(s, s->cur));
    for (; k >= 0 && k < s->n_guide; k += dir) {
        if (s->guide_rec[k][0] && strcmp(s->guide_run[k], s->a_run) != 0) {
            view_guide_leave(s);
            if (!view_show_run(s, s->guide_run[k]))
                return;  /* its message says why */
        }
        if (s->guide_idx[k] >= 0)
            break;
        if (skipped < 0)
            skipped = k;
    }
    if ((k < 0 || k >= s->n_guide) && strcmp(was_run, s->a_run) != 0) {
        /* passed over to the end on another run: back where we were */
        view_show_run(s, was_run);
        long i = trace_reader_find(s->a, was_rec);
        if (i >= 0)
            view_goto(s, (uint32_t)i);
    }
    if (k < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_LESSON_FIRST);
        return;
    }
    if (k >= s->n_guide) {
        if (view_quiz_total(s) > 0)  /* the end of the walk: the score */
            view_say(s, MSG_NOTICE, WORD_MSG_LESSON_END, s->n_guide, view_quiz_right(s), view_quiz_total(s),
                     view_quiz_skipped(s));
        else
            view_say(s, MSG_NOTICE, WORD_MSG_LESSON_LAST, s->n_guide,
                     s->rerun.run ? view_word(s->lang, WORD_MSG_C_CHECKS) : "");
        return;
    }
    s->guide_step = k;
    s->focus = FOCUS_MATRIX;
    view_guide_leave(s);
    view_guide_enter(s, k);
    view_goto(s, (uint32_t)s->guide_idx[k]);
    if (skipped >= 0)
        view_say(s, MSG_NOTICE, WORD_MSG_PASSED_OVER, skipped + 1, s->guide_rec[skipped][0] ? s->guide_rec[skipped] : "?");
}

/* ---- narration ---- */

static const char *intro_text(const ViewState *s, bool *fallback)
{
    *fallback = false;
    if (!s->narration.intro)
        return NULL;
    const char *t = s->narration.intro(s->narration.ctx, s->lang);
    if ((!t || !t[0]) && s->lang != VIEW_LANG_EN) {
        t = s->narration.intro(s->narration.ctx, VIEW_LANG_EN);
        *fallback = t && t[0];
    }
    return t && t[0] ? t : NULL;
}

void view_toggle_intro(ViewState *s)
{
    bool fb;
    if (!s->show_intro && !intro_text(s, &fb)) {
        view_message(s, MSG_NOTICE, "%s", s->narration.lookup ? view_word(s->lang, WORD_MSG_NO_INTRO)
                                                              : "no lesson here: I shows a lesson's introduction");
        return;
    }
    s->show_intro = !s->show_intro;
    s->narr_top = 0;
}

const char *view_narration_text(const ViewState *s, bool *fallback)
{
    *fallback = false;
    if (!s->narration.lookup)
        return NULL;
    if (s->show_intro)
        return intro_text(s, fallback);
    const char *name = view_name(s, s->cur);
    ViewGuideStep g;
    if (s->guide_on && view_guide_current(s, &g) && g.key && g.key[0])
        name = g.key;  /* the step's own section ("enc.memory@alone", a glob) */
    const char *t = s->narration.lookup(s->narration.ctx, name, s->lang);
    if ((!t || !t[0]) && s->lang != VIEW_LANG_EN) {
        t = s->narration.lookup(s->narration.ctx, name, VIEW_LANG_EN);
        *fallback = t && t[0];
    }
    const char *quiz = view_quiz_narration(s, t && t[0] ? t : NULL);  /* a question asked here first */
    if (quiz) {
        *fallback = false;
        return quiz;
    }
    return t && t[0] ? t : NULL;
}

void view_toggle_lang(ViewState *s)
{
    if (!s->narration.lookup) {
        view_message(s, MSG_NOTICE, "no narration here: L switches a lesson's narration between English and %s",
                     lang_name(VIEW_LANG_ZH));
        return;
    }
    s->lang = s->lang == VIEW_LANG_EN ? VIEW_LANG_ZH : VIEW_LANG_EN;
    s->narr_top = 0;
    view_quiz_sync(s);  /* the question in the new language */
    view_say(s, MSG_NOTICE, WORD_MSG_NARRATION_IN, lang_name(s->lang));
}

void view_narration_scroll(ViewState *s, int delta)
{
    if (!s->narration.lookup) {
        view_message(s, MSG_NOTICE, "no narration here to scroll");
        return;
    }
    ScreenLayout l;
    layout_screen(s, &l);
    NarrationGeometry g;
    layout_narration(s, &l, &g);
    int max_top = g.n_lines - g.text_rows;
    if (max_top < 0)
        max_top = 0;
    int top = s->narr_top + delta;
    if (top > max_top)
        top = max_top;
    if (top < 0)
        top = 0;
    if (top == s->narr_top)
        view_say(s, MSG_NOTICE, delta > 0 ? WORD_MSG_NARR_END : WORD_MSG_NARR_START);
    s->narr_top = top;
}

/* ---- re-running ---- */

static bool can_rerun(ViewState *s)
{
    if (s->rerun.run)
        return true;
    view_message(s, MSG_NOTICE, "re-running needs a lesson: traceformer lesson N opens one you can edit");
    return false;
}

void view_edit_start(ViewState *s, ViewEditKind which)
{
    if (!can_rerun(s))
        return;
    const char *now = s->rerun.text ? s->rerun.text(s->rerun.ctx, which) : NULL;
    lineedit_set(&s->edit, now ? now : "");
    s->edit_kind = which;
    s->editing = true;
    s->claims = false;
}

void view_edit_cancel(ViewState *s)
{
    s->editing = false;
    view_say(s, MSG_NOTICE, WORD_MSG_EDIT_CANCELLED);
}

void view_edit_apply(ViewState *s)
{
    s->editing = false;
    const char *now = s->rerun.text ? s->rerun.text(s->rerun.ctx, s->edit_kind) : NULL;
    if (now && strcmp(now, s->edit.text) == 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_UNCHANGED);
        return;
    }
    view_request_rerun(s, s->edit_kind, s->edit.text);
}

static Word edit_what(ViewEditKind k)
{
    switch (k) {
    case VIEW_EDIT_SOURCE: return WORD_WHAT_SOURCE;
    case VIEW_EDIT_TARGET: return WORD_WHAT_TARGET;
    case VIEW_EDIT_CAUSAL: return WORD_WHAT_CAUSAL;
    case VIEW_EDIT_PADDING: return WORD_WHAT_PADDING;
    case VIEW_EDIT_POSITIONS: return WORD_WHAT_POSITIONS;
    case VIEW_EDIT_RESIDUAL: return WORD_WHAT_RESIDUAL;
    case VIEW_EDIT_SCALE: return WORD_WHAT_SCALE;
    case VIEW_EDIT_TEMPERATURE: return WORD_WHAT_TEMPERATURE;
    case VIEW_EDIT_ABLATE: return WORD_WHAT_ABLATE;
    case VIEW_EDIT_CACHE: return WORD_WHAT_CACHE;
    case VIEW_EDIT_HEADS: return WORD_WHAT_HEADS;
    case VIEW_EDIT_NORM: return WORD_WHAT_NORM;
    case VIEW_EDIT_WARMUP: return WORD_WHAT_WARMUP;
    default: return WORD_WHAT_NOTHING;
    }
}

const char *view_rerun_refused(const ViewState *s, ViewEditKind kind)
{
    if (!s->rerun.run || !s->rerun.refuses || kind == VIEW_EDIT_CHECK)
        return NULL;
    return s->rerun.refuses(s->rerun.ctx, kind, s->lang);
}

void view_request_rerun(ViewState *s, ViewEditKind kind, const char *text)
{
    if (!can_rerun(s))
        return;
    const char *why = view_rerun_refused(s, kind);
    if (why) {  /* say it now, rather than run and report the model's refusal */
        view_message(s, MSG_NOTICE, "%s", why);
        return;
    }
    s->rerun_kind = kind;
    snprintf(s->rerun_text, sizeof s->rerun_text, "%s", text ? text : "");
    s->pending = PENDING_RERUN;
    if (kind == VIEW_EDIT_CHECK)
        view_say(s, MSG_NOTICE, WORD_MSG_CHECKING);
    else
        view_say(s, MSG_NOTICE, WORD_MSG_RERUNNING, view_word(s->lang, edit_what(kind)));
}

void view_request_ablate(ViewState *s)
{
    if (!can_rerun(s))
        return;
    const char *name = view_name(s, s->cur);
    RecordName rn;
    record_name_parse(name, &rn);
    const CachedRecord *cr = view_current(s);
    const bool per_head = cr->ok && cr->tr.rec.ndim >= 2 && cr->tr.rec.dim_names[0] &&
                          strcmp(cr->tr.rec.dim_names[0], "head") == 0;
    if (!record_block_is_attention(rn.block) || rn.layer < 0 || !per_head) {
        view_say(s, MSG_NOTICE, WORD_MSG_ABLATE_WHERE);
        return;
    }
    uint32_t head = s->head < cr->tr.rec.dims[0] ? s->head : cr->tr.rec.dims[0] - 1;
    char spec[64];
    if (rn.block == RECORD_BLOCK_ATTN)
        snprintf(spec, sizeof spec, "enc.%ld.%u", rn.layer, head);
    else
        snprintf(spec, sizeof spec, "dec.%ld.%s.%u", rn.layer, rn.block == RECORD_BLOCK_CROSS_ATTN ? "cross" : "self",
                 head);
    view_request_rerun(s, VIEW_EDIT_ABLATE, spec);
}

const char *view_claim_text(const ViewState *s, int i)
{
    const ViewClaim *c = &s->run.claims[i];
    return c->text[s->lang][0] ? c->text[s->lang] : c->text[VIEW_LANG_EN];
}

int view_claims_passed(const ViewState *s)
{
    int n = 0;
    for (int i = 0; i < s->run.n_claims; i++)
        n += s->run.claims[i].pass && !s->run.claims[i].fact;
    return n;
}

bool view_claim_starts_facts(const ViewState *s, int i)
{
    return s->run.claims[i].fact && (i == 0 || !s->run.claims[i - 1].fact);
}

int view_claims_total(const ViewState *s)
{
    int n = 0;
    for (int i = 0; i < s->run.n_claims; i++)
        n += !s->run.claims[i].fact;
    return n;
}

void view_toggle_claims(ViewState *s)
{
    if (s->claims) {
        s->claims = false;
        return;
    }
    if (s->have_run) {
        if (s->run.n_claims == 0) {
            view_say(s, MSG_NOTICE, WORD_MSG_NO_CLAIMS);
            return;
        }
        s->claims = true;
        s->claims_top = 0;
        return;
    }
    view_request_rerun(s, VIEW_EDIT_CHECK, NULL);  /* the panel opens when the check is done */
}

void view_perform_rerun(ViewState *s)
{
    s->pending = PENDING_NONE;
    if (!s->rerun.run)
        return;
    ViewRunResult *res = calloc(1, sizeof *res);
    if (!res) {
        view_message(s, MSG_ERROR, "out of memory");
        return;
    }
    ViewEdit ed = {s->rerun_kind, s->rerun_kind == VIEW_EDIT_SOURCE || s->rerun_kind == VIEW_EDIT_TARGET ||
                                          s->rerun_kind == VIEW_EDIT_ABLATE
                                      ? s->rerun_text
                                      : NULL,
                  s->lang};
    Error err;
    error_clear(&err);
    Status st = s->rerun.run(s->rerun.ctx, &ed, res, &err);
    if (st != TF_OK) {
        view_message(s, MSG_ERROR, "%s%s%s", err.msg[0] ? err.msg : view_word(s->lang, WORD_MSG_RERUN_FAILED),
                     err.hint[0] ? " \xe2\x80\x94 " : "", err.hint);
        free(res);
        return;
    }
    res->trace[sizeof res->trace - 1] = '\0';
    if (res->trace[0] && !view_reopen(s, res->trace)) {
        free(res);
        return;
    }
    if (res->n_claims < 0)
        res->n_claims = 0;
    if (res->n_claims > VIEW_MAX_CLAIMS)
        res->n_claims = VIEW_MAX_CLAIMS;
    for (int i = 0; i < res->n_claims; i++) {  /* whatever the hook wrote, the strings end */
        for (int k = 0; k < VIEW_N_LANGS; k++)
            res->claims[i].text[k][sizeof res->claims[i].text[k] - 1] = '\0';
        res->claims[i].measured[sizeof res->claims[i].measured - 1] = '\0';
    }
    res->settings[sizeof res->settings - 1] = '\0';
    s->run = *res;
    s->have_run = true;
    free(res);
    s->claims = s->run.n_claims > 0;
    s->claims_top = 0;
    int pass = view_claims_passed(s);
    if (ed.kind == VIEW_EDIT_CHECK)
        view_say(s, MSG_NOTICE, WORD_MSG_CLAIMS_PASS, pass, view_claims_total(s));
    else
        view_say(s, MSG_NOTICE, WORD_MSG_RERAN, view_run_settings(s)[0] ? view_word(s->lang, WORD_MSG_COLON) : "", view_run_settings(s), pass, view_claims_total(s));
}

/* image_export.c — the x key: the matrix on screen as an image, saying
 * which run it came from and what was switched, never over a file that is
 * there. In compare view, all three panels: A, B as shown (in A's token
 * order when the rows were matched by token) and A − B. And the X key:
 * the model view of the run on screen (A), every layer × every head of
 * the kind of attention block on screen. No terminal here; the drawing is
 * the caller's (ViewExport). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/record_name.h"
#include "view/state.h"
#include "view/words.h"

void view_request_export(ViewState *s)
{
    if (!s->export.fn) {
        view_say(s, MSG_ERROR, WORD_MSG_NO_EXPORT);
        return;
    }
    s->pending = PENDING_EXPORT;
    view_say(s, MSG_NOTICE, WORD_MSG_EXPORTING, view_name(s, s->cur));
}


/* How one exported matrix names itself. */
typedef struct {
    char tag[160], title[320], source[320];  /* the plot takes 400 bytes a text */
} Naming;

/* The names for reader r's run: the walk's words for its run and switches,
 * the first run of a re-run as such, or (without a walk) role when
 * comparing ("A", "B"). */
static void name_run(const ViewState *s, const TraceReader *r, const char *role, Naming *n)
{
    const char *name = view_name(s, s->cur);
    char words[200] = "";
    n->tag[0] = '\0';
    bool first_run = r == s->origin && s->owned && !s->b_given;
    if (first_run)
        snprintf(n->tag, sizeof n->tag, "first-run");
    else if (s->narration.run_switches)
        s->narration.run_switches(s->narration.ctx, r == s->a ? s->a_run : s->b_run, s->lang, n->tag, sizeof n->tag,
                                  words, sizeof words);
    if (!n->tag[0] && s->compare && s->b) {  /* two images must not share a name */
        const char *run = r == s->a ? s->a_run : s->b_run;
        snprintf(n->tag, sizeof n->tag, "%s", s->narration.run_switches ? (run[0] ? run : "main") : role);
    }
    snprintf(n->title, sizeof n->title, "%s%s%s%s", name, words[0] ? " (" : "", words, words[0] ? ")" : "");
    snprintf(n->source, sizeof n->source, "%s", view_trace_label(s, r));
}

/* One matrix through the hook; its path appended to done. */
static Status export_one(ViewState *s, const Record *rec, const Record *mask, int head, int batch, const Naming *n,
                         char *done, size_t cap, Error *err)
{
    char written[1024] = "";
    /* the columns as on screen: a vocabulary's top k, or every one after t */
    ViewExportInfo info = {n->tag[0] ? n->tag : NULL, n->title, n->source, mask, true};
    Status st = s->export.fn(s->export.ctx, rec, head, batch, &info, written, sizeof written, err);
    if (st == TF_OK) {
        size_t o = strlen(done);
        snprintf(done + o, cap - o, "%s%s", o ? ", " : "", written);
    }
    return st;
}

void view_perform_export(ViewState *s)
{
    s->pending = PENDING_NONE;
    /* The block's mask in each run, so the image marks the cells it hides
     * (the plot draws it on the masked scores and the weights). Fetched
     * first: two fetches cannot give back the records on screen, the most
     * recently used of the cache's six. */
    const CachedRecord *ma = s->mask_rec >= 0 ? cache_fetch(&s->cache, s->a, (uint32_t)s->mask_rec) : NULL;
    const CachedRecord *mb =
        s->compare && s->b && s->mask_rec_b >= 0 ? cache_fetch(&s->cache, s->b, (uint32_t)s->mask_rec_b) : NULL;
    const Record *mask_a = ma && ma->ok ? &ma->tr.rec : NULL;
    const Record *mask_b = mb && mb->ok ? &mb->tr.rec : NULL;
    const CachedRecord *c = view_current(s);
    if (!c || !c->ok) {
        view_say(s, MSG_ERROR, WORD_MSG_EXPORT_UNREADABLE);
        return;
    }
    const Record *r = &c->tr.rec;
    int head = -1, batch = -1;
    int ha = view_axis(r, &c->pg, "head"), ba = view_axis(r, &c->pg, "batch");
    if (ha >= 0 && !s->heads)
        head = (int)(s->head < r->dims[ha] ? s->head : r->dims[ha] - 1);
    if (ba >= 0)
        batch = (int)(s->batch < r->dims[ba] ? s->batch : r->dims[ba] - 1);

    char done[3200] = "";
    Error err;
    error_clear(&err);
    Naming na, nb;
    name_run(s, s->a, "A", &na);
    if (s->topk.active) {  /* the title says which columns the image has */
        size_t o = strlen(na.title);
        char more[160];
        if (c->pg.rows > 1)
            view_format(more, sizeof more, s->lang, WORD_TOPK_SHOWN, s->topk.k, s->topk.n, s->topk.row);
        else
            view_format(more, sizeof more, s->lang, WORD_TOPK_SHOWN_ONE, s->topk.k, s->topk.n);
        char *cut = strstr(more, " (t:");  /* no key hints on an image */
        if (!cut)
            cut = strstr(more, "（t");
        if (cut)
            *cut = '\0';
        snprintf(na.title + o, sizeof na.title - o, "%s", more);
    }
    Status st = export_one(s, r, mask_a, head, batch, &na, done, sizeof done, &err);
    const CachedRecord *cb = view_current_b(s);
    bool pair = st == TF_OK && s->compare && cb && cb->ok && s->cmp.same_shape;
    if (pair) {
        name_run(s, s->b, "B", &nb);
        st = export_one(s, &cb->tr.rec, mask_b, head, batch, &nb, done, sizeof done, &err);
    }
    if (pair && st == TF_OK) {
        /* A − B as the third panel shows it: −∞ in both is 0 */
        size_t n = record_numel(r);
        float *d = malloc((n ? n : 1) * sizeof *d);
        if (!d) {
            view_message(s, MSG_ERROR, "export failed: out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++)
            d[i] = compare_diff(r->data[i], cb->tr.rec.data[i]);
        Record diff = *r;
        diff.data = d;
        diff.kind = record_kind_name(RECORD_KIND_ACTIVATION);  /* signed: the diverging palette */
        Naming nd;
        snprintf(nd.tag, sizeof nd.tag, "%.70s.minus.%.70s", na.tag, nb.tag);
        snprintf(nd.title, sizeof nd.title, "A - B: %.150s", na.title);
        snprintf(nd.source, sizeof nd.source, "A %.150s; B %.150s", na.source, nb.source);
        st = export_one(s, &diff, NULL, head, batch, &nd, done, sizeof done, &err);
        free(d);
    }
    if (st == TF_OK)
        view_say(s, MSG_NOTICE, WORD_MSG_WROTE, done);
    else
        view_say(s, MSG_ERROR, WORD_MSG_EXPORT_FAILED, err.msg[0] ? err.msg : "unknown error",
                     err.hint[0] ? " — " : "", err.hint);
}

/* ---- the model view (X) ---- */

void view_request_model_view(ViewState *s)
{
    if (!s->export.model_view) {
        view_message(s, MSG_ERROR, "the model view is not available in this build");
        return;
    }
    s->pending = PENDING_MODEL_VIEW;
    view_message(s, MSG_NOTICE, "drawing the model view through gnuplot...");
}

/* The kind of attention block of the record on screen, as the model view
 * names it; NULL (the trace's default) off an attention block or on a
 * generation step or a gradient. */
static const char *block_on_screen(const ViewState *s)
{
    RecordName rn;
    if (!record_name_parse(view_name(s, s->cur), &rn) || rn.grad || rn.gen_step >= 0)
        return NULL;
    switch (rn.block) {
    case RECORD_BLOCK_ATTN: return "enc";
    case RECORD_BLOCK_SELF_ATTN: return "dec.self";
    case RECORD_BLOCK_CROSS_ATTN: return "dec.cross";
    default: return NULL;
    }
}

void view_perform_model_view(ViewState *s)
{
    s->pending = PENDING_NONE;
    Naming na;
    name_run(s, s->a, "A", &na);
    /* the run in the file name and under the title; the script's own title */
    ViewExportInfo info = {na.tag[0] ? na.tag : NULL, NULL, na.source, NULL, false};
    char written[1024] = "";
    Error err;
    error_clear(&err);
    Status st = s->export.model_view(s->export.ctx, s->a, block_on_screen(s), (int)s->batch, &info, written,
                                     sizeof written, &err);
    if (st == TF_OK)
        view_message(s, MSG_NOTICE, "wrote %s", written);
    else
        view_message(s, MSG_ERROR, "model view failed: %s%s%s", err.msg[0] ? err.msg : "unknown error",
                     err.hint[0] ? " — " : "", err.hint);
}

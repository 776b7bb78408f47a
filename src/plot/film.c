/* film.c — attention as a sequence of frames, for viz/film.gp (film.h). */
#include "plot/film.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "plot/plot_data.h"
#include "trace/export.h"
#include "trace/record_name.h"

void film_free(Film *f)
{
    if (f->labels)
        for (size_t k = 0; k < ((size_t)f->queries + f->keys) * f->label_sets; k++)
            free(f->labels[k]);
    free(f->labels);
    free(f->row_ptrs);
    free(f->col_ptrs);
    free(f->data);
    free(f->steps);
    memset(f, 0, sizeof *f);
}

/* ---- the block ---- */

/* Does some snapshot hold family ("dec.0.cross_attn.weights")? */
static bool snapshots_have(const TraceReader *r, const char *family)
{
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        const char *fam = record_name_train_family(trace_reader_name(r, i));
        if (fam && strcmp(fam, family) == 0)
            return true;
    }
    return false;
}

/* Is item one of the entries of a ", "-separated list? */
static bool listed(const char *list, const char *item)
{
    size_t len = strlen(item);
    for (const char *p = list; *p;) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, item, len) == 0)
            return true;
        if (!end)
            break;
        p = end + 2;
    }
    return false;
}

/* The attention blocks the snapshots hold, "enc.0.attn, dec.0.cross_attn"
 * (in trace order, each once), into buf. */
static void blocks_of(const TraceReader *r, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < trace_reader_count(r) && n < cap; i++) {
        const char *fam = record_name_train_family(trace_reader_name(r, i));
        if (!fam || !record_name_is_attention_weights(fam))
            continue;
        char item[128];
        snprintf(item, sizeof item, "%.*s", (int)(strlen(fam) - strlen("." RECORD_STEP_WEIGHTS)), fam);
        if (!listed(buf, item))
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", item);
    }
    if (n >= cap && cap > 4)
        snprintf(buf + cap - 5, 5, " ...");
}

Status film_block(const TraceReader *r, const char *asked, char *buf, size_t cap, Error *err)
{
    char have[400];
    blocks_of(r, have, sizeof have);
    if (!have[0]) {
        error_set(err, TF_ERR_INPUT, "%s: no training snapshots (train.S.*.weights): the film strip draws a "
                                     "training trace", trace_reader_path(r));
        error_hint(err, "`traceformer train ... --trace-every K --probe SENTENCE -o model.tfw` writes "
                        "model.train.trace; a generation trace's steps: `plot TRACE gen.NAME --format gif`");
        return TF_ERR_INPUT;
    }
    if (!asked) {
        static const char *const defaults[] = {"dec.0.cross_attn.weights", "dec.0.self_attn.weights",
                                               "enc.0.attn.weights"};
        for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++)
            if (snapshots_have(r, defaults[k]))
                return snprintf(buf, cap, "%s", defaults[k]) < (int)cap
                           ? TF_OK
                           : error_set(err, TF_ERR_INPUT, "block name too long");
        /* some other block: the first the snapshots hold */
        const char *comma = strchr(have, ',');
        size_t len = comma ? (size_t)(comma - have) : strlen(have);
        if (snprintf(buf, cap, "%.*s.%s", (int)len, have, RECORD_STEP_WEIGHTS) >= (int)cap)
            return error_set(err, TF_ERR_INPUT, "block name too long");
        return TF_OK;
    }
    size_t n = strlen(asked);
    const char *suffix = "." RECORD_STEP_WEIGHTS;
    bool with_step = n > strlen(suffix) && strcmp(asked + n - strlen(suffix), suffix) == 0;
    if (snprintf(buf, cap, "%s%s", asked, with_step ? "" : suffix) >= (int)cap)
        return error_set(err, TF_ERR_INPUT, "--block '%s': too long", asked);
    if (!record_name_is_attention_weights(buf) || !snapshots_have(r, buf)) {
        error_set(err, TF_ERR_INPUT, "--block '%s': %s has no snapshots of it (train.S.%s); its snapshots have: %s",
                  asked, trace_reader_path(r), buf, have);
        const char *comma = strchr(have, ',');
        error_hint(err, "--block %.*s", (int)(comma ? (size_t)(comma - have) : strlen(have)), have);
        return TF_ERR_INPUT;
    }
    return TF_OK;
}

/* ---- shapes ---- */

typedef struct {
    uint32_t heads, queries, keys;
    bool has_head;
} FrameShape;

static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

/* [head, query, key] or [query, key]: one sentence, the probe. */
static bool frame_shape(const Record *r, FrameShape *sh)
{
    int head = axis_named(r, "head");
    if (!((r->ndim == 3 && head == 0) || (r->ndim == 2 && head < 0)))
        return false;
    sh->has_head = head == 0;
    sh->heads = head == 0 ? r->dims[0] : 1;
    sh->queries = r->dims[r->ndim - 2];
    sh->keys = r->dims[r->ndim - 1];
    return true;
}

static Status check_head(const PlotOptions *o, const FrameShape *sh, const char *name, Error *err)
{
    if (o->head < 0)
        return TF_OK;
    if (!sh->has_head)
        return error_set(err, TF_ERR_INPUT, "--head %d: %s has no head axis", o->head, name);
    if ((uint32_t)o->head >= sh->heads)
        return error_set(err, TF_ERR_INPUT, "--head %d: %s has heads 0..%u", o->head, name, sh->heads - 1);
    return TF_OK;
}

/* One page of a frame: head `head` of m ([heads, rows, cols]), or the
 * mean of the heads when head < 0; NaN stays NaN. */
static void take_head(float *out, const float *m, uint32_t heads, size_t page, int head)
{
    if (head >= 0) {
        memcpy(out, m + (size_t)head * page, page * sizeof *out);
        return;
    }
    for (size_t c = 0; c < page; c++) {
        double sum = 0;
        for (uint32_t h = 0; h < heads; h++)
            sum += m[(size_t)h * page + c];
        out[c] = (float)(sum / heads);
    }
}

/* sets: the label sets, 1 (every frame has the same tokens) or frames. */
static Status alloc_film(Film *f, uint32_t frames, uint32_t queries, uint32_t keys, uint32_t sets, Error *err)
{
    size_t cells = 0;
    if (!checked_mul(&cells, (size_t)queries * keys, frames) || cells > ((size_t)1 << 26))
        return error_set(err, TF_ERR_INPUT, "the film of %u frames of %u x %u is too large to draw", frames, queries,
                         keys);
    f->frames = frames;
    f->queries = queries;
    f->keys = keys;
    f->label_sets = sets;
    size_t n_labels = ((size_t)queries + keys) * sets;
    f->data = malloc(cells * sizeof *f->data);
    f->steps = calloc(frames, sizeof *f->steps);
    f->labels = calloc(n_labels, sizeof *f->labels);
    f->row_ptrs = calloc((size_t)queries * sets, sizeof *f->row_ptrs);
    f->col_ptrs = calloc((size_t)keys * sets, sizeof *f->col_ptrs);
    if (!f->data || !f->steps || !f->labels || !f->row_ptrs || !f->col_ptrs)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    return TF_OK;
}

/* Set label k (rows of every set first, then columns) to a copy of s. */
static Status set_label(Film *f, size_t k, const char *s, Error *err)
{
    if (!(f->labels[k] = strdup(s)))
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    return TF_OK;
}

static void point_labels(Film *f)
{
    size_t rows = (size_t)f->queries * f->label_sets, cols = (size_t)f->keys * f->label_sets;
    for (size_t q = 0; q < rows; q++)
        f->row_ptrs[q] = f->labels[q];
    for (size_t c = 0; c < cols; c++)
        f->col_ptrs[c] = f->labels[rows + c];
}

/* One label set, from page 0 of rec, numbers where it has none. */
static Status take_labels(Film *f, const Record *rec, Error *err)
{
    RecordPages pg;
    export_pages_of(rec, &pg);
    Status s = TF_OK;
    for (uint32_t k = 0; k < f->queries + f->keys && s == TF_OK; k++) {
        bool row = k < f->queries;
        uint32_t i = row ? k : k - f->queries;
        const char *lab = row ? export_pages_row_label(rec, &pg, 0, i) : export_pages_col_label(rec, &pg, 0, i);
        char fallback[16];
        snprintf(fallback, sizeof fallback, "%u", i);
        s = set_label(f, k, lab ? lab : fallback, err);
    }
    if (s == TF_OK)
        point_labels(f);
    return s;
}

static void fill_record(Film *f, const char *step_axis)
{
    Record *rec = &f->rec;
    rec->name = f->name;
    rec->kind = "weights";
    rec->ndim = 3;
    rec->dims[0] = f->frames;
    rec->dims[1] = f->queries;
    rec->dims[2] = f->keys;
    rec->dim_names[0] = "frame";
    rec->dim_names[1] = step_axis;
    rec->dim_names[2] = "key";
    rec->data = f->data;
    rec->row_labels = f->row_ptrs;
    rec->col_labels = f->col_ptrs;
    /* a generation's frames each name only what is there yet */
    rec->row_label_sets = rec->col_label_sets = f->label_sets;
    rec->formula = f->formula;
    rec->description = f->description;
}

static void describe_heads(Film *f, int head)
{
    if (head >= 0)
        snprintf(f->formula, sizeof f->formula, "head %d of %u", head, f->heads);
    else if (f->heads > 1)
        snprintf(f->formula, sizeof f->formula, "the mean of its %u heads", f->heads);
    else
        snprintf(f->formula, sizeof f->formula, "its one head");
}

/* ---- training snapshots ---- */

typedef struct {
    long step;
    uint32_t index;
} Snapshot;

static int cmp_snapshot(const void *a, const void *b)
{
    long x = ((const Snapshot *)a)->step, y = ((const Snapshot *)b)->step;
    return (x > y) - (x < y);
}

/* Which of n snapshots a strip shows by default: all of them up to max,
 * else max evenly spread, the first and the last always. */
static size_t pick_default(size_t n, size_t max, size_t k)
{
    return n <= max ? k : (size_t)((double)k * (double)(n - 1) / (double)(max - 1) + 0.5);
}

static void list_steps(const Snapshot *s, size_t n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%ld", k ? ", " : "", s[k].step);
    if (len >= cap && cap > 4)
        snprintf(buf + cap - 5, 5, " ...");
}

Status film_build_training(const TraceReader *r, const PlotOptions *o, bool animate, Film *f, Error *err)
{
    memset(f, 0, sizeof *f);
    char family[128];
    Status s = film_block(r, o->block, family, sizeof family, err);
    if (s != TF_OK)
        return s;
    uint32_t count = trace_reader_count(r);
    Snapshot *snaps = malloc((count ? count : 1) * sizeof *snaps);
    if (!snaps)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    size_t n = 0;
    for (uint32_t i = 0; i < count; i++) {
        const char *name = trace_reader_name(r, i);
        const char *fam = record_name_train_family(name);
        if (!fam || strcmp(fam, family) != 0)
            continue;
        RecordName rn;
        record_name_parse(name, &rn);
        snaps[n].step = rn.train_step;
        snaps[n++].index = i;
    }
    qsort(snaps, n, sizeof *snaps, cmp_snapshot);

    /* the frames: --at's steps, each a snapshot, or the default choice */
    size_t frames = o->n_at ? o->n_at : animate ? n : (n < FILM_DEFAULT_FRAMES ? n : FILM_DEFAULT_FRAMES);
    if (frames > FILM_MAX_FRAMES)
        frames = FILM_MAX_FRAMES;
    uint32_t *chosen = calloc(frames ? frames : 1, sizeof *chosen);
    if (!chosen) {
        free(snaps);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    if (o->n_at > FILM_MAX_FRAMES)
        s = error_set(err, TF_ERR_INPUT, "--at: %zu steps; at most %d frames", o->n_at, FILM_MAX_FRAMES);
    for (size_t k = 0; k < frames && s == TF_OK; k++) {
        if (!o->n_at) {
            chosen[k] = (uint32_t)pick_default(n, animate ? FILM_MAX_FRAMES : FILM_DEFAULT_FRAMES, k);
            continue;
        }
        size_t j = 0;
        while (j < n && snaps[j].step != o->at[k])
            j++;
        if (j == n) {
            char steps[300];
            list_steps(snaps, n, steps, sizeof steps);
            s = error_set(err, TF_ERR_INPUT, "--at %ld: %s has no snapshot of %s after %ld updates; its snapshots are "
                                             "at steps %s", o->at[k], trace_reader_path(r), family, o->at[k], steps);
        }
        chosen[k] = (uint32_t)j;
    }

    FrameShape first = {0};
    for (size_t k = 0; k < frames && s == TF_OK; k++) {
        TraceRecord t;
        s = trace_reader_get(r, snaps[chosen[k]].index, &t, err);
        if (s != TF_OK)
            break;
        FrameShape sh;
        if (!frame_shape(&t.rec, &sh))
            s = error_set(err, TF_ERR_INPUT, "%s: %s is not one sentence's attention weights ([head,] query, key)",
                          trace_reader_path(r), t.rec.name);
        else if (k > 0 && (sh.heads != first.heads || sh.queries != first.queries || sh.keys != first.keys ||
                           sh.has_head != first.has_head))
            s = error_set(err, TF_ERR_INPUT, "%s: %s has other heads or tokens than %s", trace_reader_path(r),
                          t.rec.name, trace_reader_name(r, snaps[chosen[0]].index));
        else if (k == 0)
            s = check_head(o, &sh, t.rec.name, err);
        if (s == TF_OK && k == 0) {
            first = sh;
            s = alloc_film(f, (uint32_t)frames, sh.queries, sh.keys, 1, err);
            f->heads = sh.heads;
            if (s == TF_OK)
                s = take_labels(f, &t.rec, err);
            /* into the mapping, which outlives f; without the snapshot's
             * train.S. (every frame's came from its own snapshot) */
            const char *qs = t.rec.q_source ? record_name_train_family(t.rec.q_source) : NULL;
            const char *kvs = t.rec.kv_source ? record_name_train_family(t.rec.kv_source) : NULL;
            f->rec.q_source = qs ? qs : t.rec.q_source;
            f->rec.kv_source = kvs ? kvs : t.rec.kv_source;
        }
        if (s == TF_OK) {
            size_t page = (size_t)sh.queries * sh.keys;
            take_head(f->data + k * page, t.rec.data, sh.heads, page, o->head);
            f->steps[k] = snaps[chosen[k]].step;
        }
        trace_record_release(&t);
    }
    free(chosen);
    free(snaps);
    if (s == TF_OK && frames == 0)
        s = error_set(err, TF_ERR_INPUT, "%s: no snapshots of %s", trace_reader_path(r), family);
    if (s != TF_OK) {
        film_free(f);
        return s;
    }
    snprintf(f->block, sizeof f->block, "%.*s", (int)(strlen(family) - strlen("." RECORD_STEP_WEIGHTS)), family);
    snprintf(f->name, sizeof f->name, "%s", family);
    describe_heads(f, o->head);
    snprintf(f->description, sizeof f->description,
             "The probe sentence's attention at snapshots during training (train.S.%s, S = updates made), "
             "%s, one colour scale 0..1.", family, f->formula);
    fill_record(f, "query");
    return TF_OK;
}

/* ---- generation steps ---- */

/* The label of a row or key not generated yet. */
#define NOT_YET "\xc2\xb7"  /* · */

Status film_build_generation(const TraceReader *r, const char *family, const PlotOptions *o, Film *f,
                             Error *err)
{
    memset(f, 0, sizeof *f);
    GenMatrix g;
    Status s = plot_generation_build(r, family, o->batch, &g, err);
    if (s != TF_OK)
        return s;
    bool has_head = g.rec.ndim == 3;
    FrameShape sh = {.heads = g.heads, .queries = g.n_steps, .keys = g.max_keys, .has_head = has_head};
    char what[200];
    snprintf(what, sizeof what, "gen.S.%s", family);
    s = check_head(o, &sh, what, err);
    if (s == TF_OK && g.n_steps > FILM_MAX_FRAMES)
        s = error_set(err, TF_ERR_INPUT, "%s: %u steps of generation; a GIF takes at most %d frames",
                      trace_reader_path(r), g.n_steps, FILM_MAX_FRAMES);
    if (s == TF_OK)
        s = alloc_film(f, g.n_steps, g.n_steps, g.max_keys, g.n_steps, err);
    size_t page = (size_t)g.n_steps * g.max_keys;
    float *all = s == TF_OK ? malloc(page * sizeof *all) : NULL;
    if (s == TF_OK && !all)
        s = error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (s != TF_OK) {
        free(all);
        film_free(f);
        plot_generation_free(&g);
        return s;
    }
    f->heads = g.heads;
    f->generation = true;
    take_head(all, g.data, g.heads, page, o->head);
    /* frame S: steps 0..S as generation.gp draws them, the rest not yet
     * there, labelled "·" (the tokens to come are not given away); a key
     * is there when step S's row holds a weight for it */
    const size_t rows = (size_t)g.n_steps * g.n_steps;
    for (uint32_t k = 0; k < g.n_steps && s == TF_OK; k++) {
        float *frame = f->data + k * page;
        for (uint32_t q = 0; q < g.n_steps; q++)
            for (uint32_t c = 0; c < g.max_keys; c++)
                frame[(size_t)q * g.max_keys + c] = q <= k ? all[(size_t)q * g.max_keys + c] : NAN;
        for (uint32_t q = 0; q < g.n_steps && s == TF_OK; q++)
            s = set_label(f, (size_t)k * g.n_steps + q, q <= k ? g.row_ptrs[q] : NOT_YET, err);
        for (uint32_t c = 0; c < g.max_keys && s == TF_OK; c++)
            s = set_label(f, rows + (size_t)k * g.max_keys + c,
                          isnan(all[(size_t)k * g.max_keys + c]) ? NOT_YET : g.col_ptrs[c], err);
        f->steps[k] = k;
    }
    free(all);
    if (s != TF_OK) {
        film_free(f);
        plot_generation_free(&g);
        return s;
    }
    point_labels(f);
    snprintf(f->block, sizeof f->block, "%s", family);
    snprintf(f->name, sizeof f->name, "gen.%s", family);
    describe_heads(f, o->head);
    RecordName rn;
    record_name_parse(family, &rn);
    snprintf(f->description, sizeof f->description, "%s during generation, a row per decoding step (%s): %s",
             family, f->formula,
             rn.block == RECORD_BLOCK_CROSS_ATTN ? "each new token's query against the same encoder memory"
                                                 : "the new token's query against the KV cache, one key more a step");
    fill_record(f, "step");
    plot_generation_free(&g);
    return TF_OK;
}

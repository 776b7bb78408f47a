#include "plot/plot_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "trace/export.h"
#include "trace/record_name.h"

/* ---- which records ---- */

/* A gradient's record (grad.*). */
static bool is_grad(const char *name)
{
    RecordName rn;
    record_name_parse(name, &rn);
    return rn.grad;
}

static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

static bool is_batched(const Record *r)
{
    return r->ndim > 1 && axis_named(r, "batch") == 0;
}

bool plot_has_stream(const TraceReader *r)
{
    for (uint32_t i = 0; i < trace_reader_count(r); i++)
        if (record_name_is_stream(trace_reader_name(r, i)))
            return true;
    return false;
}

bool plot_trace_batched(const TraceReader *r)
{
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        if (!record_name_is_stream(trace_reader_name(r, i)))
            continue;
        TraceRecord t;
        if (trace_reader_get(r, i, &t, NULL) != TF_OK)
            continue;
        bool b = is_batched(&t.rec);
        trace_record_release(&t);
        return b;
    }
    return false;
}

/* ---- norms ---- */

/* File text for a value: gnuplot reads "nan" as a missing point. */
static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, " %.9g", v);
    else
        fputs(" nan", f);
}

/* Per-token L2 norms of sentence `batch` of a [token, model] or
 * [batch, token, model] record; <PAD> tokens are left out. false when the
 * record is not shaped so. */
static bool stream_norms(const Record *r, int batch, double *mean, double *mn, double *mx, size_t *n_tokens)
{
    bool batched = is_batched(r);
    if (r->ndim != (batched ? 3 : 2) || !r->dim_names[r->ndim - 1] ||
        strcmp(r->dim_names[r->ndim - 1], "model") != 0)
        return false;
    RecordPages pg;
    export_pages_of(r, &pg);
    size_t page = batched ? (size_t)batch : 0;
    if (page >= pg.pages)
        return false;
    const float *m = export_pages_data(r, &pg, page);  /* (tokens, d) */
    double sum = 0;
    size_t n = 0;
    *mn = INFINITY;
    *mx = -INFINITY;
    for (size_t t = 0; t < pg.rows; t++) {
        const char *label = export_pages_row_label(r, &pg, page, t);
        if (label && strcmp(label, "<PAD>") == 0)
            continue;
        double ss = 0;
        for (size_t c = 0; c < pg.cols; c++)
            ss += (double)m[t * pg.cols + c] * (double)m[t * pg.cols + c];
        double norm = sqrt(ss);
        sum += norm;
        if (norm < *mn)
            *mn = norm;
        if (norm > *mx)
            *mx = norm;
        n++;
    }
    *mean = n ? sum / (double)n : NAN;
    *n_tokens = n;
    return true;
}

/* Name without control characters or line breaks, for a '#' line. */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* The column of a [layer, norm] table whose label is `label`, or -1. */
static int column_labelled(const Record *r, const char *label)
{
    if (r->ndim != 2 || !r->col_labels)
        return -1;
    for (uint32_t c = 0; c < r->dims[1]; c++)
        if (r->col_labels[c] && strcmp(r->col_labels[c], label) == 0)
            return (int)c;
    return -1;
}

static const char *const grad_norm_stacks[] = {"enc", "dec"};

/* True when r has per-layer gradient norms (grad.norms.enc, grad.norms.dec). */
static bool plot_has_grad_norms(const TraceReader *r)
{
    return trace_reader_find(r, "grad.norms.enc") >= 0 || trace_reader_find(r, "grad.norms.dec") >= 0;
}

/* Block 1 from the per-layer tables grad.norms.enc and grad.norms.dec
 * (FORMAT.md): LAYER STACK NAME INPUT OUTPUT WEIGHTS, found by their
 * column labels. */
static Status write_grad_layers(FILE *f, const TraceReader *r, Error *err)
{
    fputs("\n\n", f);
    for (int s = 0; s < 2; s++) {
        char name[32];
        snprintf(name, sizeof name, "grad.norms.%s", grad_norm_stacks[s]);
        long i = trace_reader_find(r, name);
        if (i < 0)
            continue;
        TraceRecord t;
        Status st = trace_reader_get(r, (uint32_t)i, &t, err);
        if (st != TF_OK)
            return st;
        int in = column_labelled(&t.rec, "input"), out = column_labelled(&t.rec, "output"),
            w = column_labelled(&t.rec, "weights");
        if (in < 0 || out < 0 || w < 0) {
            trace_record_release(&t);
            return error_set(err, TF_ERR_INPUT,
                             "%s: %s is not a [layer, norm] table with the columns input, output, weights",
                             trace_reader_path(r), name);
        }
        for (uint32_t l = 0; l < t.rec.dims[0]; l++) {
            const float *row = t.rec.data + (size_t)l * t.rec.dims[1];
            fprintf(f, "%u %s %s.%u", l, grad_norm_stacks[s], grad_norm_stacks[s], l);
            put_num(f, row[in]);
            put_num(f, row[out]);
            put_num(f, row[w]);
            fputc('\n', f);
        }
        trace_record_release(&t);
    }
    return TF_OK;
}

Status plot_write_norms(FILE *f, const TraceReader *r, int batch, Error *err)
{
    uint32_t count = trace_reader_count(r);
    uint32_t d_model = 0, rows = 0, grads = 0;
    uint32_t batches = 1;
    /* First pass: checks and the header. */
    for (uint32_t i = 0; i < count; i++) {
        if (!record_name_is_stream(trace_reader_name(r, i)))
            continue;
        TraceRecord t;
        Status s = trace_reader_get(r, i, &t, err);
        if (s != TF_OK)
            return s;
        if (t.rec.ndim >= 2 && t.rec.dim_names[t.rec.ndim - 1] &&
            strcmp(t.rec.dim_names[t.rec.ndim - 1], "model") == 0) {
            if (!d_model) {
                d_model = t.rec.dims[t.rec.ndim - 1];
                batches = is_batched(&t.rec) ? t.rec.dims[0] : 1;
            }
            rows++;
        }
        trace_record_release(&t);
    }
    if (rows == 0)
        return error_set(err, TF_ERR_INPUT,
                         "%s: no residual-stream records (enc.input, enc.L.resid_*, ...) to draw norms of",
                         trace_reader_path(r));
    if (batch < 0 || (uint32_t)batch >= batches)
        return error_set(err, TF_ERR_INPUT, "batch %d: %s has sentences 0..%u", batch, trace_reader_path(r),
                         batches - 1);

    const bool grad_layers = plot_has_grad_norms(r);
    bool any_grad = grad_layers;
    for (uint32_t i = 0; i < count && !any_grad; i++)
        any_grad = is_grad(trace_reader_name(r, i));
    fputs("# traceformer norms: the size of the residual stream, record by record (viz/norms.gp)\n# trace: ", f);
    put_clean(f, trace_reader_path(r));
    fprintf(f, "\n# d_model: %u\n# batch: %d\n", d_model, batch);
    if (any_grad)
        fprintf(f, "# gradients: %s\n", grad_layers ? "layers" : "records");
    fputs("# block 0, the residual stream: STEP STACK NAME MEAN MIN MAX\n"
          "#   the L2 norm of each token's d_model-wide vector (<PAD> tokens left out):\n"
          "#   its mean, smallest and largest over the sentence's tokens\n"
          "# block 1, \"gradients: layers\" (from grad.norms.enc, grad.norms.dec):\n"
          "#   LAYER STACK NAME INPUT OUTPUT WEIGHTS, of the whole batch: the L2 norms of\n"
          "#   the stream gradient entering and leaving layer LAYER and of its weight gradients\n"
          "# block 1, \"gradients: records\" (grad.* without those tables):\n"
          "#   STEP grad NAME NORM NORM NORM, the L2 norm of each whole gradient\n", f);
    uint32_t step = 0;
    for (uint32_t i = 0; i < count; i++) {
        const char *name = trace_reader_name(r, i);
        if (!record_name_is_stream(name))
            continue;
        TraceRecord t;
        Status s = trace_reader_get(r, i, &t, err);
        if (s != TF_OK)
            return s;
        double mean, mn, mx;
        size_t n;
        if (stream_norms(&t.rec, batch, &mean, &mn, &mx, &n)) {
            fprintf(f, "%u %.3s %s", step++, name, name);
            put_num(f, mean);
            put_num(f, n ? mn : NAN);
            put_num(f, n ? mx : NAN);
            fputc('\n', f);
        }
        trace_record_release(&t);
    }
    if (grad_layers) {
        Status s = write_grad_layers(f, r, err);
        if (s != TF_OK)
            return s;
    }
    for (uint32_t i = 0; i < count && !grad_layers; i++) {
        const char *name = trace_reader_name(r, i);
        if (!is_grad(name))
            continue;
        TraceRecord t;
        Status s = trace_reader_get(r, i, &t, err);
        if (s != TF_OK)
            return s;
        size_t n = record_numel(&t.rec);
        double ss = 0;
        for (size_t k = 0; k < n; k++)
            ss += (double)t.rec.data[k] * (double)t.rec.data[k];
        trace_record_release(&t);
        fputs(grads == 0 ? "\n\n" : "", f);
        fprintf(f, "%u grad %s", grads++, name);
        double norm = sqrt(ss);
        put_num(f, norm);
        put_num(f, norm);
        put_num(f, norm);
        fputc('\n', f);
    }
    if (ferror(f))
        return error_set(err, TF_ERR_RUNTIME, "cannot write the norms data file");
    return TF_OK;
}

/* ---- generation ---- */

typedef struct {
    uint64_t step;
    uint32_t index;
} Step;

static int cmp_step(const void *a, const void *b)
{
    const Step *x = a, *y = b;
    return (x->step > y->step) - (x->step < y->step);
}

void plot_generation_free(GenMatrix *g)
{
    if (g->labels) {
        for (size_t k = 0; k < (size_t)g->n_steps + g->max_keys; k++)
            free(g->labels[k]);
    }
    free(g->labels);
    free(g->row_ptrs);
    free(g->col_ptrs);
    free(g->data);
    memset(g, 0, sizeof *g);
}

/* Leading-axis layout of one step's record: its pages are [batch,] [head,]. */
typedef struct {
    bool batched, has_head;
    uint32_t heads, batches, keys, queries;
} StepShape;

static bool step_shape(const Record *r, StepShape *sh)
{
    memset(sh, 0, sizeof *sh);
    if (r->ndim < 2)
        return false;
    sh->batched = is_batched(r);
    int head = axis_named(r, "head");
    int lead = r->ndim - 2;
    /* allowed leading axes: none, head, batch, batch+head */
    if (lead > 2 || (lead == 2 && !(sh->batched && head == 1)) ||
        (lead == 1 && !(head == 0 || sh->batched)))
        return false;
    sh->has_head = head >= 0;
    sh->heads = head >= 0 ? r->dims[head] : 1;
    sh->batches = sh->batched ? r->dims[0] : 1;
    sh->queries = r->dims[r->ndim - 2];
    sh->keys = r->dims[r->ndim - 1];
    return true;
}

static char *dup_label(const char *s, const char *fallback)
{
    return strdup(s ? s : fallback);
}

Status plot_generation_build(const TraceReader *r, const char *family, int batch, GenMatrix *g,
                             Error *err)
{
    memset(g, 0, sizeof *g);
    uint32_t count = trace_reader_count(r);
    Step *steps = malloc((count ? count : 1) * sizeof *steps);
    if (!steps)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++) {
        const char *name = trace_reader_name(r, i);
        const char *fam = record_name_gen_family(name);
        if (!fam || strcmp(fam, family) != 0)
            continue;
        RecordName rn;
        record_name_parse(name, &rn);
        steps[n].step = (uint64_t)rn.gen_step;
        steps[n].index = i;
        n++;
    }
    if (n == 0) {
        free(steps);
        return error_set(err, TF_ERR_INPUT, "%s: no gen.S.%s records (steps of generation)",
                         trace_reader_path(r), family);
    }
    qsort(steps, n, sizeof *steps, cmp_step);

    /* Shapes: every step alike but for the number of keys. */
    StepShape first = {0};
    uint32_t max_keys = 0, widest = 0;
    Status s = TF_OK;
    for (uint32_t k = 0; k < n && s == TF_OK; k++) {
        TraceRecord t;
        s = trace_reader_get(r, steps[k].index, &t, err);
        if (s != TF_OK)
            break;
        StepShape sh;
        if (!step_shape(&t.rec, &sh))
            s = error_set(err, TF_ERR_INPUT, "%s: %s is not an attention matrix ([head,] query, key)",
                          trace_reader_path(r), t.rec.name);
        else if (k > 0 && (sh.heads != first.heads || sh.has_head != first.has_head || sh.batched != first.batched || sh.batches != first.batches))
            s = error_set(err, TF_ERR_INPUT, "%s: %s has other heads or sentences than the steps before it",
                          trace_reader_path(r), t.rec.name);
        else if (batch < 0 || (uint32_t)batch >= sh.batches)
            s = error_set(err, TF_ERR_INPUT, "batch %d: %s has sentences 0..%u", batch, t.rec.name,
                          sh.batches - 1);
        if (s == TF_OK) {
            if (k == 0)
                first = sh;
            if (sh.keys > max_keys) {
                max_keys = sh.keys;
                widest = k;
            }
        }
        trace_record_release(&t);
    }
    size_t cells = 0;
    if (s == TF_OK && (!checked_mul(&cells, first.heads, n) || !checked_mul(&cells, cells, max_keys) ||
                       cells > ((size_t)1 << 28)))
        s = error_set(err, TF_ERR_INPUT, "%s: the generation of %s is too large to draw",
                      trace_reader_path(r), family);
    if (s == TF_OK) {
        g->data = malloc(cells * sizeof *g->data);
        g->labels = calloc((size_t)n + max_keys, sizeof *g->labels);
        g->row_ptrs = calloc(n, sizeof *g->row_ptrs);
        g->col_ptrs = calloc(max_keys, sizeof *g->col_ptrs);
        if (!g->data || !g->labels || !g->row_ptrs || !g->col_ptrs)
            s = error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    g->n_steps = n;
    g->max_keys = max_keys;
    g->heads = first.heads;
    for (uint32_t k = 0; k < n && s == TF_OK; k++) {
        TraceRecord t;
        s = trace_reader_get(r, steps[k].index, &t, err);
        if (s != TF_OK)
            break;
        RecordPages pg;
        export_pages_of(&t.rec, &pg);
        uint32_t keys = t.rec.dims[t.rec.ndim - 1];
        size_t last = pg.rows - 1;  /* the newest query of this step */
        for (uint32_t h = 0; h < first.heads; h++) {
            size_t page = (size_t)batch * first.heads + h;
            const float *m = export_pages_data(&t.rec, &pg, page);
            float *row = g->data + ((size_t)h * n + k) * max_keys;
            for (uint32_t c = 0; c < max_keys; c++)
                row[c] = c < keys ? m[last * pg.cols + c] : NAN;
        }
        char fallback[32];
        snprintf(fallback, sizeof fallback, "step%llu", (unsigned long long)steps[k].step);
        g->labels[k] = dup_label(export_pages_row_label(&t.rec, &pg, (size_t)batch * first.heads, last), fallback);
        if (k == widest)
            for (uint32_t c = 0; c < max_keys; c++) {
                snprintf(fallback, sizeof fallback, "%u", c);
                g->labels[n + c] = dup_label(export_pages_col_label(&t.rec, &pg, (size_t)batch * first.heads, c), fallback);
            }
        if (k == 0) {
            snprintf(g->name, sizeof g->name, "gen.%s", family);
            g->rec.kind = t.rec.kind;  /* points into the mapping, which outlives g */
            g->vocab = t.rec.dim_names[t.rec.ndim - 1] && strcmp(t.rec.dim_names[t.rec.ndim - 1], "vocab") == 0;
        }
        trace_record_release(&t);
    }
    for (size_t k = 0; s == TF_OK && k < (size_t)n + max_keys; k++)
        if (!g->labels[k])
            s = error_set(err, TF_ERR_RUNTIME, "out of memory");
    free(steps);
    if (s != TF_OK) {
        plot_generation_free(g);
        return s;
    }
    for (uint32_t k = 0; k < n; k++)
        g->row_ptrs[k] = g->labels[k];
    for (uint32_t c = 0; c < max_keys; c++)
        g->col_ptrs[c] = g->labels[n + c];
    snprintf(g->formula, sizeof g->formula,
             g->vocab ? "row S: gen.S.%s, what step S predicted" : "row S: gen.S.%s, the newest query of step S",
             family);
    Record *rec = &g->rec;
    rec->name = g->name;
    /* [head, step, key], or [step, key] when the steps have no head axis */
    int a = 0;
    if (first.has_head) {
        rec->dims[a] = first.heads;
        rec->dim_names[a++] = "head";
    }
    rec->dims[a] = n;
    rec->dim_names[a++] = "step";
    rec->dims[a] = max_keys;
    rec->dim_names[a++] = g->vocab ? "vocab" : "key";
    rec->ndim = a;
    rec->data = g->data;
    rec->row_labels = g->row_ptrs;
    rec->col_labels = g->col_ptrs;
    rec->formula = g->formula;
    RecordName fam;
    record_name_parse(family, &fam);
    rec->description = g->vocab ? "The next token's scores at each step of generation: a row per step, labelled "
                                  "with the token the step read."
                       : fam.block == RECORD_BLOCK_CROSS_ATTN
                           ? "Decoder cross-attention during generation: the keys are the encoder memory, "
                             "computed once, the same every step."
                           : "Decoder attention during generation: the KV cache grows by one key per step.";
    return TF_OK;
}

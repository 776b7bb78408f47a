/* claims_eval.c — evaluating a parsed claim on tensors fetched from traces.
 *
 * Every value is a ClaimTensor of doubles; a scalar has ndim 0. Functions
 * that reduce "per row" work on the last axis and drop it; distance
 * measures from the position of the row (along the axis before it) to
 * the position of each column, as ClaimTensor.first says: a generation
 * step's one query row is at position S. Entropy and distance are
 * core/row_stats.h's, the viewer's and the plots' too. Every shape rule
 * that can fail says so in words, so a lesson author sees what to fix. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/row_stats.h"
#include "lesson/claims_ast.h"
#include "text/verse_form.h"

void claim_tensor_free(ClaimTensor *t)
{
    free(t->data);
    free(t->parts);
    free(t->labels);
    memset(t, 0, sizeof *t);
}

static Status alloc_tensor(ClaimTensor *t, int ndim, const size_t *dims, Error *err)
{
    memset(t, 0, sizeof *t);
    t->ndim = ndim;
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        t->dims[i] = dims[i];
        if (dims[i] && n > SIZE_MAX / sizeof(double) / dims[i])
            return error_set(err, TF_ERR_INPUT, "tensor too large");
        n *= dims[i];
    }
    t->n = n;
    t->data = malloc((n ? n : 1) * sizeof *t->data);
    if (!t->data)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    return TF_OK;
}

static Status scalar(ClaimTensor *t, double v, Error *err)
{
    Status st = alloc_tensor(t, 0, NULL, err);
    if (st == TF_OK)
        t->data[0] = v;
    return st;
}

static void shape_text(const ClaimTensor *t, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < t->ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %zu", i ? ", " : "", t->names[i][0] ? t->names[i] : "?",
                              t->dims[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "]");
}

/* ---- slicing by dim name ---- */

/* lo and hi of a slice over a dim of len entries; false when out of range. */
static bool slice_bounds(const ClaimSlice *sl, long len, long *lo_out, long *hi_out)
{
    long lo = sl->has_lo ? sl->lo : 0, hi = sl->single ? lo + 1 : sl->has_hi ? sl->hi : len;
    if (lo < 0)
        lo += len;
    if (sl->single)
        hi = lo + 1;
    else if (sl->has_hi && hi < 0)
        hi += len;
    *lo_out = lo;
    *hi_out = hi;
    return !(lo < 0 || lo > len || hi > len || hi < lo || (sl->single && lo >= len));
}

/* The slice sl of the first axis of each of t's parts, in place. */
static Status slice_parts(ClaimTensor *t, const ClaimRef *ref, const ClaimSlice *sl, Error *err)
{
    size_t inner = 1, r = 0, w = 0, kept = 0;
    for (int i = 1; i < t->ndim; i++)
        inner *= t->dims[i];
    for (size_t p = 0; p < t->n_parts; p++) {
        const long len = (long)t->parts[p];
        long lo, hi;
        if (!slice_bounds(sl, len, &lo, &hi))
            return error_set(err, TF_ERR_INPUT,
                             "%s: %s index out of range in record %zu of the pattern (it has %ld entries, 0..%ld)",
                             ref->name, sl->dim, p + 1, len, len - 1);
        const size_t keep = (size_t)(hi - lo);
        memmove(t->data + w * inner, t->data + (r + (size_t)lo) * inner, keep * inner * sizeof *t->data);
        w += keep;
        kept += keep;
        r += (size_t)len;
    }
    t->dims[0] = kept;
    t->n = kept * inner;
    t->first[0] = NAN;  /* rows of different records */
    return TF_OK;
}

Status claim_slice(ClaimTensor *t, const ClaimRef *ref, Error *err)
{
    Status st = TF_OK;
    if (ref->n_slices > 0) {  /* the labels were of the whole record */
        free(t->labels);
        t->labels = NULL;
    }
    for (int s = 0; st == TF_OK && s < ref->n_slices; s++) {
        const ClaimSlice *sl = &ref->slices[s];
        int ax = -1;
        for (int i = 0; i < t->ndim; i++)
            if (strcmp(t->names[i], sl->dim) == 0)
                ax = i;
        if (ax < 0) {
            char sh[160];
            shape_text(t, sh, sizeof sh);
            st = error_set(err, TF_ERR_INPUT, "%s has no dim '%s' (its dims: %s)", ref->name, sl->dim, sh);
            break;
        }
        if (ax == 0 && t->parts) {
            st = slice_parts(t, ref, sl, err);
            continue;
        }
        const long len = (long)t->dims[ax];
        long lo, hi;
        if (!slice_bounds(sl, len, &lo, &hi)) {
            st = error_set(err, TF_ERR_INPUT, "%s: %s index out of range (the dim has %ld entries, 0..%ld)",
                           ref->name, sl->dim, len, len - 1);
            break;
        }
        size_t outer = 1, inner = 1;
        for (int i = 0; i < ax; i++)
            outer *= t->dims[i];
        for (int i = ax + 1; i < t->ndim; i++)
            inner *= t->dims[i];
        size_t keep = (size_t)(hi - lo), w = 0;
        for (size_t o = 0; o < outer; o++)
            for (size_t k = 0; k < keep; k++)
                for (size_t i = 0; i < inner; i++)
                    t->data[w++] = t->data[(o * (size_t)len + (size_t)lo + k) * inner + i];
        t->n = w;
        if (sl->single) {
            for (int i = ax; i + 1 < t->ndim; i++) {
                t->dims[i] = t->dims[i + 1];
                t->first[i] = t->first[i + 1];
                memcpy(t->names[i], t->names[i + 1], sizeof t->names[i]);
            }
            t->ndim--;
        } else {
            t->dims[ax] = keep;
            t->first[ax] += (double)lo;  /* [query=2:] starts at the query two on */
        }
    }
    free(t->parts);
    t->parts = NULL;
    t->n_parts = 0;
    return st;
}

/* ---- functions ---- */

static Status need_rows(const ClaimTensor *t, int min_ndim, const char *fn, Error *err)
{
    if (t->ndim < min_ndim)
        return error_set(err, TF_ERR_INPUT, "%s needs %s, got %s", fn,
                         min_ndim == 1 ? "a tensor with rows" : "a matrix (two axes or more)",
                         t->ndim == 0 ? "a single number" : "a vector");
    return TF_OK;
}

/* Per row of the last axis: out has the leading dims of t. */
static Status reduce_rows(ClaimTensor *out, const ClaimTensor *t, ClaimFn fn, Error *err)
{
    Status st = need_rows(t, fn == F_DISTANCE ? 2 : 1, claim_fns[fn].name, err);
    if (st)
        return st;
    const size_t cols = t->dims[t->ndim - 1];
    const size_t rows_per_page = t->ndim >= 2 ? t->dims[t->ndim - 2] : 1;
    if (cols == 0)
        return error_set(err, TF_ERR_INPUT, "%s: the rows are empty", claim_fns[fn].name);
    if ((st = alloc_tensor(out, t->ndim - 1, t->dims, err)))
        return st;
    for (int i = 0; i < out->ndim; i++) {
        memcpy(out->names[i], t->names[i], sizeof out->names[i]);
        out->first[i] = t->first[i];
    }
    const size_t rows = t->n / cols;
    const double row_pos = t->ndim >= 2 ? t->first[t->ndim - 2] : 0, col_pos = t->first[t->ndim - 1];
    for (size_t r = 0; r < rows; r++) {
        const double *x = t->data + r * cols;
        double acc = 0;
        RowStats rs;
        switch (fn) {
        case F_ROWSUM:
            for (size_t j = 0; j < cols; j++)
                acc += x[j];
            break;
        case F_ENTROPY:
            row_stats_double(x, cols, 0, 0, &rs);
            acc = rs.entropy_bits;
            break;
        case F_DISTANCE:
            row_stats_double(x, cols, row_pos + (double)(r % rows_per_page), col_pos, &rs);
            acc = rs.distance;
            break;
        case F_NORM:
            for (size_t j = 0; j < cols; j++)
                acc += x[j] * x[j];
            acc = sqrt(acc);
            break;
        case F_JACOBIAN: {
            /* A row p of softmax weights: its Jacobian J = diag(p) - p pᵀ,
             * whose Frobenius norm squared is Σp² - 2Σp³ + (Σp²)². How much
             * of a gradient on the weights reaches the scores: 0 for a
             * one-hot row, the most for a flat one. */
            double s2 = 0, s3 = 0;
            for (size_t j = 0; j < cols; j++) {
                s2 += x[j] * x[j];
                s3 += x[j] * x[j] * x[j];
            }
            const double f2 = s2 - 2 * s3 + s2 * s2;
            acc = sqrt(f2 > 0 ? f2 : 0);
            break;
        }
        case F_ROWMAX:
        case F_ARGMAX: {
            size_t best = 0;
            for (size_t j = 1; j < cols; j++)
                if (x[j] > x[best])
                    best = j;
            acc = fn == F_ROWMAX ? x[best] : (double)best;
            break;
        }
        default:
            break;
        }
        out->data[r] = acc;
    }
    return TF_OK;
}

static Status reduce_all(ClaimTensor *out, const ClaimTensor *t, ClaimFn fn, Error *err)
{
    if (fn == F_COUNT)
        return scalar(out, (double)t->n, err);
    /* The sum of nothing is 0 (a fact about every masked weight holds when
     * nothing is masked); the max, min or mean of nothing is undefined. */
    if (t->n == 0 && fn != F_SUM)
        return error_set(err, TF_ERR_INPUT, "%s of an empty selection", claim_fns[fn].name);
    double acc = fn == F_MAX ? -INFINITY : fn == F_MIN ? INFINITY : 0;
    for (size_t i = 0; i < t->n; i++) {
        double v = t->data[i];
        if (fn == F_MAX)
            acc = v > acc || isnan(v) ? v : acc;
        else if (fn == F_MIN)
            acc = v < acc || isnan(v) ? v : acc;
        else
            acc += v;
    }
    if (fn == F_MEAN || fn == F_STD)
        acc /= (double)t->n;
    if (fn == F_STD) {  /* the population standard deviation, around that mean */
        double ss = 0;
        for (size_t i = 0; i < t->n; i++)
            ss += (t->data[i] - acc) * (t->data[i] - acc);
        acc = sqrt(ss / (double)t->n);
    }
    return scalar(out, acc, err);
}

/* diag, upper (j > i), lower (j < i) of the last two axes. */
static Status triangle(ClaimTensor *out, const ClaimTensor *t, ClaimFn fn, Error *err)
{
    Status st = need_rows(t, 2, claim_fns[fn].name, err);
    if (st)
        return st;
    const size_t R = t->dims[t->ndim - 2], C = t->dims[t->ndim - 1];
    const size_t pages = (R != 0 && C != 0) ? t->n / (R * C) : 0;
    if (fn == F_DIAG) {
        if (R != C)
            return error_set(err, TF_ERR_INPUT, "diag needs square matrices, not %zu x %zu", R, C);
        if ((st = alloc_tensor(out, t->ndim - 1, t->dims, err)))
            return st;
        for (int i = 0; i < out->ndim; i++) {
            memcpy(out->names[i], t->names[i], sizeof out->names[i]);
            out->first[i] = t->first[i];
        }
        for (size_t p = 0; p < pages; p++)
            for (size_t i = 0; i < R; i++)
                out->data[p * R + i] = t->data[(p * R + i) * C + i];
        return TF_OK;
    }
    size_t n = 0;
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < C; j++)
            n += fn == F_UPPER ? j > i : j < i;
    size_t dims[1] = {n * pages};
    if ((st = alloc_tensor(out, 1, dims, err)))
        return st;
    strcpy(out->names[0], "cell");
    size_t w = 0;
    for (size_t p = 0; p < pages; p++)
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++)
                if (fn == F_UPPER ? j > i : j < i)
                    out->data[w++] = t->data[(p * R + i) * C + j];
    return TF_OK;
}

/* The values of t where the mask m is −∞ (masked) or finite (unmasked).
 * m's dims are matched to t's by name (a [batch, query, key] mask applies
 * to every head of [batch, head, query, key] weights). */
static Status select_masked(ClaimTensor *out, const ClaimTensor *t, const ClaimTensor *m, bool want_masked,
                            Error *err)
{
    int map[CLAIM_MAX_DIMS];  /* axis of t for each axis of m */
    for (int k = 0; k < m->ndim; k++) {
        map[k] = -1;
        for (int i = 0; i < t->ndim; i++)
            if (strcmp(m->names[k], t->names[i]) == 0 && m->dims[k] == t->dims[i])
                map[k] = i;
        if (map[k] < 0) {
            char a[160], b[160];
            shape_text(t, a, sizeof a);
            shape_text(m, b, sizeof b);
            return error_set(err, TF_ERR_INPUT, "%s: the mask %s does not fit the values %s",
                             want_masked ? "masked" : "unmasked", b, a);
        }
    }
    size_t dims[1] = {t->n};
    Status st = alloc_tensor(out, 1, dims, err);
    if (st)
        return st;
    strcpy(out->names[0], "cell");
    size_t w = 0, idx[CLAIM_MAX_DIMS] = {0};
    for (size_t e = 0; e < t->n; e++) {
        size_t rest = e;
        for (int i = t->ndim - 1; i >= 0; i--) {
            idx[i] = rest % t->dims[i];
            rest /= t->dims[i];
        }
        size_t mo = 0;
        for (int k = 0; k < m->ndim; k++)
            mo = mo * m->dims[k] + idx[map[k]];
        bool blocked = isinf(m->data[mo]) && m->data[mo] < 0;
        if (blocked == want_masked)
            out->data[w++] = t->data[e];
    }
    out->n = w;
    out->dims[0] = w;
    return TF_OK;
}

static Status same_count(const ClaimTensor *a, const ClaimTensor *b, const char *what, Error *err)
{
    if (a->n == b->n)
        return TF_OK;
    char x[160], y[160];
    shape_text(a, x, sizeof x);
    shape_text(b, y, sizeof y);
    return error_set(err, TF_ERR_INPUT, "%s: %s and %s do not have the same number of values (%zu, %zu)", what, x, y,
                     a->n, b->n);
}

static Status eval(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err);

/* An argument that must be a whole number (permute_rows' and rows' row
 * numbers). */
static Status whole_arg(const ClaimNode *n, const char *fn, ClaimFetch fetch, void *ctx, long *out, Error *err)
{
    ClaimTensor t;
    Status st = eval(n, fetch, ctx, &t, err);
    if (st)
        return st;
    double v = t.n == 1 ? t.data[0] : NAN;
    claim_tensor_free(&t);
    if (!(v == floor(v)) || v < 0 || v > 1e9)
        return error_set(err, TF_ERR_INPUT, "%s: the row numbers must be whole numbers from 0", fn);
    *out = (long)v;
    return TF_OK;
}

/* t with its rows (the second-to-last axis, or the only one) reordered:
 * row r of *out is row perm[r] of t; perm is NULL for the reversed order.
 * Takes t over (frees it). */
static Status reorder_rows(ClaimTensor *t, const long *perm, ClaimTensor *out, Error *err)
{
    const int ax = t->ndim >= 2 ? t->ndim - 2 : 0;
    const size_t R = t->dims[ax];
    Status st = alloc_tensor(out, t->ndim, t->dims, err);
    if (st) {
        claim_tensor_free(t);
        return st;
    }
    memcpy(out->names, t->names, sizeof out->names);
    memcpy(out->first, t->first, sizeof out->first);
    size_t inner = 1, outer = 1;
    for (int i = ax + 1; i < t->ndim; i++)
        inner *= t->dims[i];
    for (int i = 0; i < ax; i++)
        outer *= t->dims[i];
    for (size_t o = 0; o < outer; o++)
        for (size_t r = 0; r < R; r++) {
            const size_t from = perm ? (size_t)perm[r] : R - 1 - r;
            memcpy(out->data + (o * R + r) * inner, t->data + (o * R + from) * inner, inner * sizeof *t->data);
        }
    claim_tensor_free(t);
    return TF_OK;
}

static Status permute_rows(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    ClaimTensor t;
    Status st = eval(n->args[0], fetch, ctx, &t, err);
    if (st)
        return st;
    if (t.ndim == 0) {
        claim_tensor_free(&t);
        return error_set(err, TF_ERR_INPUT, "permute_rows needs a tensor with rows");
    }
    const int ax = t.ndim >= 2 ? t.ndim - 2 : 0;
    const size_t R = t.dims[ax];
    const int np = n->n_args - 1;
    if ((size_t)np != R) {
        claim_tensor_free(&t);
        return error_set(err, TF_ERR_INPUT, "permute_rows: %d row numbers for %zu rows", np, R);
    }
    long perm[CLAIM_MAX_ARGS];
    bool seen[CLAIM_MAX_ARGS] = {false};
    for (int i = 0; i < np; i++) {
        if ((st = whole_arg(n->args[i + 1], "permute_rows", fetch, ctx, &perm[i], err))) {
            claim_tensor_free(&t);
            return st;
        }
        if (perm[i] >= np || seen[perm[i]]) {
            claim_tensor_free(&t);
            return error_set(err, TF_ERR_INPUT, "permute_rows: the row numbers must be 0..%d, each once", np - 1);
        }
        seen[perm[i]] = true;
    }
    return reorder_rows(&t, perm, out, err);
}

/* reverse_rows(t): the rows in reverse order, however many the trace has
 * (the words of a sentence written backwards: its run's src_from = main
 * reversed). */
static Status reverse_rows(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    ClaimTensor t;
    Status st = eval(n->args[0], fetch, ctx, &t, err);
    if (st)
        return st;
    if (t.ndim == 0) {
        claim_tensor_free(&t);
        return error_set(err, TF_ERR_INPUT, "reverse_rows needs a tensor with rows");
    }
    return reorder_rows(&t, NULL, out, err);
}

/* rows(t, a, b): rows a..b−1 of t (rows: the second-to-last axis, or the
 * only one), so a claim can take as many rows as another record has. */
static Status rows(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    long lo, hi;
    Status st = whole_arg(n->args[1], "rows", fetch, ctx, &lo, err);
    if (st || (st = whole_arg(n->args[2], "rows", fetch, ctx, &hi, err)))
        return st;
    if ((st = eval(n->args[0], fetch, ctx, out, err)))
        return st;
    if (out->ndim == 0) {
        claim_tensor_free(out);
        return error_set(err, TF_ERR_INPUT, "rows needs a tensor with rows");
    }
    const int ax = out->ndim >= 2 ? out->ndim - 2 : 0;
    const size_t R = out->dims[ax];
    if (lo > hi || (size_t)hi > R) {
        claim_tensor_free(out);
        return error_set(err, TF_ERR_INPUT, "rows: rows %ld to %ld of %zu rows", lo, hi, R);
    }
    size_t inner = 1, outer = 1, w = 0;
    for (int i = ax + 1; i < out->ndim; i++)
        inner *= out->dims[i];
    for (int i = 0; i < ax; i++)
        outer *= out->dims[i];
    const size_t keep = (size_t)(hi - lo);
    for (size_t o = 0; o < outer; o++, w += keep * inner)
        memmove(out->data + w, out->data + (o * R + (size_t)lo) * inner, keep * inner * sizeof *out->data);
    out->n = w;
    out->dims[ax] = keep;
    out->first[ax] += (double)lo;
    return TF_OK;
}

/* first_below(x, t): along a curve x (one axis; axes of length 1 do not
 * count), the 1-based position of its first value below t, or its length
 * + 1 when none is, so that "reaches it sooner" is a plain a < b (a run
 * that never gets there compares as the slowest). */
static Status first_below(const ClaimTensor *x, const ClaimTensor *t, ClaimTensor *out, Error *err)
{
    int long_axes = 0;
    for (int i = 0; i < x->ndim; i++)
        long_axes += x->dims[i] > 1;
    if (long_axes > 1) {
        char sh[160];
        shape_text(x, sh, sizeof sh);
        return error_set(err, TF_ERR_INPUT, "first_below needs a curve (one axis), not %s; slice it to one axis",
                         sh);
    }
    if (t->n != 1)
        return error_set(err, TF_ERR_INPUT, "first_below: the threshold is %zu values, not one number", t->n);
    const double below = t->data[0];
    size_t at = x->n + 1;
    for (size_t i = 0; i < x->n; i++)
        if (x->data[i] < below) {
            at = i + 1;
            break;
        }
    return scalar(out, (double)at, err);
}

/* lineform(t[, P]): the line-form rate (text/verse_form.h) of the token
 * record t, read through its labels, each row of a [batch, token] record
 * a sample of its own; the first P tokens of each are the prompt (0 when
 * not given). A trace does not record where a generation's prompt ends
 * (gen.tokens holds the prompt and what followed alike), so a claim that
 * measures only what the model wrote gives P, read from a trace:
 * count(tgt.tokens@main) when the main run reads the prompt. */
static Status lineform(const ClaimTensor *t, const ClaimTensor *prompt, ClaimTensor *out, Error *err)
{
    if (!t->labels)
        return error_set(err, TF_ERR_INPUT,
                         "lineform: the first argument must be a token record as the trace holds it, with its token "
                         "texts (gen.tokens@RUN), not sliced or computed");
    long p = 0;
    if (prompt) {
        double v = prompt->n == 1 ? prompt->data[0] : NAN;
        if (!(v == floor(v)) || v < 0 || v > 1e9)
            return error_set(err, TF_ERR_INPUT, "lineform: the prompt's length must be one whole number from 0");
        p = (long)v;
    }
    if (t->ndim < 1 || t->ndim > 2)
        return error_set(err, TF_ERR_INPUT, "lineform: a token record is [token] or [batch, token], not %d dims",
                         t->ndim);
    const size_t len = t->dims[t->ndim - 1], rows = len ? t->n / len : 0;
    const char **tokens = malloc((len ? len : 1) * sizeof *tokens);
    if (!tokens)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    VerseForm f;
    verse_form_init(&f);
    const char *at = t->labels;
    for (size_t r = 0; r < rows; r++) {
        for (size_t k = 0; k < len; k++) {
            tokens[k] = at;
            at += strlen(at) + 1;
        }
        verse_form_add_tokens(&f, tokens, (int)len, p > (long)len ? (int)len : (int)p);
    }
    free(tokens);
    return scalar(out, verse_form_rate(&f), err);
}

static Status call(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    if (n->fn == F_PERMUTE_ROWS)
        return permute_rows(n, fetch, ctx, out, err);
    if (n->fn == F_REVERSE_ROWS)
        return reverse_rows(n, fetch, ctx, out, err);
    if (n->fn == F_ROWS)
        return rows(n, fetch, ctx, out, err);
    ClaimTensor a, b = {0};
    Status st = eval(n->args[0], fetch, ctx, &a, err);
    if (st)
        return st;
    if (n->n_args > 1 && (st = eval(n->args[1], fetch, ctx, &b, err))) {
        claim_tensor_free(&a);
        return st;
    }
    switch (n->fn) {
    case F_ABS:
    case F_ISINF:
        *out = a;
        memset(&a, 0, sizeof a);
        free(out->labels);  /* numbers now, not tokens */
        out->labels = NULL;
        for (size_t i = 0; i < out->n; i++)
            out->data[i] = n->fn == F_ABS ? fabs(out->data[i]) : isinf(out->data[i]) ? 1.0 : 0.0;
        break;
    case F_MAX:
    case F_MIN:
    case F_MEAN:
    case F_SUM:
    case F_COUNT:
    case F_STD:
        st = reduce_all(out, &a, n->fn, err);
        break;
    case F_ROWSUM:
    case F_ENTROPY:
    case F_DISTANCE:
    case F_NORM:
    case F_JACOBIAN:
    case F_ROWMAX:
    case F_ARGMAX:
        st = reduce_rows(out, &a, n->fn, err);
        break;
    case F_DIAG:
    case F_UPPER:
    case F_LOWER:
        st = triangle(out, &a, n->fn, err);
        break;
    case F_MASKED:
    case F_UNMASKED:
        st = select_masked(out, &a, &b, n->fn == F_MASKED, err);
        break;
    case F_FIRST_BELOW:
        st = first_below(&a, &b, out, err);
        break;
    case F_LINEFORM:
        st = lineform(&a, n->n_args > 1 ? &b : NULL, out, err);
        break;
    case F_MAXDIFF: {
        if ((st = same_count(&a, &b, "maxdiff", err)))
            break;
        double worst = 0;
        for (size_t i = 0; i < a.n; i++) {
            double x = a.data[i], y = b.data[i];
            double d = x == y ? 0 : fabs(x - y);  /* −∞ against −∞ is no difference */
            if (d > worst || isnan(d))
                worst = d;
            if (isnan(d))
                break;
        }
        st = scalar(out, worst, err);
        break;
    }
    default:
        st = error_set(err, TF_ERR_RUNTIME, "internal: function %d", (int)n->fn);
        break;
    }
    claim_tensor_free(&a);
    claim_tensor_free(&b);
    return st;
}

static Status arith(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    ClaimTensor a, b;
    Status st = eval(n->args[0], fetch, ctx, &a, err);
    if (st)
        return st;
    if ((st = eval(n->args[1], fetch, ctx, &b, err))) {
        claim_tensor_free(&a);
        return st;
    }
    /* scalars broadcast; otherwise the counts must agree (shape of the left) */
    ClaimTensor *big = a.n == 1 && b.n != 1 ? &b : &a;
    if (a.n != 1 && b.n != 1 && (st = same_count(&a, &b, "arithmetic", err))) {
        claim_tensor_free(&a);
        claim_tensor_free(&b);
        return st;
    }
    if ((st = alloc_tensor(out, big->ndim, big->dims, err)) == TF_OK) {
        memcpy(out->names, big->names, sizeof out->names);
        memcpy(out->first, big->first, sizeof out->first);
        for (size_t i = 0; i < out->n; i++) {
            double x = a.data[a.n == 1 ? 0 : i], y = b.data[b.n == 1 ? 0 : i];
            out->data[i] = n->kind == N_ADD   ? x + y
                           : n->kind == N_SUB ? x - y
                           : n->kind == N_MUL ? x * y
                           : n->kind == N_POW ? pow(x, y)
                                              : x / y;
        }
    }
    claim_tensor_free(&a);
    claim_tensor_free(&b);
    return st;
}

/* The number of values of the record a len(...) bound names. */
static Status len_of(const char *text, ClaimFetch fetch, void *ctx, long *out, Error *err)
{
    ClaimRef r;
    ClaimTensor t;
    Status st = claim_ref_parse(text, &r, err);
    if (st || (st = fetch(ctx, r.run, r.name, &t, err)))
        return st;
    *out = (long)t.n;
    claim_tensor_free(&t);
    return TF_OK;
}

/* Put the lengths of its len(...) bounds into ref's slices. */
static Status resolve_lens(ClaimRef *ref, ClaimFetch fetch, void *ctx, Error *err)
{
    Status st = TF_OK;
    for (int i = 0; st == TF_OK && i < ref->n_slices; i++) {
        ClaimSlice *sl = &ref->slices[i];
        if (sl->lo_len[0])
            st = len_of(sl->lo_len, fetch, ctx, &sl->lo, err);
        if (st == TF_OK && sl->hi_len[0])
            st = len_of(sl->hi_len, fetch, ctx, &sl->hi, err);
    }
    return st;
}

static Status eval(const ClaimNode *n, ClaimFetch fetch, void *ctx, ClaimTensor *out, Error *err)
{
    memset(out, 0, sizeof *out);
    switch (n->kind) {
    case N_NUM:
        return scalar(out, n->num, err);
    case N_REF: {
        ClaimRef ref = n->ref;
        Status st = resolve_lens(&ref, fetch, ctx, err);
        if (st || (st = fetch(ctx, ref.run, ref.name, out, err)))
            return st;
        if ((st = claim_slice(out, &ref, err)))
            claim_tensor_free(out);
        return st;
    }
    case N_NEG: {
        Status st = eval(n->args[0], fetch, ctx, out, err);
        for (size_t i = 0; st == TF_OK && i < out->n; i++)
            out->data[i] = -out->data[i];
        return st;
    }
    case N_ADD:
    case N_SUB:
    case N_MUL:
    case N_DIV:
    case N_POW:
        return arith(n, fetch, ctx, out, err);
    case N_CALL:
        return call(n, fetch, ctx, out, err);
    }
    return error_set(err, TF_ERR_RUNTIME, "internal: node %d", (int)n->kind);
}

/* n as one number; what names it in the message ("the left side", "the
 * value") when it is more. */
static Status eval_scalar(const ClaimNode *n, const char *what, ClaimFetch fetch, void *ctx, double *v, Error *err)
{
    ClaimTensor t;
    Status st = eval(n, fetch, ctx, &t, err);
    if (st)
        return st;
    if (t.n != 1) {
        char sh[160];
        shape_text(&t, sh, sizeof sh);
        size_t values = t.n;
        claim_tensor_free(&t);
        return error_set(err, TF_ERR_INPUT,
                         "%s is %s, %zu values; reduce it to one number with max, min, mean, sum or count", what, sh,
                         values);
    }
    *v = t.data[0];
    claim_tensor_free(&t);
    return TF_OK;
}

Status claim_eval_value(const Claim *c, ClaimFetch fetch, void *ctx, double *v, Error *err)
{
    return eval_scalar(c->lhs, "the value", fetch, ctx, v, err);
}

static const char *cmp_text(ClaimCmp c)
{
    static const char *const s[] = {"==", "!=", "<", "<=", ">", ">="};
    return s[c];
}

static Status eval_comparison(const Claim *c, ClaimFetch fetch, void *ctx, ClaimOutcome *out, Error *err);

Status claim_eval(const Claim *c, ClaimFetch fetch, void *ctx, ClaimOutcome *out, Error *err)
{
    Status st = eval_comparison(c, fetch, ctx, out, err);
    /* "A and B": each is measured and shown, and all must hold */
    for (const Claim *next = c->and_also; st == TF_OK && next; next = next->and_also) {
        ClaimOutcome more;
        st = eval_comparison(next, fetch, ctx, &more, err);
        if (st) {
            snprintf(out->measured, sizeof out->measured, "%s", more.measured);
            out->pass = false;
            break;
        }
        const size_t used = strlen(out->measured);
        snprintf(out->measured + used, sizeof out->measured - used, " and %s", more.measured);
        out->pass = out->pass && more.pass;
    }
    return st;
}

static Status eval_comparison(const Claim *c, ClaimFetch fetch, void *ctx, ClaimOutcome *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Status st = eval_scalar(c->lhs, "the left side", fetch, ctx, &out->lhs, err);
    if (st == TF_OK)
        st = eval_scalar(c->rhs, "the right side", fetch, ctx, &out->rhs, err);
    if (st == TF_OK && c->tol)
        st = eval_scalar(c->tol, "the tolerance", fetch, ctx, &out->tol, err);
    if (st) {
        snprintf(out->measured, sizeof out->measured, "error: %.240s", err->msg);
        return st;
    }
    const double l = out->lhs, r = out->rhs, t = out->tol;
    const bool near = l == r || fabs(l - r) <= t;  /* equal infinities are equal */
    switch (c->cmp) {
    case CMP_EQ: out->pass = near; break;
    case CMP_NE: out->pass = !near && !isnan(l) && !isnan(r); break;
    case CMP_LT: out->pass = l < r; break;
    case CMP_LE: out->pass = l <= r; break;
    case CMP_GT: out->pass = l > r; break;
    case CMP_GE: out->pass = l >= r; break;
    }
    if (c->tol)
        snprintf(out->measured, sizeof out->measured, "%.9g %s %.9g within %g (difference %.3g)", l, cmp_text(c->cmp),
                 r, t, fabs(l - r));
    else
        snprintf(out->measured, sizeof out->measured, "%.9g %s %.9g", l, cmp_text(c->cmp), r);
    return TF_OK;
}

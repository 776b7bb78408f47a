/* test_claims.c — the claim language: malformed claims refused with the
 * column and what was expected, record references and their slices, and
 * every function evaluated on small tensors whose answers are known. The
 * evaluator reads "records" from a table here, not from traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/claims.h"

/* ---- parse errors ---- */

typedef struct {
    const char *claim;
    const char *message;  /* a part of the error message */
} BadClaim;

static const BadClaim bad_claims[] = {
    {"", "empty claim"},
    {"   ", "empty claim"},
    {"max(w)", "expected a comparison"},
    {"max(w) = 0", "write '==' to compare"},
    {"frobnicate(w) == 0", "unknown function 'frobnicate'"},
    {"max(w, w) == 0", "max takes 1 argument, not 2"},
    {"maxdiff(w) == 0", "maxdiff takes 2 arguments, not 1"},
    {"permute_rows(w) == 0", "permute_rows takes at least 2 arguments"},
    {"max(reverse_rows(r, 1)) == 0", "reverse_rows takes 1 argument, not 2"},
    {"max(w == 0", "column 7"},
    {"max(w == 0", "expected ',' or ')' in the arguments of max"},
    {"w[batch] == 0", "expected '=' after 'batch'"},
    {"w[batch=1 == 0", "']' to close the slices"},
    {"w[batch=x] == 0", "expected an index or a range"},
    {"w[batch=1, batch=0] == 0", "dim 'batch' is sliced twice"},
    {"w@ == 0", "'@' must be followed by a run name"},
    {"max(w) < 1 within 2", "'within' goes with == or != only"},
    {"max(w) == 1 2", "expected the end of the claim"},
    {"== 0", "column 1"},
    {"max(w) == ", "expected a number, a record name, a function or '('"},
    {"max(w) == (1", "expected ')'"},
    {"max(w) == 1e999", "number out of range"},
    {"max(w) == 0 within", "expected a number"},
    {"w[key=len(] == 0", "expected a record name and ')' in len(...)"},
    {"w[key=len(s] == 0", "expected a record name and ')' in len(...)"},
    {"rows(r, 1) == 0", "rows takes 3 arguments, not 2"},
    {"s^ == 0", "expected a number, a record name, a function or '('"},
    {"s == 7 and", "expected a comparison"},
    {"s == 7 and and s == 7", "column 16 (at 's == 7'): expected a comparison"},
    {"s == 7 or s == 8", "expected the end of the claim, 'and' or 'within TOLERANCE'"},
    {"s and s == 7", "expected a comparison"},
    {"s == 1 and s == 2 and s == 3 and s == 4 and s == 5 and s == 6 and s == 7 and s == 8 and s == 9",
     "at most 8 comparisons joined by 'and'"},
};

static void test_bad_claims_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_claims / sizeof bad_claims[0]; i++) {
        Claim c;
        Error err = {0};
        Status st = claim_parse(bad_claims[i].claim, &c, &err);
        if (st != TF_ERR_INPUT || !strstr(err.msg, bad_claims[i].message))
            fail_msg("claim '%s': status %d, message '%s', expected '%s'", bad_claims[i].claim, st, err.msg,
                     bad_claims[i].message);
    }
}

static void test_good_claims_parse(void **state)
{
    (void)state;
    static const char *const good[] = {
        "max(abs(enc.0.attn.weights[batch=1, key=3:])) == 0",
        "maxdiff(permute_rows(enc.1.resid_post, 2, 1, 0), enc.1.resid_post@swapped) <= 1e-5",
        "mean(rowsum(dec.0.self_attn.weights)) == 1 within 1e-6",
        "sum(gen.work@gen[mode=0]) < sum(gen.work@gen[mode=1])",
        "count(gen.3.dec.0.self_attn.k@gen) == 4 * count(gen.0.dec.0.self_attn.k@gen)",
        "max(abs(masked(dec.*.self_attn.weights, dec.*.self_attn.mask))) == 0",
        "min(enc.0.attn.mask) == -inf",
        "-(1 + 2) * 3 / 4 != .5",
        "loss*2 > 0",  /* a product, not a glob */
        "x[query=-1] >= 0",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        Claim c;
        Error err = {0};
        if (claim_parse(good[i], &c, &err) != TF_OK)
            fail_msg("claim '%s' refused: %s", good[i], err.msg);
        claim_free(&c);
    }
}

static void test_ref_parse(void **state)
{
    (void)state;
    ClaimRef r;
    Error err = {0};
    assert_int_equal(claim_ref_parse("enc.0.attn.weights@nopad[batch=1, key=3:]", &r, &err), TF_OK);
    assert_string_equal(r.name, "enc.0.attn.weights");
    assert_string_equal(r.run, "nopad");
    assert_int_equal(r.n_slices, 2);
    assert_string_equal(r.slices[0].dim, "batch");
    assert_true(r.slices[0].single);
    assert_int_equal(r.slices[0].lo, 1);
    assert_string_equal(r.slices[1].dim, "key");
    assert_false(r.slices[1].single);
    assert_true(r.slices[1].has_lo);
    assert_false(r.slices[1].has_hi);
    assert_int_equal(claim_ref_parse("gen.*.dec.logits", &r, &err), TF_OK);
    assert_string_equal(r.run, "main");
    assert_int_equal(r.n_slices, 0);
    assert_int_equal(claim_ref_parse("w@a[key=len(src.tokens@b):, query=:len(t)]", &r, &err), TF_OK);
    assert_string_equal(r.slices[0].lo_len, "src.tokens@b");
    assert_true(r.slices[0].has_lo);
    assert_string_equal(r.slices[0].hi_len, "");
    assert_string_equal(r.slices[1].hi_len, "t");
    assert_int_equal(claim_ref_parse("x y", &r, &err), TF_ERR_INPUT);
    assert_int_equal(claim_ref_parse("[head=1]", &r, &err), TF_ERR_INPUT);
}

/* ---- evaluation on known tensors ---- */

typedef struct {
    const char *name;
    int ndim;
    size_t dims[4];
    const char *names[4];
    const double *data;
    double first[4];  /* positions of each axis's index 0 (a record's query_pos / key_pos) */
    size_t parts[4];  /* a glob: rows of each record it joins (n_parts of them), else none */
    size_t n_parts;
    const char *const *labels;  /* a token record: one token text per value, else NULL */
} Fake;

/* w (head 2, query 3, key 3): causal attention rows, each summing to 1. */
static const double w_data[] = {
    1, 0, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.5,   /* head 0 */
    1, 0, 0, 0, 1, 0, 0, 0, 1,               /* head 1: the diagonal, one-hot */
};
static const double m_data[] = {0, -INFINITY, -INFINITY, 0, 0, -INFINITY, 0, 0, 0};
static const double r_data[] = {1, 2, 3, 4, 5, 6};   /* (token 3, model 2) */
static const double r2_data[] = {5, 6, 3, 4, 1, 2};  /* its rows reversed */
static const double s_data[] = {7};
/* A generation step with the KV cache: one query, at position 3, over keys 0..3. */
static const double gw_data[] = {0.125, 0.375, 0.25, 0.25};
/* A row with a value that is no probability. */
static const double nw_data[] = {0.5, NAN, 0.5};

/* Token records of generated verse, as a generation's gen.tokens holds
 * them: vt, two lines in form (a prompt of 6 tokens, then one line);
 * vb, a line in form, one of 6 characters, one closed by ？, and an
 * unfinished one; vbb, [batch 2, token 4]: two samples, 床前， and 明月光
 * (no mark). */
static const double vt_data[13] = {0};
static const char *const vt_labels[13] = {"床", "前", "明", "月", "光", "，", "疑", "是", "地", "上", "霜", "。", "举"};
static const double vb_data[18] = {0};
static const char *const vb_labels[18] = {"床", "前", "明", "月", "光", "，", "疑", "是", "地", "上", "霜", "霜",
                                          "。", "低", "头", "？", "思", "<END>"};
static const double vbb_data[8] = {0};
static const char *const vbb_labels[8] = {"<START>", "床", "前", "，", "明", "月", "光", "<PAD>"};

static const Fake fakes[] = {
    {"vt", 1, {13}, {"token"}, vt_data, {0}, {0}, 0, vt_labels},
    {"vb", 1, {18}, {"token"}, vb_data, {0}, {0}, 0, vb_labels},
    {"vbb", 2, {2, 4}, {"batch", "token"}, vbb_data, {0}, {0}, 0, vbb_labels},
    {"w", 3, {2, 3, 3}, {"head", "query", "key"}, w_data, {0}, {0}, 0, NULL},
    {"m", 2, {3, 3}, {"query", "key"}, m_data, {0}, {0}, 0, NULL},
    {"r", 2, {3, 2}, {"token", "model"}, r_data, {0}, {0}, 0, NULL},
    {"r2", 2, {3, 2}, {"token", "model"}, r2_data, {0}, {0}, 0, NULL},
    {"s", 1, {1}, {"value"}, s_data, {0}, {0}, 0, NULL},
    {"g.0.x", 2, {1, 2}, {"token", "vocab"}, r_data, {0}, {0}, 0, NULL},
    {"g.1.x", 2, {1, 2}, {"token", "vocab"}, r_data + 2, {0}, {0}, 0, NULL},
    {"gw", 3, {1, 1, 4}, {"head", "query", "key"}, gw_data, {0, 3, 0}, {0}, 0, NULL},
    {"nw", 2, {1, 3}, {"query", "key"}, nw_data, {0}, {0}, 0, NULL},
    /* the globs these tests use: g.*.x joins g.0.x and g.1.x; h.*.x joins
     * records that differ in length, as generation's steps without the
     * cache: h.0.x has 1 row (1 2), h.1.x 2 rows (3 4, 5 6) */
    {"g.*.x", 2, {2, 2}, {"token", "vocab"}, r_data, {0}, {0}, 0, NULL},
    {"h.*.x", 2, {3, 2}, {"token", "vocab"}, r_data, {0}, {1, 2}, 2, NULL},
};

static Status fake_fetch(void *ctx, const char *run, const char *name, ClaimTensor *out, Error *err)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    if (strcmp(run, "main") != 0)
        return error_set(err, TF_ERR_INPUT, "no run '%s'", run);
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        const Fake *f = &fakes[i];
        if (strcmp(f->name, name) != 0)
            continue;
        out->ndim = f->ndim;
        out->n = 1;
        for (int k = 0; k < f->ndim; k++) {
            out->dims[k] = f->dims[k];
            strcpy(out->names[k], f->names[k]);
            out->first[k] = f->first[k];
            out->n *= f->dims[k];
        }
        out->data = malloc(out->n * sizeof *out->data);
        memcpy(out->data, f->data, out->n * sizeof *out->data);
        if (f->labels) {  /* as lesson_check's fetch keeps them */
            size_t bytes = 0, at = 0;
            for (size_t k = 0; k < out->n; k++)
                bytes += strlen(f->labels[k]) + 1;
            out->labels = malloc(bytes);
            for (size_t k = 0; k < out->n; k++) {
                memcpy(out->labels + at, f->labels[k], strlen(f->labels[k]) + 1);
                at += strlen(f->labels[k]) + 1;
            }
        }
        if (f->n_parts) {
            out->parts = malloc(f->n_parts * sizeof *out->parts);
            memcpy(out->parts, f->parts, f->n_parts * sizeof *out->parts);
            out->n_parts = f->n_parts;
        }
        return TF_OK;
    }
    return error_set(err, TF_ERR_INPUT, "no record '%s'", name);
}

typedef struct {
    const char *claim;
    bool pass;
    double lhs;  /* the left side's value (NAN: don't check) */
} EvalCase;

static const EvalCase eval_cases[] = {
    {"max(abs(rowsum(w) - 1)) <= 1e-12", true, 0},
    {"count(w) == 18", true, 18},
    {"max(upper(w)) == 0", true, 0},
    {"count(upper(w)) == 6", true, 6},
    {"sum(lower(w)) == 1", true, 1},                      /* 0.5 + 0.25 + 0.25 */
    {"max(abs(masked(w, m))) == 0", true, 0},             /* the mask covers both heads */
    {"count(masked(w, m)) == 6", true, 6},
    {"sum(unmasked(w, m)) == 6", true, 6},                /* every row's allowed weights sum to 1 */
    {"mean(diag(w)) * 6 == 5 within 1e-12", true, NAN},  /* 1 + .5 + .5 + 1 + 1 + 1 */
    {"sum(entropy(w[head=1])) == 0", true, 0},            /* one-hot rows */
    {"entropy(w[head=0, query=1]) == 1", true, 1},        /* two halves: one bit */
    {"entropy(w[head=0, query=2]) == 1.5", true, 1.5},
    {"sum(distance(w[head=0])) == 1.25", true, 1.25},     /* 0 + .5 + (.25 * 2 + .25) */
    {"sum(distance(w[head=1])) == 0", true, 0},
    /* distance in positions, not row indices */
    {"distance(gw[head=0]) == 1.375", true, 1.375},              /* .125·3 + .375·2 + .25·1; from row 0: 1.625 */
    {"sum(distance(w[head=0, query=2:])) == 0.75", true, 0.75},  /* the row of query 2, not of query 0 */
    {"sum(distance(w[head=0, query=2:, key=1:])) == 0.25", true, 0.25},
    {"sum(distance(gw[head=0, key=2:])) == 0.25", true, 0.25},  /* keys 2 and 3 from query 3 */
    /* NaN is left out of both, as in the viewer and the plots */
    {"entropy(nw) == 1", true, 1},
    {"distance(nw) == 1", true, 1},
    {"max(w[head=1, query=0]) == 1", true, 1},
    {"count(w[key=1:]) == 12", true, 12},
    {"count(w[key=:-1]) == 12", true, 12},
    {"w[head=0, query=2, key=-1] == 0.5", true, 0.5},
    {"maxdiff(permute_rows(r, 2, 1, 0), r2) == 0", true, 0},
    {"maxdiff(r, r2) == 4", true, 4},
    {"maxdiff(reverse_rows(r), r2) == 0", true, 0},       /* as many rows as the record has */
    {"maxdiff(reverse_rows(w), permute_rows(w, 2, 1, 0)) == 0", true, 0},  /* each head's rows */
    {"sum(reverse_rows(s)) == 7", true, 7},               /* one row: itself */
    {"sum(norm(r)) > 0", true, NAN},
    {"sum(argmax(w[head=0])) == 2", true, 2},             /* 0, 0 (first of a tie), 2 */
    {"min(m) == -inf", true, -INFINITY},
    {"sum(isinf(m)) == 3", true, 3},
    {"s * 2 + 1 == 15", true, 15},
    {"-s == -7", true, -7},
    {"s / 2 == 3.5 within 0", true, 3.5},
    {"s != 7 within 0.5", false, 7},
    {"s == 7.4 within 0.5", true, 7},
    {"maxdiff(g.*.x, r[token=:2]) == 0", true, 0},
    {"max(w) < 0.5", false, 1},
    {"count(w) > 100", false, 18},
    /* a pattern's first-axis slice takes from each record */
    {"sum(h.*.x) == 21", true, 21},
    {"sum(h.*.x[token=-1]) == 14", true, 14},             /* 1 2, then 5 6: the last row of each */
    {"count(h.*.x[token=-1]) == 4", true, 4},
    {"sum(h.*.x[token=:1]) == 10", true, 10},             /* 1 2, then 3 4 */
    {"sum(h.*.x[vocab=0]) == 9", true, 9},                /* other axes as for one record */
    /* powers: tighter than a sign and than *, from the right */
    {"s^2 == 49", true, 49},
    {"-s^2 == -49", true, -49},
    {"2^3^2 == 512", true, 512},
    {"count(w) == 2 * count(w[head=0, query=0])^2", true, 18},
    {"sum(r^2) == 91", true, 91},
    /* rows: as many rows as another record has */
    {"sum(rows(r, 1, 3)) == 18", true, 18},
    {"count(rows(w, 0, 2)) == 12", true, 12},              /* rows of w: its query axis */
    {"maxdiff(rows(h.*.x[token=-1], 0, count(s)), r[token=:1]) == 0", true, 0},
    /* len(...) as a slice bound: the named record's number of values */
    {"sum(r[token=:len(s)]) == 3", true, 3},
    {"count(w[key=len(s):]) == 12", true, 12},
    {"sum(distance(w[head=0, query=len(s):])) == 1.25", true, 1.25},
    /* std: around the mean, over every value; jacobian: each row's
     * ‖diag(p) − p pᵀ‖_F, here against the matrix written out (python:
     * J[i][j] = p_i·[i == j] − p_i·p_j, the root of the sum of squares) */
    {"std(r) == 1.707825128 within 1e-9", true, NAN},
    {"std(s) == 0", true, 0},
    {"jacobian(w[head=0, query=1]) == 0.5 within 1e-12", true, 0.5},
    {"jacobian(w[head=0, query=2]) == 0.450693909 within 1e-9", true, NAN},
    {"jacobian(gw[head=0, query=0]) == 0.434138875 within 1e-9", true, NAN},
    {"sum(jacobian(w[head=1])) == 0", true, 0},            /* one-hot rows pass no gradient */
    {"sum(rowmax(w[head=0])) == 2", true, 2},              /* 1 + 0.5 + 0.5 */
    {"rowmax(gw[head=0, query=0]) == 0.375", true, 0.375},
    /* "and": every comparison must hold; the left side is the first one's */
    {"s == 7 and count(w) == 18", true, 7},
    {"s == 7 and count(w) == 17", false, 7},
    {"s == 6 and count(w) == 18", false, 7},
    {"s == 7 and s > 6 and s < 8 and s != 8", true, 7},
    {"s == 7.4 within 0.5 and s < 8", true, 7},
    /* lineform: the share of complete lines of 5 or 7 characters closed by ， or 。 */
    {"lineform(vt) == 1", true, 1},
    {"lineform(vt, 6) == 1", true, 1},                     /* the prompt's line left out: one of one */
    {"lineform(vt, count(s) + 2) == 1", true, 1},          /* a prompt ending inside a line: it counts */
    {"lineform(vb) * 3 == 1 within 1e-12", true, NAN},     /* 5 then ，; 6 then 。; 2 then ？ */
    {"lineform(vb, 6) == 0", true, 0},
    {"lineform(vb, 100) == 0", true, 0},                   /* all prompt: no lines, 0 */
    {"lineform(vbb) == 0", true, 0},                       /* one line, of 2 characters */
    {"lineform(vb) > 0.5", false, NAN},
    /* the sum of nothing is 0 (nothing is masked: every masked weight is 0) */
    {"sum(w[key=3:]) == 0", true, 0},
    {"sum(masked(r, r)) == 0", true, 0},
};

static void test_eval(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof eval_cases / sizeof eval_cases[0]; i++) {
        const EvalCase *e = &eval_cases[i];
        Claim c;
        Error err = {0};
        if (claim_parse(e->claim, &c, &err) != TF_OK)
            fail_msg("'%s' refused: %s", e->claim, err.msg);
        ClaimOutcome oc;
        Status st = claim_eval(&c, fake_fetch, NULL, &oc, &err);
        claim_free(&c);
        if (st != TF_OK)
            fail_msg("'%s': %s", e->claim, err.msg);
        if (oc.pass != e->pass)
            fail_msg("'%s': %s, measured %s", e->claim, oc.pass ? "passed" : "failed", oc.measured);
        if (!isnan(e->lhs) && !(oc.lhs == e->lhs || fabs(oc.lhs - e->lhs) < 1e-12))
            fail_msg("'%s': left side %.17g, expected %.17g", e->claim, oc.lhs, e->lhs);
    }
}

static void test_measured_text(void **state)
{
    (void)state;
    Claim c;
    Error err = {0};
    ClaimOutcome oc;
    assert_int_equal(claim_parse("max(w) < 0.5", &c, &err), TF_OK);
    assert_int_equal(claim_eval(&c, fake_fetch, NULL, &oc, &err), TF_OK);
    assert_false(oc.pass);
    assert_string_equal(oc.measured, "1 < 0.5");
    claim_free(&c);
    assert_int_equal(claim_parse("s == 7.25 within 0.5", &c, &err), TF_OK);
    assert_int_equal(claim_eval(&c, fake_fetch, NULL, &oc, &err), TF_OK);
    assert_true(oc.pass);
    assert_non_null(strstr(oc.measured, "within 0.5"));
    claim_free(&c);
}

/* Claims that parse but cannot be evaluated fail with a message. */
static const BadClaim eval_errors[] = {
    {"max(w[batch=0]) == 0", "w has no dim 'batch' (its dims: [head 2, query 3, key 3])"},
    {"max(w[head=2]) == 0", "head index out of range"},
    {"max(w[key=2:1]) == 0", "index out of range"},
    {"max(nothere) == 0", "no record 'nothere'"},
    {"max(w@other) == 0", "no run 'other'"},
    {"rowsum(w) == 1", "the left side is [head 2, query 3], 6 values; reduce it"},
    {"maxdiff(w, r) == 0", "do not have the same number of values"},
    {"max(w + r) == 0", "arithmetic"},
    {"max(diag(r)) == 0", "diag needs square matrices"},
    {"max(upper(s[value=0])) == 0", "upper needs a matrix"},
    {"max(masked(w, r)) == 0", "does not fit"},
    {"max(permute_rows(r, 0, 1)) == 0", "2 row numbers for 3 rows"},
    {"max(permute_rows(r, 0, 0, 1)) == 0", "each once"},
    {"max(permute_rows(r, 0, 1, 2.5)) == 0", "whole numbers"},
    {"max(reverse_rows(max(r))) == 0", "reverse_rows needs a tensor with rows"},
    {"max(w[key=3:]) == 0", "max of an empty selection"},
    {"max(rowsum(w[key=3:])) == 0", "the rows are empty"},  /* once leaked its result */
    {"max(distance(w[key=3:])) == 0", "the rows are empty"},
    {"max(h.*.x[token=1]) == 0", "token index out of range in record 1 of the pattern"},
    {"max(rows(r, 2, 4)) == 0", "rows: rows 2 to 4 of 3 rows"},
    {"max(rows(r, 2, 1)) == 0", "rows: rows 2 to 1 of 3 rows"},
    {"max(rows(r, 0, 0.5)) == 0", "rows: the row numbers must be whole numbers"},
    {"max(rows(count(w), 0, 1)) == 0", "rows needs a tensor with rows"},
    {"max(w[key=len(nothere):]) == 0", "no record 'nothere'"},
    {"max(w[key=len(s@other):]) == 0", "no run 'other'"},
    {"max(r[token=len(w)]) == 0", "token index out of range"},
    {"lineform(w) == 0", "lineform: the first argument must be a token record"},
    {"lineform(vt[token=1:]) == 0", "lineform: the first argument must be a token record"},
    {"lineform(abs(vt)) == 0", "lineform: the first argument must be a token record"},
    {"lineform(vt, 1.5) == 0", "lineform: the prompt's length must be one whole number"},
    {"lineform(vt, vt) == 0", "lineform: the prompt's length must be one whole number"},
};

static void test_eval_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof eval_errors / sizeof eval_errors[0]; i++) {
        Claim c;
        Error err = {0};
        if (claim_parse(eval_errors[i].claim, &c, &err) != TF_OK)
            fail_msg("'%s' refused at parse: %s", eval_errors[i].claim, err.msg);
        ClaimOutcome oc;
        Status st = claim_eval(&c, fake_fetch, NULL, &oc, &err);
        claim_free(&c);
        if (st == TF_OK || oc.pass || !strstr(err.msg, eval_errors[i].message) ||
            strncmp(oc.measured, "error: ", 7) != 0)
            fail_msg("'%s': status %d, pass %d, message '%s', expected '%s'", eval_errors[i].claim, st, oc.pass,
                     err.msg, eval_errors[i].message);
    }
}

/* Every prefix and every one-byte change of good claims is parsed or
 * refused, never crashes (run under ASan in make test). */
static void test_mangled_claims(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "maxdiff(permute_rows(enc.1.resid_post, 2, 1, 0), enc.1.resid_post@swapped[token=-2:]) <= 1e-5",
        "max(abs(masked(dec.*.self_attn.weights, dec.*.self_attn.mask))) == -(1 + 2) * 3 / inf within 0.5",
    };
    static const char bytes[] = "()[],=@:*?.-+/<>!0123456789 eaz\x80";
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t n = strlen(seeds[s]);
        char buf[256];
        for (size_t cut = 0; cut <= n; cut++) {
            for (size_t b = 0; b <= sizeof bytes - 1; b++) {
                memcpy(buf, seeds[s], n + 1);
                if (b < sizeof bytes - 1)
                    buf[cut < n ? cut : n - 1] = bytes[b];  /* one byte changed */
                else
                    buf[cut] = '\0';                       /* a prefix */
                Claim c;
                Error err = {0};
                if (claim_parse(buf, &c, &err) == TF_OK) {
                    ClaimOutcome oc;
                    claim_eval(&c, fake_fetch, NULL, &oc, &err);
                    claim_free(&c);
                } else {
                    assert_true(err.msg[0] != '\0');
                }
                ClaimRef r;
                claim_ref_parse(buf, &r, &err);
            }
        }
    }
}

/* Parsing and evaluation recurse; a claim cannot nest or grow deep enough
 * to run them off the stack (a fuzzer found ~3,000 '(' did, before). */
static void test_claim_limits(void **state)
{
    (void)state;
    static const struct {
        char open, close;
        int n;
        bool ok;
        const char *message;
    } cases[] = {
        {'(', ')', 31, true, NULL},
        {'(', ')', 32, false, "nested more than 32 deep"},
        {'(', ')', 5000, false, "nested more than 32 deep"},
        {'-', 0, 31, true, NULL},
        {'-', 0, 100000, false, "nested more than 32 deep"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = (size_t)cases[i].n;
        char *text = malloc(2 * n + 16);
        assert_non_null(text);
        size_t w = 0;
        for (size_t k = 0; k < n; k++)
            text[w++] = cases[i].open;
        text[w++] = '1';
        for (size_t k = 0; cases[i].close && k < n; k++)
            text[w++] = cases[i].close;
        strcpy(text + w, " != 2");
        Claim c;
        Error err = {0};
        Status st = claim_parse(text, &c, &err);
        if (cases[i].ok) {
            if (st != TF_OK)
                fail_msg("%d x '%c': refused: %s", cases[i].n, cases[i].open, err.msg);
            ClaimOutcome oc;
            assert_int_equal(claim_eval(&c, fake_fetch, NULL, &oc, &err), TF_OK);
            assert_true(oc.pass);
            claim_free(&c);
        } else if (st != TF_ERR_INPUT || !strstr(err.msg, cases[i].message)) {
            fail_msg("%d x '%c': status %d, message '%s', expected '%s'", cases[i].n, cases[i].open, st, err.msg,
                     cases[i].message);
        }
        free(text);
    }
    /* A long chain is a deep tree too: 1+1+...+1. */
    for (int terms = 100; terms <= 10000; terms *= 10) {
        char *text = malloc((size_t)terms * 2 + 16);
        assert_non_null(text);
        size_t w = 0;
        for (int k = 0; k < terms; k++) {
            text[w++] = k ? '+' : ' ';
            text[w++] = '1';
        }
        sprintf(text + w, " == %d", terms);
        Claim c;
        Error err = {0};
        Status st = claim_parse(text, &c, &err);
        if (terms == 100) {
            if (st != TF_OK)
                fail_msg("100 terms refused: %s", err.msg);
            ClaimOutcome oc;
            assert_int_equal(claim_eval(&c, fake_fetch, NULL, &oc, &err), TF_OK);
            assert_true(oc.pass);
            claim_free(&c);
        } else if (st != TF_ERR_INPUT || !strstr(err.msg, "more than 256 terms")) {
            fail_msg("%d terms: status %d, message '%s'", terms, st, err.msg);
        }
        free(text);
    }
}

/* Every reference of a claim is visited, so a lesson can check its names. */
static void count_ref(void *ctx, const ClaimRef *ref)
{
    (void)ref;
    (*(int *)ctx)++;
}

static void test_each_ref(void **state)
{
    (void)state;
    Claim c;
    Error err = {0};
    assert_int_equal(claim_parse("maxdiff(permute_rows(a, 1, 0), b@x) + max(c) <= count(d) within e", &c, &err),
                     TF_ERR_INPUT);  /* within needs == */
    assert_int_equal(claim_parse("maxdiff(permute_rows(a, 1, 0), b@x) + max(c) == count(d) within max(e)", &c, &err),
                     TF_OK);
    int n = 0;
    claim_each_ref(&c, count_ref, &n);
    assert_int_equal(n, 5);
    claim_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_claims_refused), cmocka_unit_test(test_good_claims_parse),
        cmocka_unit_test(test_ref_parse),          cmocka_unit_test(test_eval),
        cmocka_unit_test(test_measured_text),      cmocka_unit_test(test_eval_errors),
        cmocka_unit_test(test_each_ref),           cmocka_unit_test(test_mangled_claims),
        cmocka_unit_test(test_claim_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

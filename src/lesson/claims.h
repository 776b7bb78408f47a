/* claims.h — the small language in which a lesson states facts about its
 * own numbers, and its evaluator (the grammar: lessons/README.md).
 *
 *   max(abs(enc.0.attn.weights[batch=1, key=3:])) == 0
 *   maxdiff(permute_rows(enc.1.resid_post, 2, 1, 0), enc.1.resid_post@swapped) <= 1e-5
 *   mean(rowsum(dec.0.self_attn.weights)) == 1 within 1e-6
 *
 * A claim is one comparison of two scalar expressions, with an optional
 * tolerance, or several joined by "and", all of which must hold. Expressions are numbers, record references, arithmetic and
 * functions over tensors (reductions, diag, entropy, ...). Values are
 * computed in double from the traces' float32 data.
 *
 * The parser knows nothing of traces; the evaluator reads records through
 * a callback, so the unit tests can feed it tensors of their own. */
#ifndef TF_LESSON_CLAIMS_H
#define TF_LESSON_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define CLAIM_MAX_DIMS 4
#define CLAIM_NAME_MAX 160

/* A tensor of claim evaluation: row-major doubles with named dims. */
typedef struct {
    int ndim;                         /* 0 for a scalar */
    size_t dims[CLAIM_MAX_DIMS];
    char names[CLAIM_MAX_DIMS][16];   /* "batch", "head", "query", "key", ... */
    /* Position in its sequence of each axis's index 0: the record's
     * query_pos and key_pos for its query and key axes, else 0; moved by
     * slicing; NaN when unknown (a pattern's records that do not continue
     * each other). distance() measures in these. */
    double first[CLAIM_MAX_DIMS];
    size_t n;                         /* number of values */
    double *data;                     /* (n) malloc'd */
    /* A pattern's records, stacked along their first axis: how long each
     * is along it (malloc'd; NULL for one record). A slice of the first
     * axis applies to each record (claim_slice), then this goes away. */
    size_t *parts;                    /* (n_parts) */
    size_t n_parts;
    /* A token record's token texts, for lineform(): n NUL-terminated
     * strings one after another (malloc'd), as the fetch found them on
     * the record (its last axis); NULL when it has none. Slicing drops
     * them, and so does every function. */
    char *labels;
} ClaimTensor;

void claim_tensor_free(ClaimTensor *t);

/* A record reference: NAME[@RUN][[dim=i, dim=a:b, ...]]. */
typedef struct {
    char dim[16];
    long lo, hi;        /* a range lo:hi (python-style, negatives count from the end) */
    bool has_lo, has_hi;
    bool single;        /* dim=i: one index, the dim goes away */
    /* A bound written len(NAME[@RUN]): that record's number of values (a
     * sentence's tokens: its length), looked up when the claim is
     * evaluated, so a claim holds for any sentence; "" for a number. */
    char lo_len[CLAIM_NAME_MAX + 40], hi_len[CLAIM_NAME_MAX + 40];
} ClaimSlice;

typedef struct {
    char name[CLAIM_NAME_MAX];   /* record name or glob (* and ?) */
    char run[32];                /* "main" when not given */
    int n_slices;
    ClaimSlice slices[CLAIM_MAX_DIMS];
} ClaimRef;

/* Parse "NAME[@RUN][[SLICES]]" that fills the whole string s. On error the
 * message says what is wrong (no file or line: the caller adds them). */
Status claim_ref_parse(const char *s, ClaimRef *out, Error *err);

typedef struct ClaimNode ClaimNode;

typedef enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } ClaimCmp;

typedef struct Claim Claim;
struct Claim {
    ClaimNode *lhs, *rhs, *tol;  /* tol NULL: exact */
    ClaimCmp cmp;
    /* "A and B": the next comparison, which must hold too (malloc'd; NULL
     * for the last). A claim about a contrast (with residuals the tokens
     * stay apart, and without them they collapse) is one claim, which the
     * switch that removes the difference breaks. */
    Claim *and_also;
};

/* Parse one claim. Errors name the column (1-based, in bytes) and what was
 * expected: "column 12: expected ')' after the arguments of max". */
Status claim_parse(const char *text, Claim *out, Error *err);
void claim_free(Claim *c);

/* One expression alone, no comparison (a lesson chart's value): it goes
 * into out->lhs, the rest stays empty, so claim_each_ref and claim_free
 * work on it. Errors as claim_parse's. */
Status claim_parse_value(const char *text, Claim *out, Error *err);

/* Call fn for every record reference in the claim, in order. */
void claim_each_ref(const Claim *c, void (*fn)(void *ctx, const ClaimRef *ref), void *ctx);

/* Fetch the tensor a reference names before slicing: the record (for a
 * glob, the matching records concatenated along their first axis, in
 * trace order, with parts saying where each begins). Errors: TF_ERR_INPUT
 * with a message. */
typedef Status (*ClaimFetch)(void *ctx, const char *run, const char *name, ClaimTensor *out, Error *err);

typedef struct {
    bool pass;
    double lhs, rhs, tol;      /* the measured values (tol 0 when none) */
    char measured[256];        /* "3.2e-07 <= 1e-05" */
} ClaimOutcome;

/* Evaluate c. TF_OK with out->pass either way; an error (a record that is
 * not there, shapes that do not fit) fills err and out->measured. */
Status claim_eval(const Claim *c, ClaimFetch fetch, void *ctx, ClaimOutcome *out, Error *err);

/* Evaluate a claim_parse_value expression into *v. TF_ERR_INPUT when it
 * does not give one number ("[head 1, query 8], 8 values; reduce it to
 * one number ..."), or as claim_eval. */
Status claim_eval_value(const Claim *c, ClaimFetch fetch, void *ctx, double *v, Error *err);

/* Apply the slices of ref to t in place (exposed for tests). When t has
 * parts (a pattern's records), a slice of the first axis applies to each
 * record: [token=-1] keeps the last row of each, one row per record (the
 * axis stays), [token=:2] the first two of each. t's parts go away. */
Status claim_slice(ClaimTensor *t, const ClaimRef *ref, Error *err);

#endif

/* fuzz_claims.c — the claim language on any text, parsed and evaluated
 * against a small real trace.
 *
 * On the first input the harness traces a tiny model (1 layer, d_model 4,
 * 2 heads, two sentences, so batch, head, query and key slices all mean
 * something) into its scratch directory with `traceformer run`, and keeps
 * the trace open. Records are fetched from it as `traceformer lesson
 * --check` fetches them (a glob concatenates its matches along their first
 * axis); the runs "main" and "alt" both read it, any other run is unknown. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "fuzz_support.h"
#include "lesson/claims.h"
#include "trace/trace.h"

static TraceReader *trace;

static void open_trace(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/claims.trace", fuzz_scratch_dir());
    const char *argv[] = {"run", "-q", "--src", "a b c", "--src", "c a", "--tgt", "x y", "--tgt", "y",
                          "--layers", "1", "--d-model", "4", "--heads", "2", "--d-ff", "8", "-o", path, NULL};
    Error err;
    if (cmd_run(20, (char **)argv) != 0 || trace_reader_open(&trace, path, &err) != TF_OK) {
        fprintf(stderr, "fuzz_claims: cannot make the trace to evaluate claims on\n");
        abort();
    }
}

static int is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* Append record rec to out along its first axis (the first sets the shape). */
static Status append(ClaimTensor *out, const Record *rec, int first, Error *err)
{
    size_t n = record_numel(rec);
    if (rec->ndim < 1 || rec->ndim > CLAIM_MAX_DIMS)
        return error_set(err, TF_ERR_INPUT, "%s: a record of %d dims", rec->name, rec->ndim);
    if (first) {
        out->ndim = rec->ndim;
        for (int i = 0; i < rec->ndim; i++) {
            out->dims[i] = rec->dims[i];
            snprintf(out->names[i], sizeof out->names[i], "%s", rec->dim_names[i] ? rec->dim_names[i] : "");
        }
        out->dims[0] = 0;
    } else {
        int same = rec->ndim == out->ndim;
        for (int i = 1; same && i < rec->ndim; i++)
            same = rec->dims[i] == out->dims[i];
        if (!same)
            return error_set(err, TF_ERR_INPUT, "%s: shapes differ", rec->name);
    }
    double *grown = realloc(out->data, (out->n + n + 1) * sizeof *grown);
    if (!grown)
        abort();
    out->data = grown;
    for (size_t i = 0; i < n; i++)
        out->data[out->n + i] = (double)rec->data[i];
    out->n += n;
    out->dims[0] += rec->dims[0];
    return TF_OK;
}

static Status fetch(void *ctx, const char *run, const char *name, ClaimTensor *out, Error *err)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    if (strcmp(run, "main") != 0 && strcmp(run, "alt") != 0)
        return error_set(err, TF_ERR_INPUT, "no run '%s'", run);
    int first = 1;
    Status st = TF_OK;
    for (uint32_t i = 0; st == TF_OK && i < trace_reader_count(trace); i++) {
        const char *n = trace_reader_name(trace, i);
        if (is_glob(name) ? fnmatch(name, n, 0) != 0 : strcmp(name, n) != 0)
            continue;
        TraceRecord tr;
        if ((st = trace_reader_get(trace, i, &tr, err)))
            break;
        st = append(out, &tr.rec, first, err);
        first = 0;
        trace_record_release(&tr);
    }
    if (st == TF_OK && first)
        st = error_set(err, TF_ERR_INPUT, "no record '%s' in run %s", name, run);
    if (st)
        claim_tensor_free(out);
    return st;
}

static void count_ref(void *ctx, const ClaimRef *ref)
{
    *(size_t *)ctx += strlen(ref->name) + strlen(ref->run) + (size_t)ref->n_slices;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!trace)
        open_trace();
    char *text = fuzz_strndup(data, size);
    Claim c;
    Error err;
    if (claim_parse(text, &c, &err) == TF_OK) {
        size_t refs = 0;
        claim_each_ref(&c, count_ref, &refs);
        ClaimOutcome out;
        claim_eval(&c, fetch, NULL, &out, &err);
        claim_free(&c);
    }
    /* The same text as one record reference, as steps and figures spell them. */
    ClaimRef ref;
    if (claim_ref_parse(text, &ref, &err) == TF_OK) {
        ClaimTensor t;
        if (fetch(NULL, ref.run, ref.name, &t, &err) == TF_OK) {
            claim_slice(&t, &ref, &err);
            claim_tensor_free(&t);
        }
    }
    free(text);
    return 0;
}

/* test_parity.c — every intermediate against PyTorch's nn.Transformer.
 *
 * tests/ref/cases/<case>/ holds, per reference case, what
 * tests/ref/gen_fixtures.py wrote from PyTorch (`make ref`):
 *   weights/    the model as .npy files named by state_dict keys, vocab.txt
 *               and config.ini: what `traceformer run --weights DIR` reads
 *   input.ini   the sentences ([input] src / tgt)
 *   expected/   one <record name>.npy per record of the trace
 * For every case this test loads the weights through weights_load() (the
 * import path users take), runs model_forward on the case's sentences, and
 * compares every record against its fixture: the same names both ways, the
 * same shape, and every value within
 *     |got − want| ≤ 1e-5,  or  ≤ 1e-4·|want| where |want| > 1,
 * with −inf (masks, masked scores) matched exactly and NaN never passing.
 * Records are checked in execution order, so the first failure printed
 * names the first record that diverged; the records computed from it are
 * only counted. The case directories are found under $TF_SOURCE_DIR (set
 * by tests/run_unit.sh), or the current directory. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "io/npy.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "model/weights_file.h"
#include "../support/ref_case.h"

#define PARITY_ATOL 1e-5   /* absolute, for every value */
#define PARITY_RTOL 1e-4   /* relative, for values above 1 in magnitude */
static RefCases cases;

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "[1][0][2]" for flat index i of a record of these dims. */
static void format_index(char *buf, size_t cap, size_t i, const uint32_t *dims, int nd)
{
    size_t d[RECORD_MAX_DIMS];
    for (int k = 0; k < nd && k < RECORD_MAX_DIMS; k++)
        d[k] = dims[k];
    ref_format_index(buf, cap, i, d, nd < RECORD_MAX_DIMS ? nd : RECORD_MAX_DIMS);
}

/* What the tolerance allows for a value near want. */
static double allowed(float want)
{
    return ref_allowed(want, PARITY_ATOL, PARITY_RTOL);
}

static int value_ok(float got, float want)
{
    if (isnan(got) || isnan(want))
        return 0;
    if (isinf(got) || isinf(want))
        return got == want;  /* −inf only matches −inf */
    double diff = fabs((double)got - (double)want);
    return diff <= allowed(want);
}

typedef struct {
    const char *name;   /* the case */
    int failed;         /* records that failed (missing, shape, values) */
    int diverged;       /* records whose values differ */
    double max_diff;    /* over every finite value of every record */
    char max_record[64];
    double max_share;   /* largest |diff| as a share of what the tolerance allows */
    char share_record[64];
    char first_later[3][64];  /* names of the records after the first divergence */
} CaseResult;

/* Compare one record's values with its fixture's; print the first failing
 * record in full, count the ones that follow. */
static void compare_values(CaseResult *res, const Record *rec, const float *want, size_t n)
{
    size_t bad = 0, first = 0, at = 0;
    double max = 0.0;
    for (size_t i = 0; i < n; i++) {
        const float got = rec->data[i];
        if (!value_ok(got, want[i]) && bad++ == 0)
            first = i;
        if (isfinite(got) && isfinite(want[i])) {
            double diff = fabs((double)got - (double)want[i]);
            if (diff / allowed(want[i]) > res->max_share) {
                res->max_share = diff / allowed(want[i]);
                snprintf(res->share_record, sizeof res->share_record, "%s", rec->name);
            }
            if (diff > max) {
                max = diff;
                at = i;
            }
        }
    }
    if (max > res->max_diff) {
        res->max_diff = max;
        snprintf(res->max_record, sizeof res->max_record, "%s", rec->name);
    }
    if (bad == 0)
        return;
    res->failed++;
    if (res->diverged++ > 0) {
        if (res->diverged - 2 < 3)
            snprintf(res->first_later[res->diverged - 2], sizeof res->first_later[0], "%s", rec->name);
        return;
    }
    char fi[64], mi[64];
    format_index(fi, sizeof fi, first, rec->dims, rec->ndim);
    format_index(mi, sizeof mi, at, rec->dims, rec->ndim);
    fprintf(stderr,
            "parity: case %s: record %s differs from PyTorch (the first record that diverged):\n"
            "  %zu of %zu values out of tolerance; first at %s: got %.9g, want %.9g (|diff| %.3g)\n"
            "  max |diff| %.3g at %s (got %.9g, want %.9g)\n"
            "  tolerance: |diff| <= %g, or <= %g * |want| where |want| > 1; -inf must be -inf\n",
            res->name, rec->name, bad, n, fi, (double)rec->data[first], (double)want[first],
            fabs((double)rec->data[first] - (double)want[first]), max, mi, (double)rec->data[at],
            (double)want[at], PARITY_ATOL, PARITY_RTOL);
}

/* Record i against expected/<name>.npy. */
static void check_record(CaseResult *res, const Activations *a, int i, const char *expected_dir)
{
    Record rec;
    activations_record(a, i, &rec);
    char path[4096 + 600];
    snprintf(path, sizeof path, "%s/%s.npy", expected_dir, rec.name);
    if (!is_file(path)) {
        fprintf(stderr, "parity: case %s: record %s has no fixture (%s missing)\n", res->name, rec.name, path);
        res->failed++;
        return;
    }
    float *want;
    int nd;
    uint64_t dims[NPY_MAX_DIMS];
    Error err;
    if (npy_read_f32(path, &want, &nd, dims, &err) != TF_OK) {
        fprintf(stderr, "parity: case %s: %s\n", res->name, err.msg);
        res->failed++;
        return;
    }
    int same = nd == rec.ndim;
    for (int k = 0; same && k < nd; k++)
        same = dims[k] == rec.dims[k];
    if (!same) {
        char g[64] = "", w[64] = "";
        for (int k = 0, n = 0; k < rec.ndim; k++)
            n += snprintf(g + n, sizeof g - (size_t)n, "%s%u", k ? ", " : "", rec.dims[k]);
        for (int k = 0, n = 0; k < nd; k++)
            n += snprintf(w + n, sizeof w - (size_t)n, "%s%llu", k ? ", " : "", (unsigned long long)dims[k]);
        fprintf(stderr, "parity: case %s: record %s has shape (%s), its fixture (%s)\n", res->name, rec.name,
                g, w);
        res->failed++;
    } else {
        compare_values(res, &rec, want, record_numel(&rec));
    }
    free(want);
}

/* Every fixture must name a record of the trace. */
static int is_record(const char *name, const void *a)
{
    return activations_find(a, name) >= 0;
}

static void test_case(void **state)
{
    const char *name = *state;
    char expected[4096 + 400];
    CaseResult res = {.name = name};
    RefRun run;
    ref_run(&run, &cases, name, "parity");
    Activations *a = &run.a;
    const Batch *b = &run.b;

    snprintf(expected, sizeof expected, "%s/expected", run.dir);
    for (int i = 0; i < a->n_slots; i++)
        check_record(&res, a, i, expected);
    res.failed += ref_check_fixtures_named(expected, "parity", name, "record of the trace", is_record, a);

    if (res.diverged > 1) {
        fprintf(stderr, "parity: case %s: %d later records differ too (computed from it):", name,
                res.diverged - 1);
        for (int k = 0; k < 3 && k < res.diverged - 1; k++)
            fprintf(stderr, " %s", res.first_later[k]);
        fprintf(stderr, "%s\n", res.diverged - 1 > 3 ? " ..." : "");
    }
    if (!res.failed)
        printf("parity %-14s %3d records (%d sentence%s): max |diff| %.2g (%s); at most %.0f%% of the tolerance (%s)\n",
           name, a->n_slots, b->B, b->B == 1 ? "" : "s", res.max_diff, res.max_record[0] ? res.max_record : "-",
           100.0 * res.max_share, res.share_record[0] ? res.share_record : "-");

    ref_run_free(&run);
    if (res.failed)
        fail_msg("parity: case %s: %d records or fixtures do not match PyTorch's (see above)", name, res.failed);
}

/* The fixtures are there: every case gen_fixtures.py writes has a directory. */
static void test_cases_present(void **state)
{
    (void)state;
    int missing = 0;
    for (size_t k = 0; k < ref_n_required_cases; k++) {
        int found = 0;
        for (int i = 0; i < cases.n && !found; i++)
            found = strcmp(cases.names[i], ref_required_cases[k]) == 0;
        if (!found) {
            fprintf(stderr, "parity: no reference case %s/%s\n", cases.dir, ref_required_cases[k]);
            missing++;
        }
    }
    if (missing)
        fail_msg("parity: %d reference cases missing (run from the source tree or set "
                 "TF_SOURCE_DIR; `make ref` regenerates them)", missing);
}

int main(void)
{
    return ref_run_tests("parity", &cases, test_cases_present, test_case);
}

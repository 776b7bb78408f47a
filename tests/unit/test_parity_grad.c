/* test_parity_grad.c — every gradient against PyTorch's autograd.
 *
 * For each reference case (tests/ref/cases/<case>/, see test_parity.c),
 * tests/ref/gen_fixtures.py wrote grads/<state_dict key>.npy: the gradient
 * of the teacher-forcing loss (F.cross_entropy of the logits against the
 * targets, ignore_index = <PAD>, mean over the batch's real targets) with
 * respect to every parameter, by loss.backward() on the model in float64.
 * This test loads the case's weights the way users do (weights_load on
 * weights/, sentences from input.ini), runs model_forward and
 * model_backward, and compares every gradient tensor with its fixture:
 *     |got − want| ≤ 1e-4,  or  ≤ 1e-4·|want| where |want| > 1.
 * Both directions are checked: every parameter of the model has a fixture,
 * and every fixture names a parameter. The case directories are found as
 * test_parity.c finds them ($TF_SOURCE_DIR, or the current directory). */
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
#include "train/backprop.h"
#include "../support/ref_case.h"

#define GRAD_ATOL 1e-4  /* absolute, for every value */
#define GRAD_RTOL 1e-4  /* relative, for values above 1 in magnitude */
static RefCases cases;

static double allowed(float want)
{
    return ref_allowed(want, GRAD_ATOL, GRAD_RTOL);
}

/* "[3][1]" for flat index i of a (rows, cols) tensor (cols 0: a vector). */
static void format_index(char *buf, size_t cap, size_t i, int rows, int cols)
{
    const size_t dims[2] = {(size_t)rows, (size_t)cols};
    ref_format_index(buf, cap, i, dims, cols ? 2 : 1);
}

typedef struct {
    const char *name;
    int failed;
    double max_diff;
    char max_tensor[96];
} CaseResult;

/* One gradient tensor against grads/<name>.npy. */
static void check_tensor(CaseResult *res, const WeightEntry *e, const float *got, const char *grads_dir)
{
    char path[4096 + 600];
    snprintf(path, sizeof path, "%s/%s.npy", grads_dir, e->name);
    float *want;
    int nd;
    uint64_t dims[NPY_MAX_DIMS];
    Error err = {{0}, {0}};
    if (npy_read_f32(path, &want, &nd, dims, &err) != TF_OK) {
        fprintf(stderr, "parity_grad: case %s: tensor %s: no fixture: %s\n", res->name, e->name, err.msg);
        res->failed++;
        return;
    }
    const int want_nd = e->cols ? 2 : 1;
    if (nd != want_nd || dims[0] != (uint64_t)e->rows || (e->cols && dims[1] != (uint64_t)e->cols)) {
        fprintf(stderr, "parity_grad: case %s: tensor %s: fixture shape does not match (%d, %d)\n", res->name,
                e->name, e->rows, e->cols);
        res->failed++;
        free(want);
        return;
    }
    const size_t n = (size_t)e->rows * (size_t)(e->cols ? e->cols : 1);
    size_t bad = 0, first = 0, at = 0;
    double max = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double diff = fabs((double)got[i] - (double)want[i]);
        if (!(diff <= allowed(want[i])) && bad++ == 0)  /* NaN is never within tolerance */
            first = i;
        if (diff > max || isnan(diff)) {
            max = diff;
            at = i;
        }
    }
    if (max > res->max_diff) {
        res->max_diff = max;
        snprintf(res->max_tensor, sizeof res->max_tensor, "%s", e->name);
    }
    if (bad) {
        char fi[48], mi[48];
        format_index(fi, sizeof fi, first, e->rows, e->cols);
        format_index(mi, sizeof mi, at, e->rows, e->cols);
        fprintf(stderr,
                "parity_grad: case %s: tensor %s differs from PyTorch's autograd:\n"
                "  %zu of %zu values out of tolerance; first at %s: got %.9g, want %.9g\n"
                "  max |diff| %.3g at %s (got %.9g, want %.9g); tolerance |diff| <= %g, or <= %g * |want| "
                "where |want| > 1\n",
                res->name, e->name, bad, n, fi, (double)got[first], (double)want[first], max, mi, (double)got[at],
                (double)want[at], GRAD_ATOL, GRAD_RTOL);
        res->failed++;
    }
    free(want);
}

/* Every fixture must name a parameter of the model. */
typedef struct {
    const WeightEntry *e;
    int n;
} Parameters;

static int is_parameter(const char *name, const void *ctx)
{
    const Parameters *p = ctx;
    for (int i = 0; i < p->n; i++)
        if (strcmp(name, p->e[i].name) == 0)
            return 1;
    return 0;
}

static void test_case(void **state)
{
    const char *name = *state;
    char grads_dir[4096 + 400];
    CaseResult res = {.name = name};
    Error err = {{0}, {0}};
    RefRun run;
    ref_run(&run, &cases, name, "parity_grad");
    snprintf(grads_dir, sizeof grads_dir, "%s/grads", run.dir);
    const Model *m = run.m;
    const Batch *bp = &run.b;
    const Activations *ap = &run.a;

    Grads g;
    if (backprop_grads_alloc(&g, m, bp->B, bp->Ts, bp->Tt, &err) != TF_OK)
        fail_msg("parity_grad: case %s: %s", name, err.msg);
    float loss;
    if (model_backward(m, bp, ap, 0.0f, &g, &loss, &err) != TF_OK)
        fail_msg("parity_grad: case %s: %s", name, err.msg);
    /* The loss the gradients are of is the forward's "loss" record. */
    assert_true(fabsf(loss - ap->loss[0]) <= 1e-6f * fabsf(ap->loss[0]));

    WeightEntry *e;
    const int n = weights_entries(&m->cfg, m->vocab.size, &g.w, &e);
    assert_true(n > 0);
    if (!ref_is_dir(grads_dir)) {
        fprintf(stderr, "parity_grad: case %s: no %s (`make ref` writes it)\n", name, grads_dir);
        res.failed++;
    } else {
        for (int i = 0; i < n; i++)
            check_tensor(&res, &e[i], *e[i].slot, grads_dir);
        const Parameters params = {e, n};
        res.failed += ref_check_fixtures_named(grads_dir, "parity_grad", name, "parameter of the model", is_parameter,
                                               &params);
    }
    if (!res.failed)
        printf("parity_grad %-14s %3d gradients (%d sentence%s), loss %.6f: max |diff| %.2g (%s)\n", name, n, bp->B,
               bp->B == 1 ? "" : "s", (double)loss, res.max_diff, res.max_tensor[0] ? res.max_tensor : "-");
    free(e);
    backprop_grads_free(&g);
    ref_run_free(&run);
    if (res.failed)
        fail_msg("parity_grad: case %s: %d gradients or fixtures do not match PyTorch's (see above)", name,
                 res.failed);
}

static void test_cases_present(void **state)
{
    (void)state;
    int missing = 0;
    for (size_t k = 0; k < ref_n_required_cases; k++) {
        char path[4096 + 300];
        snprintf(path, sizeof path, "%s/%s/grads", cases.dir, ref_required_cases[k]);
        if (!ref_is_dir(path)) {
            fprintf(stderr, "parity_grad: no gradient fixtures %s\n", path);
            missing++;
        }
    }
    if (missing)
        fail_msg("parity_grad: %d reference cases without gradients (run from the source tree or set "
                 "TF_SOURCE_DIR; `make ref` regenerates them)", missing);
}

int main(void)
{
    return ref_run_tests("parity_grad", &cases, test_cases_present, test_case);
}

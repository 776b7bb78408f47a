/* ref_case.c — finding, loading and running the PyTorch reference cases. */
#include "ref_case.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "model/forward.h"
#include "model/weights_file.h"

const char *const ref_required_cases[] = {
    "post_ln_relu",   "pre_ln_gelu",       "odd_geometry",       "batch_padding",  "decoder_only", "positions_off",
    "residual_off",   "final_norm_off",    "learned_positions",  "relative_positions", "rope_positions",
};
const size_t ref_n_required_cases = sizeof ref_required_cases / sizeof *ref_required_cases;

int ref_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

void ref_cases_find(RefCases *rc)
{
    const char *root = getenv("TF_SOURCE_DIR");
    snprintf(rc->dir, sizeof rc->dir, "%s/tests/ref/cases", root && root[0] ? root : ".");
    rc->n = 0;
    DIR *dp = opendir(rc->dir);
    struct dirent *de;
    while (dp && (de = readdir(dp)) && rc->n < REF_MAX_CASES) {
        char path[4096 + 300];
        if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof rc->names[0])
            continue;
        snprintf(path, sizeof path, "%s/%s", rc->dir, de->d_name);
        if (ref_is_dir(path))
            snprintf(rc->names[rc->n++], sizeof rc->names[0], "%s", de->d_name);
    }
    if (dp)
        closedir(dp);
    qsort(rc->names, (size_t)rc->n, sizeof rc->names[0], cmp_names);
}

typedef struct {
    const char *who;
    int unknown;
} TokenCtx;

static void warn_token(void *ctx, const char *what, const char *token)
{
    TokenCtx *t = ctx;
    fprintf(stderr, "%s: %s: '%s' is not in the vocabulary\n", t->who, what, token);
    t->unknown++;
}

void ref_run(RefRun *r, const RefCases *rc, const char *name, const char *who)
{
    char path[4096 + 400];
    Error err = {{0}, {0}};
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "%s/%s", rc->dir, name);
    r->base = calloc(1, sizeof *r->base);
    r->m = calloc(1, sizeof *r->m);
    assert_non_null(r->base);
    assert_non_null(r->m);
    config_defaults(r->base);
    snprintf(path, sizeof path, "%s/input.ini", r->dir);
    if (config_load_ini(r->base, path, &err) != TF_OK)
        fail_msg("%s: case %s: %s", who, name, err.msg);
    snprintf(path, sizeof path, "%s/weights", r->dir);
    if (weights_load(r->m, path, r->base, &err) != TF_OK)
        fail_msg("%s: case %s: %s", who, name, err.msg);
    TokenCtx t = {who, 0};
    if (batch_build(&r->b, &r->m->cfg, &r->m->vocab, warn_token, &t, &err) != TF_OK)
        fail_msg("%s: case %s: %s", who, name, err.msg);
    assert_int_equal(t.unknown, 0);
    if (activations_init(&r->a, r->m, &r->b, &err) != TF_OK)
        fail_msg("%s: case %s: %s", who, name, err.msg);
    model_forward(r->m, &r->b, &r->a);
}

void ref_run_free(RefRun *r)
{
    activations_free(&r->a);
    batch_free(&r->b);
    model_free(r->m);
    free(r->m);
    free(r->base);
    memset(r, 0, sizeof *r);
}

double ref_allowed(float want, double atol, double rtol)
{
    double w = fabs((double)want);
    return w > 1.0 && rtol * w > atol ? rtol * w : atol;
}

void ref_format_index(char *buf, size_t cap, size_t i, const size_t *dims, int nd)
{
    size_t idx[16];
    if (nd > 16)
        nd = 16;
    for (int k = nd - 1; k >= 0; k--) {
        idx[k] = dims[k] ? i % dims[k] : 0;
        i = dims[k] ? i / dims[k] : 0;
    }
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 0; k < nd && n < cap; k++)
        n += (size_t)snprintf(buf + n, cap - n, "[%zu]", idx[k]);
}

int ref_check_fixtures_named(const char *dir, const char *who, const char *case_name, const char *what,
                             int (*known)(const char *stem, const void *ctx), const void *ctx)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "%s: case %s: cannot open %s\n", who, case_name, dir);
        return 1;
    }
    int failed = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        const size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.')
            continue;
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", len > 4 ? (int)(len - 4) : 0, de->d_name);
        if (len <= 4 || strcmp(de->d_name + len - 4, ".npy") != 0 || !known(stem, ctx)) {
            fprintf(stderr, "%s: case %s: fixture %s/%s names no %s\n", who, case_name, dir, de->d_name, what);
            failed++;
        }
    }
    closedir(dp);
    return failed;
}

int ref_run_tests(const char *group, RefCases *rc, void (*present)(void **state), void (*each)(void **state))
{
    ref_cases_find(rc);
    struct CMUnitTest tests[REF_MAX_CASES + 1];
    tests[0] = (struct CMUnitTest){"test_cases_present", present, NULL, NULL, NULL};
    for (int i = 0; i < rc->n; i++)
        tests[i + 1] = (struct CMUnitTest){rc->names[i], each, NULL, NULL, rc->names[i]};
    return _cmocka_run_group_tests(group, tests, (size_t)rc->n + 1, NULL, NULL);
}

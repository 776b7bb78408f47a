/* test_claims_curves.c — claims about training curves: first_below(x, t),
 * the 1-based step at which a curve first drops below a threshold (its
 * length + 1 when it never does, so "reaches it sooner" is a plain <),
 * refused on anything that is not a curve; and slicing a curve's last
 * value (train.eval.loss[eval=-1]). The evaluator reads "records" from a
 * table here, shaped as a training trace's (src/trace/FORMAT.md,
 * "Training"). */
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

typedef struct {
    const char *name;
    int ndim;
    size_t dims[4];
    const char *names[4];
    const double *data;
} Fake;

/* two loss curves of 6 updates: fast gets below 1 at update 3, slow at 5 */
static const double fast_data[] = {2.5, 1.5, 0.9, 0.6, 0.4, 0.3};
static const double slow_data[] = {2.5, 2.2, 1.8, 1.2, 0.95, 0.8};
/* a held-out loss at evaluations 0, K, 2K, N */
static const double eval_data[] = {2.4, 1.1, 0.7, 0.5};
/* a curve that never gets there */
static const double flat_data[] = {3, 3, 3};
/* a table, not a curve: [step 2, part 3] */
static const double parts_data[] = {1, 2, 3, 0.5, 0.2, 0.1};
/* a curve kept as one row: [batch 1, step 4] */
static const double row_data[] = {4, 3, 0.5, 0.1};
/* a NaN is below nothing */
static const double nan_data[] = {NAN, 0.5};

static const Fake fakes[] = {
    {"train.loss", 1, {6}, {"step"}, fast_data},
    {"train.loss@slow", 1, {6}, {"step"}, slow_data},
    {"train.eval.loss", 1, {4}, {"eval"}, eval_data},
    {"flat", 1, {3}, {"step"}, flat_data},
    {"train.grad_norm.parts", 2, {2, 3}, {"step", "part"}, parts_data},
    {"row", 2, {1, 4}, {"batch", "step"}, row_data},
    {"nan", 1, {2}, {"step"}, nan_data},
};

static Status fake_fetch(void *ctx, const char *run, const char *name, ClaimTensor *out, Error *err)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    char key[200];
    snprintf(key, sizeof key, "%s%s%s", name, strcmp(run, "main") ? "@" : "", strcmp(run, "main") ? run : "");
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        const Fake *f = &fakes[i];
        if (strcmp(f->name, key) != 0)
            continue;
        out->ndim = f->ndim;
        out->n = 1;
        for (int k = 0; k < f->ndim; k++) {
            out->dims[k] = f->dims[k];
            strcpy(out->names[k], f->names[k]);
            out->n *= f->dims[k];
        }
        out->data = malloc(out->n * sizeof *out->data);
        memcpy(out->data, f->data, out->n * sizeof *out->data);
        return TF_OK;
    }
    return error_set(err, TF_ERR_INPUT, "no record '%s'", key);
}

/* The value of a claim's left side; the claim must hold. */
static double lhs_of(const char *text)
{
    Claim c;
    Error err = {0};
    if (claim_parse(text, &c, &err) != TF_OK)
        fail_msg("'%s' refused: %s", text, err.msg);
    ClaimOutcome o;
    Status st = claim_eval(&c, fake_fetch, NULL, &o, &err);
    claim_free(&c);
    if (st != TF_OK)
        fail_msg("'%s': %s", text, err.msg);
    if (!o.pass)
        fail_msg("'%s' does not hold: %s", text, o.measured);
    return o.lhs;
}

static void test_first_below_position(void **state)
{
    (void)state;
    assert_true(lhs_of("first_below(train.loss, 1) == 3") == 3);
    assert_true(lhs_of("first_below(train.loss@slow, 1) == 5") == 5);
    /* the first value below is counted from 1: the very first one is 1 */
    assert_true(lhs_of("first_below(train.loss, 3) == 1") == 1);
    /* strictly below: 0.9 is not below 0.9 */
    assert_true(lhs_of("first_below(train.loss, 0.9) == 4") == 4);
    /* the comparison a lesson makes: one run gets there sooner */
    lhs_of("first_below(train.loss, 1) < first_below(train.loss@slow, 1)");
    /* on a curve of evaluations it counts evaluations */
    assert_true(lhs_of("first_below(train.eval.loss, 0.8) == 3") == 3);
    /* the threshold may be an expression */
    assert_true(lhs_of("first_below(train.loss, train.loss[step=0] / 2) == 3") == 3);
    /* a NaN is below nothing */
    assert_true(lhs_of("first_below(nan, 1) == 2") == 2);
    /* a curve kept in a [1, N] record is still a curve */
    assert_true(lhs_of("first_below(row, 1) == 3") == 3);
}

static void test_first_below_never(void **state)
{
    (void)state;
    /* never below: the length + 1, so it compares as the slowest */
    assert_true(lhs_of("first_below(flat, 1) == 4") == 4);
    lhs_of("first_below(train.loss@slow, 0.1) == count(train.loss@slow) + 1");
    lhs_of("first_below(train.loss, 1) < first_below(flat, 1)");
}

static void test_first_below_refused(void **state)
{
    (void)state;
    static const struct {
        const char *claim;
        const char *message;
    } bad[] = {
        {"first_below(train.grad_norm.parts, 1) == 1", "first_below needs a curve (one axis), not [step 2, part 3]"},
        {"first_below(train.loss, train.loss) == 1", "the threshold is 6 values, not one number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Claim c;
        Error err = {0};
        assert_int_equal(claim_parse(bad[i].claim, &c, &err), TF_OK);
        ClaimOutcome o;
        Status st = claim_eval(&c, fake_fetch, NULL, &o, &err);
        claim_free(&c);
        if (st != TF_ERR_INPUT || !strstr(err.msg, bad[i].message))
            fail_msg("'%s': status %d, '%s', expected '%s'", bad[i].claim, st, err.msg, bad[i].message);
    }
    /* one column of the table is a curve again */
    assert_true(lhs_of("first_below(train.grad_norm.parts[part=2], 1) == 2") == 2);
    Claim c;
    Error err = {0};
    assert_int_equal(claim_parse("first_below(train.loss) == 1", &c, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "first_below takes 2 arguments, not 1"));
}

static void test_curve_last_value(void **state)
{
    (void)state;
    /* the held-out loss after the last update */
    assert_true(lhs_of("train.eval.loss[eval=-1] == 0.5") == 0.5);
    assert_true(lhs_of("train.eval.loss[eval=0] > train.eval.loss[eval=-1]") == 2.4);
    /* the last three updates' mean */
    lhs_of("mean(train.loss[step=-3:]) == 0.433333333 within 1e-6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_below_position),
        cmocka_unit_test(test_first_below_never),
        cmocka_unit_test(test_first_below_refused),
        cmocka_unit_test(test_curve_last_value),
    };
    return cmocka_run_group_tests_name("claims on curves", tests, NULL, NULL);
}

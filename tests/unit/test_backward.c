/* test_backward.c — every backward twin of core/backward.h (and the
 * cross-entropy of train/loss.h) against central finite differences.
 *
 * The method. Each op has a forward written here again in double
 * precision, independently of src/core. The scalar loss is
 *     L = Σ w ⊙ out          (w random, fixed per case)
 * so ∂L/∂out = w, which is what the float backward receives as dout. The
 * numeric gradient perturbs each input value by ±h in double and evaluates
 * L in double: with h = 1e-5 its error is about h²·L''' + 1e-16·|L|/h, near
 * 1e-10, so it is a trustworthy yardstick for a float backward (~1e-7).
 * The inputs are floats, so the double forward sees exactly the values the
 * float forward and backward see; and every case first checks that the
 * double forward agrees with the library's float forward, so the finite
 * differences are of the function the library really computes.
 *
 * The criterion, per input or parameter tensor:
 *     rel = max_i |analytic_i − numeric_i| / max_i |numeric_i|  ≤ 1e-3
 * (a tensor whose numeric gradient is all zero must get an analytic one of
 * at most 1e-12). A backward that drops a term is off by O(1) in this
 * measure; test_checker_catches_perturbed_gradients proves the checker
 * rejects an error of 2e-3 of the largest entry in any single element of
 * any tensor of any op.
 *
 * Each case also checks the += contract: gradients added onto a buffer
 * that already holds values equal those values plus the fresh gradient. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backward.h"
#include "core/ops.h"
#include "core/rng.h"
#include "train/loss.h"
#include "../support/compare.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define GRAD_REL_TOL 1e-3     /* the bound, per tensor */
#define FD_STEP 1e-5          /* central-difference step, in double */
#define MAX_TENSORS 4

/* ---------------------------------------------------------------- helpers */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

static void fill_uniform(Rng *r, float *x, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_range(r, lo, hi);
}

/* ----------------------------------------------------- the check machinery */

typedef struct OpCheck OpCheck;

/* One row of the table: an op, its sizes, and its three implementations
 * (the double reference forward written here, the library's float forward,
 * the library's backward). */
typedef struct {
    const char *name;
    void (*setup)(OpCheck *c, Rng *rng);                 /* names, lengths, inputs */
    void (*forward_double)(const OpCheck *c, double *out);
    void (*forward_float)(const OpCheck *c, float *out);
    /* grad[t] += ∂L/∂input t for checked tensors (NULL for the others) */
    void (*backward)(const OpCheck *c, float *const grad[MAX_TENSORS], const float *dout);
    int n, k, m;        /* sizes; their meaning is the op's (see each setup) */
    float param;        /* eps, scale or label smoothing */
    int variant;        /* bias / affine / mask pattern */
    double forward_rtol;  /* float forward against the double one */
} OpSpec;

struct OpCheck {
    const OpSpec *spec;
    int n_in;
    const char *in_name[MAX_TENSORS];
    size_t in_len[MAX_TENSORS];
    int checked[MAX_TENSORS];   /* 0: a constant (a mask), no gradient wanted */
    float *xf[MAX_TENSORS];     /* the inputs */
    double *xd[MAX_TENSORS];    /* the same values in double, perturbed by the checker */
    int *ids;                   /* token ids or targets, when the op has them */
    size_t out_len;
};

static void add_input(OpCheck *c, const char *name, size_t len, int checked)
{
    assert_true(c->n_in < MAX_TENSORS);
    int t = c->n_in++;
    c->in_name[t] = name;
    c->in_len[t] = len;
    c->checked[t] = checked;
    c->xf[t] = xcalloc(len, sizeof(float));
    c->xd[t] = xcalloc(len, sizeof(double));
}

static void opcheck_free(OpCheck *c)
{
    for (int t = 0; t < c->n_in; t++)
        free(c->xf[t]), free(c->xd[t]);
    free(c->ids);
}

/* L = Σ w ⊙ forward_double(inputs), in double. */
static double loss_double(const OpCheck *c, const double *w, double *out)
{
    c->spec->forward_double(c, out);
    double sum = 0.0;
    for (size_t i = 0; i < c->out_len; i++)
        sum += w[i] * out[i];
    return sum;
}

/* ∂L/∂x for every value of tensor t by central differences. An entry that
 * is −∞ (a masked score) stays −∞ when perturbed, so L does not move: its
 * numeric gradient is 0, and the analytic one must be too. */
static void numeric_gradient(OpCheck *c, int t, const double *w, double *out, double *num)
{
    for (size_t i = 0; i < c->in_len[t]; i++) {
        double saved = c->xd[t][i];
        if (isinf(saved)) {
            num[i] = 0.0;
            continue;
        }
        c->xd[t][i] = saved + FD_STEP;
        double plus = loss_double(c, w, out);
        c->xd[t][i] = saved - FD_STEP;
        double minus = loss_double(c, w, out);
        c->xd[t][i] = saved;
        num[i] = (plus - minus) / (2.0 * FD_STEP);
    }
}

/* The criterion in the header comment; *at gets the worst index. */
static double relative_error(const float *analytic, const double *numeric, size_t n, size_t *at)
{
    double max_num = 0.0, max_diff = 0.0;
    *at = 0;
    for (size_t i = 0; i < n; i++) {
        double diff = fabs((double)analytic[i] - numeric[i]);
        if (isnan(analytic[i]))
            diff = INFINITY;
        if (fabs(numeric[i]) > max_num)
            max_num = fabs(numeric[i]);
        if (diff > max_diff || (i == 0 && diff == max_diff)) {
            max_diff = diff;
            *at = i;
        }
    }
    if (max_num == 0.0)
        return max_diff <= 1e-12 ? 0.0 : INFINITY;
    return max_diff / max_num;
}

/* Everything measured for one case, kept so the self-test can perturb the
 * analytic gradients and measure again against the same numeric ones. */
typedef struct {
    OpCheck c;
    double *w;                      /* (out_len) loss weights */
    float *dout;                    /* (out_len) the same, as floats */
    float *grad[MAX_TENSORS];       /* analytic, from zero */
    double *num[MAX_TENSORS];       /* numeric */
} Measured;

static void measure(Measured *m, const OpSpec *spec, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    OpCheck *c = &m->c;
    c->spec = spec;
    Rng rng;
    rng_seed(&rng, seed, 11);
    spec->setup(c, &rng);
    assert_true(c->out_len > 0);
    for (int t = 0; t < c->n_in; t++)
        for (size_t i = 0; i < c->in_len[t]; i++)
            c->xd[t][i] = c->xf[t][i];

    m->w = xcalloc(c->out_len, sizeof(double));
    m->dout = xcalloc(c->out_len, sizeof(float));
    for (size_t i = 0; i < c->out_len; i++) {
        m->dout[i] = rng_range(&rng, -1.0f, 1.0f);
        m->w[i] = m->dout[i];
    }

    /* The double reference must be the function the library computes. */
    double *out_d = xcalloc(c->out_len, sizeof(double));
    float *out_f = xcalloc(c->out_len, sizeof(float));
    float *out_want = xcalloc(c->out_len, sizeof(float));
    spec->forward_double(c, out_d);
    spec->forward_float(c, out_f);
    for (size_t i = 0; i < c->out_len; i++)
        out_want[i] = (float)out_d[i];
    char what[160];
    snprintf(what, sizeof what, "%s: float forward vs the test's double forward", spec->name);
    assert_int_equal(compare_floats(what, out_f, out_want, c->out_len, 1e-6f,
                                    (float)spec->forward_rtol), 0);

    for (int t = 0; t < c->n_in; t++) {
        if (!c->checked[t])
            continue;
        m->grad[t] = xcalloc(c->in_len[t], sizeof(float));
        m->num[t] = xcalloc(c->in_len[t], sizeof(double));
        numeric_gradient(c, t, m->w, out_d, m->num[t]);
    }
    spec->backward(c, m->grad, m->dout);
    free(out_d), free(out_f), free(out_want);
}

static void measured_free(Measured *m)
{
    for (int t = 0; t < m->c.n_in; t++)
        free(m->grad[t]), free(m->num[t]);
    free(m->w), free(m->dout);
    opcheck_free(&m->c);
}

/* ------------------------------------------------------ linear, matmul */

/* linear: a (n, k), w (m, k), bias (m) when variant = 1; out (n, m). */
static void setup_linear(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "a", (size_t)s->n * s->k, 1);
    add_input(c, "w", (size_t)s->m * s->k, 1);
    if (s->variant)
        add_input(c, "bias", (size_t)s->m, 1);
    for (int t = 0; t < c->n_in; t++)
        fill_uniform(rng, c->xf[t], c->in_len[t], -1.0f, 1.0f);
    c->out_len = (size_t)s->n * s->m;
}

static void linear_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    const double *a = c->xd[0], *w = c->xd[1], *b = s->variant ? c->xd[2] : NULL;
    for (int i = 0; i < s->n; i++)
        for (int j = 0; j < s->m; j++) {
            double sum = b ? b[j] : 0.0;
            for (int p = 0; p < s->k; p++)
                sum += a[i * s->k + p] * w[j * s->k + p];
            out[i * s->m + j] = sum;
        }
}

static void linear_fwd_f(const OpCheck *c, float *out)
{
    const OpSpec *s = c->spec;
    linear_forward(out, c->xf[0], c->xf[1], s->variant ? c->xf[2] : NULL, s->n, s->k, s->m);
}

static void linear_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    linear_backward(g[0], g[1], s->variant ? g[2] : NULL, dout, c->xf[0], c->xf[1], s->n, s->k,
                    s->m);
}

/* matmul: a (n, k), b (k, m); out (n, m). */
static void setup_matmul(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "a", (size_t)s->n * s->k, 1);
    add_input(c, "b", (size_t)s->k * s->m, 1);
    for (int t = 0; t < c->n_in; t++)
        fill_uniform(rng, c->xf[t], c->in_len[t], -1.0f, 1.0f);
    c->out_len = (size_t)s->n * s->m;
}

static void matmul_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    for (int i = 0; i < s->n; i++)
        for (int j = 0; j < s->m; j++) {
            double sum = 0.0;
            for (int p = 0; p < s->k; p++)
                sum += c->xd[0][i * s->k + p] * c->xd[1][p * s->m + j];
            out[i * s->m + j] = sum;
        }
}

static void matmul_fwd_f(const OpCheck *c, float *out)
{
    const OpSpec *s = c->spec;
    matmul_forward(out, c->xf[0], c->xf[1], s->n, s->k, s->m);
}

static void matmul_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    matmul_backward(g[0], g[1], dout, c->xf[0], c->xf[1], s->n, s->k, s->m);
}

/* ---------------------------------------------------------------- softmax */

static void softmax_row_d(double *out, const double *x, int cols)
{
    double max = -INFINITY;
    for (int j = 0; j < cols; j++)
        if (x[j] > max)
            max = x[j];
    if (max == -INFINITY) {
        for (int j = 0; j < cols; j++)
            out[j] = 0.0;
        return;
    }
    double sum = 0.0;
    for (int j = 0; j < cols; j++)
        sum += exp(x[j] - max);
    for (int j = 0; j < cols; j++)
        out[j] = exp(x[j] - max) / sum;
}

/* Put −∞ where a mask would: row 1 a causal tail, row 2 everything (a fully
 * masked row), row 3 the middle. Needs rows ≥ 4 and cols ≥ 4. */
static void mask_rows(float *x, int rows, int cols)
{
    assert_true(rows >= 4 && cols >= 4);
    for (int j = 2; j < cols; j++)
        x[1 * cols + j] = -INFINITY;
    for (int j = 0; j < cols; j++)
        x[2 * cols + j] = -INFINITY;
    for (int j = 1; j < cols - 1; j += 2)
        x[3 * cols + j] = -INFINITY;
}

/* softmax: x (n rows, k cols), with masked entries; the last row is wide
 * (±30) so the max subtraction matters. */
static void setup_softmax(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "x", (size_t)s->n * s->k, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -3.0f, 3.0f);
    fill_uniform(rng, c->xf[0] + (size_t)(s->n - 1) * s->k, (size_t)s->k, -30.0f, 30.0f);
    mask_rows(c->xf[0], s->n, s->k);
    c->out_len = (size_t)s->n * s->k;
}

static void softmax_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    for (int i = 0; i < s->n; i++)
        softmax_row_d(out + (size_t)i * s->k, c->xd[0] + (size_t)i * s->k, s->k);
}

static void softmax_fwd_f(const OpCheck *c, float *out)
{
    softmax_forward(out, c->xf[0], c->spec->n, c->spec->k);
}

static void softmax_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    float *y = xcalloc(c->out_len, sizeof(float));
    softmax_forward(y, c->xf[0], s->n, s->k);
    softmax_backward(g[0], dout, y, s->n, s->k);
    free(y);
}

/* -------------------------------------------------------------- layernorm */

/* layernorm: x (n, d = k), gamma (d), beta (d) when variant = 1; eps =
 * param. Row 0 sits far from zero (mean ≈ 50) to exercise the two-pass
 * statistics; gamma is drawn away from 1 so a missing γ factor shows. */
static void setup_layernorm(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "x", (size_t)s->n * s->k, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -2.0f, 2.0f);
    for (int j = 0; j < s->k; j++)
        c->xf[0][j] += 50.0f;
    if (s->variant) {
        add_input(c, "gamma", (size_t)s->k, 1);
        add_input(c, "beta", (size_t)s->k, 1);
        fill_uniform(rng, c->xf[1], (size_t)s->k, 0.5f, 2.0f);
        fill_uniform(rng, c->xf[2], (size_t)s->k, -1.0f, 1.0f);
    }
    c->out_len = (size_t)s->n * s->k;
}

static void layernorm_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    const int d = s->k;
    for (int i = 0; i < s->n; i++) {
        const double *x = c->xd[0] + (size_t)i * d;
        double mean = 0.0, var = 0.0;
        for (int j = 0; j < d; j++)
            mean += x[j];
        mean /= d;
        for (int j = 0; j < d; j++)
            var += (x[j] - mean) * (x[j] - mean);
        var /= d;
        for (int j = 0; j < d; j++) {
            double y = (x[j] - mean) / sqrt(var + (double)s->param);
            out[(size_t)i * d + j] = s->variant ? y * c->xd[1][j] + c->xd[2][j] : y;
        }
    }
}

static void layernorm_fwd_f(const OpCheck *c, float *out)
{
    const OpSpec *s = c->spec;
    layernorm_forward(out, c->xf[0], s->variant ? c->xf[1] : NULL,
                      s->variant ? c->xf[2] : NULL, s->n, s->k, s->param);
}

static void layernorm_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    layernorm_backward(g[0], s->variant ? g[1] : NULL, s->variant ? g[2] : NULL, dout,
                       c->xf[0], s->variant ? c->xf[1] : NULL, s->n, s->k, s->param);
}

/* ---------------------------------------------------- elementwise ops */

/* relu: x (n), kept at least 1e-3 (100 steps h) away from the kink so
 * x ± h stays on one side of it, with the first few right next to it on
 * both sides (x = 0 itself is tested on its own below). */
static void setup_relu(OpCheck *c, Rng *rng)
{
    static const float near_kink[] = {1e-3f, -1e-3f, 0.01f, -0.01f, 0.05f, -0.05f};
    add_input(c, "x", (size_t)c->spec->n, 1);
    for (size_t i = 0; i < c->in_len[0]; i++) {
        float v;
        do
            v = rng_range(rng, -2.0f, 2.0f);
        while (fabsf(v) < 1e-3f);
        c->xf[0][i] = i < ARRAY_LEN(near_kink) ? near_kink[i] : v;
    }
    c->out_len = c->in_len[0];
}

static void relu_fwd_d(const OpCheck *c, double *out)
{
    for (size_t i = 0; i < c->out_len; i++)
        out[i] = c->xd[0][i] > 0.0 ? c->xd[0][i] : 0.0;
}

static void relu_fwd_f(const OpCheck *c, float *out)
{
    relu_forward(out, c->xf[0], c->out_len);
}

static void relu_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    relu_backward(g[0], dout, c->xf[0], c->out_len);
}

/* gelu: x (n) in [−4, 4], both tails and the bend. */
static void setup_gelu(OpCheck *c, Rng *rng)
{
    add_input(c, "x", (size_t)c->spec->n, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -4.0f, 4.0f);
    c->out_len = c->in_len[0];
}

static void gelu_fwd_d(const OpCheck *c, double *out)
{
    for (size_t i = 0; i < c->out_len; i++) {
        double x = c->xd[0][i];
        out[i] = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    }
}

static void gelu_fwd_f(const OpCheck *c, float *out)
{
    gelu_forward(out, c->xf[0], c->out_len);
}

static void gelu_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    gelu_backward(g[0], dout, c->xf[0], c->out_len);
}

/* add: a (n), b (n). */
static void setup_add(OpCheck *c, Rng *rng)
{
    add_input(c, "a", (size_t)c->spec->n, 1);
    add_input(c, "b", (size_t)c->spec->n, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -1.0f, 1.0f);
    fill_uniform(rng, c->xf[1], c->in_len[1], -1.0f, 1.0f);
    c->out_len = c->in_len[0];
}

static void add_fwd_d(const OpCheck *c, double *out)
{
    for (size_t i = 0; i < c->out_len; i++)
        out[i] = c->xd[0][i] + c->xd[1][i];
}

static void add_fwd_f(const OpCheck *c, float *out)
{
    add_forward(out, c->xf[0], c->xf[1], c->out_len);
}

static void add_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    add_backward(g[0], g[1], dout, c->out_len);
}

/* scale: x (n), s = param. */
static void setup_scale(OpCheck *c, Rng *rng)
{
    add_input(c, "x", (size_t)c->spec->n, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -1.0f, 1.0f);
    c->out_len = c->in_len[0];
}

static void scale_fwd_d(const OpCheck *c, double *out)
{
    for (size_t i = 0; i < c->out_len; i++)
        out[i] = c->xd[0][i] * (double)c->spec->param;
}

static void scale_fwd_f(const OpCheck *c, float *out)
{
    scale_forward(out, c->xf[0], c->spec->param, c->out_len);
}

static void scale_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    scale_backward(g[0], dout, c->spec->param, c->out_len);
}

/* ------------------------------------------------------------- embedding */

/* embedding: table (V = n, d = k), T = m ids with repeats (id 1 three
 * times) and one row never used (its gradient must stay 0). The forward is
 * model/forward.c's: table[ids] · sqrtf(d). */
static void setup_embedding(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "table", (size_t)s->n * s->k, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -1.0f, 1.0f);
    c->ids = xcalloc((size_t)s->m, sizeof(int));
    assert_true(s->n >= 3 && s->m >= 4);
    for (int t = 0; t < s->m; t++)
        c->ids[t] = t < 3 ? 1 : (int)(rng_u32(rng) % (uint32_t)(s->n - 1));  /* never n−1 */
    c->out_len = (size_t)s->m * s->k;
}

static void embedding_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    const double scale = sqrtf((float)s->k);   /* the forward's float √d */
    for (int t = 0; t < s->m; t++)
        for (int j = 0; j < s->k; j++)
            out[(size_t)t * s->k + j] = c->xd[0][(size_t)c->ids[t] * s->k + j] * scale;
}

static void embedding_fwd_f(const OpCheck *c, float *out)
{
    const OpSpec *s = c->spec;
    for (int t = 0; t < s->m; t++)
        scale_forward(out + (size_t)t * s->k, c->xf[0] + (size_t)c->ids[t] * s->k,
                      sqrtf((float)s->k), (size_t)s->k);
}

static void embedding_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    embedding_backward(g[0], dout, c->ids, c->spec->m, c->spec->k);
}

/* --------------------------------------------------------- cross-entropy */

/* cross-entropy: logits (rows = n, V = k), targets (n) with <PAD> (0) at
 * rows 1 and n−1; ε = param. The output is the scalar loss, so the
 * "weight" w is the gradient arriving at the loss. */
static void setup_cross_entropy(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    add_input(c, "logits", (size_t)s->n * s->k, 1);
    fill_uniform(rng, c->xf[0], c->in_len[0], -4.0f, 4.0f);
    c->ids = xcalloc((size_t)s->n, sizeof(int));
    for (int r = 0; r < s->n; r++)
        c->ids[r] = 1 + (int)(rng_u32(rng) % (uint32_t)(s->k - 1));
    c->ids[1] = 0;
    c->ids[s->n - 1] = 0;
    c->out_len = 1;
}

static void cross_entropy_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    const int V = s->k;
    const double eps = s->param;
    double total = 0.0;
    int counted = 0;
    for (int r = 0; r < s->n; r++) {
        if (c->ids[r] == 0)
            continue;
        const double *x = c->xd[0] + (size_t)r * V;
        double p[64];
        assert_true(V <= 64);
        softmax_row_d(p, x, V);
        /* (1 − ε)·one-hot + ε/V against log p, term by term. */
        for (int j = 0; j < V; j++) {
            double q = eps / V + (j == c->ids[r] ? 1.0 - eps : 0.0);
            total -= q * log(p[j]);
        }
        counted++;
    }
    out[0] = total / counted;
}

static void cross_entropy_fwd_f(const OpCheck *c, float *out)
{
    const OpSpec *s = c->spec;
    int counted = cross_entropy_forward(out, NULL, c->xf[0], c->ids, s->n, s->k, s->param, 0);
    assert_int_equal(counted, s->n - 2);
}

static void cross_entropy_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    cross_entropy_backward(g[0], c->xf[0], c->ids, s->n, s->k, s->param, 0, dout[0]);
}

/* ------------------------------------------------------------- attention */

/* One head: q (Tq = n, dk = m), k and v (Tk = k, dk), mask (Tq, Tk), a
 * constant. variant 0: no mask; 1: causal (Tq = Tk); 2: causal + the last
 * key padded + the last query row fully masked. out = z (Tq, dk). */
static void setup_attention(OpCheck *c, Rng *rng)
{
    const OpSpec *s = c->spec;
    const int Tq = s->n, Tk = s->k, dk = s->m;
    add_input(c, "q", (size_t)Tq * dk, 1);
    add_input(c, "k", (size_t)Tk * dk, 1);
    add_input(c, "v", (size_t)Tk * dk, 1);
    add_input(c, "mask", (size_t)Tq * Tk, 0);
    for (int t = 0; t < 3; t++)
        fill_uniform(rng, c->xf[t], c->in_len[t], -1.5f, 1.5f);
    float *mask = c->xf[3];
    for (int i = 0; i < Tq; i++)
        for (int j = 0; j < Tk; j++) {
            int masked = 0;
            if (s->variant >= 1)
                masked |= j > i;
            if (s->variant == 2)
                masked |= j == Tk - 1 || i == Tq - 1;
            mask[i * Tk + j] = masked ? -INFINITY : 0.0f;
        }
    c->out_len = (size_t)Tq * dk;
}

static void attention_fwd_d(const OpCheck *c, double *out)
{
    const OpSpec *s = c->spec;
    const int Tq = s->n, Tk = s->k, dk = s->m;
    const double scale = 1.0f / sqrtf((float)dk);   /* the float the model uses */
    double row[64], w[64];
    assert_true(Tk <= 64);
    for (int i = 0; i < Tq; i++) {
        for (int j = 0; j < Tk; j++) {
            double raw = 0.0;
            for (int p = 0; p < dk; p++)
                raw += c->xd[0][i * dk + p] * c->xd[1][j * dk + p];
            row[j] = raw * scale + c->xd[3][i * Tk + j];
        }
        softmax_row_d(w, row, Tk);
        for (int p = 0; p < dk; p++) {
            double z = 0.0;
            for (int j = 0; j < Tk; j++)
                z += w[j] * c->xd[2][j * dk + p];
            out[i * dk + p] = z;
        }
    }
}

/* The head as model/attention.c computes it, op by op. */
static void attention_head_forward(float *z, float *weights, const OpCheck *c)
{
    const OpSpec *s = c->spec;
    const int Tq = s->n, Tk = s->k, dk = s->m;
    const size_t n = (size_t)Tq * Tk;
    float *raw = xcalloc(n, sizeof(float)), *scores = xcalloc(n, sizeof(float));
    linear_forward(raw, c->xf[0], c->xf[1], NULL, Tq, dk, Tk);
    scale_forward(scores, raw, 1.0f / sqrtf((float)dk), n);
    add_forward(scores, scores, c->xf[3], n);
    softmax_forward(weights, scores, Tq, Tk);
    matmul_forward(z, weights, c->xf[2], Tq, Tk, dk);
    free(raw), free(scores);
}

static void attention_fwd_f(const OpCheck *c, float *out)
{
    float *weights = xcalloc((size_t)c->spec->n * c->spec->k, sizeof(float));
    attention_head_forward(out, weights, c);
    free(weights);
}

static void attention_bwd(const OpCheck *c, float *const g[MAX_TENSORS], const float *dout)
{
    const OpSpec *s = c->spec;
    const size_t n = (size_t)s->n * s->k;
    float *z = xcalloc(c->out_len, sizeof(float)), *weights = xcalloc(n, sizeof(float));
    float *gw = xcalloc(n, sizeof(float)), *gs = xcalloc(n, sizeof(float));
    float *gr = xcalloc(n, sizeof(float));
    attention_head_forward(z, weights, c);
    attention_head_backward(g[0], g[1], g[2], gw, gs, gr, dout, c->xf[0], c->xf[1], c->xf[2],
                            weights, 1.0f / sqrtf((float)s->m), s->n, s->k, s->m);
    free(z), free(weights), free(gw), free(gs), free(gr);
}

/* ----------------------------------------------------------- the table */

#define OP(fn) setup_##fn, fn##_fwd_d, fn##_fwd_f, fn##_bwd

/* Products with n·k·m ≥ 128 take the OpenBLAS path of linear.c and
 * linear_backward.c, smaller ones the reference loops: both are checked. */
static const OpSpec op_specs[] = {
    {"linear + bias (loops)", OP(linear), 3, 4, 5, 0.0f, 1, 1e-6},
    {"linear + bias (BLAS)", OP(linear), 6, 7, 5, 0.0f, 1, 1e-5},
    {"linear, no bias (BLAS)", OP(linear), 5, 9, 4, 0.0f, 0, 1e-5},
    {"matmul (loops)", OP(matmul), 2, 3, 4, 0.0f, 0, 1e-6},
    {"matmul (BLAS)", OP(matmul), 5, 6, 7, 0.0f, 0, 1e-5},
    {"softmax, masked rows", OP(softmax), 5, 6, 0, 0.0f, 0, 1e-6},
    {"layernorm + affine", OP(layernorm), 4, 8, 0, 1e-5f, 1, 1e-5},
    {"layernorm, no affine", OP(layernorm), 3, 6, 0, 1e-5f, 0, 1e-5},
    {"layernorm, eps 0.1", OP(layernorm), 3, 5, 0, 0.1f, 1, 1e-5},
    {"relu", OP(relu), 40, 0, 0, 0.0f, 0, 0.0},
    {"gelu", OP(gelu), 40, 0, 0, 0.0f, 0, 1e-6},
    {"add", OP(add), 12, 0, 0, 0.0f, 0, 1e-6},
    {"scale", OP(scale), 12, 0, 0, 0.37f, 0, 1e-6},
    {"embedding (V 6, d 5, T 8)", OP(embedding), 6, 5, 8, 0.0f, 0, 1e-6},
    {"cross-entropy", OP(cross_entropy), 6, 7, 0, 0.0f, 0, 1e-6},
    {"cross-entropy, smoothing 0.1", OP(cross_entropy), 6, 7, 0, 0.1f, 0, 1e-6},
    {"attention head, no mask", OP(attention), 3, 4, 2, 0.0f, 0, 1e-5},
    {"attention head, causal (BLAS)", OP(attention), 6, 6, 4, 0.0f, 1, 1e-5},
    {"attention head, causal+pad", OP(attention), 5, 5, 3, 0.0f, 2, 1e-5},
    {"cross-attention, Tq != Tk", OP(attention), 4, 7, 5, 0.0f, 0, 1e-5},
};

/* Every tensor of every op within GRAD_REL_TOL of the finite differences. */
static void test_gradients_match_finite_differences(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t o = 0; o < ARRAY_LEN(op_specs); o++) {
        Measured m;
        measure(&m, &op_specs[o], 1000 + o);
        for (int t = 0; t < m.c.n_in; t++) {
            if (!m.c.checked[t])
                continue;
            size_t at;
            double rel = relative_error(m.grad[t], m.num[t], m.c.in_len[t], &at);
            int ok = rel <= GRAD_REL_TOL;
            print_message("grad-check %-32s %-7s rel err %.2e%s\n", op_specs[o].name,
                          m.c.in_name[t], rel, ok ? "" : "  FAIL");
            if (!ok) {
                print_error("  worst [%zu]: analytic %.9g, numeric %.9g\n", at,
                            (double)m.grad[t][at], m.num[t][at]);
                failures++;
            }
        }
        measured_free(&m);
    }
    assert_int_equal(failures, 0);
}

/* The checker must reject a gradient that is off by 2e-3 of the tensor's
 * largest entry in a single element, for every tensor of every op: so a
 * backward with a dropped or wrong term cannot pass. */
static void test_checker_catches_perturbed_gradients(void **state)
{
    (void)state;
    for (size_t o = 0; o < ARRAY_LEN(op_specs); o++) {
        Measured m;
        measure(&m, &op_specs[o], 1000 + o);
        for (int t = 0; t < m.c.n_in; t++) {
            if (!m.c.checked[t])
                continue;
            size_t at, n = m.c.in_len[t];
            double max_num = 0.0;
            for (size_t i = 0; i < n; i++)
                max_num = fmax(max_num, fabs(m.num[t][i]));
            size_t victim = n / 2;
            float saved = m.grad[t][victim];
            m.grad[t][victim] += (float)(2e-3 * (max_num > 0 ? max_num : 1.0));
            double rel = relative_error(m.grad[t], m.num[t], n, &at);
            if (rel <= GRAD_REL_TOL)
                fail_msg("%s %s: a perturbed gradient passed (rel %.2e)", op_specs[o].name,
                         m.c.in_name[t], rel);
            m.grad[t][victim] = saved;
        }
        measured_free(&m);
    }
}

/* The += contract: backward onto buffers that already hold G0 gives G0 plus
 * the gradient from zero (up to one float rounding per addition). */
static void test_backward_accumulates(void **state)
{
    (void)state;
    for (size_t o = 0; o < ARRAY_LEN(op_specs); o++) {
        Measured m;
        measure(&m, &op_specs[o], 1000 + o);
        Rng rng;
        rng_seed(&rng, 77, o);
        float *acc[MAX_TENSORS] = {0}, *want[MAX_TENSORS] = {0};
        for (int t = 0; t < m.c.n_in; t++) {
            if (!m.c.checked[t])
                continue;
            size_t n = m.c.in_len[t];
            acc[t] = xcalloc(n, sizeof(float));
            want[t] = xcalloc(n, sizeof(float));
            fill_uniform(&rng, acc[t], n, -1.0f, 1.0f);
            for (size_t i = 0; i < n; i++)
                want[t][i] = acc[t][i] + m.grad[t][i];
        }
        op_specs[o].backward(&m.c, acc, m.dout);
        for (int t = 0; t < m.c.n_in; t++) {
            if (!m.c.checked[t])
                continue;
            char what[160];
            snprintf(what, sizeof what, "%s %s accumulated", op_specs[o].name, m.c.in_name[t]);
            assert_int_equal(compare_floats(what, acc[t], want[t], m.c.in_len[t], 1e-6f, 1e-6f),
                             0);
            free(acc[t]), free(want[t]);
        }
        measured_free(&m);
    }
}

/* ------------------------------------------- fast paths against the loops */

typedef struct {
    const char *name;
    int n, k, m;
} ProductCase;

static const ProductCase product_cases[] = {
    {"3x5 . 5x7", 3, 5, 7},
    {"17x33 . 33x17", 17, 33, 17},
    {"33x65 . 65x129", 33, 65, 129},
    {"64x256 . 256x512", 64, 256, 512},
    {"7x1 . 1x9 (k = 1)", 7, 1, 9},
    {"2x0 . 0x3 (k = 0)", 2, 0, 3},
};

/* As test_ops.c's fast_path_atol: a float GEMM's error grows like √(length
 * of the sum); values in [−1, 1]. */
static float sum_atol(int len)
{
    return 4e-6f * sqrtf((float)(len > 0 ? len : 1));
}

static void test_products_fast_path_matches_reference(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 31, 4);
    for (size_t c = 0; c < ARRAY_LEN(product_cases); c++) {
        const ProductCase *pc = &product_cases[c];
        size_t n = pc->n, k = pc->k, m = pc->m;
        float *a = xcalloc(n * k, 4), *w = xcalloc(m * k, 4), *b = xcalloc(k * m, 4);
        float *dout = xcalloc(n * m, 4);
        float *da[2], *dw[2], *db[2], *dbias[2];
        fill_uniform(&rng, a, n * k, -1, 1);
        fill_uniform(&rng, w, m * k, -1, 1);
        fill_uniform(&rng, b, k * m, -1, 1);
        fill_uniform(&rng, dout, n * m, -1, 1);
        for (int p = 0; p < 2; p++) {
            /* Both start from the same non-zero values: += on both paths. */
            da[p] = xcalloc(n * k, 4), dw[p] = xcalloc(m * k, 4);
            db[p] = xcalloc(k * m, 4), dbias[p] = xcalloc(m, 4);
            Rng same;
            rng_seed(&same, 5, 5);
            fill_uniform(&same, da[p], n * k, -1, 1);
            fill_uniform(&same, dw[p], m * k, -1, 1);
            fill_uniform(&same, db[p], k * m, -1, 1);
            fill_uniform(&same, dbias[p], m, -1, 1);
        }
        linear_backward_reference(da[0], dw[0], dbias[0], dout, a, w, pc->n, pc->k, pc->m);
        linear_backward(da[1], dw[1], dbias[1], dout, a, w, pc->n, pc->k, pc->m);
        char what[128];
        snprintf(what, sizeof what, "linear_backward da %s", pc->name);
        assert_int_equal(compare_floats(what, da[1], da[0], n * k, sum_atol(pc->m), 0), 0);
        snprintf(what, sizeof what, "linear_backward dw %s", pc->name);
        assert_int_equal(compare_floats(what, dw[1], dw[0], m * k, sum_atol(pc->n), 0), 0);
        snprintf(what, sizeof what, "linear_backward dbias %s", pc->name);
        assert_int_equal(compare_floats(what, dbias[1], dbias[0], m, 0, 0), 0);

        memcpy(da[1], da[0], n * k * 4);   /* restart both from the same values */
        matmul_backward_reference(da[0], db[0], dout, a, b, pc->n, pc->k, pc->m);
        matmul_backward(da[1], db[1], dout, a, b, pc->n, pc->k, pc->m);
        snprintf(what, sizeof what, "matmul_backward da %s", pc->name);
        assert_int_equal(compare_floats(what, da[1], da[0], n * k, sum_atol(pc->m), 0), 0);
        snprintf(what, sizeof what, "matmul_backward db %s", pc->name);
        assert_int_equal(compare_floats(what, db[1], db[0], k * m, sum_atol(pc->n), 0), 0);

        for (int p = 0; p < 2; p++)
            free(da[p]), free(dw[p]), free(db[p]), free(dbias[p]);
        free(a), free(w), free(b), free(dout);
    }
}

/* A NULL gradient output is skipped; the others are unchanged by that. */
static void test_null_gradients_are_skipped(void **state)
{
    (void)state;
    enum { N = 6, K = 7, M = 5 };   /* 210 multiply-adds: the BLAS path */
    float a[N * K], w[M * K], b[K * M], dout[N * M];
    float da1[N * K] = {0}, dw1[M * K] = {0}, db1[M] = {0};
    float da2[N * K] = {0}, dw2[M * K] = {0}, db2[M] = {0};
    Rng rng;
    rng_seed(&rng, 8, 8);
    fill_uniform(&rng, a, N * K, -1, 1);
    fill_uniform(&rng, w, M * K, -1, 1);
    fill_uniform(&rng, b, K * M, -1, 1);
    fill_uniform(&rng, dout, N * M, -1, 1);
    linear_backward(da1, dw1, db1, dout, a, w, N, K, M);
    linear_backward(da2, NULL, NULL, dout, a, w, N, K, M);
    linear_backward(NULL, dw2, NULL, dout, a, w, N, K, M);
    linear_backward(NULL, NULL, db2, dout, a, w, N, K, M);
    assert_memory_equal(da1, da2, sizeof da1);
    assert_memory_equal(dw1, dw2, sizeof dw1);
    assert_memory_equal(db1, db2, sizeof db1);

    float ma1[N * K] = {0}, mb1[K * M] = {0}, ma2[N * K] = {0}, mb2[K * M] = {0};
    matmul_backward(ma1, mb1, dout, a, b, N, K, M);
    matmul_backward(ma2, NULL, dout, a, b, N, K, M);
    matmul_backward(NULL, mb2, dout, a, b, N, K, M);
    assert_memory_equal(ma1, ma2, sizeof ma1);
    assert_memory_equal(mb1, mb2, sizeof mb1);

    float x[2 * 4], g[4] = {1.5f, 1, 1, 1}, dx1[8] = {0}, dx2[8] = {0};
    float dg[4] = {0}, dbt[4] = {0}, d8[8];
    fill_uniform(&rng, x, 8, -1, 1);
    fill_uniform(&rng, d8, 8, -1, 1);
    layernorm_backward(dx1, dg, dbt, d8, x, g, 2, 4, 1e-5f);
    layernorm_backward(dx2, NULL, NULL, d8, x, g, 2, 4, 1e-5f);
    assert_memory_equal(dx1, dx2, sizeof dx1);
    float dg2[4] = {0}, dbt2[4] = {0};
    layernorm_backward(NULL, dg2, dbt2, d8, x, g, 2, 4, 1e-5f);
    assert_memory_equal(dg, dg2, sizeof dg);
    assert_memory_equal(dbt, dbt2, sizeof dbt);

    float s1[8] = {0}, s2[8] = {0};
    add_backward(s1, NULL, d8, 8);
    add_backward(NULL, s2, d8, 8);
    assert_memory_equal(s1, d8, sizeof s1);
    assert_memory_equal(s2, d8, sizeof s2);
}

/* ------------------------------------------------------ masks and edges */

/* Masked keys and fully masked rows get exactly no gradient, and no NaN,
 * even when the gradient arriving there is huge or infinite. */
static void test_softmax_backward_masked_is_exactly_zero(void **state)
{
    (void)state;
    enum { R = 3, C = 5 };
    const float x[R * C] = {
        0.5f, -INFINITY, 2.0f, -INFINITY, -1.0f,
        -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY,
        3.0f, 1.0f, -INFINITY, -INFINITY, -INFINITY,
    };
    const float dout[R * C] = {
        0.1f, INFINITY, -0.3f, 1e30f, 0.7f,
        1.0f, -2.0f, INFINITY, NAN, 5.0f,
        0.2f, -0.4f, -INFINITY, 1e38f, 9.0f,
    };
    float y[R * C], dx[R * C];
    softmax_forward(y, x, R, C);
    for (int i = 0; i < R * C; i++)
        dx[i] = 0.25f * (float)i;   /* prior contents must survive untouched */
    softmax_backward(dx, dout, y, R, C);
    for (int i = 0; i < R * C; i++) {
        if (x[i] == -INFINITY && dx[i] != 0.25f * (float)i)
            fail_msg("masked [%d][%d]: dx changed to %g", i / C, i % C, (double)dx[i]);
        if (isnan(dx[i]))
            fail_msg("dx [%d][%d] is NaN", i / C, i % C);
    }
    /* The unmasked entries of row 2 do receive a gradient. */
    assert_true(dx[10] != 2.5f && dx[11] != 2.75f);
}

/* Through a whole head: masked positions get exactly 0 in the score
 * gradients; a fully masked query row gets a zero gradient for its query. */
static void test_attention_masked_positions_get_zero_gradient(void **state)
{
    (void)state;
    static const OpSpec spec = {"attention head, causal+pad", OP(attention), 5, 6, 4, 0.0f,
                                2, 1e-5};
    OpCheck c = {0};
    c.spec = &spec;
    Rng rng;
    rng_seed(&rng, 99, 1);
    setup_attention(&c, &rng);
    const int Tq = 5, Tk = 6, dk = 4;
    const size_t n = (size_t)Tq * Tk;
    float z[5 * 4], weights[5 * 6], dz[5 * 4];
    float gq[5 * 4] = {0}, gk[6 * 4] = {0}, gv[6 * 4] = {0};
    float gw[5 * 6] = {0}, gs[5 * 6] = {0}, gr[5 * 6] = {0};
    fill_uniform(&rng, dz, (size_t)Tq * dk, -1, 1);
    attention_head_forward(z, weights, &c);
    attention_head_backward(gq, gk, gv, gw, gs, gr, dz, c.xf[0], c.xf[1], c.xf[2], weights,
                            1.0f / sqrtf((float)dk), Tq, Tk, dk);
    const float *mask = c.xf[3];
    for (size_t i = 0; i < n; i++) {
        /* A row with a single unmasked key gives it weight exactly 1 however
         * its score moves: there the gradient is rightly 0 too. */
        int open = 0;
        for (int j = 0; j < Tk; j++)
            open += mask[(i / Tk) * Tk + j] == 0.0f;
        if (mask[i] == -INFINITY) {
            if (gs[i] != 0.0f || gr[i] != 0.0f)
                fail_msg("masked [%zu][%zu]: grad scores %g, raw %g, want exactly 0", i / Tk,
                         i % Tk, (double)gs[i], (double)gr[i]);
        } else if (open > 1 && gs[i] == 0.0f) {
            fail_msg("unmasked [%zu][%zu] got no gradient", i / Tk, i % Tk);
        }
    }
    /* The last query row is fully masked: its z is 0 whatever q is. */
    for (int p = 0; p < dk; p++)
        assert_true(gq[(Tq - 1) * dk + p] == 0.0f);
    /* The padded key (the last) is never attended to: no gradient to it. */
    for (int p = 0; p < dk; p++)
        assert_true(gk[(Tk - 1) * dk + p] == 0.0f && gv[(Tk - 1) * dk + p] == 0.0f);
    opcheck_free(&c);
}

static void test_relu_and_gelu_known_values(void **state)
{
    (void)state;
    const float x[4] = {0.0f, -0.0f, 1.0f, -1.0f};
    const float ones[4] = {1, 1, 1, 1};
    float dx[4] = {0};
    relu_backward(dx, ones, x, 4);
    /* Slope 0 at the kink itself, as torch.relu's backward. */
    assert_true(dx[0] == 0.0f && dx[1] == 0.0f && dx[2] == 1.0f && dx[3] == 0.0f);

    float dg[4] = {0};
    gelu_backward(dg, ones, x, 4);
    /* GELU'(0) = ½; GELU'(±1) = Φ(±1) ± φ(1): Φ(1) = 0.8413447460685429,
     * φ(1) = 0.24197072451914337. */
    const float want[4] = {0.5f, 0.5f, (float)(0.8413447460685429 + 0.24197072451914337),
                           (float)(0.15865525393145707 - 0.24197072451914337)};
    assert_int_equal(compare_floats("gelu' at 0, -0, 1, -1", dg, want, 4, 1e-7f, 1e-6f), 0);
}

static void test_embedding_backward_scatters_rows(void **state)
{
    (void)state;
    enum { V = 4, D = 4, T = 3 };
    const int ids[T] = {2, 0, 2};
    const float dout[T * D] = {1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400};
    float dtable[V * D] = {0};
    embedding_backward(dtable, dout, ids, T, D);
    /* √4 = 2 exactly: row 2 collects (dout[0] + dout[2])·2, row 0 dout[1]·2,
     * rows 1 and 3 nothing. */
    const float want[V * D] = {20, 40, 60, 80, 0, 0, 0, 0, 202, 404, 606, 808, 0, 0, 0, 0};
    assert_memory_equal(dtable, want, sizeof want);
}

/* ---------------------------------------------------------- cross-entropy */

static void test_cross_entropy_known_values(void **state)
{
    (void)state;
    /* Uniform logits: p = 1/V for every class, so the loss is log V for any
     * target and any smoothing. */
    const float zeros[2 * 5] = {0};
    const int targets[2] = {3, 4};
    float loss, probs[2 * 5];
    for (int s = 0; s <= 1; s++) {
        assert_int_equal(cross_entropy_forward(&loss, probs, zeros, targets, 2, 5, s ? 0.2f : 0.0f,
                                               0), 2);
        assert_float_equal(loss, log(5.0), 1e-6);
        for (int i = 0; i < 10; i++)
            assert_float_equal(probs[i], 0.2f, 1e-7);
    }

    /* logits (1, 2, 3), target 2, ε = 0.1 — by hand:
     *   lse = 3 + log(1 + e⁻¹ + e⁻²) = 3.40760596444438
     *   loss = 0.9·(lse − 3) + 0.1·(lse − 2) = 0.50760596444438
     * (F.cross_entropy(..., label_smoothing=0.1) gives the same.) */
    const float x[3] = {1, 2, 3};
    const int t2[1] = {2};
    assert_int_equal(cross_entropy_forward(&loss, NULL, x, t2, 1, 3, 0.1f, 0), 1);
    assert_float_equal(loss, 0.50760596444438, 1e-6);
    assert_int_equal(cross_entropy_forward(&loss, NULL, x, t2, 1, 3, 0.0f, 0), 1);
    assert_float_equal(loss, 0.40760596444438, 1e-6);

    /* Gradient p − q: p = (0.09003057, 0.24472847, 0.66524096),
     * q = (0.1/3, 0.1/3, 0.9 + 0.1/3). */
    float d[3] = {0};
    cross_entropy_backward(d, x, t2, 1, 3, 0.1f, 0, 1.0f);
    const float want[3] = {0.09003057317038046f - 0.1f / 3, 0.24472847105479767f - 0.1f / 3,
                           0.6652409557748219f - 0.9f - 0.1f / 3};
    assert_int_equal(compare_floats("cross-entropy gradient", d, want, 3, 1e-7f, 1e-6f), 0);

    /* Huge logits stay finite (log-sum-exp with the max subtracted):
     * lse = 1e4 + log(1 + e⁻¹⁰) ≈ 10000.0000454, mean(x) = 3330, so
     * loss = 0.9·(lse − 9990) + 0.1·(lse − 3330) ≈ 676.0000454. */
    const float big[3] = {1e4f, -1e4f, 9990.0f};
    assert_int_equal(cross_entropy_forward(&loss, probs, big, t2, 1, 3, 0.1f, 0), 1);
    assert_true(isfinite(loss));
    assert_float_equal(loss, 676.0000454, 1e-3);
}

static void test_cross_entropy_ignores_pad(void **state)
{
    (void)state;
    enum { R = 4, V = 6 };
    Rng rng;
    rng_seed(&rng, 3, 3);
    float logits[R * V], padded[2 * R * V];
    fill_uniform(&rng, logits, R * V, -3, 3);
    const int targets[R] = {5, 2, 1, 4};
    /* The same rows interleaved with <PAD> rows of wild logits: same loss,
     * same gradient on the real rows, none on the padding. */
    int tpad[2 * R];
    for (int r = 0; r < R; r++) {
        memcpy(padded + (size_t)(2 * r) * V, logits + (size_t)r * V, V * sizeof(float));
        fill_uniform(&rng, padded + (size_t)(2 * r + 1) * V, V, -50, 50);
        tpad[2 * r] = targets[r];
        tpad[2 * r + 1] = 0;
    }
    for (int s = 0; s <= 1; s++) {
        float eps = s ? 0.1f : 0.0f, l1, l2;
        assert_int_equal(cross_entropy_forward(&l1, NULL, logits, targets, R, V, eps, 0), R);
        assert_int_equal(cross_entropy_forward(&l2, NULL, padded, tpad, 2 * R, V, eps, 0), R);
        assert_true(l1 == l2);
        float d1[R * V] = {0}, d2[2 * R * V] = {0};
        cross_entropy_backward(d1, logits, targets, R, V, eps, 0, 1.0f);
        cross_entropy_backward(d2, padded, tpad, 2 * R, V, eps, 0, 1.0f);
        for (int r = 0; r < R; r++) {
            assert_memory_equal(d2 + (size_t)(2 * r) * V, d1 + (size_t)r * V, V * sizeof(float));
            for (int c = 0; c < V; c++)
                assert_true(d2[(size_t)(2 * r + 1) * V + c] == 0.0f);
        }
    }

    /* Nothing to count: loss 0 and no gradient, never NaN. */
    const int all_pad[R] = {0, 0, 0, 0};
    float loss = -1, d[R * V] = {0};
    assert_int_equal(cross_entropy_forward(&loss, NULL, logits, all_pad, R, V, 0.1f, 0), 0);
    assert_true(loss == 0.0f);
    cross_entropy_backward(d, logits, all_pad, R, V, 0.1f, 0, 1.0f);
    for (int i = 0; i < R * V; i++)
        assert_true(d[i] == 0.0f);

    /* A target outside the vocabulary is refused. */
    const int bad[R] = {1, 6, 2, 3};
    assert_int_equal(cross_entropy_forward(&loss, NULL, logits, bad, R, V, 0.0f, 0), -1);
    assert_true(isnan(loss));
    const int negative[R] = {1, -2, 2, 3};
    assert_int_equal(cross_entropy_forward(&loss, NULL, logits, negative, R, V, 0.0f, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradients_match_finite_differences),
        cmocka_unit_test(test_checker_catches_perturbed_gradients),
        cmocka_unit_test(test_backward_accumulates),
        cmocka_unit_test(test_products_fast_path_matches_reference),
        cmocka_unit_test(test_null_gradients_are_skipped),
        cmocka_unit_test(test_softmax_backward_masked_is_exactly_zero),
        cmocka_unit_test(test_attention_masked_positions_get_zero_gradient),
        cmocka_unit_test(test_relu_and_gelu_known_values),
        cmocka_unit_test(test_embedding_backward_scatters_rows),
        cmocka_unit_test(test_cross_entropy_known_values),
        cmocka_unit_test(test_cross_entropy_ignores_pad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_view_palette.c — how values look: the sequential scale runs from
 * lightest (0) to darkest (1), the diverging scale is white at 0 with blue
 * below and red above, −∞ has its own colour and glyph, the monochrome
 * ramps keep order and sign, cell numbers keep one width, and pooling and
 * the attention statistics say what they should; the statistics of a
 * record are the plain loop's, however they are computed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "view/numfmt.h"
#include "view/palette.h"
#include "view/stats.h"

static void test_sequential_light_to_dark(void **state)
{
    (void)state;
    Scale s = palette_scale_for(RECORD_KIND_WEIGHTS, 0.2f, 0.7f);  /* weights: always 0…1 */
    assert_int_equal(s.kind, SCALE_SEQUENTIAL);
    assert_true(s.lo == 0.0f && s.hi == 1.0f);
    assert_int_equal(palette_level(&s, 0.0f), 0);
    assert_int_equal(palette_level(&s, 1.0f), PALETTE_SEQ_LEVELS - 1);
    assert_int_equal(palette_level(&s, 1.5f), PALETTE_SEQ_LEVELS - 1);  /* clamped */
    assert_int_equal(palette_level(&s, -0.5f), 0);
    int lightest = palette_color(&s, palette_level(&s, 0.0f));
    int darkest = palette_color(&s, palette_level(&s, 1.0f));
    assert_int_equal(lightest, 231);  /* white */
    /* every step of the ramp is darker than the one before */
    double prev = 2.0;
    for (int l = 0; l < PALETTE_SEQ_LEVELS; l++) {
        double lum = palette_luminance(palette_color(&s, l));
        if (!(lum < prev))
            fail_msg("level %d (colour %d) is not darker than level %d", l, palette_color(&s, l), l - 1);
        prev = lum;
    }
    assert_true(palette_luminance(darkest) < 0.05);
    /* monotone in the value */
    int last = 0;
    for (float v = 0; v <= 1.0f; v += 0.01f) {
        int l = palette_level(&s, v);
        assert_true(l >= last);
        last = l;
    }
}

static void test_diverging_centred_on_zero(void **state)
{
    (void)state;
    Scale s = palette_scale_for(RECORD_KIND_ACTIVATION, -3.0f, 1.5f);
    assert_int_equal(s.kind, SCALE_DIVERGING);
    assert_true(s.lo == -3.0f && s.hi == 3.0f);  /* symmetric */
    int c = PALETTE_DIV_LEVELS / 2;
    assert_int_equal(palette_level(&s, 0.0f), c);
    assert_int_equal(palette_color(&s, c), 231);
    assert_int_equal(palette_level(&s, -3.0f), 0);
    assert_int_equal(palette_level(&s, 3.0f), PALETTE_DIV_LEVELS - 1);
    for (int l = 0; l < c; l++) {
        int rgb[3], rgb2[3];
        palette_rgb(palette_color(&s, l), rgb);                          /* negative: blue */
        palette_rgb(palette_color(&s, PALETTE_DIV_LEVELS - 1 - l), rgb2); /* positive: red */
        assert_true(rgb[2] > rgb[0]);
        assert_true(rgb2[0] > rgb2[2]);
        /* darker further from 0, on both sides */
        assert_true(palette_luminance(palette_color(&s, l)) < palette_luminance(palette_color(&s, l + 1)));
        assert_true(palette_luminance(palette_color(&s, PALETTE_DIV_LEVELS - 1 - l)) <
                    palette_luminance(palette_color(&s, PALETTE_DIV_LEVELS - 2 - l)));
    }
    /* non-negative records are sequential from 0 */
    Scale pos = palette_scale_for(RECORD_KIND_ACTIVATION, 0.5f, 4.0f);
    assert_int_equal(pos.kind, SCALE_SEQUENTIAL);
    assert_true(pos.lo == 0.0f && pos.hi == 4.0f);
}

static void test_masked_has_its_own_colour(void **state)
{
    (void)state;
    Scale seq = palette_scale_for(RECORD_KIND_WEIGHTS, 0, 1), div = palette_scale_diverging(2);
    const Scale *scales[] = {&seq, &div};
    for (int k = 0; k < 2; k++) {
        const Scale *s = scales[k];
        assert_int_equal(palette_level(s, -INFINITY), PALETTE_MASKED);
        assert_int_equal(palette_color(s, PALETTE_MASKED), PALETTE_MASK_COLOR);
        assert_int_equal(palette_level(s, INFINITY), PALETTE_POS_INF);
        assert_int_equal(palette_level(s, NAN), PALETTE_NAN);
        for (int l = 0; l < palette_levels(s); l++) {
            assert_int_not_equal(palette_color(s, l), PALETTE_MASK_COLOR);
            assert_int_not_equal(palette_color(s, l), PALETTE_CURSOR_COLOR);
        }
        /* and its own glyph in monochrome, in both character sets */
        for (int u = 0; u < 2; u++)
            for (int l = 0; l < palette_levels(s); l++)
                assert_string_not_equal(palette_glyph(s, l, u), palette_glyph(s, PALETTE_MASKED, u));
    }
    /* the mask record itself: 0 is lightest, −∞ the mask colour */
    Scale m = palette_scale_for(RECORD_KIND_MASK, -INFINITY, 0);
    assert_int_equal(palette_color(&m, palette_level(&m, 0.0f)), 231);
}

static void test_monochrome_ramps(void **state)
{
    (void)state;
    Scale seq = palette_scale_for(RECORD_KIND_WEIGHTS, 0, 1), div = palette_scale_diverging(1);
    for (int u = 0; u < 2; u++) {
        assert_string_not_equal(palette_glyph(&seq, 0, u), palette_glyph(&seq, PALETTE_SEQ_LEVELS - 1, u));
        /* the sign survives without colour */
        assert_string_not_equal(palette_glyph(&div, 0, u), palette_glyph(&div, PALETTE_DIV_LEVELS - 1, u));
        assert_string_not_equal(palette_glyph(&div, 1, u), palette_glyph(&div, PALETTE_DIV_LEVELS - 2, u));
    }
    for (int l = 0; l < PALETTE_SEQ_LEVELS; l++) {
        const char *g = palette_glyph(&seq, l, false);
        assert_int_equal(strlen(g), 1);
        assert_true((unsigned char)g[0] < 0x80);
    }
}

static void test_numbers_keep_one_width(void **state)
{
    (void)state;
    const float weights[] = {0.0f, 0.3333f, 1.0f, -INFINITY};
    ValueStats st;
    stats_of(weights, 4, &st);
    NumberFormat f = numfmt_for(&st, false);
    char buf[32];
    for (int i = 0; i < 4; i++) {
        numfmt_cell(buf, sizeof buf, weights[i], &f);
        assert_true((int)strlen(buf) <= f.width);
    }
    numfmt_cell(buf, sizeof buf, 0.3333f, &f);
    assert_string_equal(buf, "0.33");
    numfmt_cell(buf, sizeof buf, -INFINITY, &f);
    assert_string_equal(buf, "-inf");
    numfmt_cell(buf, sizeof buf, -0.001f, &f);
    assert_string_equal(buf, "0.00");  /* no sign that is not there */

    const float logits[] = {-12.5f, 3.25f, 40.0f};
    stats_of(logits, 3, &st);
    f = numfmt_for(&st, false);
    for (int i = 0; i < 3; i++) {
        numfmt_cell(buf, sizeof buf, logits[i], &f);
        assert_true((int)strlen(buf) <= f.width);
    }
    const float ids[] = {4, 5, 123};
    stats_of(ids, 3, &st);
    f = numfmt_for(&st, true);
    numfmt_cell(buf, sizeof buf, 123, &f);
    assert_string_equal(buf, "123");
}

static void test_pooling_and_attention_stats(void **state)
{
    (void)state;
    const float m[2 * 4] = {1, 2, -INFINITY, -INFINITY, 3, 4, -INFINITY, 8};
    assert_float_equal(stats_pool(m, 2, 4, 0, 2, 0, 2), 2.5f, 1e-6);
    float masked = stats_pool(m, 2, 4, 0, 1, 2, 4);
    assert_true(isinf(masked) && masked < 0);                            /* all −∞: −∞ */
    assert_float_equal(stats_pool(m, 2, 4, 0, 2, 2, 4), 8.0f, 1e-6);     /* the finite ones */
    assert_float_equal(stats_pool(m, 2, 4, 1, 9, 3, 9), 8.0f, 1e-6);     /* clipped */

    ValueStats st;
    stats_of(m, 8, &st);
    assert_int_equal(st.n_neg_inf, 3);
    assert_float_equal(st.min, 1, 0);
    assert_float_equal(st.max, 8, 0);
    assert_float_equal(st.mean, 18.0 / 5.0, 1e-9);

    const float uniform[2 * 4] = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
    assert_float_equal(stats_row_sum(uniform, 4), 1.0, 1e-6);
    const float onehot[3 * 3] = {1, 0, 0, 0, 1, 0, 0, 0, 1};

    /* only probability rows count as distributions (entropy is shown for them) */
    assert_true(stats_rows_are_distributions(uniform, 2, 4, 1e-6));
    assert_true(stats_rows_are_distributions(onehot, 3, 3, 0));
    const float scores[2 * 2] = {0.5f, -0.5f, 1.5f, -0.5f};  /* rows sum to 1, values leave [0, 1] */
    assert_false(stats_rows_are_distributions(scores, 2, 2, 1e-6));
    const float half[2 * 2] = {0.5f, 0.25f, 0.5f, 0.5f};     /* row 0 sums to 0.75 */
    assert_false(stats_rows_are_distributions(half, 2, 2, 1e-3));
    const float masked_row[2] = {-INFINITY, 1.0f};             /* a masked score, not a weight */
    assert_false(stats_rows_are_distributions(masked_row, 1, 2, 1e-6));
    const float nan_row[2] = {NAN, 1.0f};
    assert_false(stats_rows_are_distributions(nan_row, 1, 2, 1e-6));
    assert_false(stats_rows_are_distributions(uniform, 0, 4, 1e-6));
}

/* stats_of as the plain loop it replaced: value by value, in order. */
static void plain_stats(const float *x, size_t n, ValueStats *out)
{
    ValueStats s = {INFINITY, -INFINITY, 0.0, 0, 0, 0, 0};
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (isnan(v)) {
            s.n_nan++;
        } else if (isinf(v)) {
            if (v < 0)
                s.n_neg_inf++;
            else
                s.n_pos_inf++;
        } else {
            s.n_finite++;
            sum += v;
            s.min = v < s.min ? v : s.min;
            s.max = v > s.max ? v : s.max;
        }
    }
    s.mean = s.n_finite ? sum / (double)s.n_finite : 0.0;
    *out = s;
}

/* The mean as stats_of sums it from 64 values on, bit for bit: eight
 * partial sums in double, value i of each 8 in partial sum i (a value that
 * is not finite adds +0), in blocks of 4096 whose last few values (past
 * the last whole 8) are summed apart into partial sum 0 (partial sum 1
 * gets a +0 beside it), then ((0 + 2) + (4 + 6)) + ((1 + 3) + (5 + 7)).
 * Whatever instructions compute it, these are its additions. */
static double lane_sum(const float *x, size_t n)
{
    double lane[8] = {0};
    for (size_t start = 0; start < n; start += 4096) {
        const size_t end = n - start < 4096 ? n : start + 4096;
        size_t i = start;
        for (; i + 8 <= end; i += 8)
            for (int j = 0; j < 8; j++)
                lane[j] += isfinite(x[i + j]) ? (double)x[i + j] : 0.0;
        double tail = 0.0;
        for (; i < end; i++)
            if (isfinite(x[i]))
                tail += x[i];
        lane[0] += tail;
        lane[1] += 0.0;
    }
    return ((lane[0] + lane[2]) + (lane[4] + lane[6])) + ((lane[1] + lane[3]) + (lane[5] + lane[7]));
}

/* The record-wide statistics (a fetch's colour scale, number format and
 * info line) are the plain loop's on every length and mix of values:
 * lengths around its lanes and blocks, NaN and infinities in any lane
 * (a masked score), zeros of both signs (the first one is kept). */
static void test_value_stats_are_the_plain_loops(void **state)
{
    (void)state;
    enum { MAX = 3 * 4096 + 21 };
    static float x[MAX];
    const size_t lengths[] = {0, 1, 7, 63, 64, 65, 71, 4095, 4096, 4097, 4103, MAX};
    const float special[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f};
    uint32_t seed = 12345;
    for (int mix = 0; mix < 8; mix++)
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
            size_t n = lengths[l];
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1664525u + 1013904223u;
                float v = (float)(seed >> 8) / 16777216.0f;  /* [0, 1) */
                if (mix & 1)
                    v = v * 200.0f - 100.0f;
                if ((mix & 2) && seed % 7 == 0)
                    v = special[(seed >> 4) % 3];  /* NaN, +inf, -inf */
                if ((mix & 4) && seed % 5 == 0)
                    v = special[3 + (seed >> 4) % 2];  /* +0, -0 */
                x[i] = v;
            }
            if (mix == 6 && n > 2) {  /* all ≥ 0, first zero a -0 late in a lane */
                x[n - 1] = 0.0f;
                x[n - 2] = -0.0f;
            }
            ValueStats got, want;
            stats_of(x, n, &got);
            plain_stats(x, n, &want);
            assert_int_equal(got.n_finite, want.n_finite);
            assert_int_equal(got.n_nan, want.n_nan);
            assert_int_equal(got.n_neg_inf, want.n_neg_inf);
            assert_int_equal(got.n_pos_inf, want.n_pos_inf);
            assert_memory_equal(&got.min, &want.min, sizeof got.min);  /* the sign of a zero too */
            assert_memory_equal(&got.max, &want.max, sizeof got.max);
            assert_true(fabs(got.mean - want.mean) <= 1e-12 * fmax(1.0, fabs(want.mean)));
            if (n >= 64 && want.n_finite) {  /* the mean the viewer showed before: the same bits */
                double mean = lane_sum(x, n) / (double)want.n_finite;
                assert_memory_equal(&got.mean, &mean, sizeof mean);
            }
        }
    /* Values from 2^-40 to 2^40 and both signs, whose double sums round: the
     * mean's bits then depend on the order of the additions, which must be
     * lane_sum's. A -0 alone in a block's lanes too: -0 + +0 is +0. */
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
        size_t n = lengths[l];
        if (n < 64)
            continue;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            float v = ((float)(seed >> 8) / 16777216.0f) * ldexpf(1.0f, (int)(seed % 81) - 40);
            x[i] = seed & 0x10 ? -v : v;
            if (seed % 97 == 0)
                x[i] = seed & 0x20 ? NAN : -0.0f;
        }
        ValueStats got;
        stats_of(x, n, &got);
        double mean = lane_sum(x, n) / (double)got.n_finite;
        assert_memory_equal(&got.mean, &mean, sizeof mean);
    }
    for (size_t i = 0; i < 100; i++)
        x[i] = -0.0f;
    ValueStats zeros;
    stats_of(x, 100, &zeros);
    assert_true(zeros.mean == 0.0 && !signbit(zeros.mean));
    /* a causal mask's pattern: a -inf four values after every finite one */
    for (size_t i = 0; i < 128; i++)
        x[i] = i % 8 >= 4 ? -INFINITY : 1.0f + (float)i;
    ValueStats got, want;
    stats_of(x, 128, &got);
    plain_stats(x, 128, &want);
    assert_true(got.min == 1.0f && got.max == want.max && got.n_neg_inf == 64);
    /* all zeros but one -0 at the end: min and max are the first zero */
    for (size_t i = 0; i < 100; i++)
        x[i] = i == 99 ? -0.0f : 0.0f;
    stats_of(x, 100, &got);
    assert_false(signbit(got.min) || signbit(got.max));
    x[0] = -0.0f;
    stats_of(x, 100, &got);
    assert_true(signbit(got.min) && signbit(got.max));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_light_to_dark),
        cmocka_unit_test(test_diverging_centred_on_zero),
        cmocka_unit_test(test_masked_has_its_own_colour),
        cmocka_unit_test(test_monochrome_ramps),
        cmocka_unit_test(test_numbers_keep_one_width),
        cmocka_unit_test(test_pooling_and_attention_stats),
        cmocka_unit_test(test_value_stats_are_the_plain_loops),
    };
    return cmocka_run_group_tests_name("view palette", tests, NULL, NULL);
}

/* test_switches.c — the switches a lesson flips (lesson/switches.h) do
 * exactly what they say on the real forward pass, and nothing else:
 * scale = off leaves the scores equal to the raw products, a temperature T
 * divides them by T, an ablated head's z is 0 while every other head and
 * every earlier block is unchanged. Their settings parse, are refused
 * when wrong, and reach the trace's configuration only when not at their
 * default; the table of switches names a viewer key for each that the
 * viewer's key table binds to a re-run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/tiny_model.h"
#include "lesson/switches.h"
#include "model/config.h"
#include "view/keys.h"

/* Values of one slot, by name, in a run. */
static size_t slot_numel(const TinyRun *r, const char *name)
{
    int i = activations_find(&r->a, name);
    assert_true(i >= 0);
    return r->a.slots[i].numel;
}

static void base(TinyRun *r)
{
    memset(r, 0, sizeof *r);
    tiny_config(&r->cfg, 16, 4, 24);
    tiny_add_src(&r->cfg, "猫 追 老鼠 我");
    tiny_add_tgt(&r->cfg, "<START> cat chases");
}

static void set(TinyRun *r, const char *key, const char *value)
{
    Error err;
    if (config_set(&r->cfg, key, value, NULL, &err) != TF_OK)
        fail_msg("%s = %s: %s", key, value, err.msg);
}

/* Bitwise equality of two slots of two runs (or of one run). */
static void same(const TinyRun *a, const char *na, const TinyRun *b, const char *nb)
{
    const size_t n = slot_numel(a, na);
    assert_int_equal(n, slot_numel(b, nb));
    if (memcmp(tiny_slot(a, na), tiny_slot(b, nb), n * sizeof(float)) != 0)
        fail_msg("%s and %s differ", na, nb);
}

static void test_scale_off_scores_are_raw(void **state)
{
    (void)state;
    TinyRun on, off;
    base(&on);
    base(&off);
    set(&off, "scale", "off");
    tiny_run_forward(&on, "scale on");
    tiny_run_forward(&off, "scale off");
    const char *blocks[] = {"enc.0.attn", "enc.1.attn", "dec.0.self_attn", "dec.1.cross_attn"};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        char raw[64], scores[64];
        snprintf(raw, sizeof raw, "%s.raw", blocks[i]);
        snprintf(scores, sizeof scores, "%s.scores", blocks[i]);
        same(&off, raw, &off, scores);  /* scores = raw, exactly */
    }
    /* With the scaling, the first block's scores are raw / sqrt(d_k). */
    const size_t n = slot_numel(&on, "enc.0.attn.raw");
    const float *raw = tiny_slot(&on, "enc.0.attn.raw"), *sc = tiny_slot(&on, "enc.0.attn.scores");
    for (size_t j = 0; j < n; j++)
        assert_float_equal(sc[j], raw[j] / 2.0f, 1e-6f);  /* d_k = 16 / 4 = 4 */
    same(&on, "enc.0.attn.raw", &off, "enc.0.attn.raw");  /* the block's input is the same */
    tiny_run_free(&on);
    tiny_run_free(&off);
}

static void test_temperature_divides_the_scores(void **state)
{
    (void)state;
    const char *temps[] = {"2", "0.25", "7.5"};
    TinyRun one;
    base(&one);
    tiny_run_forward(&one, "T = 1");
    for (size_t k = 0; k < sizeof temps / sizeof *temps; k++) {
        TinyRun t;
        base(&t);
        set(&t, "attn_temperature", temps[k]);
        tiny_run_forward(&t, temps[k]);
        const double T = atof(temps[k]);
        same(&one, "enc.0.attn.raw", &t, "enc.0.attn.raw");
        const size_t n = slot_numel(&t, "enc.0.attn.scores");
        const float *s1 = tiny_slot(&one, "enc.0.attn.scores"), *st = tiny_slot(&t, "enc.0.attn.scores");
        for (size_t j = 0; j < n; j++)
            if (fabs(st[j] - s1[j] / T) > 1e-6 * (1 + fabs(s1[j] / T)))
                fail_msg("T = %s: scores[%zu] = %g, want %g", temps[k], j, (double)st[j], s1[j] / T);
        /* T > 1 flattens: the largest weight of the first row shrinks. */
        const float *w1 = tiny_slot(&one, "enc.0.attn.weights"), *wt = tiny_slot(&t, "enc.0.attn.weights");
        const int keys = t.b.Ts;
        float m1 = 0, mt = 0;
        for (int j = 0; j < keys; j++) {
            m1 = w1[j] > m1 ? w1[j] : m1;
            mt = wt[j] > mt ? wt[j] : mt;
        }
        if (T > 1)
            assert_true(mt < m1);
        else
            assert_true(mt > m1);
        tiny_run_free(&t);
    }
    tiny_run_free(&one);
}

static void test_ablated_head_is_silent(void **state)
{
    (void)state;
    TinyRun full, abl;
    base(&full);
    base(&abl);
    set(&abl, "ablate_head", "enc.1.2,dec.0.cross.1");
    tiny_run_forward(&full, "no ablation");
    tiny_run_forward(&abl, "ablated");
    const int dk = 4;
    /* enc.1.attn: head 2's z is 0; the other heads', and everything the
     * head's own weights come from, are unchanged. */
    same(&full, "enc.0.attn.z", &abl, "enc.0.attn.z");
    same(&full, "enc.1.attn.weights", &abl, "enc.1.attn.weights");
    const int T = abl.b.Ts;
    const float *zf = tiny_slot(&full, "enc.1.attn.z"), *za = tiny_slot(&abl, "enc.1.attn.z");
    for (int hh = 0; hh < 4; hh++)
        for (int j = 0; j < T * dk; j++) {
            const size_t at = (size_t)hh * T * dk + j;
            if (hh == 2)
                assert_true(za[at] == 0.0f);
            else
                assert_true(za[at] == zf[at]);
        }
    /* The concat carries the zeros, and the block's output changes. */
    const float *cc = tiny_slot(&abl, "enc.1.attn.concat");
    for (int t = 0; t < T; t++)
        for (int j = 0; j < dk; j++)
            assert_true(cc[t * 16 + 2 * dk + j] == 0.0f);
    const float *of = tiny_slot(&full, "enc.1.attn.out"), *oa = tiny_slot(&abl, "enc.1.attn.out");
    assert_true(memcmp(of, oa, (size_t)T * 16 * sizeof(float)) != 0);
    /* dec.0.cross_attn head 1 is zero too (the decoder's input differs
     * from the full run by then: only the zeros are checked). */
    const int Tt = abl.b.Tt;
    const float *zc = tiny_slot(&abl, "dec.0.cross_attn.z");
    for (int j = 0; j < Tt * dk; j++)
        assert_true(zc[(size_t)1 * Tt * dk + j] == 0.0f);
    tiny_run_free(&full);
    tiny_run_free(&abl);
}

/* Refused values: each an error naming the key. */
static void test_bad_values_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value, *says;
    } bad[] = {
        {"scale", "maybe", "is not on or off"},
        {"attn_temperature", "0", "finite and > 0"},
        {"attn_temperature", "-1", "finite and > 0"},
        {"attn_temperature", "inf", "finite and > 0"},
        {"attn_temperature", "nan", "finite and > 0"},
        {"attn_temperature", "1e-60", "finite and > 0"},  /* 0 as a float32 */
        {"attn_temperature", "1e60", "finite and > 0"},   /* inf as a float32 */
        {"attn_temperature", "two", "is not a number"},
        {"ablate_head", "enc.0", "is not a list of heads"},
        {"ablate_head", "enc.0.1,", "is not a list of heads"},
        {"ablate_head", "dec.0.cros.1", "is not a list of heads"},
        {"ablate_head", "enc.-1.0", "is not a list of heads"},
        {"ablate_head", "layer.0.0", "is not a list of heads"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Config c;
        config_defaults(&c);
        Error err;
        error_clear(&err);
        assert_int_equal(config_set(&c, bad[i].key, bad[i].value, NULL, &err), TF_ERR_INPUT);
        if (!strstr(err.msg, bad[i].says) || !strstr(err.msg, bad[i].key))
            fail_msg("%s = %s: '%s' does not say '%s'", bad[i].key, bad[i].value, err.msg, bad[i].says);
    }
    /* Heads the model lacks: refused by validation, naming the head. */
    static const struct {
        const char *arch, *spec, *says;
    } missing[] = {
        {"encoder-decoder", "enc.2.0", "enc.2.0: the encoder has no such layer"},
        {"encoder-decoder", "enc.0.4", "enc.0.4: there is no such head"},
        {"encoder-decoder", "dec.0.self.1,dec.5.cross.0", "dec.5.cross.0: the decoder has no such layer"},
        {"encoder-decoder", "dec.0.1", "dec.0.1: say dec.L.self.H or dec.L.cross.H"},
        {"decoder-only", "enc.0.0", "enc.0.0: a decoder-only model has no encoder"},
        {"decoder-only", "dec.0.cross.0", "dec.0.cross.0: a decoder-only model has no cross-attention"},
    };
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        Config c;
        config_defaults(&c);
        Error err;
        error_clear(&err);
        assert_int_equal(config_set(&c, "arch", missing[i].arch, NULL, &err), TF_OK);
        assert_int_equal(config_set(&c, "ablate_head", missing[i].spec, NULL, &err), TF_OK);
        assert_int_equal(config_validate(&c, &err), TF_ERR_INPUT);
        if (!strstr(err.msg, missing[i].says))
            fail_msg("%s: '%s' does not say '%s'", missing[i].spec, err.msg, missing[i].says);
    }
    /* What a decoder-only model may say, and none. */
    Config c;
    config_defaults(&c);
    Error err;
    assert_int_equal(config_set(&c, "arch", "decoder-only", NULL, &err), TF_OK);
    assert_int_equal(config_set(&c, "ablate_head", "dec.0.1,dec.1.self.3", NULL, &err), TF_OK);
    assert_int_equal(config_validate(&c, &err), TF_OK);
    assert_true(config_head_ablated(&c, ABLATE_DEC_SELF, 0, 1));
    assert_true(config_head_ablated(&c, ABLATE_DEC_SELF, 1, 3));
    assert_false(config_head_ablated(&c, ABLATE_DEC_SELF, 0, 3));
    assert_int_equal(config_set(&c, "ablate_head", "none", NULL, &err), TF_OK);
    assert_int_equal(c.n_ablated, 0);
}

/* At the defaults the configuration text has no line for any switch (a
 * trace made before they existed is made again byte for byte); set, each
 * is written and read back. */
static void test_written_only_when_flipped(void **state)
{
    (void)state;
    Config c;
    config_defaults(&c);
    char text[8192];
    config_to_ini(&c, text, sizeof text);
    assert_null(strstr(text, "scale"));
    assert_null(strstr(text, "attn_temperature"));
    assert_null(strstr(text, "ablate_head"));
    Error err;
    assert_int_equal(config_set(&c, "scale", "off", NULL, &err), TF_OK);
    assert_int_equal(config_set(&c, "attn_temperature", "0.3", NULL, &err), TF_OK);
    assert_int_equal(config_set(&c, "ablate_head", "enc.1.0,dec.0.cross.3", NULL, &err), TF_OK);
    config_to_ini(&c, text, sizeof text);
    assert_non_null(strstr(text, "scale = off\n"));
    assert_non_null(strstr(text, "attn_temperature = 0.3\n"));
    assert_non_null(strstr(text, "ablate_head = enc.1.0,dec.0.cross.3\n"));
    Config back;
    config_defaults(&back);
    assert_int_equal(config_load_ini_text(&back, text, "text", &err), TF_OK);
    assert_false(back.scale);
    assert_true(back.attn_temperature == c.attn_temperature);
    assert_int_equal(back.n_ablated, 2);
    assert_true(config_head_ablated(&back, ABLATE_DEC_CROSS, 0, 3));
    assert_true(config_score_scale(&back) == 1.0f / 0.3f);
}

/* Every switch of the table: found by name, set by its broken value (or
 * on/off), and its viewer key bound in the lesson's section of the key
 * table to an action whose help says it re-runs. */
static void test_switch_table(void **state)
{
    (void)state;
    int nsec;
    const KeySection *sec = keys_sections(&nsec);
    const KeySection *lesson = NULL;
    for (int i = 0; i < nsec; i++)
        if (strncmp(sec[i].title, "Lesson", 6) == 0)
            lesson = &sec[i];
    assert_non_null(lesson);
    for (int sw = 0; sw < SWITCH_COUNT; sw++) {
        const SwitchInfo *s = &lesson_switches[sw];
        assert_int_equal(lesson_switch_find(s->name), sw);
        LessonOverrides o;
        lesson_overrides_init(&o);
        assert_true(lesson_switch_is_default(&o, sw));
        Error err;
        assert_int_equal(lesson_switch_set(&o, sw, s->broken, &err), TF_OK);
        assert_false(lesson_switch_is_default(&o, sw));
        bool bound = false;
        for (int k = 0; k < lesson->n; k++)
            if (lesson->keys[k].keys[0] == s->key && strncmp(lesson->keys[k].help, "re-run", 6) == 0)
                bound = true;
        if (!bound)
            fail_msg("switch %s: its key %c re-runs nothing in the viewer", s->name, s->key);
        for (int other = 0; other < sw; other++)
            assert_true(lesson_switches[other].key != s->key);
    }
    LessonOverrides o;
    lesson_overrides_init(&o);
    Error err;
    assert_int_equal(lesson_switch_set(&o, SWITCH_SCALE, "maybe", &err), TF_ERR_INPUT);
    assert_string_equal(err.msg, "--scale 'maybe': on or off");
    assert_int_equal(lesson_switch_find("no-such-switch"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_off_scores_are_raw),   cmocka_unit_test(test_temperature_divides_the_scores),
        cmocka_unit_test(test_ablated_head_is_silent),     cmocka_unit_test(test_bad_values_are_refused),
        cmocka_unit_test(test_written_only_when_flipped),  cmocka_unit_test(test_switch_table),
    };
    return cmocka_run_group_tests_name("switches", tests, NULL, NULL);
}

/* test_layer_steps.c — every registered slot is written by the pass that
 * registered it.
 *
 * The slots a trace lists come from the tables of steps (model/
 * layer_steps.h) and MODEL_SLOTS; the values come from the forward pass.
 * Each case fills every slot with NaN, runs the pass and fails if any
 * value of any slot is still NaN, naming the slot: a step registered but
 * not computed (or computed into the wrong place) cannot hide. Each
 * attention record's q/kv provenance must name an earlier record. Cases: both
 * architectures and both norm placements with every kind of positions,
 * residual = off, final_norm = no, padding in a batch of two, and
 * generation with and without the KV cache, greedy and sampled. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../support/tiny_model.h"
#include "model/forward.h"
#include "model/generator.h"
#include "model/layer_steps.h"

static void fill_nan(Activations *a)
{
    for (size_t i = 0; i < a->arena_numel; i++)
        a->arena[i] = NAN;
}

/* Fail, naming the first slot that holds a NaN, and how many of its values
 * do. Read where the slot's record reads: a generation step's cross-attention
 * K and V point at the KV cache, not into the arena. */
static void check_written(const Activations *a, const char *what)
{
    for (int i = 0; i < a->n_slots; i++) {
        const Slot *s = &a->slots[i];
        const float *data = *s->field;
        size_t unwritten = 0;
        for (size_t k = 0; k < s->numel; k++)
            unwritten += isnan(data[k]) != 0;
        if (unwritten)
            fail_msg("%s: %s: %zu of %zu values never written", what, s->name, unwritten, s->numel);
        /* provenance names a record computed before this one */
        const int src[2] = {s->q_source, s->kv_source};
        for (int k = 0; k < 2; k++)
            if (src[k] >= i || src[k] < SOURCE_ENC_MEMORY)
                fail_msg("%s: %s: %s source %d is not an earlier record", what, s->name, k ? "kv" : "q", src[k]);
    }
}

typedef struct {
    const char *name;
    Architecture arch;
    NormPlacement norm;
    PositionKind positions;
    bool residual, final_norm;
} Case;

static const Case cases[] = {
    {"enc-dec post-LN sinusoidal", ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, true, true},
    {"enc-dec post-LN none", ARCH_ENCODER_DECODER, NORM_POST, POS_NONE, true, true},
    {"enc-dec post-LN learned", ARCH_ENCODER_DECODER, NORM_POST, POS_LEARNED, true, true},
    {"enc-dec post-LN relative", ARCH_ENCODER_DECODER, NORM_POST, POS_RELATIVE, true, true},
    {"enc-dec post-LN rope", ARCH_ENCODER_DECODER, NORM_POST, POS_ROPE, true, true},
    {"enc-dec pre-LN sinusoidal", ARCH_ENCODER_DECODER, NORM_PRE, POS_SINUSOIDAL, true, true},
    {"enc-dec pre-LN none", ARCH_ENCODER_DECODER, NORM_PRE, POS_NONE, true, true},
    {"enc-dec pre-LN learned", ARCH_ENCODER_DECODER, NORM_PRE, POS_LEARNED, true, true},
    {"enc-dec pre-LN relative", ARCH_ENCODER_DECODER, NORM_PRE, POS_RELATIVE, true, true},
    {"enc-dec pre-LN rope", ARCH_ENCODER_DECODER, NORM_PRE, POS_ROPE, true, true},
    {"decoder-only post-LN sinusoidal", ARCH_DECODER_ONLY, NORM_POST, POS_SINUSOIDAL, true, true},
    {"decoder-only post-LN none", ARCH_DECODER_ONLY, NORM_POST, POS_NONE, true, true},
    {"decoder-only post-LN learned", ARCH_DECODER_ONLY, NORM_POST, POS_LEARNED, true, true},
    {"decoder-only post-LN relative", ARCH_DECODER_ONLY, NORM_POST, POS_RELATIVE, true, true},
    {"decoder-only post-LN rope", ARCH_DECODER_ONLY, NORM_POST, POS_ROPE, true, true},
    {"decoder-only pre-LN sinusoidal", ARCH_DECODER_ONLY, NORM_PRE, POS_SINUSOIDAL, true, true},
    {"decoder-only pre-LN none", ARCH_DECODER_ONLY, NORM_PRE, POS_NONE, true, true},
    {"decoder-only pre-LN learned", ARCH_DECODER_ONLY, NORM_PRE, POS_LEARNED, true, true},
    {"decoder-only pre-LN relative", ARCH_DECODER_ONLY, NORM_PRE, POS_RELATIVE, true, true},
    {"decoder-only pre-LN rope", ARCH_DECODER_ONLY, NORM_PRE, POS_ROPE, true, true},
    {"enc-dec post-LN residual off", ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, false, true},
    {"enc-dec pre-LN residual off", ARCH_ENCODER_DECODER, NORM_PRE, POS_RELATIVE, false, true},
    {"decoder-only post-LN residual off", ARCH_DECODER_ONLY, NORM_POST, POS_LEARNED, false, true},
    {"decoder-only pre-LN residual off", ARCH_DECODER_ONLY, NORM_PRE, POS_ROPE, false, true},
    /* pre-LN needs the final norm (config_check.c) */
    {"enc-dec post-LN final norm off", ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, true, false},
    {"decoder-only post-LN final norm off", ARCH_DECODER_ONLY, NORM_POST, POS_ROPE, true, false},
};

/* A model for case k: two layers per stack, two sentences of different
 * lengths (so padding is exercised), targets for the encoder-decoder. */
static void setup(TinyRun *r, const Case *k, bool batch)
{
    memset(r, 0, sizeof *r);
    tiny_config(&r->cfg, 16, 4, 24);
    r->cfg.arch = k->arch;
    r->cfg.enc_layers = k->arch == ARCH_ENCODER_DECODER ? 2 : 0;
    r->cfg.norm = k->norm;
    r->cfg.positions = k->positions;
    r->cfg.residual = k->residual;
    r->cfg.final_norm = k->final_norm;
    r->cfg.rel_buckets = 8;
    r->cfg.rel_max_distance = 12;
    if (k->arch == ARCH_ENCODER_DECODER) {
        tiny_add_src(&r->cfg, "猫 追 老鼠");
        tiny_add_tgt(&r->cfg, "cat chases mouse");
        if (batch) {
            tiny_add_src(&r->cfg, "我 爱");
            tiny_add_tgt(&r->cfg, "I");
        }
    } else {
        tiny_add_src(&r->cfg, "<START> 我 爱 AI");
        if (batch)
            tiny_add_src(&r->cfg, "<START> cat");
    }
    Error err = {{0}, {0}};
    if (config_validate(&r->cfg, &err) != TF_OK)
        fail_msg("%s: config: %s", k->name, err.msg);
    if (model_init_random(&r->m, &r->cfg, &err) != TF_OK)
        fail_msg("%s: model_init_random: %s", k->name, err.msg);
    if (batch_build(&r->b, &r->m.cfg, &r->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("%s: batch_build: %s", k->name, err.msg);
}

/* The teacher-forced pass over a batch of two. */
static void test_whole_pass(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TinyRun r;
        setup(&r, &cases[i], true);
        Error err;
        assert_int_equal(activations_init(&r.a, &r.m, &r.b, &err), TF_OK);
        fill_nan(&r.a);
        model_forward(&r.m, &r.b, &r.a);
        check_written(&r.a, cases[i].name);
        tiny_run_free(&r);
    }
}

/* Generation: the encoder's pass, then every step's slots, then the summary. */
static void generate_case(const Case *k, bool cache, float temperature)
{
    char what[160];
    snprintf(what, sizeof what, "%s, generation %s the cache%s", k->name, cache ? "with" : "without",
             temperature > 0 ? ", sampled" : "");
    TinyRun r;
    setup(&r, k, false);
    Error err;
    Activations enc;
    assert_int_equal(activations_init_encoder(&enc, &r.m, &r.b, &err), TF_OK);
    fill_nan(&enc);
    model_encode(&r.m, &r.b, &enc);
    check_written(&enc, what);
    GenOptions o = {.max_new = 4, .temperature = temperature, .top_k = 3, .sample_seed = 7, .use_cache = cache};
    Generator g;
    assert_int_equal(generator_init(&g, &r.m, &r.b, enc.enc_memory, &o, &err), TF_OK);
    int steps = 0;
    while (!g.done && g.step < g.max_steps) {
        assert_int_equal(generator_step_register(&g, &err), TF_OK);
        assert_true(g.acts.n_slots > 0);
        fill_nan(&g.acts);
        assert_int_equal(generator_step_run(&g, &err), TF_OK);
        check_written(&g.acts, what);
        steps++;
    }
    assert_true(steps >= 2);
    assert_int_equal(generator_summary(&g, &err), TF_OK);
    check_written(&g.summary, what);
    generator_free(&g);
    activations_free(&enc);
    tiny_run_free(&r);
}

static void test_generation(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int cache = 0; cache < 2; cache++)
            generate_case(&cases[i], cache, 0.0f);
    generate_case(&cases[0], true, 0.8f);
    generate_case(&cases[10], false, 0.8f);
}

/* Each table reads its inputs before writing them, ends with the layer's
 * output, and names only what exists in its layer kind. */
static void test_tables(void **state)
{
    (void)state;
    for (int kind = 0; kind < LAYER_KIND_COUNT; kind++)
        for (int norm = 0; norm < 2; norm++) {
            int n;
            const LayerStep *s = layer_steps((LayerKind)kind, (NormPlacement)norm, &n);
            int written[LV_COUNT] = {0};
            written[LV_INPUT] = 1;
            written[LV_MEMORY] = kind == LAYER_DECODER;
            for (int i = 0; i < n; i++) {
                assert_true(written[s[i].in]);
                if (s[i].op == STEP_ATTN || s[i].op == STEP_ADD)
                    assert_true(written[s[i].in2]);
                assert_false(written[s[i].out]);  /* every slot written once */
                written[s[i].out] = 1;
                if (s[i].op == STEP_ATTN)
                    assert_true(s[i].out == LV_attn || s[i].out == LV_self_attn || s[i].out == LV_cross_attn);
                if (s[i].op == STEP_NORM)
                    assert_true(layer_norm_number(s[i].out) > 0);
                assert_false(kind == LAYER_ENCODER && (s[i].out == LV_self_attn || s[i].out == LV_cross_attn));
                assert_false(kind != LAYER_ENCODER && s[i].out == LV_attn);
                assert_false(kind != LAYER_DECODER && s[i].out == LV_cross_attn);
            }
            assert_int_equal(s[n - 1].out, norm == NORM_PRE ? LV_resid_post : kind == LAYER_DECODER ? LV_ln3 : LV_ln2);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_whole_pass),
        cmocka_unit_test(test_generation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

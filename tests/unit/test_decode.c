/* test_decode.c — teacher forcing and autoregressive generation.
 *
 * - Teacher forcing: the decoder reads <START> + target and is scored on
 *   target + <END>; a written <START> or trailing <END> changes nothing.
 * - Generation with the KV cache against generation recomputing the prefix
 *   (a separate code path, the ordinary parallel pass): the same tokens,
 *   and every record of a cached step equal to the last row of the full
 *   pass, for every architecture, norm placement and kind of positions.
 * - Teacher forcing's logits at position t equal generation step t's when
 *   generation is fed the same prefix.
 * - <END> stops; N tokens at most; sampling is reproducible from its seed,
 *   stays in the top k, and follows its distribution.
 * - The multiply-adds of every step, counted by wrapping the two matrix
 *   products (ld --wrap, see the Makefile), equal generator_work's formula.
 * - Bad options are refused with TF_ERR_INPUT. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/compare.h"
#include "core/ops.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "run/run_labels.h"
#include "model/generator.h"
#include "model/model.h"

/* ---- counting multiply-adds: every call of the two products ------------- */

static uint64_t macs;

void __real_linear_forward(float *out, const float *a, const float *w, const float *bias, int n, int k, int m);
void __real_matmul_forward(float *out, const float *a, const float *b, int n, int k, int m);

void __wrap_linear_forward(float *out, const float *a, const float *w, const float *bias, int n, int k, int m)
{
    macs += (uint64_t)n * (uint64_t)k * (uint64_t)m;
    __real_linear_forward(out, a, w, bias, n, k, m);
}

void __wrap_matmul_forward(float *out, const float *a, const float *b, int n, int k, int m)
{
    macs += (uint64_t)n * (uint64_t)k * (uint64_t)m;
    __real_matmul_forward(out, a, b, n, k, m);
}

/* ---- set-up ------------------------------------------------------------- */

typedef struct {
    Config cfg;
    Model m;
    Batch b;
} Setup;

static const char vocab[] = "猫 追 老鼠 我 爱 AI cat chases mouse I love";

static void setup(Setup *s, Architecture arch, NormPlacement norm, PositionKind pos, const char *src, const char *tgt)
{
    Error err = {{0}, {0}};
    memset(s, 0, sizeof *s);
    config_defaults(&s->cfg);
    s->cfg.arch = arch;
    s->cfg.enc_layers = arch == ARCH_ENCODER_DECODER ? 2 : 0;
    s->cfg.dec_layers = 2;
    s->cfg.d_model = 16;
    s->cfg.heads = 4;
    s->cfg.d_ff = 24;
    s->cfg.max_len = 16;
    s->cfg.norm = norm;
    s->cfg.positions = pos;
    s->cfg.rel_buckets = 8;  /* short sentences reach the logarithmic buckets */
    s->cfg.rel_max_distance = 12;
    s->cfg.seed = 7;
    snprintf(s->cfg.vocab, sizeof s->cfg.vocab, "%s", vocab);
    if (src)
        snprintf(s->cfg.src[s->cfg.n_src++], sizeof s->cfg.src[0], "%s", src);
    if (tgt)
        snprintf(s->cfg.tgt[s->cfg.n_tgt++], sizeof s->cfg.tgt[0], "%s", tgt);
    if (config_validate(&s->cfg, &err) || model_init_random(&s->m, &s->cfg, &err) ||
        batch_build(&s->b, &s->m.cfg, &s->m.vocab, NULL, NULL, &err))
        fail_msg("set-up: %s", err.msg);
}

static void teardown(Setup *s)
{
    batch_free(&s->b);
    model_free(&s->m);
}

/* A teacher-forced pass over the set-up's batch. */
static void forward(const Setup *s, Activations *a)
{
    Error err;
    assert_int_equal(activations_init(a, &s->m, &s->b, &err), TF_OK);
    model_forward(&s->m, &s->b, a);
}

static const float *slot(const Activations *a, const char *name)
{
    int i = activations_find(a, name);
    if (i < 0)
        fail_msg("no slot named %s", name);
    return a->arena + a->slots[i].offset;
}

static GenOptions greedy(int n, bool cache)
{
    GenOptions o = {n, 0.0f, 0, 1, cache};
    return o;
}

/* The encoder's slots, and the memory generation reads (NULL: decoder-only). */
static const float *encode(const Setup *s, Activations *enc)
{
    Error err;
    assert_int_equal(activations_init_encoder(enc, &s->m, &s->b, &err), TF_OK);
    model_encode(&s->m, &s->b, enc);
    return s->cfg.arch == ARCH_ENCODER_DECODER ? enc->enc_memory : NULL;
}

/* ---- teacher forcing ---------------------------------------------------- */

static void assert_tokens(const Activations *a, const char *name, const char *const *want, int n)
{
    int i = activations_find(a, name);
    assert_true(i >= 0);
    Record r;
    activations_record(a, i, &r);
    assert_int_equal(r.ndim, 1);
    assert_int_equal((int)r.dims[0], n);
    for (int t = 0; t < n; t++)
        assert_string_equal(r.col_labels[t], want[t]);
}

static void test_targets_are_shifted(void **state)
{
    (void)state;
    static const char *const input[] = {"<START>", "cat", "chases", "mouse"};
    static const char *const target[] = {"cat", "chases", "mouse", "<END>"};
    /* All three spellings of the same output sentence: one decoder input,
     * one target, the same logits. */
    static const char *const spellings[] = {"cat chases mouse", "<START> cat chases mouse",
                                            "cat chases mouse <END>"};
    Activations first;
    Setup s0;
    for (int k = 0; k < 3; k++) {
        Setup s;
        Activations a;
        setup(&s, ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", spellings[k]);
        forward(&s, &a);
        assert_tokens(&a, "tgt.tokens", input, 4);
        assert_tokens(&a, "dec.target", target, 4);
        if (k == 0) {
            first = a;
            s0 = s;
            continue;
        }
        assert_int_equal(compare_floats("dec.logits", slot(&a, "dec.logits"), slot(&first, "dec.logits"),
                                        4 * (size_t)s.m.vocab.size, 0.0f, 0.0f), 0);
        activations_free(&a);
        teardown(&s);
    }
    activations_free(&first);
    teardown(&s0);

    /* Decoder-only: the sequence as written, scored on the next token. */
    static const char *const seq[] = {"<START>", "我", "爱", "AI"};
    static const char *const next[] = {"我", "爱", "AI", "<END>"};
    Setup d;
    Activations a;
    setup(&d, ARCH_DECODER_ONLY, NORM_POST, POS_SINUSOIDAL, "<START> 我 爱 AI", NULL);
    forward(&d, &a);
    assert_tokens(&a, "tgt.tokens", seq, 4);
    assert_tokens(&a, "dec.target", next, 4);
    activations_free(&a);
    teardown(&d);

    /* No target: the decoder reads <START>, and nothing is scored. */
    Setup n;
    setup(&n, ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", NULL);
    forward(&n, &a);
    assert_int_equal(activations_find(&a, "dec.target"), -1);
    assert_int_equal(activations_find(&a, "loss"), -1);
    assert_true(activations_find(&a, "dec.predicted") >= 0);
    activations_free(&a);
    teardown(&n);
}

/* dec.loss = −log probs[target], 0 at <PAD> targets; loss is the mean over
 * the real ones; dec.predicted is the argmax, labelled with its text. */
static void test_loss_and_prediction(void **state)
{
    (void)state;
    Setup s;
    memset(&s, 0, sizeof s);
    config_defaults(&s.cfg);
    s.cfg.d_model = 16;
    s.cfg.heads = 4;
    s.cfg.d_ff = 24;
    snprintf(s.cfg.vocab, sizeof s.cfg.vocab, "%s", vocab);
    s.cfg.n_src = s.cfg.n_tgt = 2;
    snprintf(s.cfg.src[0], sizeof s.cfg.src[0], "猫 追 老鼠");
    snprintf(s.cfg.tgt[0], sizeof s.cfg.tgt[0], "cat chases mouse");
    snprintf(s.cfg.src[1], sizeof s.cfg.src[1], "我 爱");
    snprintf(s.cfg.tgt[1], sizeof s.cfg.tgt[1], "<START> I");
    Error err;
    assert_int_equal(model_init_random(&s.m, &s.cfg, &err), TF_OK);
    assert_int_equal(batch_build(&s.b, &s.m.cfg, &s.m.vocab, NULL, NULL, &err), TF_OK);
    Activations a;
    forward(&s, &a);
    const int B = 2, T = s.b.Tt, V = s.m.vocab.size;
    assert_int_equal(T, 4);
    const float *probs = slot(&a, "dec.probs"), *logits = slot(&a, "dec.logits");
    const float *target = slot(&a, "dec.target"), *loss = slot(&a, "dec.loss"), *pred = slot(&a, "dec.predicted");
    /* the trace side labels the predicted tokens with their text */
    RunLabels rl;
    assert_int_equal(run_labels_attach(&rl, &a, &err), TF_OK);
    Record rec;
    activations_record(&a, activations_find(&a, "dec.predicted"), &rec);
    double total = 0;
    int counted = 0;
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            const size_t i = (size_t)b * T + t;
            const int tg = (int)target[i];
            assert_int_equal(tg, s.b.target[i]);
            if (b == 1 && t >= 2)
                assert_int_equal(tg, TOK_PAD);  /* "<START> I" is 2 long: padded */
            if (tg == TOK_PAD) {
                assert_true(loss[i] == 0.0f);
            } else {
                double want = -log((double)probs[i * V + tg]);
                if (fabs(loss[i] - want) > 1e-5 * (1 + want))
                    fail_msg("dec.loss[%d][%d] = %.9g, -log probs = %.9g", b, t, (double)loss[i], want);
                total += loss[i];
                counted++;
            }
            int best = 0;
            for (int v = 1; v < V; v++)
                if (logits[i * V + v] > logits[i * V + best])
                    best = v;
            assert_int_equal((int)pred[i], best);
            assert_string_equal(rec.col_labels[i], s.m.vocab.tokens[best]);
        }
    assert_int_equal(counted, 4 + 2);
    assert_true(fabs(slot(&a, "loss")[0] - total / counted) < 1e-6);
    run_labels_free(&rl);
    activations_free(&a);
    teardown(&s);
}

/* ---- generation: cache against recomputation --------------------------- */

/* Compare every record of a cached step with the same record of the full
 * pass: equal shapes except the query/token axes, where the cached step has
 * the last row only. Returns the largest |difference| of dec.logits. */
static double compare_step(const Activations *cached, const Activations *full, int S)
{
    double logits_diff = 0;
    for (int i = 0; i < cached->n_slots; i++) {
        Record rc, rf;
        activations_record(cached, i, &rc);
        int j = activations_find(full, rc.name);
        if (j < 0)
            fail_msg("step %d: %s has no twin in the recomputed pass", S, rc.name);
        activations_record(full, j, &rf);
        assert_int_equal(rc.ndim, rf.ndim);
        size_t off[RECORD_MAX_DIMS] = {0}, n = 1;
        for (int k = 0; k < rc.ndim; k++) {
            assert_string_equal(rc.dim_names[k], rf.dim_names[k]);
            if (rc.dims[k] != rf.dims[k]) {
                /* the one new row against the whole prefix */
                if (!(rc.dims[k] == 1 && (int)rf.dims[k] == S + 1 &&
                      (!strcmp(rc.dim_names[k], "query") || !strcmp(rc.dim_names[k], "token"))))
                    fail_msg("step %d: %s dim %d: %u against %u", S, rc.name, k, rc.dims[k], rf.dims[k]);
                off[k] = rf.dims[k] - 1;
            }
            n *= rc.dims[k];
        }
        float *want = malloc(n * sizeof *want);
        for (size_t e = 0; e < n; e++) {
            size_t rem = e, flat = 0, idx[RECORD_MAX_DIMS];
            for (int k = rc.ndim - 1; k >= 0; k--) {
                idx[k] = rem % rc.dims[k];
                rem /= rc.dims[k];
            }
            for (int k = 0; k < rc.ndim; k++)
                flat = flat * rf.dims[k] + idx[k] + off[k];
            want[e] = rf.data[flat];
        }
        const int is_logits = strstr(rc.name, ".dec.logits") != NULL;
        /* logits: 1e-6 as asked; inner records 1e-5 (a 1-row product and an
         * n-row product are rounded differently by BLAS) */
        if (compare_floats(rc.name, rc.data, want, n, is_logits ? 1e-6f : 1e-5f, is_logits ? 0.0f : 1e-5f))
            fail_msg("step %d: %s differs between the cached step and the recomputed pass", S, rc.name);
        if (is_logits)
            logits_diff = compare_max_abs_diff(rc.data, want, n, NULL);
        free(want);
    }
    return logits_diff;
}

typedef struct {
    const char *what;
    Architecture arch;
    NormPlacement norm;
    PositionKind pos;
    const char *src, *tgt;
    bool scale_off;           /* the switches (model/config.h): they shape no weight, */
    const char *temperature;  /* so they are set on the model's configuration */
    const char *ablate;
} GenCase;

static void apply_switches(Setup *s, const GenCase *gc)
{
    Error err;
    s->m.cfg.scale = !gc->scale_off;
    if ((gc->temperature && config_set(&s->m.cfg, "attn_temperature", gc->temperature, NULL, &err)) ||
        (gc->ablate && config_set(&s->m.cfg, "ablate_head", gc->ablate, NULL, &err)) ||
        config_validate(&s->m.cfg, &err))
        fail_msg("%s: %s", gc->what, err.msg);
}

static const GenCase gen_cases[] = {
    {"enc-dec post-LN sinusoidal", ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", NULL, false, NULL, NULL},
    {"enc-dec pre-LN learned", ARCH_ENCODER_DECODER, NORM_PRE, POS_LEARNED, "猫 追 老鼠 我", "cat", false, NULL, NULL},
    {"enc-dec post-LN relative", ARCH_ENCODER_DECODER, NORM_POST, POS_RELATIVE, "我 爱 AI", NULL, false, NULL, NULL},
    {"enc-dec pre-LN rope", ARCH_ENCODER_DECODER, NORM_PRE, POS_ROPE, "我 爱 AI 猫", "I love", false, NULL, NULL},
    {"enc-dec none", ARCH_ENCODER_DECODER, NORM_POST, POS_NONE, "猫 追", NULL, false, NULL, NULL},
    {"decoder-only sinusoidal", ARCH_DECODER_ONLY, NORM_POST, POS_SINUSOIDAL, "<START> 我", NULL, false, NULL, NULL},
    {"decoder-only learned", ARCH_DECODER_ONLY, NORM_PRE, POS_LEARNED, "<START>", NULL, false, NULL, NULL},
    {"decoder-only relative", ARCH_DECODER_ONLY, NORM_PRE, POS_RELATIVE, "<START> cat chases", NULL, false, NULL, NULL},
    {"decoder-only rope", ARCH_DECODER_ONLY, NORM_POST, POS_ROPE, "<START> I", NULL, false, NULL, NULL},
    {"enc-dec scale off, ablated heads", ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", NULL, true,
     NULL, "enc.1.2,dec.0.self.1,dec.1.cross.3"},
    {"decoder-only rope, temperature 0.6", ARCH_DECODER_ONLY, NORM_PRE, POS_ROPE, "<START> I", NULL, false, "0.6",
     "dec.1.0"},
};

/* The case's model and sentences, its encoder run: generation ready to
 * start, with <END> never winning, so every case runs its full length. */
static const float *setup_full_length(Setup *s, const GenCase *gc, Activations *enc)
{
    setup(s, gc->arch, gc->norm, gc->pos, gc->src, gc->tgt);
    apply_switches(s, gc);
    s->m.w.gen_b[TOK_END] = -1e4f;
    return encode(s, enc);
}

static void test_cache_equals_recomputation(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof gen_cases / sizeof *gen_cases; k++) {
        const GenCase *gc = &gen_cases[k];
        Setup s;
        Activations enc;
        const float *memory = setup_full_length(&s, gc, &enc);
        Generator gc1, gc2;
        GenOptions o1 = greedy(8, true), o2 = greedy(8, false);
        Error err;
        assert_int_equal(generator_init(&gc1, &s.m, &s.b, memory, &o1, &err), TF_OK);
        assert_int_equal(generator_init(&gc2, &s.m, &s.b, memory, &o2, &err), TF_OK);
        double worst = 0;
        while (!gc1.done) {
            assert_false(gc2.done);
            assert_int_equal(generator_step(&gc1, &err), TF_OK);
            assert_int_equal(generator_step(&gc2, &err), TF_OK);
            double diff = compare_step(&gc1.acts, &gc2.acts, gc1.step - 1);
            worst = diff > worst ? diff : worst;
            assert_int_equal(gc1.n_seq, gc2.n_seq);
            assert_int_equal(gc1.seq[gc1.n_seq - 1], gc2.seq[gc2.n_seq - 1]);
        }
        assert_true(gc2.done);
        assert_int_equal(gc1.generated, 8);
        assert_int_equal(gc1.step, s.b.tgt_len[0] - 1 + 8);
        printf("  %-28s %2d steps, tokens equal, logits max |diff| %.2g\n", gc->what, gc1.step, worst);
        generator_free(&gc1);
        generator_free(&gc2);
        activations_free(&enc);
        teardown(&s);
    }
}

/* Teacher forcing at position t = generation step t fed the same prefix. */
static void test_teacher_forcing_equals_generation(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof gen_cases / sizeof *gen_cases; k++) {
        const GenCase *gc = &gen_cases[k];
        const char *prefix = gc->arch == ARCH_ENCODER_DECODER ? "cat chases mouse I" : "<START> 我 爱 AI cat";
        Setup s;
        setup(&s, gc->arch, gc->norm, gc->pos, gc->arch == ARCH_ENCODER_DECODER ? gc->src : prefix,
              gc->arch == ARCH_ENCODER_DECODER ? prefix : NULL);
        apply_switches(&s, gc);
        Activations tf;
        forward(&s, &tf);
        const int T = s.b.Tt, V = s.m.vocab.size;
        assert_int_equal(T, 5);
        for (int cache = 1; cache >= 0; cache--) {
            Activations enc;
            const float *memory = encode(&s, &enc);
            Generator g;
            GenOptions o = greedy(1, cache);
            Error err;
            assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
            for (int t = 0; t < T; t++) {
                assert_int_equal(generator_step(&g, &err), TF_OK);
                char name[64], what[128];
                snprintf(name, sizeof name, "gen.%d.dec.logits", t);
                Record r;
                activations_record(&g.acts, activations_find(&g.acts, name), &r);
                const float *row = r.data + (size_t)(r.dims[0] - 1) * V;
                snprintf(what, sizeof what, "%s (%s): %s against dec.logits row %d", gc->what,
                         cache ? "cache" : "no cache", name, t);
                if (compare_floats(what, row, slot(&tf, "dec.logits") + (size_t)t * V, (size_t)V, 1e-5f, 0.0f))
                    fail_msg("%s", what);
            }
            assert_true(g.done);  /* the prompt's 4 forced tokens, then 1 chosen */
            assert_int_equal(g.generated, 1);
            generator_free(&g);
            activations_free(&enc);
        }
        activations_free(&tf);
        teardown(&s);
    }
}

/* ---- stopping and sampling ----------------------------------------------- */

static void test_end_stops(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", "cat chases");
    Activations enc;
    const float *memory = encode(&s, &enc);
    Error err;
    /* <END> is the most likely token everywhere: the prompt is still read to
     * its end, then the first token chosen is <END>, and that ends it. */
    s.m.w.gen_b[TOK_END] = 1e4f;
    Generator g;
    GenOptions o = greedy(10, true);
    assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
    while (!g.done)
        assert_int_equal(generator_step(&g, &err), TF_OK);
    assert_int_equal(g.step, 3);  /* reads <START>, cat, chases */
    assert_int_equal(g.generated, 1);
    assert_int_equal(g.n_seq, 4);
    assert_int_equal(g.seq[1], s.b.tgt[1]);
    assert_int_equal(g.seq[3], TOK_END);
    assert_int_equal(generator_summary(&g, &err), TF_OK);
    RunLabels rl;  /* the trace side labels the steps with the tokens they read */
    assert_int_equal(run_labels_attach(&rl, &g.summary, &err), TF_OK);
    static const char *const all[] = {"<START>", "cat", "chases", "<END>"};
    assert_tokens(&g.summary, "gen.tokens", all, 4);
    Record w;
    activations_record(&g.summary, activations_find(&g.summary, "gen.work"), &w);
    assert_int_equal(w.ndim, 2);
    assert_int_equal(w.dims[0], 3);
    assert_int_equal(w.dims[1], 2);
    assert_string_equal(w.col_labels[0], "counted");
    assert_string_equal(w.col_labels[1], "recomputed");
    assert_string_equal(w.row_labels[2], "chases");  /* step 2 read "chases" */
    run_labels_free(&rl);
    generator_free(&g);

    /* <END> never wins: exactly N tokens. */
    s.m.w.gen_b[TOK_END] = -1e4f;
    o = greedy(6, true);
    assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
    while (!g.done)
        assert_int_equal(generator_step(&g, &err), TF_OK);
    assert_int_equal(g.generated, 6);
    assert_int_equal(g.step, 2 + 6);
    for (int t = 0; t < g.n_seq; t++)
        assert_int_not_equal(g.seq[t], TOK_END);
    generator_free(&g);
    activations_free(&enc);
    teardown(&s);
}

/* Generate with these options; the chosen tokens into out (at most 32). */
static int run_tokens(const Setup *s, const float *memory, GenOptions o, int *out)
{
    Generator g;
    Error err;
    assert_int_equal(generator_init(&g, &s->m, &s->b, memory, &o, &err), TF_OK);
    while (!g.done) {
        assert_int_equal(generator_step(&g, &err), TF_OK);
        if (o.temperature > 0) {
            /* the distribution: sums to 1, k tokens at most, holds the choice */
            char name[64];
            snprintf(name, sizeof name, "gen.%d.sampling", g.step - 1);
            const float *dist = slot(&g.acts, name);
            double sum = 0;
            int nonzero = 0;
            for (int v = 0; v < s->m.vocab.size; v++) {
                sum += dist[v];
                nonzero += dist[v] > 0;
            }
            assert_true(fabs(sum - 1) < 1e-5);
            assert_true(nonzero <= (o.top_k ? o.top_k : s->m.vocab.size));
            assert_true(dist[g.seq[g.n_seq - 1]] > 0);
        }
    }
    int n = g.n_seq - g.prompt_len;
    memcpy(out, g.seq + g.prompt_len, (size_t)n * sizeof *out);
    generator_free(&g);
    return n;
}

static void test_sampling_is_reproducible(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_DECODER_ONLY, NORM_POST, POS_ROPE, "<START>", NULL);
    s.m.w.gen_b[TOK_END] = -1e4f;
    int a[32], b[32], c[32], greedy_tokens[32], k1[32];
    GenOptions o = {12, 2.0f, 0, 42, true};
    int na = run_tokens(&s, NULL, o, a);
    int nb = run_tokens(&s, NULL, o, b);
    assert_int_equal(na, 12);
    assert_int_equal(nb, 12);
    assert_memory_equal(a, b, sizeof(int) * 12);  /* same seed, same tokens */
    o.use_cache = false;
    run_tokens(&s, NULL, o, b);
    assert_memory_equal(a, b, sizeof(int) * 12);  /* and the same without the cache */
    o.use_cache = true;
    o.sample_seed = 43;
    run_tokens(&s, NULL, o, c);
    assert_memory_not_equal(a, c, sizeof(int) * 12);  /* another seed, other tokens */
    o.top_k = 3;
    run_tokens(&s, NULL, o, c);  /* checks the top-k support inside */
    /* top-k = 1 leaves one token: greedy, whatever the temperature */
    GenOptions g = greedy(12, true);
    run_tokens(&s, NULL, g, greedy_tokens);
    o.top_k = 1;
    run_tokens(&s, NULL, o, k1);
    assert_memory_equal(greedy_tokens, k1, sizeof(int) * 12);
    teardown(&s);
}

/* Over many seeds, the first sampled token follows the step's sampling
 * distribution (each frequency within 5 standard deviations). */
static void test_sampling_follows_the_distribution(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_DECODER_ONLY, NORM_POST, POS_SINUSOIDAL, "<START>", NULL);
    const int V = s.m.vocab.size, runs = 3000;
    int *count = calloc((size_t)V, sizeof *count);
    float *dist = calloc((size_t)V, sizeof *dist);
    for (int r = 0; r < runs; r++) {
        Generator g;
        GenOptions o = {1, 3.0f, 6, (uint64_t)r, true};
        Error err;
        assert_int_equal(generator_init(&g, &s.m, &s.b, NULL, &o, &err), TF_OK);
        assert_int_equal(generator_step(&g, &err), TF_OK);
        if (r == 0)
            memcpy(dist, slot(&g.acts, "gen.0.sampling"), (size_t)V * sizeof *dist);
        count[g.seq[1]]++;
        generator_free(&g);
    }
    for (int v = 0; v < V; v++) {
        double p = dist[v], want = p * runs, sd = sqrt(runs * p * (1 - p));
        if (p == 0)
            assert_int_equal(count[v], 0);
        else if (fabs(count[v] - want) > 5 * sd + 1)
            fail_msg("token %d drawn %d times in %d, expected %.1f ± %.1f", v, count[v], runs, want, sd);
    }
    free(count);
    free(dist);
    teardown(&s);
}

/* ---- the records of a step ---------------------------------------------- */

static void test_step_records(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_ENCODER_DECODER, NORM_POST, POS_ROPE, "猫 追 老鼠", NULL);
    s.m.w.gen_b[TOK_END] = -1e4f;
    Activations enc;
    const float *memory = encode(&s, &enc);
    Generator g;
    GenOptions o = greedy(5, true);
    Error err;
    assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
    const int h = s.cfg.heads, dk = s.cfg.d_model / h;
    size_t last_size = 0, growth = 0;
    for (int S = 0; S < 5; S++) {
        assert_int_equal(generator_step(&g, &err), TF_OK);
        RunLabels rl;  /* the trace side labels the sequence's tokens */
        assert_int_equal(run_labels_attach(&rl, &g.acts, &err), TF_OK);
        char name[64];
        Record r;
        /* the new query row */
        snprintf(name, sizeof name, "gen.%d.dec.1.self_attn.q", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_int_equal(r.dims[0], h);
        assert_int_equal(r.dims[1], 1);
        assert_int_equal(r.dims[2], dk);
        assert_string_equal(r.row_labels[0], vocab_token(&s.m.vocab, g.seq[S]));
        /* the cache so far, rotated and not: S + 1 rows labelled by the prefix */
        static const char *const cached[] = {"k", "v", "k_rot"};
        for (int c = 0; c < 3; c++) {
            snprintf(name, sizeof name, "gen.%d.dec.1.self_attn.%s", S, cached[c]);
            activations_record(&g.acts, activations_find(&g.acts, name), &r);
            assert_int_equal(r.dims[1], S + 1);
            for (int j = 0; j <= S; j++)
                assert_string_equal(r.row_labels[j], vocab_token(&s.m.vocab, g.seq[j]));
        }
        snprintf(name, sizeof name, "gen.%d.dec.0.self_attn.weights", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_int_equal(r.dims[1], 1);
        assert_int_equal(r.dims[2], S + 1);
        /* cross-attention: the new row over the whole memory */
        snprintf(name, sizeof name, "gen.%d.dec.0.cross_attn.weights", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_int_equal(r.dims[1], 1);
        assert_int_equal(r.dims[2], 3);
        assert_string_equal(r.col_labels[2], "老鼠");
        assert_string_equal(r.kv_source, "enc.memory");
        /* positions of the new row only */
        snprintf(name, sizeof name, "gen.%d.dec.rope_angles", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_int_equal(r.dims[0], 1);
        assert_true(fabsf(r.data[0] - (float)S) < 1e-6f);  /* pair 0 turns by pos · 1 */
        snprintf(name, sizeof name, "gen.%d.token", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_string_equal(r.col_labels[0], vocab_token(&s.m.vocab, g.seq[S + 1]));
        /* the cross-attention's K and V records are the memory's rows in the
         * cross cache itself, not a copy made each step */
        snprintf(name, sizeof name, "gen.%d.dec.1.cross_attn.v", S);
        activations_record(&g.acts, activations_find(&g.acts, name), &r);
        assert_ptr_equal(r.data, g.caches[1].cross.v);
        /* and every step's slots lie in the generator's one block */
        assert_ptr_equal(g.acts.arena, g.arena);
        assert_true(g.acts.arena_numel <= g.arena_numel);
        run_labels_free(&rl);
        /* memory per step grows by the cache rows only, the same each step */
        if (S >= 2)
            assert_int_equal(g.acts.arena_numel - last_size, growth);
        if (S >= 1)
            growth = g.acts.arena_numel - last_size;
        last_size = g.acts.arena_numel;
    }
    generator_free(&g);
    activations_free(&enc);
    teardown(&s);
}

/* A layout given a block holds its slots there, whatever the block held
 * before, and one too small for them is refused. */
static void test_slots_in_a_given_arena(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", NULL);
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = 1;
    l.len[STREAM_SRC] = s.b.Ts;
    l.labels[STREAM_SRC] = s.b.src_labels;
    l.encoder = true;
    size_t numel;
    Error err;
    assert_int_equal(activations_layout_numel(&s.m, &l, &numel, &err), TF_OK);
    Activations own, given;
    assert_int_equal(activations_init_layout(&own, &s.m, &l, &err), TF_OK);
    assert_int_equal(own.arena_numel, numel);
    model_encode(&s.m, &s.b, &own);

    float *block = malloc(numel * sizeof *block);
    for (size_t i = 0; i < numel; i++)
        block[i] = NAN;
    l.arena = block;
    l.arena_numel = numel - 1;
    assert_int_equal(activations_init_layout(&given, &s.m, &l, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "the arena given holds"));
    l.arena_numel = numel;
    assert_int_equal(activations_init_layout(&given, &s.m, &l, &err), TF_OK);
    assert_ptr_equal(given.arena, block);
    model_encode(&s.m, &s.b, &given);
    assert_memory_equal(given.arena, own.arena, numel * sizeof *block);
    activations_free(&given);  /* leaves the block to its owner, who frees it */
    free(block);
    activations_free(&own);
    teardown(&s);
}

/* ---- the work of a step --------------------------------------------------- */

static void test_work_is_counted(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof gen_cases / sizeof *gen_cases; k++) {
        const GenCase *gc = &gen_cases[k];
        Setup s;
        Activations enc;
        const float *memory = setup_full_length(&s, gc, &enc);
        for (int cache = 1; cache >= 0; cache--) {
            Generator g;
            GenOptions o = greedy(6, cache);
            Error err;
            assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
            while (!g.done) {
                const int S = g.step;
                macs = 0;
                assert_int_equal(generator_step(&g, &err), TF_OK);
                uint64_t want = generator_work(&s.cfg, s.m.vocab.size, s.b.Ts, S, cache);
                if (macs != want)
                    fail_msg("%s, %s, step %d: counted %llu multiply-adds, generator_work says %llu", gc->what,
                             cache ? "cache" : "no cache", S, (unsigned long long)macs, (unsigned long long)want);
                /* the step records what it did, and what recomputing takes */
                assert_true(g.work[S][0] == macs);
                assert_true(g.work[S][1] == generator_work(&s.cfg, s.m.vocab.size, s.b.Ts, S, false));
            }
            generator_free(&g);
        }
        activations_free(&enc);
        teardown(&s);
    }
    /* The point of the cache, at the paper's base size: the work of a step
     * is linear in the prefix length n with the cache (its first difference
     * is constant: 2·d per layer, the new query against one more key and
     * one more value) and quadratic without it (constant second difference:
     * 4·d per layer, from the n×n scores and their weighted sum). */
    Config c;
    config_defaults(&c);
    c.d_model = 512;
    c.heads = 8;
    c.d_ff = 2048;
    c.enc_layers = c.dec_layers = 6;
    const uint64_t L = 6, d = 512;
    for (int S = 1; S + 2 < 64; S++) {
        uint64_t c0 = generator_work(&c, 500, 64, S, true), c1 = generator_work(&c, 500, 64, S + 1, true);
        uint64_t r0 = generator_work(&c, 500, 64, S, false), r1 = generator_work(&c, 500, 64, S + 1, false),
                 r2 = generator_work(&c, 500, 64, S + 2, false);
        assert_true(c1 - c0 == 2 * L * d);
        assert_true(r2 - 2 * r1 + r0 == 4 * L * d);
    }
    uint64_t c63 = generator_work(&c, 500, 64, 63, true), r63 = generator_work(&c, 500, 64, 63, false);
    printf("  base config, step 63: %llu multiply-adds with the cache, %llu recomputing (%.0fx)\n",
           (unsigned long long)c63, (unsigned long long)r63, (double)r63 / (double)c63);
    assert_true(r63 > 50 * c63);
}

/* The recorded work is what the run did: with the cache a step's work grows
 * by the same small amount each step (one more key and value to read), and
 * stays below recomputing's; without it each step does as much as
 * recomputing the whole prefix, and its growth itself grows. */
static void test_work_follows_the_mode(void **state)
{
    (void)state;
    const GenCase *gc = &gen_cases[0];
    Setup s;
    Activations enc;
    const float *memory = setup_full_length(&s, gc, &enc);
    uint64_t w[2][16];
    int steps[2];
    for (int cache = 1; cache >= 0; cache--) {
        Generator g;
        GenOptions o = greedy(6, cache);
        Error err;
        assert_int_equal(generator_init(&g, &s.m, &s.b, memory, &o, &err), TF_OK);
        while (!g.done)
            assert_int_equal(generator_step(&g, &err), TF_OK);
        steps[cache] = g.step;
        assert_true(g.step >= 4 && g.step <= 16);
        for (int S = 0; S < g.step; S++)
            w[cache][S] = g.work[S][0];
        for (int S = 0; S < g.step; S++) {
            if (cache)
                assert_true(g.work[S][0] < g.work[S][1] || S == 0);
            else
                assert_true(g.work[S][0] == g.work[S][1]);
        }
        generator_free(&g);
    }
    assert_int_equal(steps[0], steps[1]);
    for (int S = 1; S + 1 < steps[1]; S++) {
        /* cached: constant first difference (after step 0, which also
         * projects the memory's keys and values once) */
        assert_true(w[1][S + 1] - w[1][S] == w[1][2] - w[1][1]);
        /* recomputing: a growing first difference */
        assert_true(w[0][S + 1] - w[0][S] > w[0][S] - w[0][S - 1]);
        assert_true(w[1][S] < w[0][S]);
    }
    activations_free(&enc);
    teardown(&s);
}

/* ---- refusals ------------------------------------------------------------- */

static void test_bad_options(void **state)
{
    (void)state;
    Setup s;
    setup(&s, ARCH_ENCODER_DECODER, NORM_POST, POS_SINUSOIDAL, "猫 追 老鼠", "cat chases");
    const int V = s.m.vocab.size;
    struct {
        GenOptions o;
        const char *msg;
    } bad[] = {
        {{0, 0, 0, 1, true}, "--generate 0: generate at least 1 token"},
        {{-3, 0, 0, 1, true}, "--generate -3"},
        {{4, -0.5f, 0, 1, true}, "--temperature -0.5: the temperature must be 0"},
        {{4, NAN, 0, 1, true}, "--temperature nan"},
        {{4, 1.0f, V + 1, 1, true}, "the vocabulary has"},
        {{4, 1.0f, -2, 1, true}, "--top-k -2"},
        {{15, 0, 0, 1, true}, "--generate 15: after a prefix of 3 tokens the decoder would read 17 positions, more than max_len = 16"},
    };
    Error err;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (generator_check(&s.m, &s.b, &bad[i].o, &err) != TF_ERR_INPUT)
            fail_msg("case %zu (%s) was accepted", i, bad[i].msg);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bad[i].msg);
    }
    GenOptions fits = {14, 0, 0, 1, true};  /* 3 − 1 + 14 = 16 positions: just fits */
    assert_int_equal(generator_check(&s.m, &s.b, &fits, &err), TF_OK);
    fits.top_k = V;  /* every token: allowed */
    fits.temperature = 1;
    assert_int_equal(generator_check(&s.m, &s.b, &fits, &err), TF_OK);
    teardown(&s);

    /* one sentence at a time */
    memset(&s, 0, sizeof s);
    config_defaults(&s.cfg);
    snprintf(s.cfg.vocab, sizeof s.cfg.vocab, "%s", vocab);
    s.cfg.n_src = 2;
    snprintf(s.cfg.src[0], sizeof s.cfg.src[0], "猫");
    snprintf(s.cfg.src[1], sizeof s.cfg.src[1], "追");
    assert_int_equal(model_init_random(&s.m, &s.cfg, &err), TF_OK);
    assert_int_equal(batch_build(&s.b, &s.m.cfg, &s.m.vocab, NULL, NULL, &err), TF_OK);
    GenOptions o = greedy(3, true);
    assert_int_equal(generator_check(&s.m, &s.b, &o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "one sentence at a time, but 2 were given"));
    teardown(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_are_shifted),
        cmocka_unit_test(test_loss_and_prediction),
        cmocka_unit_test(test_cache_equals_recomputation),
        cmocka_unit_test(test_teacher_forcing_equals_generation),
        cmocka_unit_test(test_end_stops),
        cmocka_unit_test(test_sampling_is_reproducible),
        cmocka_unit_test(test_sampling_follows_the_distribution),
        cmocka_unit_test(test_step_records),
        cmocka_unit_test(test_slots_in_a_given_arena),
        cmocka_unit_test(test_work_is_counted),
        cmocka_unit_test(test_work_follows_the_mode),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}

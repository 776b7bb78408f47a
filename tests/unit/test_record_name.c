/* test_record_name.c — trace/record_name.h and core/record_kind.h against
 * the names real traces have.
 *
 * The engine writes a trace of every configuration that makes names of its
 * own (encoder-decoder and decoder-only; sinusoidal, learned, relative and
 * rope positions; teacher forcing, a training step, generation with and
 * without the KV cache). Every record name of every trace must parse into
 * parts that tile it, and what the parse says must agree with what the
 * record itself says: its kind, its axes, its q/kv sources, and the other
 * records of the trace (the sibling of a block, the same record in every
 * other layer). A table of expected parses, one name of each form, must
 * find each of its names in some trace: a record renamed in
 * model/activations.h or train/grad_records.h fails here instead of
 * silently changing what the viewer and the plots do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "core/record_kind.h"
#include "model/batch.h"
#include "model/model.h"
#include "run/run_trace.h"
#include "trace/record_name.h"
#include "trace/trace.h"

/* ---- the configurations ---- */

typedef struct {
    const char *tag;
    Architecture arch;
    PositionKind positions;
    RunMode mode;
    bool use_cache;
} TraceCase;

static const TraceCase cases[] = {
    {"encdec", ARCH_ENCODER_DECODER, POS_SINUSOIDAL, RUN_TEACHER_FORCING, false},
    {"encdec_relative", ARCH_ENCODER_DECODER, POS_RELATIVE, RUN_TEACHER_FORCING, false},
    {"encdec_rope", ARCH_ENCODER_DECODER, POS_ROPE, RUN_TEACHER_FORCING, false},
    {"encdec_learned_train_step", ARCH_ENCODER_DECODER, POS_LEARNED, RUN_TRAIN_STEP, false},
    {"encdec_generate", ARCH_ENCODER_DECODER, POS_SINUSOIDAL, RUN_GENERATE, true},
    {"encdec_generate_relative", ARCH_ENCODER_DECODER, POS_RELATIVE, RUN_GENERATE, false},
    {"decoder_only", ARCH_DECODER_ONLY, POS_LEARNED, RUN_TEACHER_FORCING, false},
    {"decoder_only_train_step", ARCH_DECODER_ONLY, POS_SINUSOIDAL, RUN_TRAIN_STEP, false},
    {"decoder_only_generate_rope", ARCH_DECODER_ONLY, POS_ROPE, RUN_GENERATE, false},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

typedef struct {
    Scratch *dir;
    TraceReader *r[N_CASES];
    int layers[N_CASES][2];  /* enc, dec */
} Traces;

static int write_case(Traces *t, int k)
{
    const TraceCase *tc = &cases[k];
    TinyRun run;
    memset(&run, 0, sizeof run);
    Config *c = &run.cfg;
    tiny_config(c, 8, 2, 12);
    c->arch = tc->arch;
    c->positions = tc->positions;
    if (tc->arch == ARCH_DECODER_ONLY) {
        c->enc_layers = 0;
        c->dec_layers = 3;
    }
    bool generate = tc->mode == RUN_GENERATE;
    if (tc->arch == ARCH_ENCODER_DECODER)
        tiny_add_src(c, "猫 追 老鼠");
    if (!generate || tc->arch == ARCH_DECODER_ONLY)
        tiny_add_tgt(c, generate ? "I" : "cat chases mouse");
    Error err = {0};
    if (config_validate(c, &err) || model_init_random(&run.m, c, &err) ||
        batch_build(&run.b, &run.m.cfg, &run.m.vocab, NULL, NULL, &err)) {
        fprintf(stderr, "%s: %s\n", tc->tag, err.msg);
        return -1;
    }
    char path[400];
    snprintf(path, sizeof path, "%s/%s.trace", t->dir->dir, tc->tag);
    RunSpec spec = {tc->mode, {.max_new = 3, .use_cache = tc->use_cache, .sample_seed = 1}};
    Status st = run_trace(&run.m, &run.b, &spec, path, "", NULL, NULL, &err);
    t->layers[k][0] = run.m.cfg.enc_layers;
    t->layers[k][1] = run.m.cfg.dec_layers;
    batch_free(&run.b);
    model_free(&run.m);
    if (st == TF_OK)
        st = trace_reader_open(&t->r[k], path, &err);
    if (st != TF_OK) {
        fprintf(stderr, "%s: %s\n", tc->tag, err.msg);
        return -1;
    }
    return 0;
}

static int setup(void **state)
{
    Traces *t = calloc(1, sizeof *t);
    if (!t || !(t->dir = scratch_open("record_name", NULL)))
        return -1;
    *state = t;
    for (int k = 0; k < N_CASES; k++)
        if (write_case(t, k))
            return -1;
    return 0;
}

static int teardown(void **state)
{
    Traces *t = *state;
    for (int k = 0; k < N_CASES; k++)
        if (t->r[k])
            trace_reader_close(t->r[k]);
    int rc = scratch_close(t->dir);
    free(t);
    return rc;
}

/* ---- every name of every trace ---- */

/* The parts of n, in the order they stand in the name, joined by dots. */
static void join_parts(const char *name, const RecordName *n, char *out, size_t cap)
{
    const NamePart *parts[] = {&n->grad_part, &n->gen_part, &n->stack_part, &n->layer_part, &n->block_part,
                               &n->step_part};
    enum { N = sizeof parts / sizeof parts[0] };
    bool used[N] = {false};
    size_t k = 0;
    out[0] = '\0';
    for (;;) {
        int best = -1;
        for (int i = 0; i < N; i++)
            if (!used[i] && parts[i]->len > 0 && (best < 0 || parts[i]->at < parts[best]->at))
                best = i;
        if (best < 0)
            break;
        used[best] = true;
        k += (size_t)snprintf(out + k, cap - k, "%s%.*s", k ? "." : "", (int)parts[best]->len,
                              name + parts[best]->at);
        if (k >= cap)
            fail_msg("%s: parts too long", name);
    }
}

static bool last_axes(const Record *r, const char *row, const char *col)
{
    return r->ndim >= 2 && r->dim_names[r->ndim - 2] && r->dim_names[r->ndim - 1] &&
           strcmp(r->dim_names[r->ndim - 2], row) == 0 && strcmp(r->dim_names[r->ndim - 1], col) == 0;
}

static void check_name(const Traces *t, int k, uint32_t i)
{
    const TraceReader *r = t->r[k];
    const char *name = trace_reader_name(r, i), *tag = cases[k].tag;
    RecordName n;
    if (!record_name_parse(name, &n))
        fail_msg("%s: %s does not parse", tag, name);
    char joined[256], buf[256];
    join_parts(name, &n, joined, sizeof joined);
    if (strcmp(joined, name) != 0)
        fail_msg("%s: the parts of %s make %s", tag, name, joined);
    if (n.step_part.len == 0)
        fail_msg("%s: %s has no step", tag, name);

    TraceRecord tr;
    Error err = {0};
    if (trace_reader_get(r, i, &tr, &err) != TF_OK)
        fail_msg("%s: %s", tag, err.msg);
    const Record *rec = &tr.rec;
    RecordKind kind = record_kind_of(rec->kind);
    if (kind == RECORD_KIND_UNKNOWN)
        fail_msg("%s: %s has kind '%s', which RECORD_KINDS does not spell", tag, name, rec->kind);
    assert_string_equal(record_kind_name(kind), rec->kind);

    /* attention, as the name says it and as the record does */
    bool attention = !n.grad && record_block_is_attention(n.block);
    if (attention != (rec->q_source != NULL))
        fail_msg("%s: %s: attention by name %d, by its q_source %d", tag, name, attention, rec->q_source != NULL);
    if (record_name_is_attention_weights(name) != (kind == RECORD_KIND_WEIGHTS))
        fail_msg("%s: %s: attention weights by name %d, kind %s", tag, name,
                 record_name_is_attention_weights(name), rec->kind);
    if (record_name_is_attention_step(name, RECORD_STEP_MASK) != (kind == RECORD_KIND_MASK))
        fail_msg("%s: %s: a mask by name %d, kind %s", tag, name,
                 record_name_is_attention_step(name, RECORD_STEP_MASK), rec->kind);
    if (attention) {
        /* the viewer's mask overlay and heads view find these */
        static const char *const want[] = {RECORD_STEP_WEIGHTS, RECORD_STEP_MASK};
        for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
            assert_true(record_name_sibling(name, want[w], buf, sizeof buf));
            if (trace_reader_find(r, buf) < 0)
                fail_msg("%s: %s: its block has no %s (%s)", tag, name, want[w], buf);
        }
        if (record_name_is_attention_step(name, RECORD_STEP_BIAS) && !last_axes(rec, "query", "key"))
            fail_msg("%s: %s is not [query, key]", tag, name);
    } else if (n.block == RECORD_BLOCK_NONE) {
        assert_false(record_name_sibling(name, RECORD_STEP_MASK, buf, sizeof buf));
    }

    /* layers: the same record in every layer of its stack */
    assert_int_equal(record_name_has_layer(name), n.layer >= 0);
    if (n.layer >= 0) {
        int layers = t->layers[k][n.stack == RECORD_STACK_ENC ? 0 : 1];
        assert_true(n.stack == RECORD_STACK_ENC || n.stack == RECORD_STACK_DEC);
        if (n.layer >= layers)
            fail_msg("%s: %s: layer %ld of %d", tag, name, n.layer, layers);
        for (long l = 0; l < layers; l++) {
            if (!record_name_with_layer(name, l, buf, sizeof buf) || trace_reader_find(r, buf) < 0)
                fail_msg("%s: %s in layer %ld: no %s", tag, name, l, buf);
            assert_true(record_name_same_but_layer(name, buf));
        }
    } else {
        assert_false(record_name_with_layer(name, 0, buf, sizeof buf));
    }

    /* generation steps */
    const char *fam = record_name_gen_family(name);
    assert_int_equal(fam != NULL, n.gen_step >= 0);
    if (fam) {
        snprintf(buf, sizeof buf, "gen.%ld.%s", n.gen_step, fam);
        assert_string_equal(buf, name);
        assert_int_equal(cases[k].mode, RUN_GENERATE);
    }

    /* the residual stream, as the norms plot reads it */
    if (record_name_is_stream(name)) {
        if (kind != RECORD_KIND_ACTIVATION || !last_axes(rec, "token", "model") || n.grad || n.gen_step >= 0)
            fail_msg("%s: %s is no residual stream record (kind %s)", tag, name, rec->kind);
    }
    trace_record_release(&tr);
}

static void test_every_name_of_every_trace(void **state)
{
    Traces *t = *state;
    for (int k = 0; k < N_CASES; k++) {
        uint32_t count = trace_reader_count(t->r[k]);
        assert_true(count > 0);
        for (uint32_t i = 0; i < count; i++)
            check_name(t, k, i);
    }
}

/* Each configuration has the records the viewer and the plots look for. */
static void test_each_trace_has_its_landmarks(void **state)
{
    Traces *t = *state;
    for (int k = 0; k < N_CASES; k++) {
        int streams = 0, weights = 0, masks = 0, gen = 0, grads = 0;
        for (uint32_t i = 0; i < trace_reader_count(t->r[k]); i++) {
            const char *name = trace_reader_name(t->r[k], i);
            RecordName n;
            record_name_parse(name, &n);
            streams += record_name_is_stream(name);
            weights += record_name_is_attention_weights(name);
            masks += record_name_is_attention_step(name, RECORD_STEP_MASK);
            gen += n.gen_step >= 0;
            grads += n.grad;
        }
        const TraceCase *tc = &cases[k];
        /* encoder: input, 4 per layer, norm; decoder: input, 6 (4 decoder-only) per layer, norm */
        int enc = t->layers[k][0], dec = t->layers[k][1];
        int want_streams = (enc ? 2 + 4 * enc : 0) + 2 + (tc->arch == ARCH_ENCODER_DECODER ? 6 : 4) * dec;
        int blocks = enc + dec * (tc->arch == ARCH_ENCODER_DECODER ? 2 : 1);
        if (tc->mode == RUN_GENERATE) {
            want_streams = enc ? 2 + 4 * enc : 0;  /* the decoder's are a step's each */
            blocks = enc;
        }
        if (streams != want_streams || weights < blocks || masks != weights)
            fail_msg("%s: %d stream records (want %d), %d weights, %d masks (want %d each)", tc->tag, streams,
                     want_streams, weights, masks, blocks);
        assert_int_equal(gen > 0, tc->mode == RUN_GENERATE);
        assert_int_equal(grads > 0, tc->mode == RUN_TRAIN_STEP);
    }
}

/* ---- one name of each form ---- */

typedef struct {
    const char *name;
    bool grad;
    long gen_step;
    RecordStack stack;
    long layer;
    RecordBlock block;
    const char *step;
} Expect;

static const Expect expected[] = {
    {"src.tokens", false, -1, RECORD_STACK_SRC, -1, RECORD_BLOCK_NONE, "tokens"},
    {"tgt.tokens", false, -1, RECORD_STACK_TGT, -1, RECORD_BLOCK_NONE, "tokens"},
    {"enc.embed", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "embed"},
    {"enc.pos", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "pos"},
    {"enc.rope_angles", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "rope_angles"},
    {"enc.rel_buckets", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "rel_buckets"},
    {"enc.input", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "input"},
    {"enc.1.attn.q", false, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_ATTN, "q"},
    {"enc.0.attn.q_rot", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_ATTN, "q_rot"},
    {"enc.0.attn.bias", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_ATTN, RECORD_STEP_BIAS},
    {"enc.0.attn.mask", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_ATTN, RECORD_STEP_MASK},
    {"enc.1.attn.weights", false, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_ATTN, RECORD_STEP_WEIGHTS},
    {"enc.0.resid_mid", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_NONE, "resid_mid"},
    {"enc.0.ln1", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_NONE, "ln1"},
    {"enc.1.ffn.hidden", false, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_FFN, "hidden"},
    {"enc.1.resid_post", false, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_NONE, "resid_post"},
    {"enc.norm", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "norm"},
    {"enc.memory", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "memory"},
    {"dec.0.self_attn.weights", false, -1, RECORD_STACK_DEC, 0, RECORD_BLOCK_SELF_ATTN, RECORD_STEP_WEIGHTS},
    {"dec.1.self_attn.mask", false, -1, RECORD_STACK_DEC, 1, RECORD_BLOCK_SELF_ATTN, RECORD_STEP_MASK},
    {"dec.1.cross_attn.weights", false, -1, RECORD_STACK_DEC, 1, RECORD_BLOCK_CROSS_ATTN, RECORD_STEP_WEIGHTS},
    {"dec.0.resid_self", false, -1, RECORD_STACK_DEC, 0, RECORD_BLOCK_NONE, "resid_self"},
    {"dec.0.resid_cross", false, -1, RECORD_STACK_DEC, 0, RECORD_BLOCK_NONE, "resid_cross"},
    {"dec.1.ln3", false, -1, RECORD_STACK_DEC, 1, RECORD_BLOCK_NONE, "ln3"},
    {"dec.2.ffn.out", false, -1, RECORD_STACK_DEC, 2, RECORD_BLOCK_FFN, "out"},
    {"dec.pos", false, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "pos"},
    {"dec.rope_angles", false, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "rope_angles"},
    {"dec.rel_buckets", false, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "rel_buckets"},
    {"dec.probs", false, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "probs"},
    {"dec.predicted", false, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "predicted"},
    {"loss", false, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "loss"},
    {"gen.0.tgt.tokens", false, 0, RECORD_STACK_TGT, -1, RECORD_BLOCK_NONE, "tokens"},
    {"gen.1.dec.0.self_attn.weights", false, 1, RECORD_STACK_DEC, 0, RECORD_BLOCK_SELF_ATTN, RECORD_STEP_WEIGHTS},
    {"gen.2.dec.1.cross_attn.mask", false, 2, RECORD_STACK_DEC, 1, RECORD_BLOCK_CROSS_ATTN, RECORD_STEP_MASK},
    {"gen.1.dec.logits", false, 1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "logits"},
    {"gen.1.token", false, 1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "token"},
    {"gen.tokens", false, -1, RECORD_STACK_GEN, -1, RECORD_BLOCK_NONE, "tokens"},
    {"gen.work", false, -1, RECORD_STACK_GEN, -1, RECORD_BLOCK_NONE, "work"},
    {"grad.enc.1.input", true, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_NONE, "input"},
    {"grad.dec.output", true, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "output"},
    {"grad.norms.enc", true, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "norms"},
    {"grad.norms.dec", true, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "norms"},
    {"grad.encoder.layers.1.self_attn.in_proj_weight", true, -1, RECORD_STACK_ENC, 1, RECORD_BLOCK_NONE,
     "self_attn.in_proj_weight"},
    {"grad.decoder.layers.0.multihead_attn.out_proj.bias", true, -1, RECORD_STACK_DEC, 0, RECORD_BLOCK_NONE,
     "multihead_attn.out_proj.bias"},
    {"grad.decoder.norm.weight", true, -1, RECORD_STACK_DEC, -1, RECORD_BLOCK_NONE, "norm.weight"},
    {"grad.src_pos_embedding.weight", true, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "src_pos_embedding.weight"},
    {"grad.generator.bias", true, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "generator.bias"},
};

static void expect_parse(const Expect *e)
{
    RecordName n;
    assert_true(record_name_parse(e->name, &n));
    if (n.grad != e->grad || n.gen_step != e->gen_step || n.stack != e->stack || n.layer != e->layer ||
        n.block != e->block || !record_name_step_is(e->name, &n, e->step))
        fail_msg("%s: grad %d gen %ld stack %d layer %ld block %d step %.*s; want %d %ld %d %ld %d %s", e->name,
                 n.grad, n.gen_step, (int)n.stack, n.layer, (int)n.block, (int)n.step_part.len,
                 e->name + n.step_part.at, e->grad, e->gen_step, (int)e->stack, e->layer, (int)e->block, e->step);
}

static void test_expected_parses(void **state)
{
    Traces *t = *state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        expect_parse(&expected[i]);
        bool found = false;
        for (int k = 0; k < N_CASES && !found; k++)
            found = trace_reader_find(t->r[k], expected[i].name) >= 0;
        if (!found)
            fail_msg("no trace has %s: was it renamed? (trace/record_name.h reads names)", expected[i].name);
    }
}

/* ---- the rules, on names no engine writes ---- */

static void test_layer_rule(void **state)
{
    (void)state;
    char buf[64];
    /* a generation step's number is no layer; a layer's number is */
    assert_false(record_name_has_layer("gen.3.token"));
    assert_false(record_name_has_layer("gen.3.dec.embed"));
    assert_true(record_name_has_layer("gen.3.dec.1.ln1"));
    assert_true(record_name_with_layer("gen.3.dec.1.ln1", 0, buf, sizeof buf));
    assert_string_equal(buf, "gen.3.dec.0.ln1");
    assert_true(record_name_with_layer("grad.encoder.layers.0.linear1.weight", 12, buf, sizeof buf));
    assert_string_equal(buf, "grad.encoder.layers.12.linear1.weight");
    assert_false(record_name_has_layer("grad.norms.enc"));
    assert_false(record_name_has_layer("grad.encoder.norm.weight"));
    assert_false(record_name_with_layer("enc.0.ffn.out", -1, buf, sizeof buf));
    assert_false(record_name_with_layer("enc.0.ffn.out", 1, buf, 8));  /* does not fit */
    /* masks of the same kind of block, layer apart */
    assert_true(record_name_same_but_layer("dec.0.self_attn.mask", "dec.11.self_attn.mask"));
    assert_false(record_name_same_but_layer("dec.0.self_attn.mask", "dec.0.cross_attn.mask"));
    assert_false(record_name_same_but_layer("enc.0.attn.mask", "dec.0.self_attn.mask"));
    assert_false(record_name_same_but_layer("enc.0.attn.mask", "enc.pos"));
    assert_true(record_name_same_but_layer("enc.pos", "enc.pos"));
}

static void test_siblings(void **state)
{
    (void)state;
    char buf[64];
    assert_true(record_name_sibling("gen.4.dec.1.cross_attn.q", RECORD_STEP_MASK, buf, sizeof buf));
    assert_string_equal(buf, "gen.4.dec.1.cross_attn.mask");
    assert_true(record_name_sibling("enc.0.ffn.hidden", "out", buf, sizeof buf));
    assert_string_equal(buf, "enc.0.ffn.out");
    assert_false(record_name_sibling("enc.0.resid_mid", RECORD_STEP_MASK, buf, sizeof buf));
    assert_false(record_name_sibling("grad.encoder.layers.0.self_attn.in_proj_weight", RECORD_STEP_MASK, buf,
                                     sizeof buf));
    assert_false(record_name_is_attention_weights("grad.enc.0.attn.weights"));  /* a gradient, if ever */
    assert_false(record_name_is_attention_weights("dec.probs"));
    assert_false(record_name_is_attention_weights("weights"));
}

/* Names from elsewhere parse as a bare step; odd numbers are not layers. */
static void test_other_names(void **state)
{
    (void)state;
    static const Expect odd[] = {
        {"weird.name", false, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "weird.name"},
        {"enc.", false, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "enc."},
        {"gen.3", false, -1, RECORD_STACK_GEN, -1, RECORD_BLOCK_NONE, "3"},
        {"gen.x.token", false, -1, RECORD_STACK_GEN, -1, RECORD_BLOCK_NONE, "x.token"},
        {"grad.", false, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "grad."},
        {"enc.1", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "1"},
        {"enc.1234567890.attn.q", false, -1, RECORD_STACK_ENC, -1, RECORD_BLOCK_NONE, "1234567890.attn.q"},
        {"enc.0.attn", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_NONE, "attn"},
        {"enc.0.attention.q", false, -1, RECORD_STACK_ENC, 0, RECORD_BLOCK_NONE, "attention.q"},
        {"encoder.layers.0.x", false, -1, RECORD_STACK_NONE, -1, RECORD_BLOCK_NONE, "encoder.layers.0.x"},
        {"grad.gen.2.dec.0.ln1", true, 2, RECORD_STACK_DEC, 0, RECORD_BLOCK_NONE, "ln1"},
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        expect_parse(&odd[i]);
    RecordName n;
    assert_false(record_name_parse("", &n));
    assert_null(record_name_gen_family("gen.tokens"));
    assert_string_equal(record_name_gen_family("gen.12.dec.0.ffn.out"), "dec.0.ffn.out");
    assert_false(record_name_is_stream("gen.1.dec.0.resid_post"));
    assert_false(record_name_is_stream("enc.0.ln"));
    assert_false(record_name_is_stream("enc.0.ln1x"));
    assert_false(record_name_is_stream("enc.embed"));
}

/* A training trace: train.S. is a snapshot after S updates, never a layer
 * or a generation step; the curves (train.loss) have no number. */
static void test_training_names(void **state)
{
    (void)state;
    RecordName n;
    assert_true(record_name_parse("train.50.dec.1.cross_attn.weights", &n));
    assert_int_equal(n.train_step, 50);
    assert_int_equal(n.gen_step, -1);
    assert_int_equal(n.stack, RECORD_STACK_DEC);
    assert_int_equal(n.layer, 1);
    assert_int_equal(n.block, RECORD_BLOCK_CROSS_ATTN);
    assert_int_equal(n.train_part.len, 8);
    assert_true(record_name_is_attention_weights("train.0.enc.0.attn.weights"));
    assert_string_equal(record_name_train_family("train.300.dec.probs"), "dec.probs");
    assert_null(record_name_train_family("train.loss"));
    assert_null(record_name_train_family("gen.3.dec.probs"));
    assert_null(record_name_gen_family("train.3.dec.probs"));
    assert_true(record_name_parse("train.loss", &n));
    assert_int_equal(n.train_step, -1);
    assert_int_equal(n.stack, RECORD_STACK_NONE);
    assert_true(record_name_parse("grad.train.3.dec.probs", &n));
    assert_int_equal(n.train_step, -1);  /* train.S. leads a name or is not one */
    assert_false(record_name_is_stream("train.5.dec.0.resid_post"));
}

static void test_kinds(void **state)
{
    (void)state;
    for (int k = 1; k < RECORD_KIND_COUNT; k++) {
        const char *s = record_kind_name((RecordKind)k);
        assert_true(s[0] != '\0');
        assert_int_equal(record_kind_of(s), k);
    }
    assert_int_equal(record_kind_of(NULL), RECORD_KIND_UNKNOWN);
    assert_int_equal(record_kind_of(""), RECORD_KIND_UNKNOWN);
    assert_int_equal(record_kind_of("Weights"), RECORD_KIND_UNKNOWN);
    assert_string_equal(record_kind_name(RECORD_KIND_UNKNOWN), "");
    assert_string_equal(record_kind_name(RECORD_KIND_COUNT), "");
    assert_true(record_kind_is_distribution(RECORD_KIND_WEIGHTS));
    assert_true(record_kind_is_distribution(RECORD_KIND_PROBS));
    assert_false(record_kind_is_distribution(RECORD_KIND_SCORES));
    assert_true(record_kind_is_whole(RECORD_KIND_TOKENS));
    assert_true(record_kind_is_whole(RECORD_KIND_MASK));
    assert_false(record_kind_is_whole(RECORD_KIND_UNKNOWN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_rule),
        cmocka_unit_test(test_siblings),
        cmocka_unit_test(test_other_names),
        cmocka_unit_test(test_training_names),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_every_name_of_every_trace),
        cmocka_unit_test(test_each_trace_has_its_landmarks),
        cmocka_unit_test(test_expected_parses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

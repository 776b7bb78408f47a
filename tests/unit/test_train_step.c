/* test_train_step.c — the records of `traceformer run --train-step`
 * (train/grad_records.h): names and shapes from the tables, every record
 * holding what model_backward computed (checked against central finite
 * differences of the loss, through the records), the per-layer norms
 * against a recomputation from the records, the steps outline of the
 * viewer and the norms figure's data. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "plot/plot_data.h"
#include "trace/trace.h"
#include "train/backprop.h"
#include "train/grad_records.h"
#include "view/tree.h"

/* One traced training step: model, batch, forward, backward, records. */
typedef struct {
    Config cfg;
    Model m;
    Batch b;
    Activations a;
    Grads g;
    GradRecords gr;
    float loss;
} Step;

/* A batch of two sentences of different lengths, so that <PAD> is in play. */
static void two_sentences(Config *c)
{
    if (c->arch == ARCH_DECODER_ONLY) {
        tiny_add_src(c, "我 爱 AI 猫");
        tiny_add_src(c, "猫 追");
    } else {
        tiny_add_src(c, "猫 追 老鼠");
        tiny_add_tgt(c, "cat chases mouse");
        tiny_add_src(c, "我 爱");
        tiny_add_tgt(c, "I love AI");
    }
}

static void step_forward(Step *s)
{
    model_forward(&s->m, &s->b, &s->a);
}

static void step_start(Step *s)
{
    Error err = {0};
    if (config_validate(&s->cfg, &err) != TF_OK)
        fail_msg("config: %s", err.msg);
    assert_int_equal(model_init_random(&s->m, &s->cfg, &err), TF_OK);
    if (batch_build(&s->b, &s->m.cfg, &s->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("batch_build: %s", err.msg);
    assert_int_equal(activations_init(&s->a, &s->m, &s->b, &err), TF_OK);
    step_forward(s);
    if (backprop_grads_alloc(&s->g, &s->m, s->b.B, s->b.Ts, s->b.Tt, &err) != TF_OK)
        fail_msg("backprop_grads_alloc: %s", err.msg);
    if (model_backward(&s->m, &s->b, &s->a, 0.0f, &s->g, &s->loss, &err) != TF_OK)
        fail_msg("model_backward: %s", err.msg);
    if (grad_records_build(&s->gr, &s->m, &s->a, &s->g, 1000, &err) != TF_OK)
        fail_msg("grad_records_build: %s", err.msg);
}

/* A fresh step of the tiny config (width 8, 2 heads), before step_start. */
static void step_new(Step *s)
{
    memset(s, 0, sizeof *s);
    tiny_config(&s->cfg, 8, 2, 12);
}

/* The tiny encoder-decoder over two_sentences, one step taken. */
static void step_two_sentences(Step *s)
{
    step_new(s);
    two_sentences(&s->cfg);
    step_start(s);
}

static void step_end(Step *s)
{
    grad_records_free(&s->gr);
    backprop_grads_free(&s->g);
    activations_free(&s->a);
    batch_free(&s->b);
    model_free(&s->m);
}

static const Record *find_rec(const Step *s, const char *name)
{
    for (int i = 0; i < s->gr.n; i++)
        if (strcmp(s->gr.recs[i].name, name) == 0)
            return &s->gr.recs[i];
    return NULL;
}

static const Record *need_rec(const Step *s, const char *name)
{
    const Record *r = find_rec(s, name);
    if (!r)
        fail_msg("no record named %s", name);
    return r;
}

static double sumsq(const float *x, size_t n)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (double)x[i] * (double)x[i];
    return ss;
}

static float forward_loss(Step *s)
{
    step_forward(s);
    int i = activations_find(&s->a, "loss");
    if (i < 0)
        fail_msg("no loss slot");
    return s->a.arena[s->a.slots[i].offset];
}

/* ---- the tables ---- */

/* Every parameter of every kind of model has a kind in GRAD_PARAM_KINDS,
 * and a record of its own shape that points at its gradient. */
static void test_every_parameter_is_described(void **state)
{
    (void)state;
    static const struct {
        Architecture arch;
        PositionKind pos;
        NormPlacement norm;
    } kinds[] = {
        {ARCH_ENCODER_DECODER, POS_SINUSOIDAL, NORM_POST}, {ARCH_ENCODER_DECODER, POS_LEARNED, NORM_PRE},
        {ARCH_ENCODER_DECODER, POS_RELATIVE, NORM_POST},   {ARCH_ENCODER_DECODER, POS_ROPE, NORM_POST},
        {ARCH_DECODER_ONLY, POS_SINUSOIDAL, NORM_POST},    {ARCH_DECODER_ONLY, POS_LEARNED, NORM_PRE},
        {ARCH_DECODER_ONLY, POS_RELATIVE, NORM_PRE},       {ARCH_DECODER_ONLY, POS_NONE, NORM_POST},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        Step s;
        step_new(&s);
        s.cfg.arch = kinds[k].arch;
        s.cfg.positions = kinds[k].pos;
        s.cfg.norm = kinds[k].norm;
        if (s.cfg.arch == ARCH_DECODER_ONLY)
            s.cfg.enc_layers = 0;
        two_sentences(&s.cfg);
        step_start(&s);
        WeightEntry *e;
        int ne = weights_entries(&s.m.cfg, s.m.vocab.size, &s.g.w, &e);
        assert_true(ne > 0);
        assert_int_equal(s.gr.n_weights, ne);
        const int enc = s.m.cfg.enc_layers, dec = s.m.cfg.dec_layers;
        assert_int_equal(s.gr.n, (enc ? enc + 1 : 0) + dec + 1 + ne + (enc ? 1 : 0) + 1);
        for (int i = 0; i < ne; i++) {
            if (grad_param_kind(e[i].name) < 0)
                fail_msg("%s has no kind in GRAD_PARAM_KINDS", e[i].name);
            char name[128];
            snprintf(name, sizeof name, "grad.%s", e[i].name);
            const Record *r = need_rec(&s, name);
            assert_int_equal(r->ndim, e[i].cols ? 2 : 1);
            assert_int_equal(r->dims[0], (uint32_t)e[i].rows);
            if (e[i].cols)
                assert_int_equal(r->dims[1], (uint32_t)e[i].cols);
            assert_ptr_equal(r->data, *e[i].slot);  /* what model_backward wrote */
            assert_string_equal(r->kind, "grad");
            assert_non_null(r->dim_names[0]);
            assert_true(r->formula[0] && r->description[0]);
            /* (out, in) for every Linear; words on the vocabulary's rows */
            if (strstr(name, "linear1.weight")) {
                assert_string_equal(r->dim_names[0], "out");
                assert_string_equal(r->dim_names[1], "in");
                assert_int_equal(r->dims[0], (uint32_t)s.m.cfg.d_ff);
            }
            if (strcmp(name, "grad.generator.weight") == 0 || strcmp(name, "grad.tgt_embedding.weight") == 0) {
                assert_string_equal(r->dim_names[0], "vocab");
                assert_non_null(r->row_labels);
                assert_string_equal(r->row_labels[4], s.m.vocab.tokens[4]);
            }
            if (strcmp(name, "grad.generator.bias") == 0) {
                assert_null(r->row_labels);
                assert_non_null(r->col_labels);
            }
        }
        /* names unique, numbered on from first_exec */
        for (int i = 0; i < s.gr.n; i++) {
            assert_int_equal(s.gr.recs[i].exec_index, 1000u + (uint32_t)i);
            for (int j = i + 1; j < s.gr.n; j++)
                assert_string_not_equal(s.gr.recs[i].name, s.gr.recs[j].name);
        }
        free(e);
        step_end(&s);
    }
}

/* Order and shapes of the stream and norms records of an encoder-decoder
 * batch; the stream gradient and the loss are model_backward's. */
static void test_stream_records(void **state)
{
    (void)state;
    Step s;
    step_two_sentences(&s);
    const int B = s.b.B, Ts = s.b.Ts, Tt = s.b.Tt, d = s.m.cfg.d_model;
    static const char *const first[] = {"grad.enc.0.input", "grad.enc.1.input", "grad.enc.output",
                                        "grad.dec.0.input", "grad.dec.1.input", "grad.dec.output"};
    for (int i = 0; i < 6; i++)
        assert_string_equal(s.gr.recs[i].name, first[i]);
    assert_string_equal(s.gr.recs[s.gr.n - 2].name, "grad.norms.enc");
    assert_string_equal(s.gr.recs[s.gr.n - 1].name, "grad.norms.dec");
    /* the model's order: the encoder's weights, then the decoder's, the generator last */
    assert_string_equal(s.gr.recs[6].name, "grad.src_embedding.weight");
    assert_string_equal(s.gr.recs[7].name, "grad.encoder.layers.0.self_attn.in_proj_weight");
    assert_string_equal(s.gr.recs[s.gr.n - 3].name, "grad.generator.bias");

    const Record *r = need_rec(&s, "grad.enc.1.input");
    assert_int_equal(r->ndim, 3);
    assert_string_equal(r->dim_names[0], "batch");
    assert_string_equal(r->dim_names[1], "token");
    assert_string_equal(r->dim_names[2], "model");
    assert_int_equal(r->dims[0], (uint32_t)B);
    assert_int_equal(r->dims[1], (uint32_t)Ts);
    assert_int_equal(r->dims[2], (uint32_t)d);
    assert_ptr_equal(r->data, s.g.enc_stream + (size_t)B * Ts * d);
    assert_string_equal(r->row_labels[0], "猫");         /* sentence 0's tokens, */
    assert_string_equal(r->row_labels[Ts + 2], "<PAD>");  /* then sentence 1's */
    r = need_rec(&s, "grad.dec.output");
    assert_int_equal(r->dims[1], (uint32_t)Tt);
    assert_ptr_equal(r->data, s.g.dec_stream + (size_t)2 * B * Tt * d);
    assert_string_equal(r->row_labels[0], "<START>");
    /* no loss reaches a <PAD> position */
    const float *pad = need_rec(&s, "grad.enc.0.input")->data + ((size_t)Ts + 2) * d;
    assert_true(sumsq(pad, (size_t)d) == 0.0);

    int li = activations_find(&s.a, "loss");
    assert_true(li >= 0);
    assert_float_equal(s.loss, s.a.arena[s.a.slots[li].offset], 1e-5);

    /* Layer 0 reads embed·sqrt(d) + pos: a word's embedding gradient is
     * sqrt(d) times the sum of grad.enc.0.input over the positions that
     * hold it, sentence by sentence. */
    const Record *emb = need_rec(&s, "grad.src_embedding.weight");
    const Record *in0 = need_rec(&s, "grad.enc.0.input");
    double worst = 0, scale = 0;
    for (int tok = 0; tok < s.m.vocab.size; tok++)
        for (int j = 0; j < d; j++) {
            double want = 0;
            for (int p = 0; p < B * Ts; p++)
                if (s.b.src[p] == tok)
                    want += sqrt((double)d) * in0->data[(size_t)p * d + j];
            double got = emb->data[(size_t)tok * d + j];
            worst = fmax(worst, fabs(got - want));
            scale = fmax(scale, fabs(want));
        }
    if (worst > 1e-5 * (1 + scale))
        fail_msg("grad.src_embedding.weight differs from sqrt(d) * grad.enc.0.input by %g (scale %g)", worst, scale);
    step_end(&s);
}

/* grad.norms.<stack> recomputed from the other records, by their names. */
static void check_norms(const Step *s, const char *stack, const char *params, int layers)
{
    char name[128];
    snprintf(name, sizeof name, "grad.norms.%s", stack);
    const Record *n = need_rec(s, name);
    assert_int_equal(n->ndim, 2);
    assert_int_equal(n->dims[0], (uint32_t)layers);
    assert_int_equal(n->dims[1], GRAD_NORM_COUNT);
    assert_string_equal(n->dim_names[0], "layer");
    assert_string_equal(n->col_labels[GRAD_NORM_INPUT], "input");
    assert_string_equal(n->col_labels[GRAD_NORM_OUTPUT], "output");
    assert_string_equal(n->col_labels[GRAD_NORM_WEIGHTS], "weights");
    assert_string_equal(n->row_labels[0], "layer 0");
    for (int l = 0; l < layers; l++) {
        double want[GRAD_NORM_COUNT] = {0};
        for (int side = 0; side < 2; side++) {
            if (l + side < layers)
                snprintf(name, sizeof name, "grad.%s.%d.input", stack, l + side);
            else
                snprintf(name, sizeof name, "grad.%s.output", stack);
            want[side ? GRAD_NORM_OUTPUT : GRAD_NORM_INPUT] = sqrt(sumsq(need_rec(s, name)->data, record_numel(need_rec(s, name))));
        }
        char prefix[64];
        snprintf(prefix, sizeof prefix, "grad.%s.layers.%d.", params, l);
        int count = 0;
        for (int i = 0; i < s->gr.n; i++)
            if (strncmp(s->gr.recs[i].name, prefix, strlen(prefix)) == 0) {
                want[GRAD_NORM_WEIGHTS] += sumsq(s->gr.recs[i].data, record_numel(&s->gr.recs[i]));
                count++;
            }
        assert_true(count >= 12);
        want[GRAD_NORM_WEIGHTS] = sqrt(want[GRAD_NORM_WEIGHTS]);
        for (int c = 0; c < GRAD_NORM_COUNT; c++) {
            double got = n->data[l * GRAD_NORM_COUNT + c];
            if (fabs(got - want[c]) > 1e-5 * (1 + want[c]))
                fail_msg("%s layer %d column %s: %g, recomputed %g", n->name, l, n->col_labels[c], got, want[c]);
        }
        assert_true(want[GRAD_NORM_WEIGHTS] > 0);
    }
}

static void test_norms_match_the_records(void **state)
{
    (void)state;
    Step s;
    step_two_sentences(&s);
    check_norms(&s, "enc", "encoder", 2);
    check_norms(&s, "dec", "decoder", 2);
    step_end(&s);

    step_new(&s);
    s.cfg.arch = ARCH_DECODER_ONLY;
    s.cfg.enc_layers = 0;
    s.cfg.dec_layers = 3;
    s.cfg.norm = NORM_PRE;
    two_sentences(&s.cfg);
    step_start(&s);
    assert_null(find_rec(&s, "grad.norms.enc"));
    assert_null(find_rec(&s, "grad.enc.output"));
    assert_null(find_rec(&s, "grad.src_embedding.weight"));
    check_norms(&s, "dec", "decoder", 3);
    step_end(&s);
}

/* ---- the records hold the gradient of the loss ---- */

/* For every grad.<key> record: its largest entry and two others against
 * central differences of the forward's loss record, perturbing that entry
 * of the model's weight named key. Prints the worst relative error. */
static void check_finite_differences(Step *s, const char *what)
{
    WeightEntry *e;
    int ne = weights_entries(&s->m.cfg, s->m.vocab.size, &s->m.w, &e);
    assert_true(ne > 0);
    const float eps = 4e-3f;
    double worst = 0;
    const char *worst_name = "";
    int checked = 0;
    for (int i = 0; i < ne; i++) {
        char name[128];
        snprintf(name, sizeof name, "grad.%s", e[i].name);
        const Record *r = need_rec(s, name);
        size_t n = record_numel(r);
        size_t pick[3] = {0, (size_t)(i * 7919 + 13) % n, (size_t)(i * 104729 + 5) % n};
        for (size_t k = 1; k < n; k++)
            if (fabsf(r->data[k]) > fabsf(r->data[pick[0]]))
                pick[0] = k;
        for (int p = 0; p < 3; p++) {
            float *w = *e[i].slot + pick[p];
            const float keep = *w;
            *w = keep + eps;
            double up = forward_loss(s);
            *w = keep - eps;
            double down = forward_loss(s);
            *w = keep;
            double fd = (up - down) / (2.0 * (double)eps);
            double an = r->data[pick[p]];
            double err = fabs(fd - an);
            if (err > 2e-3 + 3e-2 * fabs(an))
                fail_msg("%s: %s[%zu] = %g, but the loss changes at %g (finite difference)", what, name, pick[p], an, fd);
            if (fabs(an) > 1e-2 && err / fabs(an) > worst) {
                worst = err / fabs(an);
                worst_name = r->name;
            }
            checked++;
        }
    }
    forward_loss(s);
    printf("  %s: %d gradient entries against central differences, worst relative error %.2g (%s)\n", what,
           checked, worst, worst_name);
    free(e);
}

static void test_records_are_the_gradient_of_the_loss(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        Architecture arch;
        PositionKind pos;
        NormPlacement norm;
        bool residual;
    } cases[] = {
        {"encoder-decoder, post-LN", ARCH_ENCODER_DECODER, POS_SINUSOIDAL, NORM_POST, true},
        {"encoder-decoder, pre-LN, relative, no residuals", ARCH_ENCODER_DECODER, POS_RELATIVE, NORM_PRE, false},
        {"decoder-only, rope", ARCH_DECODER_ONLY, POS_ROPE, NORM_POST, true},
        {"decoder-only, learned, no residuals", ARCH_DECODER_ONLY, POS_LEARNED, NORM_POST, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Step s;
        step_new(&s);
        s.cfg.arch = cases[k].arch;
        if (s.cfg.arch == ARCH_DECODER_ONLY)
            s.cfg.enc_layers = 0;
        s.cfg.positions = cases[k].pos;
        s.cfg.norm = cases[k].norm;
        s.cfg.residual = cases[k].residual;
        two_sentences(&s.cfg);
        step_start(&s);
        check_finite_differences(&s, cases[k].what);
        step_end(&s);
    }
}

/* ---- readers: the viewer's outline, the norms figure ---- */

typedef struct {
    const char **names;
} NameList;

static const char *list_name(const void *ctx, uint32_t i)
{
    return ((const NameList *)ctx)->names[i];
}

/* The outline of the viewer groups grad.* as grad → stack → layer → block. */
static void test_outline_groups_gradients(void **state)
{
    (void)state;
    Step s;
    step_two_sentences(&s);
    uint32_t n = (uint32_t)(s.a.n_slots + s.gr.n);
    NameList l = {calloc(n, sizeof *l.names)};
    assert_non_null(l.names);
    for (int i = 0; i < s.a.n_slots; i++)
        l.names[i] = s.a.slots[i].name;
    for (int i = 0; i < s.gr.n; i++)
        l.names[s.a.n_slots + i] = s.gr.recs[i].name;
    StepTree t;
    Error err;
    assert_int_equal(tree_build(&t, n, list_name, &l, &err), TF_OK);
    static const struct {
        const char *record;
        const char *path[7];  /* labels from the leaf up */
    } want[] = {
        {"grad.enc.0.input", {"layer 0 input", "enc", "grad"}},
        {"grad.dec.output", {"output", "dec", "grad"}},
        {"grad.encoder.layers.1.linear1.weight", {"weight", "linear1", "layer 1", "layers", "encoder", "grad"}},
        {"grad.decoder.layers.0.multihead_attn.in_proj_weight",
         {"in_proj_weight", "multihead_attn", "layer 0", "layers", "decoder", "grad"}},
        {"grad.src_embedding.weight", {"src_embedding.weight", "grad"}},
        {"grad.norms.dec", {"dec", "norms", "grad"}},
        {"enc.1.attn.weights", {"weights", "attn", "layer 1", "enc"}},
    };
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        uint32_t rec = n;
        for (uint32_t i = 0; i < n; i++)
            if (strcmp(l.names[i], want[w].record) == 0)
                rec = i;
        assert_true(rec < n);
        uint32_t k = t.rec_node[rec];
        int depth = 0;
        for (; want[w].path[depth]; depth++) {
            if (k == TREE_NONE)
                fail_msg("%s: the outline ends above '%s'", want[w].record, want[w].path[depth]);
            char label[128];
            tree_label(&t, k, list_name, &l, label, sizeof label);
            if (strcmp(label, want[w].path[depth]) != 0)
                fail_msg("%s: '%s' where '%s' was expected", want[w].record, label, want[w].path[depth]);
            k = t.nodes[k].parent;
        }
        assert_int_equal(k, TREE_NONE);
    }
    tree_free(&t);
    free(l.names);
    step_end(&s);
}

/* A trace with the step's records: the norms figure's data takes its
 * gradient block from grad.norms.*, one line per layer. */
static void test_norms_figure_data(void **state)
{
    Scratch *sc = *state;
    Step s;
    step_two_sentences(&s);
    Error err;
    TraceWriter *w;
    assert_int_equal(trace_writer_open(&w, sc->path, "", &err), TF_OK);
    uint32_t exec = 0;
    for (int i = 0; i < s.a.n_slots; i++) {
        Record rec;
        activations_record(&s.a, i, &rec);
        rec.exec_index = exec++;
        assert_int_equal(trace_writer_add(w, &rec, &err), TF_OK);
    }
    for (int i = 0; i < s.gr.n; i++) {
        Record rec = s.gr.recs[i];
        rec.exec_index = exec++;
        if (trace_writer_add(w, &rec, &err) != TF_OK)
            fail_msg("%s: %s", rec.name, err.msg);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);

    TraceReader *r;
    assert_int_equal(trace_reader_open(&r, sc->path, &err), TF_OK);
    assert_true(trace_reader_find(r, "grad.norms.enc") >= 0 && trace_reader_find(r, "grad.norms.dec") >= 0);
    char dat[400];
    snprintf(dat, sizeof dat, "%s/norms.dat", sc->dir);
    FILE *f = fopen(dat, "w");
    assert_non_null(f);
    assert_int_equal(plot_write_norms(f, r, 1, &err), TF_OK);
    fclose(f);
    char *text = (char *)scratch_read(dat, NULL);
    assert_non_null(strstr(text, "# gradients: layers\n"));
    const Record *n = need_rec(&s, "grad.norms.dec");
    char line[200];
    snprintf(line, sizeof line, "\n1 dec dec.1 %.9g %.9g %.9g\n", (double)n->data[GRAD_NORM_COUNT + GRAD_NORM_INPUT],
             (double)n->data[GRAD_NORM_COUNT + GRAD_NORM_OUTPUT], (double)n->data[GRAD_NORM_COUNT + GRAD_NORM_WEIGHTS]);
    if (!strstr(text, line))
        fail_msg("no line '%s' in the norms data:\n%s", line + 1, text);
    assert_non_null(strstr(text, "\n0 enc enc.0 "));
    assert_null(strstr(text, " grad grad."));  /* not one line per gradient record */
    free(text);
    trace_reader_close(r);
    step_end(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_parameter_is_described),
        cmocka_unit_test(test_stream_records),
        cmocka_unit_test(test_norms_match_the_records),
        cmocka_unit_test(test_records_are_the_gradient_of_the_loss),
        cmocka_unit_test(test_outline_groups_gradients),
        cmocka_unit_test_prestate_setup_teardown(test_norms_figure_data, scratch_setup, scratch_teardown,
                                                 "step.trace"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

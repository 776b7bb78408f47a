/* test_view_state.c — the viewer's model, without a terminal: stepping
 * follows execution order, head and layer switching land on the matching
 * record, compare pairs records by name, search completes names, the
 * steps outline groups stack → layer → block, the cursor stays in view,
 * clicks hit the cell under them, a small screen is refused plainly, the
 * cache never holds more than a few records (each checked against the
 * file's checksums as it is read), and the matrix pane uses its
 * space: numbers whenever the page fits with them, big cells for small
 * matrices, every column in compare when it fits.
 *
 * The traces are made by the real engine (the demo's encoder-decoder), so
 * the names and order are the ones a student sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "run/run_labels.h"
#include "run/run_trace.h"
#include "trace/trace.h"
#include "view/keys.h"
#include "view/layout.h"
#include "view/cache.h"
#include "view/state.h"
#include "view/stats.h"

#include "../support/scratch.h"
#include "../support/tiny_model.h"

typedef struct {
    Scratch *dir;
    char a_path[400], b_path[400];
    TraceReader *a, *b;
    ViewState v;
} Fixture;

/* How many of the cache's slots hold a record. */
static int cache_held(const RecordCache *c)
{
    int n = 0;
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++)
        n += c->slot[i].used;
    return n;
}

/* Run the engine on one sentence pair and write every slot to path:
 * d_model d with h heads, src and tgt the sentences. */
static void make_trace_with(const char *path, PositionKind positions, int d, int h, const char *src,
                            const char *tgt)
{
    Config *c = calloc(1, sizeof *c);
    Model *m = calloc(1, sizeof *m);
    Batch b;
    Activations acts;
    Error err = {0};
    assert_non_null(c);
    assert_non_null(m);
    config_defaults(c);
    c->d_model = d;
    c->heads = h;
    c->d_ff = 2 * d;
    c->enc_layers = 2;
    c->dec_layers = 2;
    c->positions = positions;
    snprintf(c->vocab, sizeof c->vocab, "%s", "猫 追 老鼠 cat chases mouse");
    snprintf(c->src[c->n_src++], sizeof c->src[0], "%s", src);
    snprintf(c->tgt[c->n_tgt++], sizeof c->tgt[0], "%s", tgt);
    if (config_validate(c, &err) || model_init_random(m, c, &err) ||
        batch_build(&b, &m->cfg, &m->vocab, NULL, NULL, &err) || activations_init(&acts, m, &b, &err))
        fail_msg("building the demo model: %s", err.msg);
    model_forward(m, &b, &acts);
    RunLabels rl;  /* dec.predicted labelled with its tokens, as run_trace writes it */
    assert_int_equal(run_labels_attach(&rl, &acts, &err), TF_OK);
    TraceWriter *w;
    assert_int_equal(trace_writer_open(&w, path, "", &err), TF_OK);
    for (int i = 0; i < acts.n_slots; i++) {
        Record rec;
        activations_record(&acts, i, &rec);
        if (trace_writer_add(w, &rec, &err))
            fail_msg("writing %s: %s", path, err.msg);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
    run_labels_free(&rl);
    activations_free(&acts);
    batch_free(&b);
    model_free(m);
    free(m);
    free(c);
}

/* Two traces of one model and input, A with sinusoidal positions and B
 * without, and the viewer on A with B to compare; tag names the files. */
static int setup_pair(void **state, const char *tag, int d_model, int heads, const char *src, const char *tgt)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = scratch_open(tag, NULL)))
        return -1;
    snprintf(f->a_path, sizeof f->a_path, "%s/a.trace", f->dir->dir);
    snprintf(f->b_path, sizeof f->b_path, "%s/nopos.trace", f->dir->dir);
    make_trace_with(f->a_path, POS_SINUSOIDAL, d_model, heads, src, tgt);
    make_trace_with(f->b_path, POS_NONE, d_model, heads, src, tgt);
    Error err;
    if (trace_reader_open(&f->a, f->a_path, &err) || trace_reader_open(&f->b, f->b_path, &err))
        return -1;
    ViewConfig cfg = {.a = f->a, .b = f->b, .theme = {true, true}, .lines = 40, .cols = 120};
    if (view_init(&f->v, &cfg, &err)) {
        fprintf(stderr, "view_init: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

/* The demo: three tokens, d_model 16, four heads. */
static int setup(void **state)
{
    return setup_pair(state, "view", 16, 4, "猫 追 老鼠", "<START> cat chases mouse");
}

/* Eight tokens on each side, d_model 8 and two heads: every attention
 * page and the inputs are 8 × 8, a matrix that fits a terminal with
 * numbers. B has no positional encoding. */
static int setup8(void **state)
{
    return setup_pair(state, "view8", 8, 2, "猫 追 老鼠 猫 追 老鼠 猫 追", "<START> cat chases mouse cat chases mouse cat");
}

static int teardown(void **state)
{
    Fixture *f = *state;
    view_free(&f->v);
    trace_reader_close(f->a);
    trace_reader_close(f->b);
    int rc = scratch_close(f->dir);
    free(f);
    return rc;
}

/* One engine run in mode `mode` (the tiny model, one sentence) into path. */
static int write_run(const char *path, RunMode mode)
{
    TinyRun run;
    memset(&run, 0, sizeof run);
    tiny_config(&run.cfg, 8, 2, 12);
    tiny_add_src(&run.cfg, "猫 追 老鼠");
    if (mode != RUN_GENERATE)
        tiny_add_tgt(&run.cfg, "cat chases mouse");
    Error err = {0};
    RunSpec spec = {mode, {.max_new = 3, .use_cache = true, .sample_seed = 1}};
    Status st = config_validate(&run.cfg, &err);
    if (!st)
        st = model_init_random(&run.m, &run.cfg, &err);
    if (!st)
        st = batch_build(&run.b, &run.m.cfg, &run.m.vocab, NULL, NULL, &err);
    if (!st)
        st = run_trace(&run.m, &run.b, &spec, path, "", NULL, NULL, &err);
    batch_free(&run.b);
    model_free(&run.m);
    if (st)
        fprintf(stderr, "%s: %s\n", path, err.msg);
    return st ? -1 : 0;
}

/* The viewer on a generation trace (A); B is a training step's trace, not
 * compared: a test views it on its own with view_on. */
static int setup_runs(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = scratch_open("view_runs", NULL)))
        return -1;
    *state = f;
    snprintf(f->a_path, sizeof f->a_path, "%s/gen.trace", f->dir->dir);
    snprintf(f->b_path, sizeof f->b_path, "%s/grad.trace", f->dir->dir);
    Error err;
    if (write_run(f->a_path, RUN_GENERATE) || write_run(f->b_path, RUN_TRAIN_STEP) ||
        trace_reader_open(&f->a, f->a_path, &err) || trace_reader_open(&f->b, f->b_path, &err))
        return -1;
    ViewConfig cfg = {.a = f->a, .theme = {true, true}, .lines = 40, .cols = 120};
    return view_init(&f->v, &cfg, &err) ? -1 : 0;
}

static void view_on(Fixture *f, TraceReader *r)
{
    view_free(&f->v);
    ViewConfig cfg = {.a = r, .theme = {true, true}, .lines = 40, .cols = 120};
    Error err;
    if (view_init(&f->v, &cfg, &err))
        fail_msg("view_init: %s", err.msg);
}

static const char *cur_name(const ViewState *s)
{
    return view_name(s, s->cur);
}

static void go(ViewState *s, const char *name)
{
    if (!view_jump(s, name))
        fail_msg("no record %s: %s", name, s->msg);
}

/* ---- navigation ---- */

static void test_steps_follow_execution_order(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_int_equal(s->cur, 0);
    assert_string_equal(cur_name(s), "src.tokens");
    for (uint32_t i = 1; i < s->count; i++) {
        view_key(s, 'n');
        assert_int_equal(s->cur, i);
        const CachedRecord *c = view_current(s);
        assert_true(c->ok);
        assert_int_equal(c->tr.rec.exec_index, i);            /* the order the model ran in */
        assert_string_equal(c->tr.rec.name, view_name(s, i)); /* the record on screen is that one */
    }
    view_key(s, 'n');                                        /* the end says so and stays */
    assert_int_equal(s->cur, s->count - 1);
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    assert_non_null(strstr(s->msg, "last step"));
    for (uint32_t i = s->count - 1; i > 0; i--) {
        view_key(s, KEY_LEFT);
        assert_int_equal(s->cur, i - 1);
    }
    view_key(s, 'p');
    assert_int_equal(s->cur, 0);
    assert_non_null(strstr(s->msg, "first step"));
    view_key(s, KEY_END);
    assert_int_equal(s->cur, s->count - 1);
    view_key(s, KEY_HOME);
    assert_int_equal(s->cur, 0);
}

/* The outline reads, top to bottom, as the trace in order; it groups
 * stack → layer → block → record. */
static void test_outline_groups_by_name(void **state)
{
    Fixture *f = *state;
    StepTree *t = &f->v.tree;
    uint32_t next = 0;
    for (uint32_t k = 0; k < t->n_nodes; k++)
        if (!t->nodes[k].group)
            assert_int_equal(t->nodes[k].first, next++);
    assert_int_equal(next, f->v.count);

    long w = trace_reader_find(f->a, "enc.1.attn.weights");
    assert_true(w >= 0);
    uint32_t leaf = t->rec_node[w];
    char label[64];
    const char *want[] = {"weights", "attn", "layer 1", "enc"};
    uint32_t k = leaf;
    for (int depth = 0; depth < 4; depth++) {
        assert_int_not_equal(k, TREE_NONE);
        tree_label(t, k, view_tree_name, f->a, label, sizeof label);
        assert_string_equal(label, want[depth]);
        k = t->nodes[k].parent;
    }
    assert_int_equal(k, TREE_NONE);
    /* a single record is not put in a group of its own */
    uint32_t tok = t->rec_node[trace_reader_find(f->a, "src.tokens")];
    assert_int_equal(t->nodes[tok].parent, TREE_NONE);
    tree_label(t, tok, view_tree_name, f->a, label, sizeof label);
    assert_string_equal(label, "src.tokens");

    /* following the current step folds the other layers */
    ViewState *s = &f->v;
    go(s, "enc.1.attn.weights");
    uint32_t l0 = t->nodes[t->nodes[t->rec_node[trace_reader_find(f->a, "enc.0.attn.q")]].parent].parent;
    assert_true(t->nodes[l0].collapsed);
    assert_int_equal(t->visible[tree_row_of_record(t, s->cur)], leaf);
    /* and a record inside a folded group shows on the group's row */
    assert_int_equal(t->visible[tree_row_of_record(t, trace_reader_find(f->a, "enc.0.attn.q"))], l0);
    view_key(s, 'O');
    for (uint32_t n = 0; n < t->n_nodes; n++)
        assert_false(t->nodes[n].collapsed);
}

static void test_head_switching(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "enc.0.attn.weights");
    uint32_t at = s->cur;
    const CachedRecord *c = view_current(s);
    assert_int_equal(view_page(s, &c->tr.rec, &c->pg), 0);
    view_key(s, ']');
    assert_int_equal(s->head, 1);
    assert_int_equal(s->cur, at);  /* same record, next head */
    c = view_current(s);
    assert_int_equal(view_page(s, &c->tr.rec, &c->pg), 1);
    view_key(s, '[');
    view_key(s, '[');
    assert_int_equal(s->head, 3);  /* wraps around */
    /* the head is kept while stepping to the next headed record */
    view_key(s, 'n');
    assert_string_equal(cur_name(s), "enc.0.attn.z");
    c = view_current(s);
    assert_int_equal(view_page(s, &c->tr.rec, &c->pg), 3);
    /* a record without heads says so and keeps the head */
    go(s, "enc.0.ln1");
    view_key(s, ']');
    assert_int_equal(s->head, 3);
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    assert_non_null(strstr(s->msg, "no head axis"));
}

static void test_layer_switching(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    static const struct {
        const char *from;
        int key;
        const char *to;
    } cases[] = {
        {"enc.0.attn.weights", '}', "enc.1.attn.weights"},
        {"enc.1.attn.weights", '{', "enc.0.attn.weights"},
        {"enc.0.ffn.hidden", '}', "enc.1.ffn.hidden"},
        {"dec.0.cross_attn.q", '}', "dec.1.cross_attn.q"},
        {"dec.1.self_attn.mask", '{', "dec.0.self_attn.mask"},
        {"dec.0.ln3", '}', "dec.1.ln3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        go(s, cases[i].from);
        view_key(s, cases[i].key);
        if (strcmp(cur_name(s), cases[i].to) != 0)
            fail_msg("%s %c: landed on %s, want %s", cases[i].from, cases[i].key, cur_name(s), cases[i].to);
    }
    /* the edges say so and stay */
    go(s, "enc.1.attn.weights");
    view_key(s, '}');
    assert_string_equal(cur_name(s), "enc.1.attn.weights");
    assert_non_null(strstr(s->msg, "last"));
    go(s, "enc.0.attn.q");
    view_key(s, '{');
    assert_string_equal(cur_name(s), "enc.0.attn.q");
    go(s, "enc.embed");
    view_key(s, '}');
    assert_string_equal(cur_name(s), "enc.embed");
    assert_non_null(strstr(s->msg, "not inside a layer"));
}

/* One rule for layers (trace/record_name.h): the number of gen.S is a
 * generation step, never a layer, so } and { leave it alone, and the
 * outline calls it a step; a layer inside a step moves as any layer does;
 * a weight's gradient moves along encoder.layers.L. */
static void test_layers_of_steps_and_gradients(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "gen.1.token");
    view_key(s, '}');
    assert_string_equal(cur_name(s), "gen.1.token");
    assert_non_null(strstr(s->msg, "not inside a layer"));
    go(s, "gen.1.dec.embed");
    view_key(s, '{');
    assert_string_equal(cur_name(s), "gen.1.dec.embed");
    assert_non_null(strstr(s->msg, "not inside a layer"));
    go(s, "gen.1.dec.0.self_attn.weights");
    view_key(s, '}');
    assert_string_equal(cur_name(s), "gen.1.dec.1.self_attn.weights");
    view_key(s, '}');
    assert_string_equal(cur_name(s), "gen.1.dec.1.self_attn.weights");
    assert_non_null(strstr(s->msg, "last"));

    /* the outline: gen → step 1 → dec → layer 1 → self_attn → weights */
    StepTree *t = &s->tree;
    const char *want[] = {"weights", "self_attn", "layer 1", "dec", "step 1", "gen"};
    uint32_t k = t->rec_node[s->cur];
    char label[64];
    for (size_t d = 0; d < sizeof want / sizeof want[0]; d++) {
        assert_int_not_equal(k, TREE_NONE);
        tree_label(t, k, view_tree_name, f->a, label, sizeof label);
        assert_string_equal(label, want[d]);
        k = t->nodes[k].parent;
    }

    view_on(f, f->b);
    static const struct {
        const char *from;
        int key;
        const char *to;
        const char *msg;
    } cases[] = {
        {"grad.encoder.layers.0.linear1.weight", '}', "grad.encoder.layers.1.linear1.weight", NULL},
        {"grad.decoder.layers.1.multihead_attn.in_proj_bias", '{', "grad.decoder.layers.0.multihead_attn.in_proj_bias", NULL},
        {"grad.enc.0.input", '}', "grad.enc.1.input", NULL},
        {"grad.norms.enc", '}', "grad.norms.enc", "not inside a layer"},
        {"grad.encoder.norm.weight", '}', "grad.encoder.norm.weight", "not inside a layer"},
        {"grad.enc.1.input", '}', "grad.enc.1.input", "last"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        go(s, cases[i].from);
        s->msg[0] = '\0';
        view_key(s, cases[i].key);
        if (strcmp(cur_name(s), cases[i].to) != 0)
            fail_msg("%s %c: landed on %s, want %s", cases[i].from, cases[i].key, cur_name(s), cases[i].to);
        if (cases[i].msg && !strstr(s->msg, cases[i].msg))
            fail_msg("%s %c: says '%s', want '%s'", cases[i].from, cases[i].key, s->msg, cases[i].msg);
    }
}

/* The mask overlay and the heads view find their block's mask and weights
 * in a generation step too, and nothing outside an attention block. */
static void test_block_records_of_a_step(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "gen.2.dec.1.cross_attn.scores");
    assert_true(s->mask_rec >= 0 && s->weights_rec >= 0);
    assert_string_equal(view_name(s, (uint32_t)s->mask_rec), "gen.2.dec.1.cross_attn.mask");
    assert_string_equal(view_name(s, (uint32_t)s->weights_rec), "gen.2.dec.1.cross_attn.weights");
    view_key(s, 'm');
    assert_true(s->mask_overlay);
    view_key(s, 'm');
    go(s, "gen.2.dec.1.ffn.hidden");
    assert_int_equal(s->mask_rec, -1);
    assert_int_equal(s->weights_rec, -1);
    go(s, "enc.0.attn.q");
    assert_string_equal(view_name(s, (uint32_t)s->weights_rec), "enc.0.attn.weights");
    view_on(f, f->b);
    go(s, "grad.encoder.layers.0.self_attn.in_proj_weight");
    assert_int_equal(s->mask_rec, -1);
    assert_int_equal(s->weights_rec, -1);
}

static void type(ViewState *s, const char *text)
{
    for (const char *p = text; *p; p++)
        view_key(s, (unsigned char)*p);
}

static void test_jump_with_completion(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, '/');
    assert_true(s->searching);
    type(s, "enc.1.f");
    assert_int_equal(s->search.n_total, 2);  /* ffn.hidden and ffn.out */
    view_key(s, '\t');
    assert_string_equal(s->search.text, "enc.1.ffn.");  /* their common prefix */
    type(s, "o");
    view_key(s, '\t');
    assert_string_equal(s->search.text, "enc.1.ffn.out");
    view_key(s, '\n');
    assert_false(s->searching);
    assert_string_equal(cur_name(s), "enc.1.ffn.out");

    /* a part of a name lists every record that has it, in order */
    view_key(s, 'g');
    type(s, "cross_attn.weights");
    assert_int_equal(s->search.n_total, 2);
    assert_string_equal(view_name(s, s->search.match[0]), "dec.0.cross_attn.weights");
    view_key(s, KEY_DOWN);
    view_key(s, KEY_ENTER);
    assert_string_equal(cur_name(s), "dec.1.cross_attn.weights");

    /* Esc leaves the prompt where we were; a wrong name is refused with a suggestion */
    view_key(s, '/');
    type(s, "zzz");
    view_key(s, 27);
    assert_false(s->searching);
    assert_string_equal(cur_name(s), "dec.1.cross_attn.weights");
    assert_false(view_jump(s, "dec.prob"));
    assert_int_equal(s->msg_kind, MSG_ERROR);
    assert_non_null(strstr(s->msg, "did you mean dec.probs"));
}

/* ---- compare ---- */

static void test_compare_pairs_by_name(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'c');
    assert_true(s->compare);
    /* B has no positional encoding: no enc.pos, so every later index shifts */
    assert_true(trace_reader_find(f->a, "enc.pos") >= 0);
    assert_int_equal(trace_reader_find(f->b, "enc.pos"), -1);
    bool shifted = false;
    for (uint32_t i = 0; i < s->count; i++) {
        view_goto(s, i);
        const char *name = cur_name(s);
        long want = trace_reader_find(f->b, name);
        assert_int_equal(s->cur_b, want);
        if (want < 0) {
            assert_null(view_current_b(s));
            continue;
        }
        const CachedRecord *cb = view_current_b(s);
        assert_non_null(cb);
        assert_string_equal(cb->tr.rec.name, name);
        shifted |= (uint32_t)want != i;
    }
    assert_true(shifted);
    /* the same weights, so the embeddings agree; the inputs differ by the encoding */
    go(s, "enc.embed");
    assert_true(s->cmp.same_shape);
    assert_int_equal(s->cmp.n_differ, 0);
    go(s, "enc.input");
    assert_true(s->cmp.n_differ > 0);
    const CachedRecord *a = view_current(s);
    long pos = trace_reader_find(f->a, "enc.pos");
    TraceRecord pe;
    Error err;
    assert_int_equal(trace_reader_get(f->a, (uint32_t)pos, &pe, &err), TF_OK);
    float maxpe = 0;
    for (size_t k = 0; k < record_numel(&pe.rec); k++)
        maxpe = fmaxf(maxpe, fabsf(pe.rec.data[k]));
    trace_record_release(&pe);
    assert_float_equal(s->cmp.max_abs, maxpe, 1e-5);  /* A − B is the positional encoding */
    assert_true(a->ok);
    /* three panels: A, B, A − B */
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 3);
    assert_int_equal(p[2].source, PANEL_DIFF);
    view_key(s, 'c');
    assert_false(s->compare);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
}

static void test_compare_without_b(void **state)
{
    Fixture *f = *state;
    ViewState v;
    Error err;
    ViewConfig cfg = {.a = f->a, .theme = {true, true}, .lines = 30, .cols = 100};
    assert_int_equal(view_init(&v, &cfg, &err), TF_OK);
    view_key(&v, 'c');
    assert_false(v.compare);
    assert_non_null(strstr(v.msg, "--compare"));
    view_free(&v);
}

/* ---- views ---- */

static void test_heads_view(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "enc.0.attn.concat");  /* no heads here: the block's weights are shown */
    view_key(s, 'a');
    assert_true(s->heads);
    assert_string_equal(cur_name(s), "enc.0.attn.weights");
    assert_int_equal(s->n_head_stats, 4);
    for (int h = 0; h < 4; h++) {
        assert_true(s->head_stats[h].distributions);  /* softmax rows: entropy and distance mean something */
        assert_true(s->head_stats[h].entropy_bits >= 0 && s->head_stats[h].entropy_bits <= log2(3) + 1e-6);
        assert_true(s->head_stats[h].distance >= 0 && s->head_stats[h].distance <= 2);
        assert_true(s->head_stats[h].min >= 0 && s->head_stats[h].max <= 1);
    }
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    int n = layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    assert_int_equal(n, 4);
    for (int h = 0; h < 4; h++) {
        assert_int_equal(p[h].head, h);
        assert_true(p[h].vr == p[h].R && p[h].vc == p[h].C);  /* each head whole */
        for (int o = 0; o < h; o++)  /* side by side, never on top of each other */
            assert_true(p[o].r.y + p[o].r.h <= p[h].r.y || p[h].r.x >= p[o].r.x + p[o].r.w);
    }
    /* keys that keep the record and sentence keep its heads' numbers,
     * unmeasured (a log2 per weight: ~25 ms on an 8 MB record) */
    HeadStats kept[4];
    memcpy(kept, s->head_stats, sizeof kept);
    uint64_t passes = s->head_stats_passes;
    view_move(s, 1, 1);
    view_zoom(s, 1);
    view_zoom(s, -1);
    assert_int_equal(s->head_stats_passes, passes);
    assert_int_equal(s->n_head_stats, 4);
    assert_memory_equal(kept, s->head_stats, sizeof kept);
    view_move(s, -1, -1);
    /* a click on head 2's panel selects that head and cell */
    assert_true(p[2].vr >= 2 && p[2].vc >= 2);
    view_click(s, p[2].cy + p[2].rh * 1, p[2].cx + p[2].cw * 1);
    assert_int_equal(s->head, 2);
    assert_int_equal(s->row, 1);
    assert_int_equal(s->col, 1);
    /* Raw scores are no distribution: their heads get a range, each
     * head's own, and no entropy. */
    go(s, "enc.0.attn.raw");
    if (!s->heads)
        view_key(s, 'a');
    assert_true(s->heads);
    assert_string_equal(cur_name(s), "enc.0.attn.raw");
    assert_int_equal(s->n_head_stats, 4);
    assert_true(s->head_stats_passes > passes);  /* another record: measured */
    const CachedRecord *raw = view_current(s);
    assert_true(raw->ok);
    bool heads_differ = false;
    for (int h = 0; h < 4; h++) {
        const HeadStats *hs = &s->head_stats[h];
        assert_false(hs->distributions);
        assert_true(hs->entropy_bits == 0 && hs->distance == 0);
        const float *m = export_pages_data(&raw->tr.rec, &raw->pg, view_page_at(&raw->tr.rec, &raw->pg, (uint32_t)h, 0));
        float lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < raw->pg.rows * raw->pg.cols; k++) {
            lo = fminf(lo, m[k]);
            hi = fmaxf(hi, m[k]);
        }
        assert_float_equal(hs->min, lo, 0);
        assert_float_equal(hs->max, hi, 0);
        assert_true(lo < 0 || hi > 1);  /* scores leave 0..1: a test of the detection, not of luck */
        if (h > 0 && (hs->min != s->head_stats[0].min || hs->max != s->head_stats[0].max))
            heads_differ = true;
    }
    assert_true(heads_differ);
    go(s, "enc.0.attn.weights");  /* and back on weights: entropy again */
    assert_true(s->heads);
    assert_true(s->head_stats[0].distributions);
    view_key(s, 'a');
    assert_false(s->heads);
    go(s, "enc.embed");
    view_key(s, 'a');
    assert_false(s->heads);
    assert_non_null(strstr(s->msg, "not in an attention block"));
}

/* A generation step with the KV cache: one query row, at position 3, over
 * the keys at 0..3. The heads view measures distance from the query's
 * position, not from the row index 0 (which would say 1.625 and 1.5). */
static void test_heads_view_generation_step(void **state)
{
    (void)state;
    Scratch *dir = scratch_open("viewgen", NULL);
    assert_non_null(dir);
    char path[400];
    snprintf(path, sizeof path, "%s/gen.trace", dir->dir);
    static const float w[2 * 1 * 4] = {0.125f, 0.375f, 0.25f, 0.25f,  /* head 0 */
                                       0.5f, 0.0f, 0.25f, 0.25f};     /* head 1 */
    static const char *const keys[] = {"<START>", "cat", "chases", "mouse"};
    static const char *const query[] = {"mouse"};
    Record r = {.name = "gen.3.dec.0.self_attn.weights", .kind = "weights", .ndim = 3, .dims = {2, 1, 4},
                .dim_names = {"head", "query", "key"}, .data = w, .row_labels = query, .col_labels = keys,
                .formula = "softmax(masked) over keys", .description = "Attention weights.",
                .has_positions = true, .query_pos = 3, .key_pos = 0};
    TraceWriter *tw;
    Error err;
    assert_int_equal(trace_writer_open(&tw, path, "", &err), TF_OK);
    assert_int_equal(trace_writer_add(tw, &r, &err), TF_OK);
    assert_int_equal(trace_writer_finish(tw, &err), TF_OK);
    TraceReader *tr;
    assert_int_equal(trace_reader_open(&tr, path, &err), TF_OK);
    ViewState v;
    ViewConfig cfg = {.a = tr, .theme = {true, true}, .lines = 40, .cols = 120};
    if (view_init(&v, &cfg, &err))
        fail_msg("view_init: %s", err.msg);
    go(&v, "gen.3.dec.0.self_attn.weights");
    if (!v.heads)
        view_key(&v, 'a');
    assert_true(v.heads);
    assert_int_equal(v.n_head_stats, 2);
    assert_true(v.head_stats[0].distributions);
    /* head 0: 0.125·3 + 0.375·2 + 0.25·1 + 0.25·0 */
    assert_float_equal(v.head_stats[0].distance, 1.375, 1e-9);
    /* head 1: 0.5·3 + 0.25·1 */
    assert_float_equal(v.head_stats[1].distance, 1.75, 1e-9);
    assert_float_equal(v.head_stats[1].entropy_bits, 1.5, 1e-9);
    view_free(&v);
    trace_reader_close(tr);
    assert_int_equal(scratch_close(dir), 0);
}

static void test_mask_overlay(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "enc.0.ln1");
    view_key(s, 'm');
    assert_false(s->mask_overlay);
    assert_non_null(strstr(s->msg, "no mask here"));
    go(s, "dec.0.self_attn.scores");
    view_key(s, 'm');
    assert_true(s->mask_overlay);
    const CachedRecord *m = view_mask(s);
    assert_non_null(m);
    assert_string_equal(m->tr.rec.name, "dec.0.self_attn.mask");
    /* the causal mask hides exactly the keys after the query */
    const float *mask = export_pages_data(&m->tr.rec, &m->pg, 0);
    for (size_t i = 0; i < m->pg.rows; i++)
        for (size_t j = 0; j < m->pg.cols; j++)
            assert_true((isinf(mask[i * m->pg.cols + j]) != 0) == (j > i));
    view_key(s, 'm');
    assert_false(s->mask_overlay);
}

/* ---- cursor, zoom, screen ---- */

static void test_cursor_stays_in_view(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_resize(s, 15, 60);  /* small: the 32-wide hidden layer, with numbers, scrolls */
    go(s, "enc.0.ffn.hidden");
    assert_false(view_numbers_on(s));  /* automatic: they do not fit */
    view_key(s, 'v');
    assert_true(view_numbers_on(s));
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    for (int i = 0; i < 40; i++) {
        view_key(s, 'l');
        layout_screen(s, &l);
        assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
        uint32_t c = s->col / p[0].pc;
        assert_true(c >= p[0].left && c < p[0].left + p[0].vc);
    }
    assert_int_equal(s->col, 31);  /* stops at the last column */
    assert_true(p[0].left > 0);    /* and scrolled to get there */
    view_key(s, '0');
    assert_int_equal(s->col, 0);
    layout_screen(s, &l);
    layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    assert_int_equal(p[0].left, 0);
    view_key(s, 'j');
    view_key(s, 'j');
    assert_int_equal(s->row, 2);
    view_key(s, 'j');
    assert_int_equal(s->row, 2);  /* three tokens */
    /* zoom out pools; fit shows everything; numbers need 1:1 */
    view_key(s, 'z');
    layout_screen(s, &l);
    layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    assert_true(p[0].pc > 1);
    assert_true(p[0].vc == p[0].C && p[0].vr == p[0].R);
    assert_false(view_numbers_on(s));  /* a mean is not a value of the record */
    view_key(s, 'v');
    assert_true(s->pool_c == 1 && s->pool_r == 1);
    assert_true(view_numbers_on(s));
    view_resize(s, 40, 120);
}

static void test_click_selects_cell_and_step(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    go(s, "dec.0.self_attn.weights");
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
    view_click(s, p[0].cy + p[0].rh * 3 + p[0].rh / 2, p[0].cx + p[0].cw * 2 + 1);
    assert_int_equal(s->row, 3);
    assert_int_equal(s->col, 2);
    uint32_t row, col;
    assert_false(layout_hit(&p[0], p[0].cy - 1, p[0].cx, &row, &col));  /* the header is not a cell */
    /* a click on a step in the outline opens it */
    assert_true(l.steps.w > 0);
    uint32_t vis = tree_row_of_record(&s->tree, s->cur);
    int y = l.steps.y + 1 + (int)(vis - s->tree_top) + 1;  /* the row below: the next record */
    view_click(s, y, l.steps.x + 5);
    assert_string_equal(cur_name(s), "dec.0.self_attn.z");
}

/* ---- the matrix pane uses its space ---- */

/* Columns a panel has for cells, after its row labels. */
static int cells_width(const Panel *p)
{
    return p->r.w - p->label_w - (p->label_w ? 1 : 0);
}

/* Lines a panel has for cells, after its title and column labels. */
static int cells_lines(const Panel *p)
{
    return p->r.h - 1 - p->hdr;
}

static int one_panel(ViewState *s, int lines, int cols, Panel *p)
{
    ScreenLayout l;
    view_resize(s, lines, cols);
    layout_screen(s, &l);
    return layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
}

/* An 8 × 8 page shows whole with its numbers wherever they fit at the
 * compact width (the number and a column of gap), token labels or not;
 * forced numbers show as many columns as fit, never fewer. */
static void test_numbers_whenever_they_fit(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    Panel p[LAYOUT_MAX_PANELS];
    static const struct {
        int lines, cols, min_cw;
    } sizes[] = {{40, 120, 8}, {30, 90, 5}, {24, 80, 5}, {50, 200, 8}};
    const char *names[] = {"dec.0.self_attn.weights", "enc.input", "enc.0.attn.scores"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        go(s, names[n]);
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            assert_int_equal(one_panel(s, sizes[k].lines, sizes[k].cols, p), 1);
            assert_int_equal(p[0].rows, 8);
            assert_int_equal(p[0].cols, 8);
            if (!p[0].numbers || p[0].vc != 8 || p[0].vr != 8 || p[0].cw < sizes[k].min_cw)
                fail_msg("%s at %dx%d: numbers %d, %u of 8 columns, %u of 8 rows, cells %d wide", names[n],
                         sizes[k].cols, sizes[k].lines, p[0].numbers, p[0].vc, p[0].vr, p[0].cw);
            assert_true(p[0].cw >= p[0].nf.width + 1);
            assert_true(p[0].vc * (uint32_t)p[0].cw <= (uint32_t)cells_width(&p[0]));
            assert_true(view_numbers_on(s));
        }
    }
    /* 60x15: the eight rows do not fit, so automatic numbers are off; v
     * forces them, and the columns all fit across at the compact width. */
    go(s, "dec.0.self_attn.weights");
    assert_int_equal(one_panel(s, 15, 60, p), 1);
    assert_true(cells_lines(&p[0]) < 8);
    assert_false(p[0].numbers);
    view_key(s, 'v');
    assert_int_equal(one_panel(s, 15, 60, p), 1);
    assert_true(p[0].numbers);
    assert_int_equal(p[0].vc, 8);
    /* and where they do not all fit, one more compact column would not */
    assert_int_equal(one_panel(s, 15, 44, p), 1);
    assert_true(p[0].numbers);
    assert_true(p[0].vc < 8);
    assert_true((long)(p[0].vc + 1) * (p[0].nf.width + 1) > cells_width(&p[0]));
    view_resize(s, 40, 120);
}

/* A 3 × 3 page is drawn with big cells that fill a good part of the pane:
 * at least half its width and half its lines, about square (a terminal
 * cell is about twice as tall as wide), the whole page and its numbers. */
static void test_small_matrix_fills_the_pane(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    Panel p[LAYOUT_MAX_PANELS];
    go(s, "enc.0.attn.weights");
    static const int sizes[][2] = {{40, 120}, {24, 80}, {50, 200}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        assert_int_equal(one_panel(s, sizes[k][0], sizes[k][1], p), 1);
        const Panel *q = &p[0];
        assert_true(q->numbers);
        assert_true(q->vr == 3 && q->vc == 3 && q->R == 3 && q->C == 3);  /* the legend says "all 3x3" */
        int w = (int)q->vc * q->cw, h = (int)q->vr * q->rh;
        if (2 * w < cells_width(q) || 2 * h < cells_lines(q) || q->rh < 3 || q->cw < 10)
            fail_msg("3x3 at %dx%d: cells %dx%d, block %dx%d of %dx%d", sizes[k][1], sizes[k][0], q->cw, q->rh, w,
                     h, cells_width(q), cells_lines(q));
        assert_true(q->cw <= 4 * q->rh + 2);  /* never a flat bar */
    }
    assert_int_equal(one_panel(s, 40, 120, p), 1);
    assert_true(p[0].cw >= 14 && p[0].rh >= 6);
}

/* Compare with numbers: the three panels (A, B, A − B) each show every
 * column with its numbers when some arrangement fits them — side by side,
 * or one above the other when that is what fits. */
static void test_compare_shows_every_column(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    Panel p[LAYOUT_MAX_PANELS];
    view_key(s, 'c');
    assert_true(s->compare);
    static const struct {
        const char *name;
        int lines, cols;
    } cases[] = {
        {"enc.0.attn.weights", 50, 200},  /* 8 × 8: one above the other */
        {"enc.input", 50, 200},
        {"dec.0.self_attn.weights", 50, 200},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        go(s, cases[k].name);
        assert_true(s->cmp.same_shape);
        ScreenLayout l;
        view_resize(s, cases[k].lines, cases[k].cols);
        layout_screen(s, &l);
        assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 3);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(p[i].source, (PanelSource)i);
            if (!p[i].numbers || p[i].vc != p[i].cols || p[i].vr != p[i].rows)
                fail_msg("compare %s at %dx%d, panel %d: numbers %d, %u of %u columns, %u of %u rows",
                         cases[k].name, cases[k].cols, cases[k].lines, i, p[i].numbers, p[i].vc, p[i].cols, p[i].vr,
                         p[i].rows);
            assert_true(p[i].r.x >= l.panels.x && p[i].r.x + p[i].r.w <= l.panels.x + l.panels.w);
            assert_true(p[i].r.y >= l.panels.y && p[i].r.y + p[i].r.h <= l.panels.y + l.panels.h);
            assert_true(p[i].cx + (int)(p[i].vc * (uint32_t)p[i].cw) <= p[i].r.x + p[i].r.w);
            for (int o = 0; o < i; o++)  /* never on top of each other */
                assert_true(p[o].r.y + p[o].r.h <= p[i].r.y || p[i].r.x >= p[o].r.x + p[o].r.w);
        }
    }
    view_resize(s, 40, 120);
}

static void test_small_screen_is_refused_plainly(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    ScreenLayout l;
    view_resize(s, VIEW_MIN_LINES - 1, 80);
    layout_screen(s, &l);
    assert_true(l.too_small);
    view_resize(s, 30, VIEW_MIN_COLS - 1);
    layout_screen(s, &l);
    assert_true(l.too_small);
    view_resize(s, 15, 60);  /* the smallest the end-to-end tests use */
    layout_screen(s, &l);
    assert_false(l.too_small);
    assert_int_equal(l.steps.w, 0);  /* no room for the outline */
    view_key(s, '\t');
    assert_int_equal(s->focus, FOCUS_MATRIX);
    view_resize(s, 40, 120);
    layout_screen(s, &l);
    assert_true(l.steps.w > 0);
}

/* Memory does not grow with the trace: however far we step, in every
 * view, only a few records are held, and each step reads one. */
static void test_cache_stays_small(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    uint64_t before = s->cache.fetches;
    view_key(s, KEY_HOME);
    uint64_t one = s->cache.fetches;
    assert_true(one - before <= 1);
    view_key(s, 'c');
    view_key(s, 'm');  /* may be refused on this record; the loop turns it on below */
    for (uint32_t i = 0; i < s->count; i++) {
        view_goto(s, i);
        if (!s->mask_overlay && s->mask_rec >= 0)
            view_key(s, 'm');
        if ((i % 7) == 0)
            view_key(s, 'a');
        assert_true(cache_held(&s->cache) <= VIEW_CACHE_SLOTS);
        assert_non_null(view_current(s));
        if (s->compare && s->cur_b >= 0)
            assert_non_null(view_current_b(s));
    }
    assert_int_equal(cache_held(&s->cache), VIEW_CACHE_SLOTS);
}

/* A record fetched by the viewer holds the file's values with their
 * statistics, bit for bit; a record whose data went bad on disk comes back
 * refused, with the reader's message naming the byte where its bad chunk
 * starts, and nothing of it to show. Several chunks, a NaN, an infinity
 * and a negative zero, so the checksums and the statistics have work. */
static void test_cache_checks_values(void **state)
{
    (void)state;
    enum { N = 50000 };
    static float data[N];
    float small[6] = {1.0f, -2.0f, 0.5f, 3.0f, -0.25f, 8.0f};
    for (size_t i = 0; i < N; i++)
        data[i] = sinf((float)i * 0.01f) * (float)(i % 97);
    data[7] = NAN;
    data[11] = -INFINITY;
    data[12] = -0.0f;
    Scratch *dir = scratch_open("viewcache", "t.trace");
    assert_non_null(dir);
    Record big = {.name = "enc.0.ffn.hidden", .kind = "activation", .ndim = 2, .dims = {50, 1000},
                  .dim_names = {"token", "ff"}, .data = data, .formula = "f", .description = "Wide."};
    Record one = {.name = "enc.embed", .kind = "activation", .ndim = 2, .dims = {2, 3},
                  .dim_names = {"token", "model"}, .data = small, .formula = "f", .description = "Small."};
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, dir->path, NULL, &err), TF_OK);
    assert_int_equal(trace_writer_add(w, &big, &err), TF_OK);
    assert_int_equal(trace_writer_add(w, &one, &err), TF_OK);
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);

    TraceReader *r;
    assert_int_equal(trace_reader_open(&r, dir->path, &err), TF_OK);
    RecordCache c = {0};
    const CachedRecord *e = cache_fetch(&c, r, 0);
    if (!e->ok)
        fail_msg("fetch: %s", e->err.msg);
    assert_memory_equal(e->tr.rec.data, data, sizeof data);
    ValueStats want;
    stats_of(data, N, &want);
    assert_memory_equal(&e->stats.min, &want.min, sizeof want.min);
    assert_memory_equal(&e->stats.max, &want.max, sizeof want.max);
    assert_memory_equal(&e->stats.mean, &want.mean, sizeof want.mean);
    assert_int_equal(e->stats.n_finite, N - 2);
    assert_int_equal(e->stats.n_nan, 1);
    assert_int_equal(e->stats.n_neg_inf, 1);
    e = cache_fetch(&c, r, 1);
    assert_true(e->ok);
    assert_memory_equal(e->tr.rec.data, small, sizeof small);
    cache_free(&c);
    trace_reader_close(r);

    /* flip a bit of value 40000, in the third chunk of 64 KiB */
    size_t size;
    unsigned char *b = scratch_read(dir->path, &size);
    size_t data_at = 0;
    for (size_t k = 0; k + sizeof data <= size && !data_at; k += 8)
        if (memcmp(b + k, data, sizeof data) == 0)
            data_at = k;
    assert_true(data_at > 0);
    b[data_at + 40000 * 4 + 1] ^= 0x01;
    scratch_write(dir->path, b, size);
    free(b);
    assert_int_equal(trace_reader_open(&r, dir->path, &err), TF_OK);
    e = cache_fetch(&c, r, 0);
    assert_false(e->ok);
    char msg[96];
    snprintf(msg, sizeof msg, "byte %zu: record 0 (enc.0.ffn.hidden): data checksum mismatch", data_at + 2 * 65536);
    if (!strstr(e->err.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", e->err.msg, msg);
    assert_true(cache_fetch(&c, r, 1)->ok);  /* the rest of the trace still reads */
    cache_free(&c);
    trace_reader_close(r);
    assert_int_equal(scratch_close(dir), 0);
}

/* Resident kB of the mapping of path in this process (/proc/self/smaps),
 * -1 when it cannot be told. */
static long mapped_kb(const char *path)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[4600];
    long kb = -1;
    bool in = false;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        const char *sp = strchr(line, ' ');
        if (sp && sp > line && sp[-1] != ':')  /* "ADDR-ADDR PERMS ... PATH", not "Field: ..." */
            in = len >= strlen(path) && strcmp(line + len - strlen(path), path) == 0;
        else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
            break;
    }
    fclose(f);
    return kb;
}

/* Dropped records leave nothing of the trace's mapping resident: their
 * values were copied out of the file, and the pages the system mapped
 * around their headers when they were fetched are handed back, so
 * stepping through a big trace does not pile them up (what stays is the
 * index, read for names). 24 records of 200 KB, fetched one after another
 * through the 6 slots. */
static void test_cache_hands_back_pages(void **state)
{
    (void)state;
    enum { RECORDS = 24, N = 50000 };
    static float data[N];
    for (size_t i = 0; i < N; i++)
        data[i] = (float)i;
    Scratch *dir = scratch_open("viewpages", "t.trace");
    assert_non_null(dir);
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, dir->path, NULL, &err), TF_OK);
    for (int k = 0; k < RECORDS; k++) {
        char name[32];
        snprintf(name, sizeof name, "enc.%d.ffn.hidden", k);
        Record rec = {.name = name, .kind = "activation", .ndim = 2, .dims = {50, 1000},
                      .dim_names = {"token", "ff"}, .data = data, .formula = "f", .description = "Wide."};
        assert_int_equal(trace_writer_add(w, &rec, &err), TF_OK);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
    TraceReader *r;
    assert_int_equal(trace_reader_open(&r, dir->path, &err), TF_OK);
    RecordCache c = {0};
    for (uint32_t i = 0; i < RECORDS; i++)
        assert_true(cache_fetch(&c, r, i)->ok);
    cache_free(&c);
    long kb = mapped_kb(dir->path);
    trace_reader_close(r);
    assert_int_equal(scratch_close(dir), 0);
    if (kb < 0)
        skip();
    if (kb > RECORDS * N * 4 / 1024 / 10)
        fail_msg("%ld kB of a %d kB trace still mapped after every record was dropped", kb, RECORDS * N * 4 / 1024);
}

/* Compare by token: B put in A's order on every labelled axis, the k-th
 * repeat of a word paired with its k-th, each sentence of a batch with
 * its own labels; and a B whose words are not A's is said to be so. */
static void test_compare_align(void **state)
{
    (void)state;
    /* [head=2, query=3, key=3]: A is 猫 追 老鼠, B is 老鼠 追 猫 */
    static const char *const la[] = {"猫", "追", "老鼠"}, *const lb[] = {"老鼠", "追", "猫"};
    float da[18], db[18];
    for (int h = 0; h < 2; h++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                da[h * 9 + i * 3 + j] = (float)(100 * h + 10 * i + j);
                db[h * 9 + (2 - i) * 3 + (2 - j)] = (float)(100 * h + 10 * i + j);  /* the same, permuted */
            }
    Record a = {.name = "x", .kind = "weights", .ndim = 3, .dims = {2, 3, 3},
                .dim_names = {"head", "query", "key"}, .data = da, .row_labels = la, .col_labels = la};
    Record b = a;
    b.data = db;
    b.row_labels = b.col_labels = lb;
    AlignedRecord al;
    compare_align(&a, &b, &al);
    assert_int_equal(al.kind, ALIGN_PERMUTED);
    assert_true(al.rows && al.cols);
    for (int i = 0; i < 18; i++)
        assert_true(al.rec.data[i] == da[i]);
    assert_string_equal(al.rec.row_labels[0], "猫");
    CompareStats cs;
    compare_stats(&a, &al.rec, &cs);
    assert_int_equal(cs.n_differ, 0);
    compare_stats(&a, &b, &cs);  /* by position: most cells differ */
    assert_true(cs.n_differ >= 12);
    compare_align_free(&al);

    /* the same order: nothing to copy */
    compare_align(&a, &a, &al);
    assert_int_equal(al.kind, ALIGN_SAME);
    assert_null(al.data);

    /* another word: not a permutation, and why */
    static const char *const lc[] = {"狗", "追", "猫"};
    b.row_labels = b.col_labels = lc;
    compare_align(&a, &b, &al);
    assert_int_equal(al.kind, ALIGN_IMPOSSIBLE);
    assert_non_null(strstr(al.why, "老鼠"));
    compare_align_free(&al);

    /* repeated words pair in order; one label set per sentence of a batch:
     * [batch=2, token=3, model=1], rows labelled per sentence */
    static const char *const ra[] = {"a", "b", "a", "x", "y", "z"}, *const rb[] = {"b", "a", "a", "z", "y", "x"};
    float ea[6] = {1, 2, 3, 4, 5, 6}, eb[6] = {2, 1, 3, 6, 5, 4};
    Record p = {.name = "t", .kind = "activation", .ndim = 3, .dims = {2, 3, 1},
                .dim_names = {"batch", "token", "model"}, .data = ea, .row_labels = ra};
    Record q = p;
    q.data = eb;
    q.row_labels = rb;
    compare_align(&p, &q, &al);
    assert_int_equal(al.kind, ALIGN_PERMUTED);
    assert_true(al.rows && !al.cols);
    for (int i = 0; i < 6; i++)
        assert_true(al.rec.data[i] == ea[i]);
    compare_align_free(&al);

    /* shapes that differ are not aligned */
    q.dims[1] = 2;
    compare_align(&p, &q, &al);
    assert_int_equal(al.kind, ALIGN_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_align),
        cmocka_unit_test(test_cache_checks_values),
        cmocka_unit_test_setup_teardown(test_steps_follow_execution_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outline_groups_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_switching, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layer_switching, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layers_of_steps_and_gradients, setup_runs, teardown),
        cmocka_unit_test_setup_teardown(test_block_records_of_a_step, setup_runs, teardown),
        cmocka_unit_test_setup_teardown(test_jump_with_completion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_pairs_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_without_b, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heads_view, setup, teardown),
        cmocka_unit_test(test_heads_view_generation_step),
        cmocka_unit_test_setup_teardown(test_mask_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cursor_stays_in_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_click_selects_cell_and_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_screen_is_refused_plainly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_stays_small, setup, teardown),
        cmocka_unit_test(test_cache_hands_back_pages),
        cmocka_unit_test_setup_teardown(test_numbers_whenever_they_fit, setup8, teardown),
        cmocka_unit_test_setup_teardown(test_small_matrix_fills_the_pane, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_shows_every_column, setup8, teardown),
    };
    return cmocka_run_group_tests_name("view state", tests, NULL, NULL);
}

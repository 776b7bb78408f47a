/* generator.c — the decoding loop: one position per step, with a KV cache
 * or recomputing the prefix, greedy or sampled. */
#include "model/generator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "core/ops.h"
#include "model/decode.h"

/* The PCG32 stream of sampling, apart from weight initialisation's. */
#define SAMPLE_STREAM 0x73616d706c65ULL

int generator_max_steps(const Batch *b, const GenOptions *o)
{
    return b->tgt_len[0] - 1 + o->max_new;
}

Status generator_check(const Model *m, const Batch *b, const GenOptions *o, Error *err)
{
    const Config *c = &m->cfg;
    if (b->B != 1) {
        error_set(err, TF_ERR_INPUT, "--generate reads one sentence at a time, but %d were given", b->B);
        error_hint(err, "give one --src (and at most one --tgt as the start of the output)");
        return TF_ERR_INPUT;
    }
    if (o->max_new < 1)
        return error_set(err, TF_ERR_INPUT, "--generate %d: generate at least 1 token", o->max_new);
    if (!isfinite(o->temperature) || o->temperature < 0.0f) {
        error_set(err, TF_ERR_INPUT, "--temperature %g: the temperature must be %s0 (greedy) or more",
                  (double)o->temperature, isfinite(o->temperature) ? "" : "finite: ");
        error_hint(err, "logits are divided by the temperature: below 1 sharpens the distribution, above 1 flattens it");
        return TF_ERR_INPUT;
    }
    if (o->top_k < 0 || o->top_k > m->vocab.size) {
        error_set(err, TF_ERR_INPUT, "--top-k %d: the vocabulary has %d tokens, so top-k must be 1 to %d", o->top_k,
                  m->vocab.size, m->vocab.size);
        return TF_ERR_INPUT;
    }
    const int P = b->tgt_len[0];
    if ((long)P - 1 + o->max_new > c->max_len) {
        const int room = c->max_len - P + 1;
        error_set(err, TF_ERR_INPUT,
                  "--generate %d: after a prefix of %d token%s the decoder would read %ld positions, more than max_len = %d",
                  o->max_new, P, P == 1 ? "" : "s", (long)P - 1 + o->max_new, c->max_len);
        if (room >= 1)
            error_hint(err, "generate at most %d tokens, or raise max_len", room);
        else
            error_hint(err, "shorten the prefix, or raise max_len");
        return TF_ERR_INPUT;
    }
    return TF_OK;
}

uint64_t generator_work(const Config *c, int vocab_size, int Ts, int S, bool cached)
{
    const uint64_t d = (uint64_t)c->d_model, F = (uint64_t)c->d_ff, V = (uint64_t)vocab_size;
    const uint64_t n = (uint64_t)S + 1, ts = (uint64_t)Ts, L = (uint64_t)c->dec_layers;
    const bool cross = c->arch == ARCH_ENCODER_DECODER;
    uint64_t layer;
    if (cached) {
        /* Q, K, V and the output projection of one row; its query against
         * n cached keys, and the weighted sum of n values; the FFN of one row. */
        layer = 4 * d * d + 2 * n * d + 2 * d * F;
        /* Cross: Q and output projection of one row, attention over Ts
         * memory rows, whose K and V are projected once, at step 0. */
        if (cross)
            layer += 2 * d * d + 2 * ts * d + (S == 0 ? 2 * ts * d * d : 0);
        return L * layer + d * V;
    }
    /* Every projection for all n rows, n×n attention, the FFN of n rows. */
    layer = 4 * n * d * d + 2 * n * n * d + 2 * n * d * F;
    if (cross)
        layer += 2 * n * d * d + 2 * ts * d * d + 2 * n * ts * d;
    return L * layer + n * d * V;  /* logits of every row: the pass does not know only the last is wanted */
}

/* One cache per decoder layer: self-attention rows for every position the
 * decoder will read, cross-attention rows for the memory. */
static Status alloc_caches(Generator *g, Error *err)
{
    const Config *c = &g->m->cfg;
    const int L = c->dec_layers, h = c->heads, dk = c->d_model / c->heads;
    const int rope = c->positions == POS_ROPE;
    const size_t self = (size_t)h * g->max_steps * dk, cross = (size_t)h * g->Ts * dk;
    const size_t fresh = (size_t)2 * c->d_model;
    size_t per_layer = self * (rope ? 3 : 2) + fresh + cross * 2, total;
    g->caches = calloc((size_t)L, sizeof *g->caches);
    if (!g->caches || !checked_mul(&total, per_layer, (size_t)L) || !(g->cache_block = calloc(total ? total : 1, sizeof(float))))
        return error_set(err, TF_ERR_RUNTIME, "out of memory allocating the KV cache");
    float *p = g->cache_block;
    for (int l = 0; l < L; l++) {
        KVCache *s = &g->caches[l].self, *x = &g->caches[l].cross;
        s->cap = g->max_steps;
        s->k = p, p += self;
        s->v = p, p += self;
        if (rope)
            s->k_rot = p, p += self;
        s->fresh = p, p += fresh;
        x->cap = g->Ts;
        x->k = p, p += cross;
        x->v = p, p += cross;
    }
    return TF_OK;
}

/* The slots of step S: the decoder's parts and layers, then the step's
 * choice, named gen.S.* (prefix: room for that name). */
static void step_layout(Generator *g, int S, char *prefix, size_t size, ActsLayout *out)
{
    const bool cached = g->o.use_cache;
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = 1;
    l.len[STREAM_SRC] = g->Ts;
    l.labels[STREAM_SRC] = g->src_labels;
    /* Queries: the new row alone with the cache, the whole prefix without.
     * Keys: the whole prefix either way. */
    l.len[STREAM_TGT] = cached ? 1 : S + 1;
    l.first_pos[STREAM_TGT] = cached ? S : 0;  /* the query of step S is at position S */
    l.ids[STREAM_TGT] = cached ? g->seq + S : g->seq;
    l.len[STREAM_KEYS] = S + 1;
    l.ids[STREAM_KEYS] = g->seq;
    l.decoder = true;
    l.gen_step = true;
    l.sampling = g->o.temperature > 0.0f;
    snprintf(prefix, size, "gen.%d", S);
    l.prefix = prefix;
    l.arena = g->arena;
    l.arena_numel = g->arena_numel;
    *out = l;
}

/* One block for the slots of every step, sized for the last: the step
 * whose prefix is longest, so its slots are the largest. Each step then
 * writes over the one before (which its caller has written out), rather
 * than starting from a fresh allocation, whose pages would all be faulted
 * in and cleared again. */
static Status alloc_arena(Generator *g, Error *err)
{
    ActsLayout l;
    char prefix[32];
    step_layout(g, g->max_steps - 1, prefix, sizeof prefix, &l);
    size_t numel;
    Status st = activations_layout_numel(g->m, &l, &numel, err);
    if (st)
        return st;
    if (!(g->arena = calloc(numel ? numel : 1, sizeof *g->arena)))
        return error_set(err, TF_ERR_RUNTIME, "out of memory allocating the generation steps' slots");
    g->arena_numel = numel;
    return TF_OK;
}

Status generator_init(Generator *g, const Model *m, const Batch *b, const float *memory,
                      const GenOptions *o, Error *err)
{
    memset(g, 0, sizeof *g);
    Status st = generator_check(m, b, o, err);
    if (st)
        return st;
    g->m = m;
    g->o = *o;
    g->memory = memory;
    g->Ts = b->Ts;
    g->src_len = b->Ts ? b->src_len[0] : 0;
    g->src_labels = b->src_labels;
    g->prompt_len = b->tgt_len[0];
    g->max_steps = generator_max_steps(b, o);
    g->cap = g->prompt_len + o->max_new;
    const int V = m->vocab.size;
    g->seq = calloc((size_t)g->cap, sizeof *g->seq);
    g->work = calloc((size_t)g->max_steps, sizeof *g->work);
    g->scratch = calloc((size_t)V, sizeof *g->scratch);
    g->order = calloc((size_t)V, sizeof *g->order);
    if (!g->seq || !g->work || !g->scratch || !g->order) {
        generator_free(g);
        return error_set(err, TF_ERR_RUNTIME, "out of memory starting generation");
    }
    for (int t = 0; t < g->prompt_len; t++)
        g->seq[t] = b->tgt[t];
    g->n_seq = g->prompt_len;
    if ((o->use_cache && (st = alloc_caches(g, err))) || (st = alloc_arena(g, err))) {
        generator_free(g);
        return st;
    }
    rng_seed(&g->rng, o->sample_seed, SAMPLE_STREAM);
    return TF_OK;
}

/* Tokens generation never chooses. A model learns to predict the next
 * token of its targets: <PAD> is never scored (the loss skips it) and
 * <START> is never a target (it only begins the decoder's input), so
 * their logits are whatever the weights happen to give, and choosing one
 * would feed the decoder a token it never learned to read there. <END>
 * and <UNK> are targets like any word (an unknown word of a target is
 * learned as <UNK>), so they stay: a model that says <UNK> says "a word I
 * have no name for", and hiding it would hide what the model learned.
 *
 * A character-level model is the exception for <UNK>: there it stands
 * for every character its training text held too rarely to learn (the
 * shipped poems model lumps about 800 characters seen once into it), so
 * its probability is their sum, and it out-ranks every real character
 * (about 3.5% of the training characters, where the commonest one, 不, is
 * under 1%) though no one of them is that likely. Chosen, it would write
 * nothing a reader can read, line after line; so a character-level
 * model's generation leaves <UNK> out too.
 *
 * The recorded logits and probabilities stay as the model computed them;
 * only the choice (greedy, or the sampling distribution gen.S.sampling)
 * leaves these ids out. */
static bool never_chosen(const Generator *g, int id)
{
    return id == TOK_PAD || id == TOK_START || (id == TOK_UNK && g->m->cfg.tokenizer == TOKENIZER_CHARS);
}

/* Greedy: the most likely token that may be chosen (the lowest id on a tie,
 * as loss_argmax). The vocabulary always holds <END> and <UNK>, so there is
 * one. */
static int greedy_choice(const Generator *g, const float *logits, int V)
{
    int best = -1;
    for (int i = 0; i < V; i++)
        if (!never_chosen(g, i) && (best < 0 || logits[i] > logits[best]))
            best = i;
    return best;
}

/* Logits, higher first; equal logits by token id, so top-k is well defined. */
static int by_logit(const void *pa, const void *pb)
{
    const RankedToken *a = pa, *b = pb;
    if (a->logit != b->logit)
        return a->logit > b->logit ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

/* dist (V) = softmax(logits / T) over the k most likely tokens that may be
 * chosen (all of them when fewer), 0 for the rest; the same weights in
 * double in g->scratch for the draw. */
static void sampling_distribution(Generator *g, float *dist, const float *logits, int V)
{
    int n = 0;
    for (int i = 0; i < V; i++)
        if (!never_chosen(g, i))
            g->order[n++] = (RankedToken){logits[i], i};
    qsort(g->order, (size_t)n, sizeof *g->order, by_logit);
    const int k = g->o.top_k && g->o.top_k < n ? g->o.top_k : n;
    /* Subtract the largest logit before exp, as softmax does. */
    const double T = g->o.temperature, max = g->order[0].logit;
    double sum = 0.0;
    for (int i = 0; i < V; i++)
        g->scratch[i] = 0.0;
    for (int r = 0; r < k; r++) {
        const int id = g->order[r].id;
        g->scratch[id] = exp((logits[id] - max) / T);
        sum += g->scratch[id];
    }
    for (int i = 0; i < V; i++) {
        g->scratch[i] /= sum;
        dist[i] = (float)g->scratch[i];
    }
}

/* Inverse-CDF draw over token ids in order: the first id whose cumulative
 * weight passes u. */
static int sample_token(Generator *g, int V)
{
    const double u = rng_uniform(&g->rng);
    double cum = 0.0;
    int last = 0;
    for (int i = 0; i < V; i++) {
        if (g->scratch[i] <= 0.0)
            continue;
        last = i;
        cum += g->scratch[i];
        if (cum > u)
            return i;
    }
    return last;  /* u within rounding of 1 */
}

Status generator_step_register(Generator *g, Error *err)
{
    const int S = g->step;
    if (g->done || S >= g->max_steps)
        return error_set(err, TF_ERR_RUNTIME, "generation has already finished");
    if (g->have_acts)
        activations_free(&g->acts);
    g->have_acts = false;

    ActsLayout l;
    step_layout(g, S, g->prefix, sizeof g->prefix, &l);
    Status st = activations_init_layout(&g->acts, g->m, &l, err);
    if (st)
        return st;
    g->have_acts = true;
    g->acts_step = S;
    /* The cross-attention's K and V records are the memory's rows in the
     * cross cache, which is full from step 0 on and laid out as they are
     * (h, Ts, dk): they point at it instead of receiving a copy each step. */
    if (g->caches && g->m->cfg.arch == ARCH_ENCODER_DECODER)
        for (int i = 0; i < g->m->cfg.dec_layers; i++) {
            g->acts.dec[i].cross_attn.k = g->caches[i].cross.k;
            g->acts.dec[i].cross_attn.v = g->caches[i].cross.v;
        }
    return TF_OK;
}

Status generator_step_run(Generator *g, Error *err)
{
    const Model *m = g->m;
    const int S = g->step, V = m->vocab.size;
    const bool cached = g->o.use_cache, sampling = g->o.temperature > 0.0f;
    if (!g->have_acts || g->acts_step != S)
        return error_set(err, TF_ERR_RUNTIME, "generation step %d has not been registered", S);
    Activations *a = &g->acts;

    /* The work of this step, as done: the products the pass below computes. */
    const uint64_t macs_before = linear_macs();
    if (cached) {
        forward_positions_decoder(m, a, S);
        forward_decode(m, a, 0, g->memory, g->src_len, g->seq + S, 1, S, g->caches);
    } else {
        forward_positions_decoder(m, a, 0);
        forward_decode(m, a, 0, g->memory, g->src_len, g->seq, S + 1, 0, NULL);
    }
    g->work[S][0] = linear_macs() - macs_before;
    const float *logits = a->dec_logits + (size_t)(a->len[STREAM_TGT] - 1) * V;
    if (sampling)
        sampling_distribution(g, a->gen_sampling, logits, V);

    int next;
    const bool forced = S + 1 < g->prompt_len;
    if (forced)
        next = g->seq[S + 1];  /* the prompt goes on */
    else
        next = sampling ? sample_token(g, V) : greedy_choice(g, logits, V);
    if (!forced) {
        g->seq[g->n_seq++] = next;
        g->generated++;
    }
    a->gen_token[0] = (float)next;
    g->work[S][1] = generator_work(&m->cfg, V, g->Ts, S, false);
    g->step++;
    if (!forced && (next == TOK_END || g->generated == g->o.max_new))
        g->done = true;
    return TF_OK;
}

Status generator_step(Generator *g, Error *err)
{
    Status st = generator_step_register(g, err);
    return st ? st : generator_step_run(g, err);
}

Status generator_summary(Generator *g, Error *err)
{
    if (g->have_summary)
        activations_free(&g->summary);
    g->have_summary = false;
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = 1;
    l.len[STREAM_TGT] = g->n_seq;
    l.ids[STREAM_TGT] = g->seq;
    l.len[STREAM_STEPS] = g->step;
    l.ids[STREAM_STEPS] = g->seq;  /* step S read token S */
    l.gen_summary = true;
    Status st = activations_init_layout(&g->summary, g->m, &l, err);
    if (st)
        return st;
    g->have_summary = true;
    for (int t = 0; t < g->n_seq; t++)
        g->summary.gen_tokens[t] = (float)g->seq[t];
    /* float holds integers exactly up to 2^24: larger counts are rounded
     * here; the trace meta has them exactly. */
    for (int s = 0; s < g->step; s++) {
        g->summary.gen_work[2 * s] = (float)g->work[s][0];
        g->summary.gen_work[2 * s + 1] = (float)g->work[s][1];
    }
    return TF_OK;
}

void generator_free(Generator *g)
{
    if (g->have_acts)
        activations_free(&g->acts);
    if (g->have_summary)
        activations_free(&g->summary);
    free(g->seq);
    free(g->work);
    free(g->scratch);
    free(g->order);
    free(g->caches);
    free(g->cache_block);
    free(g->arena);
    memset(g, 0, sizeof *g);
}

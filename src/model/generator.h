/* generator.h — autoregressive decoding, one token per step, with or
 * without a KV cache.
 *
 * The decoder starts from its input of a teacher-forced pass — <START>
 * plus the target, which is now a prompt (encoder-decoder; may be empty),
 * or the decoder-only sequence — and reads one position per step: step S
 * reads the token at position S and predicts the one at S + 1. While the
 * prompt lasts the next token is the prompt's (so step t's logits are the
 * logits teacher forcing computes at row t); after it, the next token is
 * chosen: the most likely one (greedy), or one drawn from
 * softmax(logits / temperature) over the top_k most likely (sampling,
 * reproducible from sample_seed with PCG32). <PAD> and <START> are never
 * chosen (generator.c says why; <END> may be, and <UNK> except by a
 * character-level model): their logits and
 * probabilities are recorded as computed, but greedy skips them and the
 * sampling distribution gives them 0. Generation stops after max_new
 * chosen tokens, or when <END> is chosen.
 *
 * With the cache (the default) step S projects only its new row: its keys
 * and values join each layer's cache, and the new query attends over all
 * S + 1 cached rows; cross-attention's keys and values of the encoder
 * memory are projected once, at step 0. Without it (--no-cache), step S
 * runs the ordinary parallel decoder pass over the whole prefix of S + 1
 * tokens again, a separate code path whose answers must agree.
 *
 * Each step fills a set of slots, registered from the slot table under
 * the prefix "gen.S" (activations.h), which the caller writes out before
 * the next step: memory holds one step's slots (in one block that every
 * step reuses) and the cache, not the whole history. With the cache, a
 * step's cross-attention K and V records are the cross cache itself (the
 * same every step); its self-attention K and V records are a copy of the
 * cache's rows so far. Math only: no I/O. */
#ifndef TF_MODEL_GENERATOR_H
#define TF_MODEL_GENERATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/layers.h"
#include "model/model.h"

typedef struct {
    int max_new;           /* N ≥ 1: tokens to choose at most */
    float temperature;     /* 0: greedy; > 0: sample from softmax(logits / temperature) */
    int top_k;             /* sampling: only the top_k most likely tokens; 0: all of them */
    uint64_t sample_seed;  /* sampling: the PCG32 seed */
    bool use_cache;        /* false: recompute the whole prefix every step */
} GenOptions;

typedef struct {
    float logit;
    int id;
} RankedToken;

typedef struct {
    const Model *m;
    GenOptions o;
    const float *memory;        /* (Ts, d): the encoder's output; NULL for decoder-only */
    int Ts, src_len;
    const char *const *src_labels;

    int *seq;                   /* (cap) <START>, prompt, then chosen tokens */
    int n_seq, prompt_len, cap;
    int step;                   /* steps taken */
    int generated;              /* tokens chosen (not taken from the prompt) */
    int max_steps;              /* prompt_len − 1 + max_new */
    bool done;

    LayerCache *caches;         /* (dec_layers) with use_cache, else NULL */
    float *cache_block;
    uint64_t (*work)[2];        /* (max_steps): multiply-adds this step did (counted as it ran),
                                 * and what recomputing the prefix takes (generator_work) */
    double *scratch;            /* (V) sampling weights */
    RankedToken *order;         /* (V) tokens by logit, for top-k */
    Rng rng;
    char prefix[32];

    float *arena;               /* (arena_numel) the slots of every step, one after another */
    size_t arena_numel;
    Activations acts;           /* the last step's slots: gen.S.* */
    bool have_acts;
    int acts_step;              /* the S of acts */
    Activations summary;        /* gen.tokens, gen.work (generator_summary) */
    bool have_summary;
} Generator;

/* Check options against the model and batch: one sentence; max_new ≥ 1;
 * temperature ≥ 0 and finite; 0 ≤ top_k ≤ vocabulary size; and every
 * position the decoder would read, prompt_len − 1 + max_new of them, fits
 * in max_len. Errors are TF_ERR_INPUT and name the option. */
Status generator_check(const Model *m, const Batch *b, const GenOptions *o, Error *err);

/* Start generating for sentence 0 of b, whose encoder memory (encoder-
 * decoder) is memory (Ts, d). m, b and memory must outlive g. */
Status generator_init(Generator *g, const Model *m, const Batch *b, const float *memory,
                      const GenOptions *o, Error *err);

/* Take step g->step: fills g->acts (valid until the next call). The same
 * as generator_step_register, then generator_step_run. */
Status generator_step(Generator *g, Error *err);
/* The two halves of a step: register its slots in g->acts (the decoder's
 * parts and layers, as for a whole pass, then the step's choice), then
 * compute them and choose the next token. */
Status generator_step_register(Generator *g, Error *err);
Status generator_step_run(Generator *g, Error *err);

/* After the last step: g->summary holds gen.tokens (the whole sequence)
 * and gen.work (step, 2). */
Status generator_summary(Generator *g, Error *err);

void generator_free(Generator *g);

/* Multiply-adds of the decoder's matrix products (every nn.Linear and the
 * two attention products; not norms, softmax or elementwise work) in step
 * S, predicted from the sizes (a step's own work is counted as it runs:
 * work[S][0]; tests/unit/test_decode.c checks the two agree), with the cache (one new row: O(d² + n·d) per layer, n = S + 1) and
 * recomputing the prefix (n rows: O(n·d² + n²·d)). The encoder runs once
 * before step 0 either way and is not counted. */
uint64_t generator_work(const Config *c, int vocab_size, int Ts, int S, bool cached);

/* Steps a run with these options takes at most. */
int generator_max_steps(const Batch *b, const GenOptions *o);

#endif

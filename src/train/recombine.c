/* recombine.c — recombined training examples: sentences of one shape from
 * different training poems, joined (the rules: recombine.h). */
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "core/rng.h"
#include "train/recombine.h"

#define RECOMBINE_RNG_STREAM 0x7ec0  /* its own stream: the split's draws stay as they were */

typedef struct {
    const int *ids;   /* (len) into the training example it comes from */
    int len;
    int example;      /* which training example: orders ties */
    int clauses;
    uint16_t shape[RECOMBINE_MAX_CLAUSES];
    int group, group_n;  /* its shape's first sentence in the sorted order, and how many share it */
} Sentence;

static bool is_mark(const char *tok, const char *const *marks)
{
    for (; *marks; marks++)
        if (strcmp(tok, *marks) == 0)
            return true;
    return false;
}

static const char *const end_marks[] = {"。", "？", "！", ".", "?", "!", NULL};
static const char *const clause_marks[] = {"，", "；", "：", "、", ",", ";", ":", NULL};

/* For each vocabulary id: 2 when it ends a sentence, 1 when it ends a
 * clause, else 0. Into kind (vocab size). */
static void mark_kinds(const Vocab *v, unsigned char *kind)
{
    for (int id = 0; id < v->size; id++) {
        const char *tok = vocab_token(v, id);
        kind[id] = is_mark(tok, end_marks) ? 2 : is_mark(tok, clause_marks) ? 1 : 0;
    }
}

/* The sentences of training example e (index k) into out from *n on; one
 * with more than RECOMBINE_MAX_CLAUSES clauses is left out. */
static void example_sentences(const Example *e, int k, const unsigned char *kind, int vocab_size, Sentence *out,
                              int *n)
{
    int start = 0;
    Sentence s = {.ids = e->tgt, .example = k};
    int clause = 0;
    for (int t = 0; t < e->tgt_len; t++) {
        const int id = e->tgt[t];
        const int mk = id >= 0 && id < vocab_size ? kind[id] : 0;
        if (!mk) {
            clause++;
            continue;
        }
        if (s.clauses < RECOMBINE_MAX_CLAUSES)
            s.shape[s.clauses] = (uint16_t)clause;
        s.clauses++;
        clause = 0;
        if (mk == 2) {
            if (s.clauses <= RECOMBINE_MAX_CLAUSES) {
                s.ids = e->tgt + start;
                s.len = t + 1 - start;
                out[(*n)++] = s;
            }
            start = t + 1;
            s = (Sentence){.example = k};
        }
    }
}

/* By shape (clause count, then lengths), then by where the sentence is:
 * a total order, so the sort does not depend on qsort's stability. */
static int cmp_sentence(const void *a, const void *b)
{
    const Sentence *x = a, *y = b;
    if (x->clauses != y->clauses)
        return x->clauses < y->clauses ? -1 : 1;
    int c = memcmp(x->shape, y->shape, (size_t)x->clauses * sizeof x->shape[0]);
    if (c)
        return c;
    if (x->example != y->example)
        return x->example < y->example ? -1 : 1;
    return (x->ids > y->ids) - (x->ids < y->ids);
}

static bool same_shape(const Sentence *x, const Sentence *y)
{
    return x->clauses == y->clauses && memcmp(x->shape, y->shape, (size_t)x->clauses * sizeof x->shape[0]) == 0;
}

/* Draw n examples from the seed's stream. With ex NULL only the sizes are
 * summed into *tokens; with it, the examples are written into ex, their
 * ids and alignments into ints and texts into texts. The same seed draws
 * the same examples both times. */
static void draw(const Dataset *ds, const Sentence *s, const int *eligible, int n_eligible, int n, uint64_t seed,
                 size_t *tokens, Example *ex, int *ints, const char **texts)
{
    Rng rng;
    rng_seed(&rng, seed, RECOMBINE_RNG_STREAM);
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        const Sentence *first = &s[eligible[rng_below(&rng, (uint32_t)n_eligible)]];
        const int per = ds->opt.max_len / first->len > 0 ? ds->opt.max_len / first->len : 1;
        const int len = per * first->len;
        int *ids = ex ? ints + 2 * at : NULL;
        for (int j = 0; j < per; j++) {
            const Sentence *pick = &s[first->group + (int)rng_below(&rng, (uint32_t)first->group_n)];
            if (ids)
                memcpy(ids + j * first->len, pick->ids, (size_t)first->len * sizeof *ids);
        }
        if (ex)
            ex[i] = task_decoder_example(&ds->vocab, ids, len, texts + at);
        at += (size_t)len;
    }
    *tokens = at;
}

Status recombine_examples(Dataset *ds, int n, uint64_t seed, Error *err)
{
    if (n < 0 || n > RECOMBINE_MAX_EXAMPLES)
        return error_set(err, TF_ERR_INPUT, "recombine %d: give a number of examples in [0, %d]", n,
                         RECOMBINE_MAX_EXAMPLES);
    if (n == 0)
        return TF_OK;
    size_t train_tokens = 0;
    for (int k = 0; k < ds->n_train; k++)
        train_tokens += (size_t)ds->train[k].tgt_len;
    Status st = TF_OK;
    unsigned char *kind = malloc((size_t)ds->vocab.size);
    Sentence *s = malloc((train_tokens + 1) * sizeof *s);
    int *eligible = malloc((train_tokens + 1) * sizeof *eligible);
    Example *ex = NULL;
    int *ints = NULL;
    const char **texts = NULL;
    if (!kind || !s || !eligible) {
        st = error_set(err, TF_ERR_RUNTIME, "recombine: out of memory");
        goto done;
    }
    mark_kinds(&ds->vocab, kind);
    int n_s = 0;
    for (int k = 0; k < ds->n_train; k++)
        example_sentences(&ds->train[k], k, kind, ds->vocab.size, s, &n_s);
    qsort(s, (size_t)n_s, sizeof *s, cmp_sentence);
    int n_eligible = 0;
    for (int i = 0; i < n_s;) {
        int j = i;
        while (j < n_s && same_shape(&s[i], &s[j]))
            j++;
        for (int q = i; q < j; q++) {
            s[q].group = i;
            s[q].group_n = j - i;
            if (j - i >= 2)
                eligible[n_eligible++] = q;  /* a shape only one sentence has would only repeat it */
        }
        i = j;
    }
    if (n_eligible == 0) {
        st = error_set(err, TF_ERR_INPUT, "recombine: no two training sentences have the same shape (%d sentences)",
                       n_s);
        error_hint(err, "a sentence ends at 。？！; its shape is the lengths of its clauses between ，；：、 — "
                        "recombining needs a corpus with repeated forms, such as regulated verse");
        goto done;
    }
    size_t tokens = 0, bytes_ints = 0, bytes_texts = 0;
    draw(ds, s, eligible, n_eligible, n, seed, &tokens, NULL, NULL, NULL);
    const int total = ds->n_train + n + ds->n_heldout;
    if (!checked_mul(&bytes_ints, tokens, 2 * sizeof *ints) || !checked_mul(&bytes_texts, tokens, sizeof *texts)) {
        st = error_set(err, TF_ERR_INPUT, "recombine: %d examples are too large", n);
        goto done;
    }
    ex = calloc((size_t)total, sizeof *ex);
    ints = malloc(bytes_ints);
    texts = malloc(bytes_texts);
    if (!ex || !ints || !texts) {
        st = error_set(err, TF_ERR_RUNTIME, "recombine: out of memory for %d examples", n);
        goto done;
    }
    /* training examples as they were, the recombined ones, the held-out ones */
    memcpy(ex, ds->train, (size_t)ds->n_train * sizeof *ex);
    draw(ds, s, eligible, n_eligible, n, seed, &tokens, ex + ds->n_train, ints, texts);
    memcpy(ex + ds->n_train + n, ds->heldout, (size_t)ds->n_heldout * sizeof *ex);
    for (int i = 0; i < n; i++)
        if (ex[ds->n_train + i].tgt_len > ds->max_tgt_len)
            ds->max_tgt_len = ex[ds->n_train + i].tgt_len;
    free(ds->examples_);
    ds->examples_ = ex;
    ds->recombined_ints_ = ints;
    ds->recombined_texts_ = texts;
    ex = NULL, ints = NULL, texts = NULL;
    ds->n_train += n;
    ds->train = ds->examples_;
    ds->heldout = ds->examples_ + ds->n_train;
    ds->poems_recombined = n;
done:
    free(kind);
    free(s);
    free(eligible);
    free(ex);
    free(ints);
    free(texts);
    return st;
}

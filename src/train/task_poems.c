/* task_poems.c — the poems task: a corpus of real text split into whole
 * poems, a character vocabulary from the training split, and examples cut
 * at sentence ends (the rules: tasks.h, "poems"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/checked.h"
#include "core/rng.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "train/corpus.h"
#include "train/recombine.h"
#include "train/tasks.h"

/* The dataset generator's RNG stream (as tasks.c's, plus the kind). */
#define TASK_RNG_STREAM 0x7a5c
#define SPACE_CP 0x2581u  /* TOKENIZER_SPACE */

/* tang300 where fortunes-zh installs it, or $TRACEFORMER_FORTUNES_DIR. */
static const char *default_corpus(char *buf, size_t cap)
{
    const char *dir = getenv("TRACEFORMER_FORTUNES_DIR");
    if (!dir || !dir[0])
        dir = "/usr/share/games/fortunes";
    snprintf(buf, cap, "%s/tang300", dir);
    return buf;
}

/* A poem's text as code points, a space as TOKENIZER_SPACE. The corpus
 * reader has checked the UTF-8. Returns the count. */
static int code_points(const char *s, uint32_t *out)
{
    int n = 0;
    for (size_t i = 0, len = strlen(s); i < len;) {
        uint32_t cp = 0;
        size_t k = utf8_decode(s + i, len - i, &cp);
        i += k ? k : 1;
        out[n++] = cp == ' ' ? SPACE_CP : cp;
    }
    return n;
}

static int utf8_encode(uint32_t cp, char out[5])
{
    int n;
    if (cp < 0x80) {
        out[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        out[0] = (char)(0xf0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        out[2] = (char)(0x80 | (cp >> 6 & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    out[n] = '\0';
    return n;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

typedef struct {
    uint32_t cp;
    int count;
} CharCount;

/* Most frequent first, then by code point: an order that does not depend
 * on where in the corpus a character first appears. */
static int cmp_count(const void *a, const void *b)
{
    const CharCount *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->cp > y->cp) - (x->cp < y->cp);
}

/* ---- chunks -------------------------------------------------------------- */

static bool ascii_end(uint32_t cp)
{
    return cp == '.' || cp == '?' || cp == '!';
}

/* Where the sentence starting at i ends (the index after its end mark, or
 * n): 。？！ end one, and . ? ! when a space or the text's end follows. */
static int sentence_end(const uint32_t *cp, int n, int i)
{
    for (; i < n; i++) {
        if (cp[i] == 0x3002 || cp[i] == 0xff1f || cp[i] == 0xff01)
            return i + 1;
        if (ascii_end(cp[i]) && (i + 1 == n || cp[i + 1] == SPACE_CP))
            return i + 1;
    }
    return n;
}

/* The chunks of one poem's n code points, at most cap each: [start, end)
 * pairs into at (when non-NULL); returns how many. */
static int poem_chunks(const uint32_t *cp, int n, int cap, int (*at)[2])
{
    int count = 0;
    for (int i = 0; i < n;) {
        while (i < n && cp[i] == SPACE_CP)
            i++;
        if (i == n)
            break;
        int end = i;
        for (int j = i; j < n;) {
            int k = sentence_end(cp, n, j);
            if (k - i > cap)
                break;
            end = j = k;
        }
        if (end == i)
            end = i + cap;  /* one sentence longer than a chunk: cut */
        int last = end;
        while (last > i && cp[last - 1] == SPACE_CP)
            last--;
        if (at) {
            at[count][0] = i;
            at[count][1] = last;
        }
        count++;
        i = end;
    }
    return count;
}

/* ---- the dataset --------------------------------------------------------- */

/* The vocabulary: the training poems' characters seen min_count times. */
static Status build_vocab(Dataset *ds, const Corpus *c, const bool *held, uint32_t *cps, Error *err)
{
    size_t total = 0;
    for (int p = 0; p < c->n; p++)
        if (!held[p])
            total += (size_t)code_points(c->poems[p].text, cps + total);
    qsort(cps, total, sizeof *cps, cmp_u32);
    CharCount *cc = malloc((total + 1) * sizeof *cc);
    if (!cc)
        return error_set(err, TF_ERR_RUNTIME, "task poems: out of memory counting characters");
    int kinds = 0;
    for (size_t i = 0; i < total;) {
        size_t j = i;
        while (j < total && cps[j] == cps[i])
            j++;
        if ((int)(j - i) >= ds->opt.min_count)
            cc[kinds++] = (CharCount){cps[i], (int)(j - i)};
        i = j;
    }
    qsort(cc, (size_t)kinds, sizeof *cc, cmp_count);
    Status st = TF_OK;
    for (int k = 0; k < kinds && st == TF_OK; k++) {
        char tok[5];
        utf8_encode(cc[k].cp, tok);
        if (vocab_add(&ds->vocab, tok, err) < 0)
            st = TF_ERR_INPUT;
    }
    free(cc);
    return st;
}

/* The id of code point cp in the vocabulary, or <UNK>. */
static int char_id(const Vocab *v, uint32_t cp)
{
    char tok[5];
    int n = utf8_encode(cp, tok);
    int id = vocab_find_n(v, tok, (size_t)n);
    return id >= TOK_SPECIALS ? id : TOK_UNK;
}

/* Every poem of one split as examples, into ds's pools from example *k on
 * (ints and texts from *at on). With ex NULL, only counts: *k and *at
 * advance as they would. */
static void split_examples(Dataset *ds, const Corpus *c, const bool *held, bool want_held, uint32_t *cps,
                           int (*chunk)[2], int *k, size_t *at)
{
    for (int p = 0; p < c->n; p++) {
        if (held[p] != want_held)
            continue;
        const int n = code_points(c->poems[p].text, cps);
        const int m = poem_chunks(cps, n, ds->opt.max_len, chunk);
        for (int q = 0; q < m; q++) {
            const int len = chunk[q][1] - chunk[q][0];  /* the characters, as a user types them */
            if (ds->examples_) {
                int *ids = ds->ints_ + *at;
                for (int t = 0; t < len; t++)
                    ids[t] = char_id(&ds->vocab, cps[chunk[q][0] + t]);
                ds->examples_[*k] = task_decoder_example(&ds->vocab, ids, len, ds->texts_ + *at);
                if (len > ds->max_tgt_len)
                    ds->max_tgt_len = len;
            }
            (*k)++;
            *at += 2 * (size_t)len;
        }
    }
}

Status task_poems_generate(Dataset *ds, Error *err)
{
    const TaskOptions *o = &ds->opt;
    char def[1024];
    const char *path = o->corpus ? o->corpus : default_corpus(def, sizeof def);
    struct stat sb;
    if (!o->corpus && stat(path, &sb) != 0 && errno == ENOENT) {
        error_set(err, TF_ERR_RUNTIME, "task poems: the Tang poems corpus %s is not installed", path);
        error_hint(err, "install it with: sudo apt-get install fortunes-zh (or make deps); or give --corpus FILE");
        return TF_ERR_RUNTIME;
    }
    if (o->max_len < 1 || o->max_len > POEMS_MAX_CHUNK)
        return error_set(err, TF_ERR_INPUT, "task poems: %d characters per example is not in [1, %d]", o->max_len,
                         POEMS_MAX_CHUNK);
    if (o->min_count < 1)
        return error_set(err, TF_ERR_INPUT, "task poems: min_count %d: give at least 1", o->min_count);
    Corpus c;
    Status st = corpus_read(&c, path, err);
    if (st)
        return st;
    if (c.n < 2) {
        st = error_set(err, TF_ERR_INPUT, "%s: 1 poem: task poems needs at least 2, one to train on and one held out",
                       path);
        error_hint(err, "poems are separated by blank lines (or by lines of '%%', as in a fortune file)");
        corpus_free(&c);
        return st;
    }
    ds->corpus = strdup(path);
    size_t longest = 0;
    for (int p = 0; p < c.n; p++) {
        size_t len = strlen(c.poems[p].text);
        longest = len > longest ? len : longest;
    }
    /* the longest poem's code points bound every per-poem buffer; all the
     * text's bound the counting one (a code point is at least a byte) */
    size_t all = 0;
    for (int p = 0; p < c.n; p++)
        all += strlen(c.poems[p].text);
    bool *held = calloc((size_t)c.n, sizeof *held);
    int *order = malloc((size_t)c.n * sizeof *order);
    uint32_t *cps = malloc((all + 1) * sizeof *cps);
    int(*chunk)[2] = malloc((longest + 1) * sizeof *chunk);
    if (!ds->corpus || !held || !order || !cps || !chunk)
        st = error_set(err, TF_ERR_RUNTIME, "task poems: out of memory");

    if (st == TF_OK) {
        /* the held-out poems: the first tenth of a seeded permutation */
        for (int p = 0; p < c.n; p++)
            order[p] = p;
        Rng rng;
        rng_seed(&rng, o->seed, TASK_RNG_STREAM + (uint64_t)o->kind);
        for (int i = c.n - 1; i > 0; i--) {
            int j = (int)rng_below(&rng, (uint32_t)i + 1), x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        int n_held = (c.n * POEMS_HELDOUT_PERCENT + 50) / 100;
        n_held = n_held < 1 ? 1 : n_held;
        for (int i = 0; i < n_held; i++)
            held[order[i]] = true;
        ds->poems_heldout = n_held;
        ds->poems_train = c.n - n_held;
        st = build_vocab(ds, &c, held, cps, err);
    }
    if (st == TF_OK) {
        /* count, allocate, fill: training examples first, as every task */
        int k = 0;
        size_t at = 0;
        split_examples(ds, &c, held, false, cps, chunk, &k, &at);
        const int n_train = k;
        split_examples(ds, &c, held, true, cps, chunk, &k, &at);
        size_t bytes_ints = 0, bytes_texts = 0;
        if (!checked_mul(&bytes_ints, at, sizeof(int)) || !checked_mul(&bytes_texts, at, sizeof(char *)))
            st = error_set(err, TF_ERR_INPUT, "task poems: %s is too large", path);
        else if (n_train < 1 || k - n_train < 1)
            st = error_set(err, TF_ERR_INPUT, "task poems: %s gives no %s example", path,
                           n_train < 1 ? "training" : "held-out");
        if (st == TF_OK) {
            ds->examples_ = calloc((size_t)k, sizeof *ds->examples_);
            ds->ints_ = malloc(bytes_ints);
            ds->texts_ = malloc(bytes_texts);
            if (!ds->examples_ || !ds->ints_ || !ds->texts_)
                st = error_set(err, TF_ERR_RUNTIME, "task poems: out of memory for %d examples", k);
        }
        if (st == TF_OK) {
            k = 0, at = 0;
            split_examples(ds, &c, held, false, cps, chunk, &k, &at);
            split_examples(ds, &c, held, true, cps, chunk, &k, &at);
            ds->n_train = n_train;
            ds->n_heldout = k - n_train;
            ds->train = ds->examples_;
            ds->heldout = ds->examples_ + n_train;
        }
    }
    if (st == TF_OK)
        st = recombine_examples(ds, o->recombine, o->seed, err);
    free(held);
    free(order);
    free(cps);
    free(chunk);
    corpus_free(&c);
    return st;
}

/* tasks.c — the toy datasets: random symbol sequences for copy, reverse
 * and sort, and the phrasebook's small Chinese → English grammar. */
#include "train/tasks.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "core/rng.h"

static const char *const task_names[TASK_COUNT] = {"copy", "reverse", "sort", "phrasebook", "poems"};

/* The RNG stream of the dataset generator: weights and sampling draw from
 * their own streams, so a dataset does not change when they do. */
#define TASK_RNG_STREAM 0x7a5c

const char *task_name(TaskKind kind)
{
    return (unsigned)kind < TASK_COUNT ? task_names[kind] : "?";
}

Status task_from_name(const char *name, TaskKind *kind, Error *err)
{
    for (int k = 0; k < TASK_COUNT; k++)
        if (strcmp(name, task_names[k]) == 0) {
            *kind = (TaskKind)k;
            return TF_OK;
        }
    error_set(err, TF_ERR_INPUT, "unknown task '%s'", name);
    error_hint(err, "the tasks are copy, reverse, sort, phrasebook and poems");
    return TF_ERR_INPUT;
}

bool task_decoder_only(TaskKind kind)
{
    return kind == TASK_POEMS;
}

int task_decoder_positions(const Dataset *ds)
{
    return task_decoder_only(ds->opt.kind) ? ds->max_tgt_len : ds->max_tgt_len + 1;
}

static void shuffle(Rng *r, int *a, int n)
{
    /* Fisher–Yates, from the back. */
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

int task_tokens_join(char *buf, size_t cap, const char *const *tokens, int n)
{
    size_t len = 0;
    if (cap == 0)
        return -1;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t tl = strlen(tokens[i]);
        if (len + (i > 0) + tl + 1 > cap) {
            buf[0] = '\0';
            return -1;
        }
        if (i > 0)
            buf[len++] = ' ';
        memcpy(buf + len, tokens[i], tl);
        len += tl;
        buf[len] = '\0';
    }
    return (int)len;
}

/* ------------------------------------------------------------- storage */

/* One block of examples, one of ids/alignments, one of token texts, sized
 * for n examples of at most max_src + max_tgt tokens. */
static Status dataset_alloc(Dataset *ds, int n, int max_src, int max_tgt, Error *err)
{
    size_t per, ints, texts;
    if (!checked_mul(&ints, (size_t)n, (size_t)(max_src + 2 * max_tgt)) ||
        !checked_mul(&per, ints, sizeof(int)) ||
        !checked_mul(&texts, (size_t)n, (size_t)(max_src + max_tgt)) ||
        !checked_mul(&texts, texts, sizeof(char *)))
        return error_set(err, TF_ERR_INPUT, "task %s: %d examples is too many",
                         task_name(ds->opt.kind), n);
    ds->examples_ = calloc((size_t)n, sizeof(Example));
    ds->ints_ = malloc(per);
    ds->texts_ = malloc(texts);
    if (!ds->examples_ || !ds->ints_ || !ds->texts_)
        return error_set(err, TF_ERR_RUNTIME, "task %s: out of memory for %d examples",
                         task_name(ds->opt.kind), n);
    ds->train = ds->examples_;
    ds->heldout = ds->examples_ + ds->n_train;
    return TF_OK;
}

/* Point e at `at` in the pools and give it its texts from the vocabulary.
 * The ids (src then tgt) and the alignment are already at ints[at...]. */
static void example_place(Dataset *ds, Example *e, size_t int_at, size_t text_at, int ns,
                          int nt)
{
    int *src = ds->ints_ + int_at;
    const char **text = ds->texts_ + text_at;
    for (int i = 0; i < ns; i++)
        text[i] = vocab_token(&ds->vocab, src[i]);
    for (int j = 0; j < nt; j++)
        text[ns + j] = vocab_token(&ds->vocab, src[ns + j]);
    *e = (Example){.src_len = ns, .tgt_len = nt, .src = src, .tgt = src + ns,
                   .align = src + ns + nt, .src_text = text, .tgt_text = text + ns};
    if (ns > ds->max_src_len)
        ds->max_src_len = ns;
    if (nt > ds->max_tgt_len)
        ds->max_tgt_len = nt;
}

Example task_decoder_example(const Vocab *v, int *ids, int len, const char **text)
{
    int *align = ids + len;
    for (int t = 0; t < len; t++) {
        align[t] = -1;
        text[t] = vocab_token(v, ids[t]);
    }
    return (Example){.src_len = 0, .tgt_len = len, .src = ids, .tgt = ids,
                     .src_text = text, .tgt_text = text, .align = align};
}

/* ------------------------------------------------- copy, reverse, sort */

/* A set of symbol sequences (open addressing over example indices), so a
 * sequence drawn twice is recognised, whichever split holds it. */
typedef struct {
    int *slot;          /* (cap) 1 + index into seqs, 0 = empty */
    size_t cap;         /* a power of 2, at least twice the entries */
    const Dataset *ds;
    const size_t *at;   /* where each stored sequence starts in ds->ints_ */
    const int *len;
} SeqSet;

static uint64_t seq_hash(const int *s, int n)
{
    /* FNV-1a over the length and the ids. */
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint64_t)n) * 1099511628211ULL;
    for (int i = 0; i < n; i++)
        h = (h ^ (uint64_t)(uint32_t)s[i]) * 1099511628211ULL;
    return h;
}

/* Insert sequence number idx unless an equal one is there; true if new. */
static bool seqset_insert(SeqSet *set, int idx)
{
    const int *s = set->ds->ints_ + set->at[idx];
    int n = set->len[idx];
    size_t i = (size_t)seq_hash(s, n) & (set->cap - 1);
    for (;; i = (i + 1) & (set->cap - 1)) {
        int other = set->slot[i] - 1;
        if (other < 0) {
            set->slot[i] = idx + 1;
            return true;
        }
        if (set->len[other] == n &&
            memcmp(set->ds->ints_ + set->at[other], s, (size_t)n * sizeof *s) == 0)
            return false;
    }
}

/* Distinct sequences of min..max symbols over A letters, saturating far
 * above any request. */
static double sequence_space(int A, int min_len, int max_len)
{
    double total = 0.0, pow_a = 1.0;
    for (int len = 1; len <= max_len && total < 1e18; len++) {
        pow_a *= A;
        if (len >= min_len)
            total += pow_a;
    }
    return total;
}

/* tgt and align from src, by the task's rule. */
static void sequence_target(TaskKind kind, const int *src, int n, int *tgt, int *align,
                            int alphabet)
{
    if (kind == TASK_COPY) {
        for (int j = 0; j < n; j++)
            tgt[j] = src[j], align[j] = j;
    } else if (kind == TASK_REVERSE) {
        for (int j = 0; j < n; j++)
            tgt[j] = src[n - 1 - j], align[j] = n - 1 - j;
    } else {
        /* A stable counting sort: equal symbols keep their source order, so
         * the alignment is well defined (the first 'a' out is the first 'a'
         * in). */
        int j = 0;
        for (int sym = TOK_SPECIALS; sym < TOK_SPECIALS + alphabet; sym++)
            for (int i = 0; i < n; i++)
                if (src[i] == sym)
                    tgt[j] = src[i], align[j++] = i;
    }
}

static Status check_sequence_options(const TaskOptions *o, Error *err)
{
    const char *name = task_name(o->kind);
    if (o->alphabet < 2 || o->alphabet > 26)
        return error_set(err, TF_ERR_INPUT, "task %s: alphabet %d is not in [2, 26]", name,
                         o->alphabet);
    if (o->min_len < 1 || o->max_len > TASK_MAX_LEN || o->min_len > o->max_len)
        return error_set(err, TF_ERR_INPUT,
                         "task %s: lengths %d to %d are not within 1 ≤ min ≤ max ≤ %d", name,
                         o->min_len, o->max_len, TASK_MAX_LEN);
    double space = sequence_space(o->alphabet, o->min_len, o->max_len);
    if ((double)o->n_train + o->n_heldout > space / 2) {
        error_set(err, TF_ERR_INPUT,
                  "task %s: %d + %d examples, but only %.0f distinct sequences of %d to %d "
                  "symbols over %d letters (at most half of them can be used)",
                  name, o->n_train, o->n_heldout, space, o->min_len, o->max_len, o->alphabet);
        error_hint(err, "ask for fewer examples, or longer sequences or a larger alphabet");
        return TF_ERR_INPUT;
    }
    return TF_OK;
}

static Status generate_sequences(Dataset *ds, Error *err)
{
    const TaskOptions *o = &ds->opt;
    Status st = check_sequence_options(o, err);
    if (st != TF_OK)
        return st;
    for (int s = 0; s < o->alphabet; s++) {
        char letter[2] = {(char)('a' + s), '\0'};
        if (vocab_add(&ds->vocab, letter, err) < 0)
            return TF_ERR_RUNTIME;
    }
    const int n = o->n_train + o->n_heldout;
    st = dataset_alloc(ds, n, o->max_len, o->max_len, err);
    if (st != TF_OK)
        return st;

    size_t *at = malloc((size_t)n * sizeof *at);
    int *len = malloc((size_t)n * sizeof *len);
    SeqSet set = {.ds = ds, .at = at, .len = len, .cap = 16};
    while (set.cap < 2 * (size_t)n)
        set.cap *= 2;
    set.slot = calloc(set.cap, sizeof *set.slot);
    if (!at || !len || !set.slot) {
        free(at), free(len), free(set.slot);
        return error_set(err, TF_ERR_RUNTIME, "task %s: out of memory", task_name(o->kind));
    }

    Rng rng;
    rng_seed(&rng, o->seed, TASK_RNG_STREAM + (uint64_t)o->kind);
    const int span = o->max_len - o->min_len + 1;
    const size_t stride = 3 * (size_t)o->max_len;
    /* Held-out first: examples_[n_train ...], then the training ones. A
     * candidate is written in place and kept only if the set has not seen
     * it, so the splits are disjoint and neither repeats itself. */
    for (int k = 0; k < n; k++) {
        int idx = k < o->n_heldout ? o->n_train + k : k - o->n_heldout;
        at[idx] = (size_t)idx * stride;
        int *src = ds->ints_ + at[idx];
        do {
            len[idx] = o->min_len + (int)rng_below(&rng, (uint32_t)span);
            for (int i = 0; i < len[idx]; i++)
                src[i] = TOK_SPECIALS + (int)rng_below(&rng, (uint32_t)o->alphabet);
        } while (!seqset_insert(&set, idx));
        sequence_target(o->kind, src, len[idx], src + len[idx], src + 2 * len[idx],
                        o->alphabet);
        example_place(ds, &ds->examples_[idx], at[idx], (size_t)idx * 2 * o->max_len,
                      len[idx], len[idx]);
    }
    free(at), free(len), free(set.slot);
    return TF_OK;
}

/* ------------------------------------------------------------ phrasebook */

/* The grammar. English has no articles here (headline style: "cat chases
 * mouse"), so the lessons' sentences come out as the issue writes them.
 * The differences a model has to learn:
 *   agreement   English verbs take -s after he/she/it nouns; Chinese never
 *               changes a verb: 猫 追 老鼠 → cat chases mouse, 我 追 猫 → I chase cat
 *   case        我 is "I" before the verb and "me" after it
 *   了          marks a finished action: the verb goes to the past tense and
 *               了 itself has no English word
 *   不          negation needs a helper: "does not chase" (does: no source word)
 *   每天        "every day" comes before the verb in Chinese, at the end in English
 *   在 家       "at home" likewise: 猫 在 家 吃 鱼 → cat eats fish at home */
typedef struct {
    const char *zh, *subject, *object;
    bool third_singular;   /* he, she, it: the verb takes -s */
} Noun;

typedef struct {
    const char *zh, *base, *third, *past;
    bool eats;             /* takes food as its object, not a creature */
    bool state;            /* a feeling, not an action: no 了 (爱了 and 喜欢了 sound odd) */
} Verb;

static const Noun creatures[] = {
    {"我", "I", "me", false},        {"你", "you", "you", false},
    {"他", "he", "him", true},       {"她", "she", "her", true},
    {"我们", "we", "us", false},     {"猫", "cat", "cat", true},
    {"狗", "dog", "dog", true},      {"老鼠", "mouse", "mouse", true},
    {"老师", "teacher", "teacher", true}, {"学生", "student", "student", true},
    {"AI", "AI", "AI", true},
};

static const Noun foods[] = {
    {"鱼", "fish", "fish", true}, {"苹果", "apple", "apple", true}, {"米饭", "rice", "rice", true},
};

static const Verb verbs[] = {
    {"爱", "love", "loves", "loved", false, true},
    {"追", "chase", "chases", "chased", false, false},
    {"看", "watch", "watches", "watched", false, false},
    {"喜欢", "like", "likes", "liked", false, true},
    {"帮助", "help", "helps", "helped", false, false},
    {"吃", "eat", "eats", "ate", true, false},
};

static const struct {
    const char *zh, *en;
} places[] = {{"家", "home"}, {"学校", "school"}};

#define N_CREATURES (int)(sizeof creatures / sizeof creatures[0])
#define N_FOODS (int)(sizeof foods / sizeof foods[0])
#define N_VERBS (int)(sizeof verbs / sizeof verbs[0])
#define N_PLACES (int)(sizeof places / sizeof places[0])

/* How one frame (subject, verb, object) is said. */
enum { PB_PLAIN, PB_DONE, PB_NOT, PB_DAILY, PB_PLACE, PB_FORMS = PB_PLACE + N_PLACES };

#define PB_MAX_WORDS 8

typedef struct {
    int ns, nt;
    const char *src[PB_MAX_WORDS];
    const char *tgt[PB_MAX_WORDS];
    int align[PB_MAX_WORDS];
} Sentence;

static int zh(Sentence *s, const char *word)
{
    s->src[s->ns] = word;
    return s->ns++;
}

static void en(Sentence *s, const char *word, int from)
{
    s->tgt[s->nt] = word;
    s->align[s->nt++] = from;
}

static void sentence_build(Sentence *s, const Noun *subj, const Verb *v, const Noun *obj,
                           int form)
{
    *s = (Sentence){0};
    const char *agreeing = subj->third_singular ? v->third : v->base;
    int S = zh(s, subj->zh), V, O, M = -1, P = -1;
    switch (form) {
    case PB_PLAIN:           /* 猫 追 老鼠 → cat chases mouse */
        V = zh(s, v->zh), O = zh(s, obj->zh);
        en(s, subj->subject, S), en(s, agreeing, V), en(s, obj->object, O);
        break;
    case PB_DONE:            /* 猫 追 了 老鼠 → cat chased mouse */
        V = zh(s, v->zh), zh(s, "了"), O = zh(s, obj->zh);
        en(s, subj->subject, S), en(s, v->past, V), en(s, obj->object, O);
        break;
    case PB_NOT:             /* 猫 不 追 老鼠 → cat does not chase mouse */
        M = zh(s, "不"), V = zh(s, v->zh), O = zh(s, obj->zh);
        en(s, subj->subject, S), en(s, subj->third_singular ? "does" : "do", -1);
        en(s, "not", M), en(s, v->base, V), en(s, obj->object, O);
        break;
    case PB_DAILY:           /* 我 每天 吃 鱼 → I eat fish every day */
        M = zh(s, "每天"), V = zh(s, v->zh), O = zh(s, obj->zh);
        en(s, subj->subject, S), en(s, agreeing, V), en(s, obj->object, O);
        en(s, "every", M), en(s, "day", M);
        break;
    default:                 /* 猫 在 家 吃 鱼 → cat eats fish at home */
        M = zh(s, "在"), P = zh(s, places[form - PB_PLACE].zh);
        V = zh(s, v->zh), O = zh(s, obj->zh);
        en(s, subj->subject, S), en(s, agreeing, V), en(s, obj->object, O);
        en(s, "at", M), en(s, places[form - PB_PLACE].en, P);
        break;
    }
}

/* Every sentence of the grammar, in a fixed order, into out (when non-NULL);
 * returns how many. A creature never acts on itself (no 我 爱 我), and a
 * feeling takes no 了. */
static int phrasebook_enumerate(Sentence *out)
{
    int n = 0;
    for (int s = 0; s < N_CREATURES; s++)
        for (int v = 0; v < N_VERBS; v++) {
            int n_obj = verbs[v].eats ? N_FOODS : N_CREATURES;
            for (int o = 0; o < n_obj; o++) {
                const Noun *obj = verbs[v].eats ? &foods[o] : &creatures[o];
                if (obj == &creatures[s])
                    continue;
                for (int form = 0; form < PB_FORMS; form++) {
                    if (form == PB_DONE && verbs[v].state)
                        continue;
                    if (out)
                        sentence_build(&out[n], &creatures[s], &verbs[v], obj, form);
                    n++;
                }
            }
        }
    return n;
}

int task_phrasebook_size(void)
{
    return phrasebook_enumerate(NULL);
}

/* The lessons' sentences: always in the training split. */
static const char *const required_sources[] = {"我 爱 AI", "猫 追 老鼠", "老鼠 追 猫"};
#define N_REQUIRED (int)(sizeof required_sources / sizeof required_sources[0])

static int required_index(const Sentence *s)
{
    char buf[256];
    if (task_tokens_join(buf, sizeof buf, s->src, s->ns) < 0)
        return -1;
    for (int r = 0; r < N_REQUIRED; r++)
        if (strcmp(buf, required_sources[r]) == 0)
            return r;
    return -1;
}

static Status generate_phrasebook(Dataset *ds, Error *err)
{
    const TaskOptions *o = &ds->opt;
    const int total = task_phrasebook_size();
    if (o->n_train < N_REQUIRED || (long)o->n_train + o->n_heldout > total)
        return error_set(err, TF_ERR_INPUT,
                         "task phrasebook: %d training + %d held-out examples, but the grammar "
                         "has %d sentences (and training needs at least %d)",
                         o->n_train, o->n_heldout, total, N_REQUIRED);

    Sentence *all = malloc((size_t)total * sizeof *all);
    int *order = malloc((size_t)total * sizeof *order);
    if (!all || !order) {
        free(all), free(order);
        return error_set(err, TF_ERR_RUNTIME, "task phrasebook: out of memory");
    }
    phrasebook_enumerate(all);

    /* The vocabulary in grammar order, not draw order: every Chinese word,
     * then every English one. */
    Status st = TF_OK;
    for (int side = 0; side < 2 && st == TF_OK; side++)
        for (int i = 0; i < total && st == TF_OK; i++) {
            int n = side ? all[i].nt : all[i].ns;
            for (int w = 0; w < n; w++)
                if (vocab_add(&ds->vocab, side ? all[i].tgt[w] : all[i].src[w], err) < 0) {
                    st = TF_ERR_RUNTIME;
                    break;
                }
        }

    /* required first, then the rest shuffled: held-out from the front of
     * the rest, training = required + what follows. */
    int n_rest = 0, found = 0, required[N_REQUIRED];
    for (int i = 0; i < total; i++) {
        int r = required_index(&all[i]);
        if (r >= 0)
            required[r] = i, found++;
        else
            order[n_rest++] = i;
    }
    if (st == TF_OK && found != N_REQUIRED)
        st = error_set(err, TF_ERR_RUNTIME, "phrasebook: the grammar lost a lesson sentence");
    if (st == TF_OK)
        st = dataset_alloc(ds, o->n_train + o->n_heldout, PB_MAX_WORDS, PB_MAX_WORDS, err);
    if (st != TF_OK) {
        free(all), free(order);
        return st;
    }

    Rng rng;
    rng_seed(&rng, o->seed, TASK_RNG_STREAM + (uint64_t)o->kind);
    shuffle(&rng, order, n_rest);
    /* pick[k]: the sentence of example k (training ones first, as stored). */
    int *pick = malloc((size_t)(o->n_train + o->n_heldout) * sizeof *pick);
    if (!pick) {
        free(all), free(order);
        return error_set(err, TF_ERR_RUNTIME, "task phrasebook: out of memory");
    }
    for (int r = 0; r < N_REQUIRED; r++)
        pick[r] = required[r];
    for (int k = N_REQUIRED; k < o->n_train; k++)
        pick[k] = order[o->n_heldout + k - N_REQUIRED];
    shuffle(&rng, pick, o->n_train);
    for (int k = 0; k < o->n_heldout; k++)
        pick[o->n_train + k] = order[k];

    const size_t stride = 3 * PB_MAX_WORDS;
    for (int k = 0; k < o->n_train + o->n_heldout; k++) {
        const Sentence *s = &all[pick[k]];
        int *ids = ds->ints_ + (size_t)k * stride;
        for (int i = 0; i < s->ns; i++)
            ids[i] = vocab_find(&ds->vocab, s->src[i]);
        for (int j = 0; j < s->nt; j++) {
            ids[s->ns + j] = vocab_find(&ds->vocab, s->tgt[j]);
            ids[s->ns + s->nt + j] = s->align[j];
        }
        example_place(ds, &ds->examples_[k], (size_t)k * stride,
                      (size_t)k * 2 * PB_MAX_WORDS, s->ns, s->nt);
    }
    free(pick), free(all), free(order);
    return TF_OK;
}

/* -------------------------------------------------------------- dataset */

void task_options_default(TaskOptions *o, TaskKind kind, uint64_t seed)
{
    *o = (TaskOptions){.kind = kind, .seed = seed};
    if (kind == TASK_POEMS) {
        o->max_len = POEMS_DEFAULT_CHUNK;
        o->min_count = 2;
    } else if (kind == TASK_PHRASEBOOK) {
        int total = task_phrasebook_size();
        o->n_heldout = total / 10;
        o->n_train = total - o->n_heldout;
    } else {
        o->alphabet = 10;
        o->min_len = 3;
        o->max_len = 9;
        o->n_train = 4000;
        o->n_heldout = 400;
    }
}

Status task_dataset_generate(Dataset *ds, const TaskOptions *o, Error *err)
{
    *ds = (Dataset){.opt = *o, .n_train = o->n_train, .n_heldout = o->n_heldout};
    vocab_init(&ds->vocab);
    Status st;
    if ((unsigned)o->kind >= TASK_COUNT)
        st = error_set(err, TF_ERR_INPUT, "task: unknown kind %d", (int)o->kind);
    else if (o->kind == TASK_POEMS)
        st = task_poems_generate(ds, err);
    else if (o->n_train < 1 || o->n_heldout < 1 || o->n_train > TASK_MAX_EXAMPLES ||
             o->n_heldout > TASK_MAX_EXAMPLES)
        st = error_set(err, TF_ERR_INPUT,
                       "task %s: %d training and %d held-out examples; each must be in "
                       "[1, %d]", task_name(o->kind), o->n_train, o->n_heldout,
                       TASK_MAX_EXAMPLES);
    else if (o->kind == TASK_PHRASEBOOK)
        st = generate_phrasebook(ds, err);
    else
        st = generate_sequences(ds, err);
    if (st != TF_OK)
        task_dataset_free(ds);
    return st;
}

void task_dataset_free(Dataset *ds)
{
    vocab_free(&ds->vocab);
    free(ds->examples_);
    free(ds->ints_);
    free(ds->texts_);
    free(ds->recombined_ints_);
    free(ds->recombined_texts_);
    free(ds->corpus);
    *ds = (Dataset){0};
}

void task_dataset_trained_on(const Dataset *ds, TrainedOn *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->task, sizeof t->task, "%s", task_name(ds->opt.kind));
    if (task_decoder_only(ds->opt.kind)) {
        /* no source; the characters of each example */
        for (int k = 0; k < ds->n_train; k++) {
            const int n = ds->train[k].tgt_len;
            if (k == 0 || n < t->tgt_min)
                t->tgt_min = n;
            if (k == 0 || n > t->tgt_max)
                t->tgt_max = n;
        }
        if (ds->corpus)
            trained_on_set_corpus(t, ds->corpus);
        return;
    }
    for (int k = 0; k < ds->n_train; k++) {
        const Example *e = &ds->train[k];
        if (k == 0 || e->src_len < t->src_min)
            t->src_min = e->src_len;
        if (k == 0 || e->src_len > t->src_max)
            t->src_max = e->src_len;
        if (k == 0 || e->tgt_len < t->tgt_min)
            t->tgt_min = e->tgt_len;
        if (k == 0 || e->tgt_len > t->tgt_max)
            t->tgt_max = e->tgt_len;
    }
}

int task_examples_outside(const TrainedOn *t, const Example *ex, int n)
{
    int count = 0;
    if (trained_on_known(t) && t->src_max == 0) {
        /* decoder-only: the characters */
        for (int k = 0; k < n; k++)
            count += ex[k].tgt_len < t->tgt_min || ex[k].tgt_len > t->tgt_max;
        return count;
    }
    for (int k = 0; k < n && trained_on_known(t); k++)
        count += ex[k].src_len < t->src_min || ex[k].src_len > t->src_max || ex[k].tgt_len < t->tgt_min ||
                 ex[k].tgt_len > t->tgt_max;
    return count;
}

Status task_target_of(const Dataset *ds, const int *src, int n, int *tgt, int cap, int *n_tgt, Error *err)
{
    const TaskKind kind = ds->opt.kind;
    *n_tgt = 0;
    if (task_decoder_only(kind))
        return error_set(err, TF_ERR_INPUT, "task %s has no source sentences to give a target of: its examples are "
                                            "text to continue", task_name(kind));
    if (n < 1 || n > TASK_MAX_LEN)
        return error_set(err, TF_ERR_INPUT, "a sentence of %d tokens: task %s takes 1 to %d", n, task_name(kind),
                         TASK_MAX_LEN);
    if (kind != TASK_PHRASEBOOK) {
        if (n > cap)
            return error_set(err, TF_ERR_INPUT, "a sentence of %d tokens: at most %d fit", n, cap);
        for (int i = 0; i < n; i++)
            if (src[i] < TOK_SPECIALS || src[i] >= TOK_SPECIALS + ds->opt.alphabet)
                return error_set(err, TF_ERR_INPUT, "token %d of the sentence is not one of task %s's symbols",
                                 i + 1, task_name(kind));
        int align[TASK_MAX_LEN];
        sequence_target(kind, src, n, tgt, align, ds->opt.alphabet);
        *n_tgt = n;
        return TF_OK;
    }
    /* The phrasebook's translation is its grammar's: every sentence the
     * grammar makes is in one of the splits. */
    for (int split = 0; split < 2; split++) {
        const Example *ex = split ? ds->heldout : ds->train;
        const int count = split ? ds->n_heldout : ds->n_train;
        for (int i = 0; i < count; i++)
            if (ex[i].src_len == n && memcmp(ex[i].src, src, (size_t)n * sizeof *src) == 0) {
                if (ex[i].tgt_len > cap)
                    return error_set(err, TF_ERR_INPUT, "its translation has %d tokens: at most %d fit",
                                     ex[i].tgt_len, cap);
                memcpy(tgt, ex[i].tgt, (size_t)ex[i].tgt_len * sizeof *tgt);
                *n_tgt = ex[i].tgt_len;
                return TF_OK;
            }
    }
    return error_set(err, TF_ERR_INPUT, "the phrasebook's grammar does not make this sentence, so its translation "
                                        "is not known: give the target too");
}

/* tasks.h — toy tasks whose right attention pattern is known in advance,
 * generated deterministically from a seed.
 *
 *   copy        a b c d   → a b c d      cross-attention on the diagonal
 *   reverse     a b c d   → d c b a      on the anti-diagonal
 *   sort        c a d a   → a a c d      each output looks up its source
 *   phrasebook  猫 追 老鼠 → cat chases mouse
 *               a tiny Chinese → English grammar, with word-order changes
 *               (我 每天 吃 鱼 → I eat fish every day), words that appear
 *               (does, not) or vanish (了), and English agreement (-s)
 *   poems       床前明月光，疑是地上霜。   real text: a decoder-only,
 *               character-level model learns to continue a corpus of
 *               poems (task_poems.c; the Tang poems of fortunes-zh by
 *               default)
 *
 * Every example carries its word alignment: for each target word, the
 * source position it translates or copies (−1 when none, like the "does" of
 * "cat does not chase mouse"). A trained model's cross-attention should put
 * its weight there, and a test can measure that.
 *
 * A dataset has a training split and a held-out split that share no source
 * sentence. Same options (seed included), same examples, in the same order,
 * on every machine. */
#ifndef TF_TRAIN_TASKS_H
#define TF_TRAIN_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/trained_on.h"
#include "text/vocab.h"

typedef enum { TASK_COPY, TASK_REVERSE, TASK_SORT, TASK_PHRASEBOOK, TASK_POEMS, TASK_COUNT } TaskKind;

/* "copy", "reverse", "sort", "phrasebook", "poems". */
const char *task_name(TaskKind kind);

/* The kind called name; an unknown name is TF_ERR_INPUT, and the message
 * lists the known ones. */
Status task_from_name(const char *name, TaskKind *kind, Error *err);

typedef struct {
    TaskKind kind;
    uint64_t seed;
    int n_train;       /* training examples */
    int n_heldout;     /* held-out examples (≥ 1) */
    /* copy, reverse, sort only: */
    int alphabet;      /* symbols "a", "b", …: 2 to 26 */
    int min_len;       /* tokens per sequence, 1 ≤ min_len ≤ max_len ≤ TASK_MAX_LEN */
    int max_len;       /* poems too: characters per example, 1 to POEMS_MAX_CHUNK */
    /* poems only (n_train and n_heldout are then what the corpus gives): */
    const char *corpus;   /* the corpus file; NULL: tang300 (task_poems_generate) */
    int min_count;        /* a character enters the vocabulary when the training
                           * split holds it at least this often (≥ 1) */
    int recombine;        /* recombined training examples to add (train/recombine.h);
                           * 0 (the default): none */
} TaskOptions;

#define TASK_MAX_LEN 64
#define TASK_MAX_EXAMPLES 10000000   /* per split */

/* Sensible sizes for the kind: sequences of 3 to 9 symbols over a
 * 10-letter alphabet (4000 training, 400 held out); the phrasebook's
 * every sentence, 10% of them held out. */
void task_options_default(TaskOptions *o, TaskKind kind, uint64_t seed);

/* Whether the task trains a decoder-only model (poems) rather than an
 * encoder-decoder (every other task). */
bool task_decoder_only(TaskKind kind);

/* How many different sentences the phrasebook grammar makes. */
int task_phrasebook_size(void);

typedef struct {
    int src_len, tgt_len;
    const int *src;                 /* (src_len) token ids in the dataset's vocabulary */
    const int *tgt;                 /* (tgt_len) */
    const char *const *src_text;    /* (src_len) the tokens as text, owned by the vocabulary */
    const char *const *tgt_text;    /* (tgt_len) */
    const int *align;               /* (tgt_len) source position each target word comes
                                     * from, or −1 */
} Example;

typedef struct {
    TaskOptions opt;
    /* <PAD> <START> <END> <UNK>, then every token the task can produce,
     * source and target alike, in a fixed order (not the order they happen
     * to be drawn): one vocabulary for both sides, as Config has. */
    Vocab vocab;
    int n_train, n_heldout;
    Example *train;                 /* (n_train) */
    Example *heldout;               /* (n_heldout) */
    int max_src_len, max_tgt_len;   /* longest sequence on each side, both splits */
    /* poems: the corpus file read, and its poems in each split */
    char *corpus;
    int poems_train, poems_heldout;
    int poems_recombined;   /* of n_train, the recombined examples (the last ones) */

    /* storage, one block each; read the fields above instead */
    Example *examples_;
    int *ints_;
    const char **texts_;
    int *recombined_ints_;          /* the recombined examples' (train/recombine.h) */
    const char **recombined_texts_;
} Dataset;

/* Build the dataset the options describe. Bad options (an alphabet of 1,
 * more examples than the task has distinct sentences, ...) are TF_ERR_INPUT
 * naming the option; for sequence tasks the training and held-out splits
 * together may use at most half of the distinct sequences, so drawing them
 * stays quick. The held-out split is drawn first, so it does not change
 * when only n_train does. The phrasebook's training split always holds
 * 我 爱 AI, 猫 追 老鼠 and 老鼠 追 猫 (the lessons' sentences). */
Status task_dataset_generate(Dataset *ds, const TaskOptions *o, Error *err);
void task_dataset_free(Dataset *ds);

/* What a model trained on ds's training split learnt from: the task's name
 * and the shortest and longest sentence on each side (the shipped copy and
 * reverse models: 3 to 9 tokens); for poems, no source, the characters per
 * example, and the corpus file. */
void task_dataset_trained_on(const Dataset *ds, TrainedOn *t);

/* The decoder positions the longest example of ds needs: the target and
 * <START> (encoder-decoder), the sequence as stored (decoder-only). */
int task_decoder_positions(const Dataset *ds);

/* How many of the n examples have a source or a target length outside t's
 * ranges (0 when t is unknown). */
int task_examples_outside(const TrainedOn *t, const Example *ex, int n);

/* The target the task gives source sentence src (n token ids of ds's
 * vocabulary): copied, reversed or sorted; the phrasebook's translation
 * when its grammar makes the sentence. Into tgt (cap ids), its length in
 * *n_tgt. TF_ERR_INPUT for a token that is not one of the task's symbols,
 * or a phrasebook sentence the grammar does not make. */
Status task_target_of(const Dataset *ds, const int *src, int n, int *tgt, int cap, int *n_tgt, Error *err);

/* ---- poems (task_poems.c) ----------------------------------------------
 *
 * The corpus file (train/corpus.h) is read into poems, and the poems are
 * split, whole, into a training and a held-out set drawn from the seed:
 * POEMS_HELDOUT_PERCENT of them held out (rounded, at least 1; a corpus of
 * fewer than 2 poems is refused). Both splits keep the file's order.
 *
 * The vocabulary comes from the training split alone: every character it
 * holds at least min_count times (default 2), most frequent first, ties
 * by code point, after the four specials. Any other character, in either
 * split, is <UNK>: a character seen once teaches nothing but can be
 * memorised, and held-out text must not add tokens. A space (English
 * prose) is the token TOKENIZER_SPACE "▁", counted like any character.
 *
 * Examples: each poem is cut into chunks at sentence ends (。？！, and
 * . ? ! before a space), as many whole sentences per chunk as fit in
 * max_len characters (default POEMS_DEFAULT_CHUNK); a sentence longer than
 * that is cut at max_len. A chunk never starts or ends with a space. An
 * example's tgt is the chunk's characters as written, no <START>
 * (tgt_len = characters; no source, src_len 0), the way `run --tgt` reads
 * a decoder-only sequence: the model reads it and predicts each next
 * character, then <END>. So every example starts where a sentence (in
 * verse: a line) starts, a user's text is counted from the same place,
 * and a model learns where a chunk ends. */
#define POEMS_HELDOUT_PERCENT 10
#define POEMS_DEFAULT_CHUNK 62   /* 62 characters + <END>, within a max_len of 64 */
#define POEMS_MAX_CHUNK 510

/* Build ds (already holding its options and the four specials) from the
 * corpus: called by task_dataset_generate. Without opt.corpus, the corpus
 * is tang300 in the directory $TRACEFORMER_FORTUNES_DIR names, else in
 * /usr/share/games/fortunes (where fortunes-zh installs it). The default corpus missing is
 * TF_ERR_RUNTIME with the apt-get line; a bad corpus file TF_ERR_INPUT. */
Status task_poems_generate(Dataset *ds, Error *err);

/* A decoder-only example (no source) over the token ids ids[0 .. len):
 * its alignment, len times −1, written after them at ids[len .. 2 len),
 * and its texts from v into text[0 .. len). The poems' chunks and the
 * recombined examples (train/recombine.h) are made this way. */
Example task_decoder_example(const Vocab *v, int *ids, int len, const char **text);

/* n tokens joined by single spaces into buf (cap bytes, NUL-terminated):
 * the form Config's sentences and the tokenizer take. Returns the length,
 * or −1 when it does not fit (buf then holds ""). */
int task_tokens_join(char *buf, size_t cap, const char *const *tokens, int n);

#endif

/* batch.h — the input sentences as padded token ids with their labels. */
#ifndef TF_MODEL_BATCH_H
#define TF_MODEL_BATCH_H

#include "core/error.h"
#include "model/config.h"
#include "text/tokenizer.h"
#include "text/vocab.h"

typedef struct {
    int B;              /* sentences */
    int Ts, Tt;         /* padded source / decoder lengths; Ts = 0 in decoder-only mode */
    int *src;           /* (B, Ts) token ids, <PAD> after src_len[b] */
    int *tgt;           /* (B, Tt) the decoder's input: <START> + target */
    int *target;        /* (B, Tt) what each decoder position should predict:
                           target + <END>; NULL when no target was given */
    int *src_len;       /* (B) real tokens per sentence */
    int *tgt_len;       /* (B) real decoder positions (of tgt and of target) */
    const char **src_labels;     /* (B, Ts) token text, pointing into the vocabulary */
    const char **tgt_labels;     /* (B, Tt) */
    const char **target_labels;  /* (B, Tt), or NULL with target */
} Batch;

/* Tokenize the config's sentences.
 *
 * Encoder-decoder (teacher forcing): a target is the output sentence. The
 * decoder reads <START> + target and should predict target + <END>: row t
 * reads target[t−1] and predicts target[t]. A target written with its
 * <START> ("<START> cat chases mouse", as nn.Transformer users write it)
 * means the same as without it, and a trailing <END> is the last thing to
 * predict, never an input (generation never feeds <END> back either). Every
 * source sentence needs a target, or none has one: the decoder then reads
 * "<START>" alone and target is NULL.
 *
 * Decoder-only: one sequence per sentence, from the targets if given, else
 * from the sources, read as it is written; target is the sequence shifted
 * left, then <END> (a trailing <END> again is predicted, not read).
 *
 * A decoder input or source longer than max_len is refused. */
Status batch_build(Batch *b, const Config *c, const Vocab *v, TokenWarning warn, void *ctx,
                   Error *err);

/* Build a batch straight from token ids, with batch_build's rules, for
 * training and evaluation that do not go through text. Sentence i has
 * src_len[i] source ids src[i] and tgt_len[i] target ids tgt[i] (both
 * without <START> or <END>; a target of 0 ids is an empty output sentence,
 * which still predicts <END>).
 *
 * Encoder-decoder: the encoder reads src[i]; the decoder reads <START> +
 * tgt[i] and should predict tgt[i] + <END>. tgt NULL means no targets: the
 * decoder reads "<START>" alone and b->target is NULL. Decoder-only: the
 * sequence is tgt[i] (src is ignored and may be NULL), read as written and
 * shifted left + <END> predicted; it must not be empty.
 *
 * Every sequence is padded with <PAD> to the longest of the batch, or to
 * pad_Ts / pad_Tt when those are larger (0: the longest), so that batches
 * of one shape can reuse the same activations. Lengths over cfg->max_len,
 * ids outside the vocabulary, and an empty source are TF_ERR_INPUT naming
 * the sentence. */
Status batch_from_ids(Batch *b, const Config *cfg, const Vocab *v, int B, const int *const *src,
                      const int *src_len, const int *const *tgt, const int *tgt_len, int pad_Ts,
                      int pad_Tt, Error *err);

/* Refill a batch made by batch_from_ids (with targets iff tgt is non-NULL
 * now, and the same B) with other sentences, keeping its padded shape
 * b->Ts, b->Tt: no allocation, so a training loop can reuse one batch and
 * the activations built for it. A sentence longer than that shape is
 * TF_ERR_INPUT; b is then unchanged. */
Status batch_set_ids(Batch *b, const Config *cfg, const Vocab *v, const int *const *src,
                     const int *src_len, const int *const *tgt, const int *tgt_len, Error *err);

void batch_free(Batch *b);

#endif

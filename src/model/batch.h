/* batch.h — the input sentences as padded token ids with their labels. */
#ifndef TF_MODEL_BATCH_H
#define TF_MODEL_BATCH_H

#include "core/error.h"
#include "model/config.h"
#include "text/tokenizer.h"
#include "text/vocab.h"

typedef struct {
    int B;              /* sentences */
    int Ts, Tt;         /* padded source / target lengths; Ts = 0 in decoder-only mode */
    int *src;           /* (B, Ts) token ids, <PAD> after src_len[b] */
    int *tgt;           /* (B, Tt) */
    int *src_len;       /* (B) real tokens per sentence */
    int *tgt_len;       /* (B) */
    const char **src_labels;  /* (B, Ts) token text, pointing into the vocabulary */
    const char **tgt_labels;  /* (B, Tt) */
} Batch;

/* Tokenize the config's sentences. Encoder-decoder: every source sentence
 * needs a target, or no targets at all (each target is then "<START>").
 * Decoder-only: one sequence per sentence, from the targets if given, else
 * from the sources. Sequences longer than max_len are refused. */
Status batch_build(Batch *b, const Config *c, const Vocab *v, TokenWarning warn, void *ctx,
                   Error *err);
void batch_free(Batch *b);

#endif

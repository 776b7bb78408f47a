/* model.c — building a model from a config. */
#include "model/model.h"

#include <string.h>

/* With m->vocab filled (st, how filling it went): check its size, then
 * room for the weights and their seeded values. On failure the vocabulary
 * is freed. */
static Status finish_random(Model *m, Status st, Error *err)
{
    if (st == TF_OK && m->vocab.size > CONFIG_MAX_VOCAB)
        st = error_set(err, TF_ERR_INPUT, "vocabulary of %d tokens is larger than the limit of %d",
                       m->vocab.size, CONFIG_MAX_VOCAB);
    if (st == TF_OK)
        st = weights_alloc(&m->w, &m->cfg, m->vocab.size, err);
    if (st != TF_OK) {
        vocab_free(&m->vocab);
        return st;
    }
    weights_init(&m->w, &m->cfg, m->vocab.size);
    return TF_OK;
}

Status model_init_with_vocab(Model *m, const Config *cfg, const Vocab *v, Error *err)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    vocab_init(&m->vocab);
    Status st = TF_OK;
    for (int i = TOK_SPECIALS; i < v->size && st == TF_OK; i++)
        if (vocab_add(&m->vocab, v->tokens[i], err) < 0)
            st = TF_ERR_INPUT;
    return finish_random(m, st, err);
}

Status model_init_random(Model *m, const Config *cfg, Error *err)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    vocab_init(&m->vocab);
    Status st;
    if (cfg->vocab[0]) {
        st = tokenizer_add_vocab(cfg->tokenizer, &m->vocab, cfg->vocab, "[vocab] tokens", err);
    } else {
        st = TF_OK;
        for (int i = 0; i < cfg->n_src && st == TF_OK; i++)
            st = tokenizer_add_vocab(cfg->tokenizer, &m->vocab, cfg->src[i], "source sentence", err);
        for (int i = 0; i < cfg->n_tgt && st == TF_OK; i++)
            st = tokenizer_add_vocab(cfg->tokenizer, &m->vocab, cfg->tgt[i], "target sentence", err);
    }
    return finish_random(m, st, err);
}

void model_free(Model *m)
{
    weights_free(&m->w);
    vocab_free(&m->vocab);
}

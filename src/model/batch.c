/* batch.c — tokenizing the input sentences into one padded batch. */
#include "model/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the tokens of one sentence become. */
typedef enum {
    AS_SOURCE,    /* encoder input, as written */
    AS_TARGET,    /* encoder-decoder output sentence: <START> + it is read, it + <END> predicted */
    AS_SEQUENCE,  /* decoder-only: read as written, shifted left + <END> predicted */
} Role;

/* A sentence of k bytes holds at most (k + 1) / 2 tokens. */
enum { SENTENCE_TOKENS_MAX = CONFIG_TEXT_MAX / 8 };

/* Decoder input `in` and targets `out` (both n long) of one sentence's
 * tokens tok (k of them, k ≥ 1), in the role's rule (see batch.h). */
static int shape_sentence(Role role, const int *tok, int k, int *in, int *out, int *added_start)
{
    *added_start = 0;
    if (role == AS_SOURCE) {
        memcpy(in, tok, (size_t)k * sizeof *in);
        return k;
    }
    const int ends = tok[k - 1] == TOK_END;
    if (role == AS_TARGET) {
        const int *body = tok;
        if (k > 0 && body[0] == TOK_START) {
            body++;
            k--;
        } else {
            *added_start = 1;
        }
        if (k > 0 && body[k - 1] == TOK_END)
            k--;
        in[0] = TOK_START;
        memcpy(in + 1, body, (size_t)k * sizeof *in);
        memcpy(out, body, (size_t)k * sizeof *out);
        out[k] = TOK_END;
        return k + 1;
    }
    /* AS_SEQUENCE */
    int n = ends ? k - 1 : k;
    memcpy(in, tok, (size_t)n * sizeof *in);
    memcpy(out, tok + 1, (size_t)(k - 1) * sizeof *out);
    if (!ends)
        out[n - 1] = TOK_END;
    return n;
}

static Status tokenize_all(const Config *c, const Vocab *v, const char (*text)[CONFIG_TEXT_MAX / 8], int n,
                           bool from_tgt, Role role, int **ids, int **targets, int **lens, int *T,
                           TokenWarning warn, void *ctx, Error *err)
{
    const size_t cap = SENTENCE_TOKENS_MAX + 1;
    const char *what = from_tgt ? "target" : "source";
    int *in = calloc((size_t)n * cap, sizeof *in);
    int *out = role != AS_SOURCE ? calloc((size_t)n * cap, sizeof *out) : NULL;
    int *tok = calloc(cap, sizeof *tok);
    *lens = calloc((size_t)n, sizeof **lens);
    Status st = TF_OK;
    if (!in || !tok || !*lens || (role != AS_SOURCE && !out)) {
        st = error_set(err, TF_ERR_RUNTIME, "out of memory tokenizing %s sentences", what);
        goto done;
    }
    *T = 0;
    for (int i = 0; i < n && st == TF_OK; i++) {
        char name[300];
        config_sentence_where(c, from_tgt, i, name, sizeof name);
        int k, added;
        if ((st = tokenizer_encode_as(c->tokenizer, v, text[i], name, tok, (int)cap, &k, warn, ctx, err)) != TF_OK)
            break;
        if (k == 0) {
            st = error_set(err, TF_ERR_INPUT, "%s is empty", name);
            break;
        }
        int len = shape_sentence(role, tok, k, in + (size_t)i * cap, out ? out + (size_t)i * cap : NULL, &added);
        if (len == 0) {
            st = error_set(err, TF_ERR_INPUT, "%s: nothing for the decoder to read before <END>", name);
            break;
        }
        if (added)
            strncat(name, " (with <START>)", sizeof name - strlen(name) - 1);
        if ((st = config_check_length(c, len, name, err)) != TF_OK)
            break;
        (*lens)[i] = len;
        if (len > *T)
            *T = len;
    }
    /* Repack to (n, T), padding each sentence at its end. */
    if (st == TF_OK) {
        *ids = calloc((size_t)n * (size_t)*T, sizeof **ids);
        if (out)
            *targets = calloc((size_t)n * (size_t)*T, sizeof **targets);
        if (!*ids || (out && !*targets)) {
            st = error_set(err, TF_ERR_RUNTIME, "out of memory tokenizing %s sentences", what);
            goto done;
        }
        for (int i = 0; i < n; i++)
            for (int t = 0; t < *T; t++) {
                const int real = t < (*lens)[i];
                (*ids)[i * *T + t] = real ? in[(size_t)i * cap + t] : TOK_PAD;
                if (out)
                    (*targets)[i * *T + t] = real ? out[(size_t)i * cap + t] : TOK_PAD;
            }
    }
done:
    free(in);
    free(out);
    free(tok);
    return st;
}

static const char **labels_for(const Vocab *v, const int *ids, size_t n)
{
    const char **l = calloc(n ? n : 1, sizeof *l);
    if (l)
        for (size_t i = 0; i < n; i++)
            l[i] = vocab_token(v, ids[i]);
    return l;
}

Status batch_build(Batch *b, const Config *c, const Vocab *v, TokenWarning warn, void *ctx, Error *err)
{
    memset(b, 0, sizeof *b);
    Status st;
    if (c->arch == ARCH_DECODER_ONLY) {
        if (c->n_src > 0 && c->n_tgt > 0)
            return error_set(err, TF_ERR_INPUT,
                             "a decoder-only model reads one sequence per sentence: give sources or targets, not both");
        int n = c->n_tgt ? c->n_tgt : c->n_src;
        if (n == 0)
            return error_set(err, TF_ERR_INPUT, "no input sentence: give one with --src TEXT");
        b->B = n;
        st = tokenize_all(c, v, c->n_tgt ? c->tgt : c->src, n, c->n_tgt > 0, AS_SEQUENCE, &b->tgt, &b->target,
                          &b->tgt_len, &b->Tt, warn, ctx, err);
    } else {
        if (c->n_src == 0)
            return error_set(err, TF_ERR_INPUT, "no source sentence: give one with --src TEXT");
        if (c->n_tgt != 0 && c->n_tgt != c->n_src)
            return error_set(err, TF_ERR_INPUT,
                             "%d source sentences but %d targets: give one target per source, or none",
                             c->n_src, c->n_tgt);
        b->B = c->n_src;
        st = tokenize_all(c, v, c->src, c->n_src, false, AS_SOURCE, &b->src, NULL, &b->src_len, &b->Ts, warn,
                          ctx, err);
        if (st == TF_OK) {
            if (c->n_tgt) {
                st = tokenize_all(c, v, c->tgt, c->n_tgt, true, AS_TARGET, &b->tgt, &b->target, &b->tgt_len,
                                  &b->Tt, warn, ctx, err);
            } else {
                /* No target: the decoder reads <START>, and nothing is known
                 * about what it should predict. */
                b->Tt = 1;
                b->tgt = calloc((size_t)b->B, sizeof *b->tgt);
                b->tgt_len = calloc((size_t)b->B, sizeof *b->tgt_len);
                if (!b->tgt || !b->tgt_len)
                    st = error_set(err, TF_ERR_RUNTIME, "out of memory");
                for (int i = 0; st == TF_OK && i < b->B; i++) {
                    b->tgt[i] = TOK_START;
                    b->tgt_len[i] = 1;
                }
            }
        }
    }
    if (st == TF_OK) {
        b->src_labels = labels_for(v, b->src, (size_t)b->B * (size_t)b->Ts);
        b->tgt_labels = labels_for(v, b->tgt, (size_t)b->B * (size_t)b->Tt);
        if (b->target)
            b->target_labels = labels_for(v, b->target, (size_t)b->B * (size_t)b->Tt);
        if (!b->src_labels || !b->tgt_labels || (b->target && !b->target_labels))
            st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    if (st != TF_OK)
        batch_free(b);
    return st;
}

void batch_free(Batch *b)
{
    free(b->src);
    free(b->tgt);
    free(b->target);
    free(b->src_len);
    free(b->tgt_len);
    free(b->src_labels);
    free(b->tgt_labels);
    free(b->target_labels);
    memset(b, 0, sizeof *b);
}

/* ---- batches straight from token ids (training, evaluation) ---------- */

/* Sentence i's decoder length and source length under the rules of
 * shape_sentence, after checking its ids; TF_ERR_INPUT names it. */
static Status ids_lengths(const Config *c, const Vocab *v, int i, const int *const *src, const int *src_len,
                          const int *const *tgt, const int *tgt_len, int *ns, int *nt, Error *err)
{
    char what[64];
    const int dec_only = c->arch == ARCH_DECODER_ONLY;
    *ns = 0;
    *nt = 1;  /* no targets: <START> alone */
    if (!dec_only) {
        snprintf(what, sizeof what, "source %d", i + 1);
        *ns = src_len[i];
        if (*ns < 1)
            return error_set(err, TF_ERR_INPUT, "%s is empty", what);
        Status st = config_check_length(c, *ns, what, err);
        if (st)
            return st;
        for (int t = 0; t < *ns; t++)
            if (src[i][t] < 0 || src[i][t] >= v->size)
                return error_set(err, TF_ERR_INPUT, "%s: token id %d at position %d is outside the vocabulary of %d",
                                 what, src[i][t], t, v->size);
    }
    if (tgt) {
        snprintf(what, sizeof what, "%s %d", dec_only ? "sequence" : "target", i + 1);
        if (tgt_len[i] < (dec_only ? 1 : 0) || tgt_len[i] > SENTENCE_TOKENS_MAX)
            return error_set(err, TF_ERR_INPUT, "%s: %d tokens", what, tgt_len[i]);
        for (int t = 0; t < tgt_len[i]; t++)
            if (tgt[i][t] < 0 || tgt[i][t] >= v->size)
                return error_set(err, TF_ERR_INPUT, "%s: token id %d at position %d is outside the vocabulary of %d",
                                 what, tgt[i][t], t, v->size);
        /* decoder-only reads the sequence as written (a trailing <END> is
         * predicted, not read); encoder-decoder reads <START> + target */
        *nt = dec_only ? tgt_len[i] - (tgt[i][tgt_len[i] - 1] == TOK_END) : tgt_len[i] + 1;
        if (*nt < 1)
            return error_set(err, TF_ERR_INPUT, "%s: nothing for the decoder to read before <END>", what);
        Status st = config_check_length(c, *nt, what, err);
        if (st)
            return st;
    } else if (dec_only) {
        return error_set(err, TF_ERR_INPUT, "a decoder-only batch needs its sequences (tgt)");
    }
    return TF_OK;
}

/* Write sentence i into b's rows, padded to b->Ts, b->Tt. */
static void ids_fill(Batch *b, const Config *c, const Vocab *v, int i, const int *const *src, const int *src_len,
                     const int *const *tgt, const int *tgt_len, int ns, int nt)
{
    int *s = b->src ? b->src + (size_t)i * b->Ts : NULL;
    int *in = b->tgt + (size_t)i * b->Tt;
    int *out = b->target ? b->target + (size_t)i * b->Tt : NULL;
    for (int t = 0; s && t < b->Ts; t++)
        s[t] = t < ns ? src[i][t] : TOK_PAD;
    for (int t = 0; t < b->Tt; t++) {
        in[t] = TOK_PAD;
        if (out)
            out[t] = TOK_PAD;
    }
    if (!tgt) {
        in[0] = TOK_START;
    } else if (c->arch == ARCH_DECODER_ONLY) {
        int dummy;
        shape_sentence(AS_SEQUENCE, tgt[i], tgt_len[i], in, out, &dummy);
    } else {
        /* shape_sentence's target rule on <START> + target, so that a target
         * of no tokens (only <END> to predict) takes the same path */
        in[0] = TOK_START;
        for (int t = 0; t < tgt_len[i]; t++) {
            in[t + 1] = tgt[i][t];
            out[t] = tgt[i][t];
        }
        out[tgt_len[i]] = TOK_END;
    }
    if (b->src_len)
        b->src_len[i] = ns;
    b->tgt_len[i] = nt;
    for (int t = 0; s && t < b->Ts; t++)
        b->src_labels[(size_t)i * b->Ts + t] = vocab_token(v, s[t]);
    for (int t = 0; t < b->Tt; t++) {
        b->tgt_labels[(size_t)i * b->Tt + t] = vocab_token(v, in[t]);
        if (out)
            b->target_labels[(size_t)i * b->Tt + t] = vocab_token(v, out[t]);
    }
    (void)src_len;
}

Status batch_from_ids(Batch *b, const Config *cfg, const Vocab *v, int B, const int *const *src,
                      const int *src_len, const int *const *tgt, const int *tgt_len, int pad_Ts,
                      int pad_Tt, Error *err)
{
    memset(b, 0, sizeof *b);
    if (B < 1)
        return error_set(err, TF_ERR_INPUT, "a batch needs at least one sentence");
    const int dec_only = cfg->arch == ARCH_DECODER_ONLY;
    int Ts = 0, Tt = 0;
    for (int i = 0; i < B; i++) {
        int ns, nt;
        Status st = ids_lengths(cfg, v, i, src, src_len, tgt, tgt_len, &ns, &nt, err);
        if (st)
            return st;
        Ts = ns > Ts ? ns : Ts;
        Tt = nt > Tt ? nt : Tt;
    }
    if (!dec_only && pad_Ts > Ts)
        Ts = pad_Ts;
    if (pad_Tt > Tt)
        Tt = pad_Tt;
    b->B = B;
    b->Ts = dec_only ? 0 : Ts;
    b->Tt = Tt;
    const size_t ns = (size_t)B * (size_t)b->Ts, nt = (size_t)B * (size_t)Tt;
    b->tgt = calloc(nt, sizeof *b->tgt);
    b->tgt_len = calloc((size_t)B, sizeof *b->tgt_len);
    b->tgt_labels = calloc(nt, sizeof *b->tgt_labels);
    int ok = b->tgt && b->tgt_len && b->tgt_labels;
    if (!dec_only) {
        b->src = calloc(ns, sizeof *b->src);
        b->src_len = calloc((size_t)B, sizeof *b->src_len);
        b->src_labels = calloc(ns, sizeof *b->src_labels);
        ok = ok && b->src && b->src_len && b->src_labels;
    } else {
        b->src_labels = calloc(1, sizeof *b->src_labels);  /* as batch_build: never NULL */
        ok = ok && b->src_labels;
    }
    if (tgt) {
        b->target = calloc(nt, sizeof *b->target);
        b->target_labels = calloc(nt, sizeof *b->target_labels);
        ok = ok && b->target && b->target_labels;
    }
    if (!ok) {
        batch_free(b);
        return error_set(err, TF_ERR_RUNTIME, "out of memory building a batch of %d sentences", B);
    }
    Status st = batch_set_ids(b, cfg, v, src, src_len, tgt, tgt_len, err);
    if (st)
        batch_free(b);
    return st;
}

Status batch_set_ids(Batch *b, const Config *cfg, const Vocab *v, const int *const *src,
                     const int *src_len, const int *const *tgt, const int *tgt_len, Error *err)
{
    if ((tgt != NULL) != (b->target != NULL))
        return error_set(err, TF_ERR_INPUT, "batch_set_ids: the batch was built %s targets",
                         b->target ? "with" : "without");
    /* Check every sentence before writing any, so a refusal leaves b as it was. */
    for (int i = 0; i < b->B; i++) {
        int ns, nt;
        Status st = ids_lengths(cfg, v, i, src, src_len, tgt, tgt_len, &ns, &nt, err);
        if (st)
            return st;
        if (ns > b->Ts || nt > b->Tt)
            return error_set(err, TF_ERR_INPUT,
                             "sentence %d: %d source and %d decoder positions do not fit a batch padded to %d and %d",
                             i + 1, ns, nt, b->Ts, b->Tt);
    }
    for (int i = 0; i < b->B; i++) {
        int ns, nt;
        ids_lengths(cfg, v, i, src, src_len, tgt, tgt_len, &ns, &nt, err);
        ids_fill(b, cfg, v, i, src, src_len, tgt, tgt_len, ns, nt);
    }
    return TF_OK;
}

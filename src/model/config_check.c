/* config_check.c — validating a whole Config; errors blame the setting
 * (file and line, or flag) that made the value wrong. */
#include "model/config.h"
#include "model/config_keys.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/edit_distance.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

/* ---- checks -------------------------------------------------------------- */

static Status check_range(const Config *c, int k, int value, Error *err)
{
    if (value >= config_keys[k].min && value <= config_keys[k].max)
        return TF_OK;
    char p[320];
    config_blame(c, k, p, sizeof p);
    return error_set(err, TF_ERR_INPUT, "%s: %s = %d is out of range (%ld..%ld)", p, config_keys[k].name,
                     value, config_keys[k].min, config_keys[k].max);
}

static Status check_sentences(const Config *c, bool tgt, Error *err)
{
    int n = tgt ? c->n_tgt : c->n_src;
    int k = tgt ? K_TGT : K_SRC;
    char p[320];
    if (n < 0 || n > CONFIG_MAX_SENTENCES) {
        config_blame(c, k, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: %d %s sentences; the limit is %d", p, n, config_keys[k].name,
                         CONFIG_MAX_SENTENCES);
    }
    for (int i = 0; i < n; i++) {
        const char *s = tgt ? c->tgt[i] : c->src[i];
        size_t len = strnlen(s, sizeof c->src[0]), bad;
        config_sentence_where(c, tgt, i, p, sizeof p);
        if (len == sizeof c->src[0])
            return error_set(err, TF_ERR_INPUT, "%s: sentence is not terminated", p);
        if (!utf8_valid(s, len, &bad))
            return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", p, bad);
    }
    return TF_OK;
}

Status config_check_ablated(const Config *c, Error *err)
{
    char p[320];
    for (int i = 0; i < c->n_ablated; i++) {
        const AblatedHead *a = &c->ablated[i];
        char name[48];
        config_ablated_name(a, name, sizeof name);
        const bool enc = a->block == ABLATE_ENC;
        const int layers = enc ? c->enc_layers : c->dec_layers;
        const char *why = NULL;
        if (enc && c->arch == ARCH_DECODER_ONLY)
            why = "a decoder-only model has no encoder";
        else if (a->block == ABLATE_DEC_CROSS && c->arch == ARCH_DECODER_ONLY)
            why = "a decoder-only model has no cross-attention";
        else if (a->short_form && c->arch != ARCH_DECODER_ONLY)
            why = "say dec.L.self.H or dec.L.cross.H: this decoder has both";
        else if (a->layer >= layers)
            why = enc ? "the encoder has no such layer" : "the decoder has no such layer";
        else if (a->head >= c->heads)
            why = "there is no such head";
        if (why) {
            /* A file's line names the key; a flag names itself and its
             * value, which is the head unless several are listed. */
            config_blame(c, K_ABLATE_HEAD, p, sizeof p);
            const ConfigSource *w = &c->where[K_ABLATE_HEAD];
            if (w->file[0] && w->line > 0)
                error_set(err, TF_ERR_INPUT, "%s: ablate_head: %s: %s", p, name, why);
            else if (c->n_ablated > 1)
                error_set(err, TF_ERR_INPUT, "%s: %s: %s", p, name, why);
            else
                error_set(err, TF_ERR_INPUT, "%s: %s", p, why);
            error_hint(err, "this model has %d encoder layer%s, %d decoder layer%s and heads 0..%d",
                       c->enc_layers, c->enc_layers == 1 ? "" : "s", c->dec_layers, c->dec_layers == 1 ? "" : "s",
                       c->heads - 1);
            return TF_ERR_INPUT;
        }
    }
    return TF_OK;
}

Status config_validate(const Config *c, Error *err)
{
    Status st;
    char p[320];
    if ((st = check_range(c, K_D_MODEL, c->d_model, err)) || (st = check_range(c, K_HEADS, c->heads, err)) ||
        (st = check_range(c, K_D_FF, c->d_ff, err)) ||
        (st = check_range(c, K_ENCODER_LAYERS, c->enc_layers, err)) ||
        (st = check_range(c, K_DECODER_LAYERS, c->dec_layers, err)) ||
        (st = check_range(c, K_MAX_LEN, c->max_len, err)))
        return st;

    if (c->d_model % c->heads != 0) {
        int k = config_later(c, K_D_MODEL, K_HEADS);
        config_blame(c, k, p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: d_model = %d is not divisible by heads = %d", p, c->d_model,
                  c->heads);
        /* The nearest widths that work, and the head counts that fit this width. */
        int lo = c->d_model / c->heads * c->heads, hi = lo + c->heads;
        char divs[128] = "";
        for (int h = 1; h <= 64 && h <= c->d_model; h++)
            if (c->d_model % h == 0) {
                size_t used = strlen(divs);
                snprintf(divs + used, sizeof divs - used, "%s%d", used ? " " : "", h);
            }
        if (lo > 0)
            error_hint(err, "each head gets d_model / heads columns: try d_model = %d or %d, or heads = one of %s",
                       lo, hi, divs);
        else
            error_hint(err, "each head gets d_model / heads columns: try d_model = %d, or heads = one of %s",
                       hi, divs);
        return TF_ERR_INPUT;
    }

    if (!strcmp(config_arch_name(c->arch), "?") || !strcmp(config_norm_name(c->norm), "?") ||
        !strcmp(config_activation_name(c->activation), "?") ||
        !strcmp(config_positions_name(c->positions), "?"))
        return error_set(err, TF_ERR_INPUT, "config: an arch, norm, activation or positions value is out of range");

    if ((st = config_check_ablated(c, err)) != TF_OK)
        return st;

    if (c->positions == POS_ROPE && config_head_dim(c) % 2 != 0) {
        config_blame(c, config_later(c, K_POSITIONS, config_later(c, K_D_MODEL, K_HEADS)), p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: positions = rope needs an even head width, but d_model / heads = %d / %d = %d",
                  p, c->d_model, c->heads, config_head_dim(c));
        error_hint(err, "rotary embedding turns each query and key in pairs of numbers: choose d_model and heads so that d_model / heads is even");
        return TF_ERR_INPUT;
    }
    if (c->positions == POS_RELATIVE) {
        if ((st = check_range(c, K_RELATIVE_BUCKETS, c->rel_buckets, err)) ||
            (st = check_range(c, K_RELATIVE_MAX_DISTANCE, c->rel_max_distance, err)))
            return st;
        /* T5's bucket function spaces the far buckets by log(distance / max_exact)
         * / log(max_distance / max_exact), with max_exact = buckets / 2 for the
         * decoder: max_distance must lie beyond the exact buckets. */
        if (c->rel_max_distance <= c->rel_buckets / 2) {
            config_blame(c, config_later(c, K_RELATIVE_BUCKETS, K_RELATIVE_MAX_DISTANCE), p, sizeof p);
            error_set(err, TF_ERR_INPUT,
                      "%s: relative_max_distance = %d must be larger than relative_buckets / 2 = %d", p,
                      c->rel_max_distance, c->rel_buckets / 2);
            error_hint(err, "the first buckets / 2 buckets hold one distance each; the rest share distances up to relative_max_distance");
            return TF_ERR_INPUT;
        }
    }
    if (c->arch == ARCH_DECODER_ONLY && c->enc_layers > 0) {
        config_blame(c, K_ENCODER_LAYERS, p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: encoder_layers = %d, but arch = decoder-only has no encoder", p,
                  c->enc_layers);
        error_hint(err, "remove encoder_layers, or set arch = encoder-decoder");
        return TF_ERR_INPUT;
    }
    if (c->arch == ARCH_ENCODER_DECODER && c->enc_layers == 0) {
        config_blame(c, K_ENCODER_LAYERS, p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: encoder_layers = 0, but arch = encoder-decoder needs an encoder", p);
        error_hint(err, "set encoder_layers to 1 or more, or arch = decoder-only");
        return TF_ERR_INPUT;
    }
    if (c->norm == NORM_PRE && !c->final_norm) {
        config_blame(c, config_later(c, K_NORM, K_FINAL_NORM), p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: norm = pre needs final_norm = yes", p);
        error_hint(err, "a pre-LN stack adds to its residual stream unnormalised; the final LayerNorm is what normalises its output");
        return TF_ERR_INPUT;
    }
    if (!isfinite(c->ln_eps) || !(c->ln_eps > 0.0f) || c->ln_eps > 1.0f) {
        config_blame(c, K_LN_EPS, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: ln_eps = %g is out of range (it must be > 0 and at most 1)", p,
                         (double)c->ln_eps);
    }

    size_t vlen = strnlen(c->vocab, sizeof c->vocab), bad;
    if (vlen == sizeof c->vocab || !utf8_valid(c->vocab, vlen, &bad)) {
        config_blame(c, K_TOKENS, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: tokens: invalid UTF-8 at byte %zu", p,
                         vlen == sizeof c->vocab ? vlen : bad);
    }
    if ((st = check_sentences(c, false, err)) || (st = check_sentences(c, true, err)))
        return st;
    if (c->arch == ARCH_ENCODER_DECODER && c->n_src > 0 && c->n_tgt > 0 && c->n_src != c->n_tgt) {
        config_blame(c, config_later(c, K_SRC, K_TGT), p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: %d src sentence%s but %d tgt sentence%s", p, c->n_src,
                  c->n_src == 1 ? "" : "s", c->n_tgt, c->n_tgt == 1 ? "" : "s");
        error_hint(err, "give one tgt per src, in the same order, or no tgt at all");
        return TF_ERR_INPUT;
    }
    return TF_OK;
}

Status config_check_length(const Config *c, int n_tokens, const char *what, Error *err)
{
    if (n_tokens <= c->max_len)
        return TF_OK;
    const ConfigSource *w = &c->where[K_MAX_LEN];
    char src[320];
    if (w->file[0] && w->line > 0)
        snprintf(src, sizeof src, "set at %.255s:%d", w->file, w->line);
    else if (w->key[0])
        snprintf(src, sizeof src, "set by %s %d", w->key, c->max_len);
    else
        snprintf(src, sizeof src, "the default");
    error_set(err, TF_ERR_INPUT, "%s: %d tokens, more than max_len = %d (%s)", what ? what : "input",
              n_tokens, c->max_len, src);
    error_hint(err, "shorten the sentence, or raise max_len (at most %ld)", config_keys[K_MAX_LEN].max);
    return TF_ERR_INPUT;
}


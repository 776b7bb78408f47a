/* config_keys.h — the table of configuration keys, shared by config.c
 * (setting values), config_ini.c (reading and writing INI text) and
 * config_check.c (validation). Private to those three files. */
#ifndef TF_MODEL_CONFIG_KEYS_H
#define TF_MODEL_CONFIG_KEYS_H

#include <stddef.h>

#include "model/config.h"

typedef enum { SEC_MODEL, SEC_VOCAB, SEC_INPUT, SEC_COUNT } Section;
extern const char *const config_section_names[SEC_COUNT];

/* The one table of config_keys: enum id, INI name, section, integer bounds (for
 * integer config_keys), the line `traceformer --help` prints for it, and as a
 * command-line flag (--d-model for d_model): the value name help shows after
 * the flag, another name the flag answers to (or NULL), and which commands
 * take it (FLAG_ANY: run and train; FLAG_RUN: only run, because training
 * takes it from its task or from its own option, as --seed). */
#define CONFIG_KEYS(X)                                                                            \
    X(ARCH, "arch", SEC_MODEL, 0, 0, "encoder-decoder | decoder-only",                            \
      "encoder-decoder|decoder-only", NULL, FLAG_RUN)                                             \
    X(D_MODEL, "d_model", SEC_MODEL, 1, 4096, "model width d, divisible by heads", "N", NULL, FLAG_ANY) \
    X(HEADS, "heads", SEC_MODEL, 1, 64, "attention heads; each is d_model/heads wide", "N", NULL,  \
      FLAG_ANY)                                                                                   \
    X(D_FF, "d_ff", SEC_MODEL, 1, 16384, "feed-forward hidden width", "N", NULL, FLAG_ANY)        \
    X(LAYERS, "layers", SEC_MODEL, 1, 48, "sets encoder_layers and decoder_layers", "N", NULL,    \
      FLAG_ANY)                                                                                   \
    X(ENCODER_LAYERS, "encoder_layers", SEC_MODEL, 0, 48, "encoder depth (0 for decoder-only)", "N", \
      NULL, FLAG_ANY)                                                                             \
    X(DECODER_LAYERS, "decoder_layers", SEC_MODEL, 1, 48, "decoder depth", "N", NULL, FLAG_ANY)   \
    X(MAX_LEN, "max_len", SEC_MODEL, 1, 4096, "longest sentence, in tokens", "N", NULL, FLAG_ANY) \
    X(NORM, "norm", SEC_MODEL, 0, 0, "post | pre: LayerNorm after or before each sublayer",       \
      "post|pre", NULL, FLAG_ANY)                                                                 \
    X(FINAL_NORM, "final_norm", SEC_MODEL, 0, 0, "yes | no: LayerNorm after each stack", "yes|no", \
      NULL, FLAG_ANY)                                                                             \
    X(RESIDUAL, "residual", SEC_MODEL, 0, 0, "on | off: add each sublayer's output to its input", \
      "on|off", NULL, FLAG_ANY)                                                                   \
    X(CAUSAL_MASK, "causal_mask", SEC_MODEL, 0, 0, "on | off: decoder self-attention hides the future", \
      "on|off", NULL, FLAG_RUN)                                                                   \
    X(PADDING_MASK, "padding_mask", SEC_MODEL, 0, 0, "on | off: attention hides <PAD> keys",     \
      "on|off", NULL, FLAG_RUN)                                                                   \
    X(SCALE, "scale", SEC_MODEL, 0, 0, "on | off: divide the scores by sqrt(d_k)", "on|off", NULL,   \
      FLAG_RUN)                                                                                   \
    X(ATTN_TEMPERATURE, "attn_temperature", SEC_MODEL, 0, 0,                                      \
      "divide the scores by T before the softmax, finite and > 0", "T", NULL, FLAG_RUN)           \
    X(ABLATE_HEAD, "ablate_head", SEC_MODEL, 0, 0,                                                \
      "zero these heads' output z: enc.L.H, dec.L.self.H, dec.L.cross.H", "SPEC[,SPEC...]", NULL, \
      FLAG_RUN)                                                                                   \
    X(ACTIVATION, "activation", SEC_MODEL, 0, 0, "relu | gelu", "relu|gelu", NULL, FLAG_ANY)     \
    X(POSITIONS, "positions", SEC_MODEL, 0, 0, "sinusoidal | none | learned | relative | rope",  \
      "sinusoidal|none|learned|relative|rope", NULL, FLAG_ANY)                                    \
    X(RELATIVE_BUCKETS, "relative_buckets", SEC_MODEL, 4, 1024,                                  \
      "positions = relative: T5 buckets of relative distance", "N", NULL, FLAG_ANY)               \
    X(RELATIVE_MAX_DISTANCE, "relative_max_distance", SEC_MODEL, 2, 1048576,                     \
      "positions = relative: distance where the last bucket starts", "N", NULL, FLAG_ANY)         \
    X(LN_EPS, "ln_eps", SEC_MODEL, 0, 0, "LayerNorm epsilon, > 0 and at most 1", "X", NULL, FLAG_ANY) \
    X(SEED, "seed", SEC_MODEL, 0, 0, "weight-initialisation seed", "N", NULL, FLAG_RUN)           \
    X(TOKENS, "tokens", SEC_VOCAB, 0, 0, "the vocabulary (default: the input's words)",          \
      "\"TOKENS...\"", "vocab", FLAG_RUN)                                                         \
    X(TOKENIZER, "tokenizer", SEC_VOCAB, 0, 0, "words | chars: tokens separated by spaces, or every character a token", \
      "words|chars", NULL, FLAG_RUN)                                                              \
    X(SRC, "src", SEC_INPUT, 0, 0, "a source sentence; repeat for a batch", "TEXT", NULL, FLAG_RUN) \
    X(TGT, "tgt", SEC_INPUT, 0, 0, "a target sentence; repeat for a batch", "TEXT", NULL, FLAG_RUN)

typedef enum {
#define X(id, name, sec, lo, hi, doc, value, alias, who) K_##id,
    CONFIG_KEYS(X)
#undef X
    K_COUNT
} ConfigKey;

typedef struct {
    const char *name;
    Section section;
    long min, max;
    const char *doc;
} KeyInfo;

extern const KeyInfo config_keys[K_COUNT];

/* Index of the key with this INI name, or -1. */
int config_key_lookup(const char *name);
/* The candidate closest to name, when it is close enough to be a typo. */
const char *config_closest(const char *name, const char *const *cands, int n);
/* The closest key, in any section when sec < 0; -1 when none is close. */
int config_closest_key(const char *name, int sec);
/* The current value of key k, as it would be written in a file. */
void config_value_text(const Config *c, int k, char *buf, size_t cap);
/* Where key k's value came from, to start a message with. */
void config_blame(const Config *c, int k, char *buf, size_t cap);
/* Of two keys, the one set last: the one a conflict is blamed on. */
int config_later(const Config *c, int a, int b);
/* Set key k from text v; s says where v came from. */
Status config_set_key(Config *c, int k, const char *v, const ConfigSource *s, Error *err);

#endif

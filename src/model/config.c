/* config.c — defaults, INI files (through libinih) and flags into a Config.
 *
 * ---- README block: the lesson.ini / --config file format ----------------
 *
 *   [model]
 *   arch           = encoder-decoder | decoder-only
 *   d_model        = 32       model width d, 1..4096, divisible by heads
 *   heads          = 4        attention heads h, 1..64 (each d_model/heads wide)
 *   d_ff           = 64       feed-forward hidden width, 1..16384
 *   layers         = 2        sets both encoder_layers and decoder_layers, 1..48
 *   encoder_layers = 2        0..48; must be 0 (or unset) for decoder-only
 *   decoder_layers = 2        1..48
 *   max_len        = 64       longest sentence in tokens, 1..4096
 *   norm           = post | pre        LayerNorm after (paper) or before each sublayer
 *   final_norm     = yes | no          LayerNorm after each stack (pre needs yes)
 *   activation     = relu | gelu
 *   positions      = sinusoidal | none
 *   ln_eps         = 1e-5     LayerNorm epsilon, > 0 and at most 1
 *   seed           = 42       weight-initialisation seed, 0..18446744073709551615
 *   [vocab]
 *   tokens = 猫 追 老鼠 cat chases mouse    ; may repeat; lines are joined
 *   [input]
 *   src = 猫 追 老鼠          ; repeat the key once per sentence for a batch
 *   src = 老鼠 追 猫
 *   tgt = <START> cat chases mouse
 *
 * Comments start a line with ';' or '#', or follow a value after a space
 * and ';'. Every key is optional: the numbers shown are the defaults, and
 * of a choice the first one is. Without [vocab] the vocabulary is collected
 * from the input sentences. Tokens are separated by spaces (also tabs and
 * U+3000 IDEOGRAPHIC SPACE); the
 * special tokens <PAD> <START> <END> <UNK> may be written literally.
 * A token cannot begin with ';' in a file (it would read as a comment).
 *
 * Every command-line flag named after a key sets it, with '-' or '_':
 * --d-model 64, --final-norm no, --src "猫 追 老鼠". Flags override the file.
 * --src/--tgt/--tokens given on the command line replace the file's
 * sentences (or vocabulary) instead of adding to them, and repeat to build
 * a batch. Within one file a key other than tokens/src/tgt may appear only
 * once; unknown sections and keys are errors with a "did you mean" hint.
 * -------------------------------------------------------------------------
 *
 * The INI syntax is libinih's (Debian's build, which exposes its options
 * as variables). libinih does not pass line numbers to the handler, so the
 * reader below feeds it one line at a time and counts them; it also checks
 * section headers, since libinih never reports a section without keys. */
#include "model/config.h"

#include <errno.h>
#include <ini.h>
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

typedef enum { SEC_MODEL, SEC_VOCAB, SEC_INPUT, SEC_COUNT } Section;
static const char *const section_names[SEC_COUNT] = {"model", "vocab", "input"};

/* The one table of keys: enum id, INI name, section, integer bounds (for
 * integer keys), and the line `traceformer --help` prints for it. */
#define CONFIG_KEYS(X)                                                                            \
    X(ARCH, "arch", SEC_MODEL, 0, 0, "encoder-decoder | decoder-only")                           \
    X(D_MODEL, "d_model", SEC_MODEL, 1, 4096, "model width d, divisible by heads")               \
    X(HEADS, "heads", SEC_MODEL, 1, 64, "attention heads; each is d_model/heads wide")           \
    X(D_FF, "d_ff", SEC_MODEL, 1, 16384, "feed-forward hidden width")                            \
    X(LAYERS, "layers", SEC_MODEL, 1, 48, "sets encoder_layers and decoder_layers")              \
    X(ENCODER_LAYERS, "encoder_layers", SEC_MODEL, 0, 48, "encoder depth (0 for decoder-only)")  \
    X(DECODER_LAYERS, "decoder_layers", SEC_MODEL, 1, 48, "decoder depth")                       \
    X(MAX_LEN, "max_len", SEC_MODEL, 1, 4096, "longest sentence, in tokens")                     \
    X(NORM, "norm", SEC_MODEL, 0, 0, "post | pre: LayerNorm after or before each sublayer")       \
    X(FINAL_NORM, "final_norm", SEC_MODEL, 0, 0, "yes | no: LayerNorm after each stack")         \
    X(ACTIVATION, "activation", SEC_MODEL, 0, 0, "relu | gelu")                                  \
    X(POSITIONS, "positions", SEC_MODEL, 0, 0, "sinusoidal | none")                              \
    X(LN_EPS, "ln_eps", SEC_MODEL, 0, 0, "LayerNorm epsilon, > 0 and at most 1")                 \
    X(SEED, "seed", SEC_MODEL, 0, 0, "weight-initialisation seed")                               \
    X(TOKENS, "tokens", SEC_VOCAB, 0, 0, "the vocabulary (default: the input's words)")          \
    X(SRC, "src", SEC_INPUT, 0, 0, "a source sentence; repeat for a batch")                      \
    X(TGT, "tgt", SEC_INPUT, 0, 0, "a target sentence; repeat for a batch")

typedef enum {
#define X(id, name, sec, lo, hi, doc) K_##id,
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

static const KeyInfo keys[K_COUNT] = {
#define X(id, name, sec, lo, hi, doc) {name, sec, lo, hi, doc},
    CONFIG_KEYS(X)
#undef X
};

_Static_assert(K_COUNT <= (int)(sizeof ((Config *)0)->where / sizeof(ConfigSource)),
               "Config.where has a slot per key");

static const char *const arch_names[] = {"encoder-decoder", "decoder-only"};
static const char *const norm_names[] = {"post", "pre"};
static const char *const act_names[] = {"relu", "gelu"};
static const char *const pos_names[] = {"sinusoidal", "none"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *config_arch_name(Architecture a)
{
    return (unsigned)a < (unsigned)COUNT(arch_names) ? arch_names[a] : "?";
}
const char *config_norm_name(NormPlacement n)
{
    return (unsigned)n < (unsigned)COUNT(norm_names) ? norm_names[n] : "?";
}
const char *config_activation_name(Activation a)
{
    return (unsigned)a < (unsigned)COUNT(act_names) ? act_names[a] : "?";
}
const char *config_positions_name(PositionKind p)
{
    return (unsigned)p < (unsigned)COUNT(pos_names) ? pos_names[p] : "?";
}

int config_head_dim(const Config *c)
{
    return c->heads > 0 ? c->d_model / c->heads : 0;
}

void config_defaults(Config *c)
{
    memset(c, 0, sizeof *c);
    c->arch = ARCH_ENCODER_DECODER;
    c->d_model = 32;
    c->heads = 4;
    c->d_ff = 64;
    c->enc_layers = 2;
    c->dec_layers = 2;
    c->enc_layers_wanted = 2;
    c->max_len = 64;
    c->norm = NORM_POST;
    c->final_norm = true;
    c->activation = ACT_RELU;
    c->positions = POS_SINUSOIDAL;
    c->ln_eps = 1e-5f;
    c->seed = 42;
}

/* ---- names of keys and flags ------------------------------------------- */

static int key_lookup(const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

/* The candidate closest to name, when it is close enough to be a typo. */
static const char *closest(const char *name, const char *const *cands, int n)
{
    const char *best = NULL;
    int best_d = 3;  /* at most two edits */
    for (int i = 0; i < n; i++) {
        int d = (int)edit_distance(name, cands[i], 3);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

/* The closest key, in any section when sec < 0. */
static int closest_key(const char *name, int sec)
{
    const char *names[K_COUNT];
    int ids[K_COUNT], n = 0;
    for (int k = 0; k < K_COUNT; k++)
        if (sec < 0 || (int)keys[k].section == sec) {
            ids[n] = k;
            names[n++] = keys[k].name;
        }
    const char *best = closest(name, names, n);
    for (int i = 0; best && i < n; i++)
        if (names[i] == best)
            return ids[i];
    return -1;
}

/* "d-model" / "--d_model" → "d_model". */
static void flag_to_key(const char *flag, char *out, size_t cap)
{
    while (*flag == '-')
        flag++;
    size_t i = 0;
    for (; flag[i] && i + 1 < cap; i++)
        out[i] = flag[i] == '-' ? '_' : flag[i];
    out[i] = '\0';
}

/* "d_model" → "--d-model". */
static void key_to_flag(const char *key, char *out, size_t cap)
{
    int n = snprintf(out, cap, "--%s", key);
    for (int i = 2; i < n && (size_t)i < cap; i++)
        if (out[i] == '_')
            out[i] = '-';
}

/* ---- values as text ----------------------------------------------------- */

/* The shortest text that reads back as exactly the same float. */
static void format_float(char *buf, size_t cap, float f)
{
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, cap, "%.*g", prec, (double)f);
        if (strtof(buf, NULL) == f)
            return;
    }
}

/* Copy s into buf, cut to fit (a message shows the start of a long text). */
static void copy_cut(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;  /* not inside a character */
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
}

/* The current value of key k, as it would be written in a file. */
static void value_text(const Config *c, int k, char *buf, size_t cap)
{
    switch ((ConfigKey)k) {
    case K_ARCH: snprintf(buf, cap, "%s", config_arch_name(c->arch)); break;
    case K_D_MODEL: snprintf(buf, cap, "%d", c->d_model); break;
    case K_HEADS: snprintf(buf, cap, "%d", c->heads); break;
    case K_D_FF: snprintf(buf, cap, "%d", c->d_ff); break;
    case K_LAYERS: snprintf(buf, cap, "%d", c->dec_layers); break;
    case K_ENCODER_LAYERS: snprintf(buf, cap, "%d", c->enc_layers); break;
    case K_DECODER_LAYERS: snprintf(buf, cap, "%d", c->dec_layers); break;
    case K_MAX_LEN: snprintf(buf, cap, "%d", c->max_len); break;
    case K_NORM: snprintf(buf, cap, "%s", config_norm_name(c->norm)); break;
    case K_FINAL_NORM: snprintf(buf, cap, "%s", c->final_norm ? "yes" : "no"); break;
    case K_ACTIVATION: snprintf(buf, cap, "%s", config_activation_name(c->activation)); break;
    case K_POSITIONS: snprintf(buf, cap, "%s", config_positions_name(c->positions)); break;
    case K_LN_EPS: format_float(buf, cap, c->ln_eps); break;
    case K_SEED: snprintf(buf, cap, "%" PRIu64, c->seed); break;
    case K_TOKENS: copy_cut(buf, cap, c->vocab); break;
    case K_SRC: copy_cut(buf, cap, c->n_src > 0 ? c->src[c->n_src - 1] : ""); break;
    case K_TGT: copy_cut(buf, cap, c->n_tgt > 0 ? c->tgt[c->n_tgt - 1] : ""); break;
    case K_COUNT: buf[0] = '\0'; break;
    }
}

/* Where key k's value came from, to start a message with:
 * "lesson.ini:3", "--d-model 30" (a flag and its value), or "config". */
static void blame(const Config *c, int k, char *buf, size_t cap)
{
    const ConfigSource *w = &c->where[k];
    if (w->file[0] && w->line > 0) {
        snprintf(buf, cap, "%.255s:%d", w->file, w->line);
    } else if (w->key[0]) {
        char v[64];
        value_text(c, k, v, sizeof v);
        snprintf(buf, cap, "%s %s", w->key, v);
    } else {
        snprintf(buf, cap, "config");
    }
}

/* Of two keys, the one set last: the one a conflict is blamed on. */
static int later(const Config *c, int a, int b)
{
    return c->where_order[b] > c->where_order[a] ? b : a;
}

/* Where a setting being made comes from, for set-time messages:
 * "lesson.ini:3" or "--d-model". */
static void src_prefix(const ConfigSource *s, char *buf, size_t cap)
{
    if (s->file[0] && s->line > 0)
        snprintf(buf, cap, "%.255s:%d", s->file, s->line);
    else if (s->key[0])
        snprintf(buf, cap, "%s", s->key);
    else
        snprintf(buf, cap, "config");
}

const ConfigSource *config_where(const Config *c, const char *key)
{
    char k[40];
    flag_to_key(key, k, sizeof k);
    int id = key_lookup(k);
    return id < 0 ? NULL : &c->where[id];
}

void config_sentence_where(const Config *c, bool tgt, int i, char *buf, size_t cap)
{
    const ConfigSource *w = &c->where[tgt ? K_TGT : K_SRC];
    int line = (i >= 0 && i < CONFIG_MAX_SENTENCES) ? (tgt ? c->tgt_line[i] : c->src_line[i]) : 0;
    if (w->file[0] && line > 0)
        snprintf(buf, cap, "%.255s:%d", w->file, line);
    else
        snprintf(buf, cap, "%s %d", w->key[0] ? w->key : (tgt ? "tgt" : "src"), i + 1);
}

/* ---- parsing one value --------------------------------------------------- */

static Status bad_value(Error *err, const ConfigSource *s, const char *key, const char *value,
                        const char *why)
{
    char p[320];
    src_prefix(s, p, sizeof p);
    return error_set(err, TF_ERR_INPUT, "%s: %s = '%s' %s", p, key, value, why);
}

static Status parse_int(const char *v, int k, const ConfigSource *s, int *out, Error *err)
{
    const KeyInfo *ki = &keys[k];
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0')
        return bad_value(err, s, ki->name, v, "is not a whole number");
    if (errno == ERANGE || x < ki->min || x > ki->max) {
        char p[320];
        src_prefix(s, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: %s = %s is out of range (%ld..%ld)", p, ki->name, v,
                         ki->min, ki->max);
    }
    *out = (int)x;
    return TF_OK;
}

static Status parse_choice(const char *v, int k, const ConfigSource *s, const char *const *names,
                           int n, int *out, Error *err)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return TF_OK;
        }
    char why[160] = "is not one of:";
    for (int i = 0; i < n; i++) {
        strncat(why, i ? ", " : " ", sizeof why - strlen(why) - 1);
        strncat(why, names[i], sizeof why - strlen(why) - 1);
    }
    Status st = bad_value(err, s, keys[k].name, v, why);
    const char *near = closest(v, names, n);
    if (near)
        error_hint(err, "did you mean '%s'?", near);
    return st;
}

static Status parse_bool(const char *v, int k, const ConfigSource *s, bool *out, Error *err)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < COUNT(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return TF_OK;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return TF_OK;
        }
    }
    return bad_value(err, s, keys[k].name, v, "is not yes or no");
}

static Status parse_eps(const char *v, int k, const ConfigSource *s, float *out, Error *err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0')
        return bad_value(err, s, keys[k].name, v, "is not a number");
    /* A float32 LayerNorm needs eps > 0 after the conversion, too. */
    if (!isfinite(x) || !(x > 0.0) || x > 1.0 || (float)x == 0.0f)
        return bad_value(err, s, keys[k].name, v, "is out of range (it must be > 0 and at most 1)");
    *out = (float)x;
    return TF_OK;
}

static Status parse_seed(const char *v, int k, const ConfigSource *s, uint64_t *out, Error *err)
{
    char *end;
    errno = 0;
    /* strtoull quietly negates "-1"; only digits are a seed. */
    if (v[0] < '0' || v[0] > '9')
        return bad_value(err, s, keys[k].name, v, "is not a whole number from 0 to 18446744073709551615");
    unsigned long long x = strtoull(v, &end, 10);
    if (*end != '\0' || errno == ERANGE || x > UINT64_MAX)
        return bad_value(err, s, keys[k].name, v, "is not a whole number from 0 to 18446744073709551615");
    *out = (uint64_t)x;
    return TF_OK;
}

/* A text value: valid UTF-8, not empty, fits in cap bytes with its NUL. */
static Status check_text(const char *v, int k, const ConfigSource *s, size_t cap, Error *err)
{
    char p[320];
    src_prefix(s, p, sizeof p);
    size_t n = strlen(v), bad;
    if (!utf8_valid(v, n, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: %s: invalid UTF-8 at byte %zu", p, keys[k].name, bad);
    size_t i = 0;
    while (i < n && token_separator_len(v + i, n - i))
        i += token_separator_len(v + i, n - i);
    if (i == n)
        return error_set(err, TF_ERR_INPUT, "%s: %s is empty", p, keys[k].name);
    if (n >= cap) {
        error_set(err, TF_ERR_INPUT, "%s: %s is %zu bytes, longer than the limit of %zu", p,
                  keys[k].name, n, cap - 1);
        return TF_ERR_INPUT;
    }
    return TF_OK;
}

/* Does a list value (tokens, src, tgt) set from s continue the list set
 * from prev, or replace it? Flags continue flags; lines of one file
 * continue while they go down the same file; anything else starts over. */
static bool continues(const Config *c, int k, const ConfigSource *s)
{
    const ConfigSource *prev = &c->where[k];
    if (c->where_order[k] == 0)
        return true;  /* nothing set yet: nothing to replace */
    if (s->line <= 0)
        return prev->line <= 0 && prev->key[0] != '\0';
    return prev->line > 0 && strcmp(prev->file, s->file) == 0 && s->line > prev->line;
}

/* The encoder's depth follows the architecture unless encoder_layers was
 * set on its own: decoder-only has none, encoder-decoder gets `layers`. */
static void settle_layers(Config *c)
{
    int o = c->where_order[K_ENCODER_LAYERS];
    bool explicit = o != 0 && o != c->where_order[K_LAYERS];
    if (!explicit)
        c->enc_layers = c->arch == ARCH_DECODER_ONLY ? 0 : c->enc_layers_wanted;
}

static void record(Config *c, int k, const ConfigSource *s)
{
    c->where[k] = *s;
    c->where_order[k] = c->n_settings;
}

/* Set key k from text v. s says where v came from (key filled in). */
static Status set_key(Config *c, int k, const char *v, const ConfigSource *s, Error *err)
{
    Status st = TF_OK;
    int i = 0;
    char p[320];
    switch ((ConfigKey)k) {
    case K_ARCH:
        if ((st = parse_choice(v, k, s, arch_names, COUNT(arch_names), &i, err)) == TF_OK)
            c->arch = (Architecture)i;
        break;
    case K_D_MODEL: st = parse_int(v, k, s, &c->d_model, err); break;
    case K_HEADS: st = parse_int(v, k, s, &c->heads, err); break;
    case K_D_FF: st = parse_int(v, k, s, &c->d_ff, err); break;
    case K_MAX_LEN: st = parse_int(v, k, s, &c->max_len, err); break;
    case K_LAYERS:
        if ((st = parse_int(v, k, s, &i, err)) == TF_OK) {
            c->dec_layers = i;
            c->enc_layers_wanted = i;
        }
        break;
    case K_ENCODER_LAYERS:
        if ((st = parse_int(v, k, s, &i, err)) == TF_OK) {
            c->enc_layers = i;
            c->enc_layers_wanted = i;
        }
        break;
    case K_DECODER_LAYERS: st = parse_int(v, k, s, &c->dec_layers, err); break;
    case K_NORM:
        if ((st = parse_choice(v, k, s, norm_names, COUNT(norm_names), &i, err)) == TF_OK)
            c->norm = (NormPlacement)i;
        break;
    case K_FINAL_NORM: st = parse_bool(v, k, s, &c->final_norm, err); break;
    case K_ACTIVATION:
        if ((st = parse_choice(v, k, s, act_names, COUNT(act_names), &i, err)) == TF_OK)
            c->activation = (Activation)i;
        break;
    case K_POSITIONS:
        if ((st = parse_choice(v, k, s, pos_names, COUNT(pos_names), &i, err)) == TF_OK)
            c->positions = (PositionKind)i;
        break;
    case K_LN_EPS: st = parse_eps(v, k, s, &c->ln_eps, err); break;
    case K_SEED: st = parse_seed(v, k, s, &c->seed, err); break;
    case K_TOKENS: {
        if ((st = check_text(v, k, s, sizeof c->vocab, err)) != TF_OK)
            break;
        if (!continues(c, k, s))
            c->vocab[0] = '\0';
        size_t have = strlen(c->vocab), add = strlen(v);
        if (have + (have ? 1 : 0) + add >= sizeof c->vocab) {
            src_prefix(s, p, sizeof p);
            st = error_set(err, TF_ERR_INPUT, "%s: the vocabulary is longer than %zu bytes", p,
                           sizeof c->vocab - 1);
            break;
        }
        if (have)
            c->vocab[have++] = ' ';
        memcpy(c->vocab + have, v, add + 1);
        break;
    }
    case K_SRC:
    case K_TGT: {
        bool tgt = k == K_TGT;
        int *n = tgt ? &c->n_tgt : &c->n_src;
        char (*text)[CONFIG_TEXT_MAX / 8] = tgt ? c->tgt : c->src;
        int *lines = tgt ? c->tgt_line : c->src_line;
        if ((st = check_text(v, k, s, sizeof c->src[0], err)) != TF_OK)
            break;
        if (!continues(c, k, s))
            *n = 0;
        if (*n >= CONFIG_MAX_SENTENCES) {
            src_prefix(s, p, sizeof p);
            st = error_set(err, TF_ERR_INPUT, "%s: more than %d %s sentences", p, CONFIG_MAX_SENTENCES,
                           keys[k].name);
            break;
        }
        memcpy(text[*n], v, strlen(v) + 1);
        lines[*n] = s->line > 0 ? s->line : 0;
        (*n)++;
        break;
    }
    case K_COUNT: break;
    }
    if (st != TF_OK)
        return st;
    c->n_settings++;
    record(c, k, s);
    if (k == K_LAYERS) {
        record(c, K_ENCODER_LAYERS, s);
        record(c, K_DECODER_LAYERS, s);
    }
    settle_layers(c);
    return TF_OK;
}

Status config_set(Config *c, const char *key, const char *value, const ConfigSource *src, Error *err)
{
    char name[40], flag[48];
    flag_to_key(key, name, sizeof name);
    int k = key_lookup(name);
    if (k < 0) {
        key_to_flag(name, flag, sizeof flag);
        error_set(err, TF_ERR_INPUT, "unknown setting '%s'", flag);
        int near = closest_key(name, -1);
        if (near >= 0) {
            key_to_flag(keys[near].name, flag, sizeof flag);
            error_hint(err, "did you mean %s?", flag);
        }
        return TF_ERR_INPUT;
    }
    ConfigSource s;
    memset(&s, 0, sizeof s);
    if (src)
        s = *src;
    if (!s.key[0]) {
        if (s.file[0] && s.line > 0)
            snprintf(s.key, sizeof s.key, "%s", keys[k].name);
        else
            snprintf(s.key, sizeof s.key, "--%s", key + strspn(key, "-"));  /* as spelled */
    }
    if (!value) {
        char p[320];
        src_prefix(&s, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: needs a value", p);
    }
    return set_key(c, k, value, &s, err);
}

/* ---- INI files ----------------------------------------------------------- */

/* Longest line libinih is given; longer lines are refused by the reader.
 * It bounds a stack buffer inside libinih. */
enum { INI_LINE_MAX = 3 * CONFIG_TEXT_MAX };

typedef struct {
    Config *c;
    const char *name;     /* file name for messages */
    const char *text;     /* the whole file */
    size_t len, pos;
    int line;             /* the line libinih is working on */
    const char *const *other_sections;  /* skipped: someone else reads them */
    int set_line[K_COUNT];              /* line each key was set on, in this file */
    Status st;
    Error *err;
} IniParse;

static bool is_other_section(const IniParse *p, const char *sec)
{
    for (const char *const *o = p->other_sections; o && *o; o++)
        if (strcmp(*o, sec) == 0)
            return true;
    return false;
}

static int section_lookup(const char *sec)
{
    for (int i = 0; i < SEC_COUNT; i++)
        if (strcmp(section_names[i], sec) == 0)
            return i;
    return -1;
}

/* A line that libinih will read as a section header: check its name. */
static void check_section_line(IniParse *p, const char *line)
{
    const char *s = line;
    if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;  /* the BOM libinih skips */
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    if (*s != '[')
        return;
    const char *close = strchr(s + 1, ']');
    if (!close)
        return;  /* libinih reports the syntax error */
    char sec[64];
    size_t n = (size_t)(close - (s + 1));
    if (n >= sizeof sec)
        n = sizeof sec - 1;
    memcpy(sec, s + 1, n);
    sec[n] = '\0';
    if (section_lookup(sec) >= 0 || is_other_section(p, sec))
        return;
    p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown section [%s]", p->name, p->line, sec);
    const char *near = closest(sec, section_names, SEC_COUNT);
    if (near)
        error_hint(p->err, "did you mean [%s]?", near);
    else
        error_hint(p->err, "the sections are [model], [vocab] and [input]");
}

/* fgets for libinih over the file in memory, counting lines. */
static char *ini_read_line(char *str, int num, void *stream)
{
    IniParse *p = stream;
    if (p->st != TF_OK || p->pos >= p->len)
        return NULL;
    const char *s = p->text + p->pos;
    size_t avail = p->len - p->pos;
    const char *nl = memchr(s, '\n', avail);
    size_t n = nl ? (size_t)(nl - s) + 1 : avail;
    p->line++;
    if (n + 1 > (size_t)num) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: line longer than %d bytes", p->name, p->line,
                          num - 2);
        return NULL;
    }
    if (memchr(s, '\0', n)) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: NUL byte in a text file", p->name, p->line);
        return NULL;
    }
    memcpy(str, s, n);
    str[n] = '\0';
    p->pos += n;
    check_section_line(p, str);
    return p->st == TF_OK ? str : NULL;
}

static int ini_on_value(void *user, const char *section, const char *name, const char *value)
{
    IniParse *p = user;
    if (p->st != TF_OK)
        return 0;
    if (is_other_section(p, section))
        return 1;
    int k = key_lookup(name);
    int sec = section_lookup(section);
    if (!section[0]) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: '%s' comes before any [section]", p->name,
                          p->line, name);
        if (k >= 0)
            error_hint(p->err, "put it under [%s]", section_names[keys[k].section]);
        return 0;
    }
    if (k < 0 || (int)keys[k].section != sec) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown key '%s' in [%s]", p->name, p->line,
                          name, section);
        if (k >= 0) {
            error_hint(p->err, "'%s' belongs in [%s]", name, section_names[keys[k].section]);
        } else {
            int near = closest_key(name, sec);
            if (near < 0)
                near = closest_key(name, -1);
            if (near >= 0 && (int)keys[near].section == sec)
                error_hint(p->err, "did you mean '%s'?", keys[near].name);
            else if (near >= 0)
                error_hint(p->err, "did you mean '%s' in [%s]?", keys[near].name,
                           section_names[keys[near].section]);
        }
        return 0;
    }
    bool repeats = k == K_TOKENS || k == K_SRC || k == K_TGT;
    if (!repeats && p->set_line[k]) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: %s is already set on line %d", p->name,
                          p->line, name, p->set_line[k]);
        return 0;
    }
    p->set_line[k] = p->line;
    ConfigSource s;
    memset(&s, 0, sizeof s);
    snprintf(s.file, sizeof s.file, "%s", p->name);
    s.line = p->line;
    snprintf(s.key, sizeof s.key, "%s", name);
    p->st = set_key(p->c, k, value, &s, p->err);
    return p->st == TF_OK;
}

Status config_load_ini_text_sections(Config *c, const char *text, const char *name,
                                     const char *const *other_sections, Error *err)
{
    IniParse p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.name = name;
    p.text = text;
    p.len = strlen(text);
    p.other_sections = other_sections;
    p.err = err;

    /* Debian's libinih keeps its options in globals: set ours, put theirs back. */
    bool ml = ini_allow_multiline, bom = ini_allow_bom, inl = ini_allow_inline_comments;
    bool stack = ini_use_stack, stop = ini_stop_on_first_error, novalue = ini_allow_no_value;
    int max_line = ini_max_line;
    char *start_pfx = ini_start_comment_prefixes, *inline_pfx = ini_inline_comment_prefixes;
    ini_allow_multiline = false;  /* an indented line is a new key, not a continuation */
    ini_allow_bom = true;
    ini_allow_inline_comments = true;
    ini_use_stack = true;
    ini_stop_on_first_error = true;
    ini_allow_no_value = false;
    ini_max_line = INI_LINE_MAX;
    ini_start_comment_prefixes = ";#";
    ini_inline_comment_prefixes = ";";

    int r = ini_parse_stream(ini_read_line, &p, ini_on_value, &p);

    ini_allow_multiline = ml;
    ini_allow_bom = bom;
    ini_allow_inline_comments = inl;
    ini_use_stack = stack;
    ini_stop_on_first_error = stop;
    ini_allow_no_value = novalue;
    ini_max_line = max_line;
    ini_start_comment_prefixes = start_pfx;
    ini_inline_comment_prefixes = inline_pfx;

    if (p.st != TF_OK)
        return p.st;
    if (r > 0) {
        error_set(err, TF_ERR_INPUT, "%s:%d: cannot read this line", name, r);
        error_hint(err, "lines are '[section]', 'key = value', or comments starting with ';' or '#'");
        return TF_ERR_INPUT;
    }
    if (r < 0)
        return error_set(err, TF_ERR_RUNTIME, "%s: libinih failed (%d)", name, r);
    return TF_OK;
}

Status config_load_ini_text(Config *c, const char *text, const char *name, Error *err)
{
    return config_load_ini_text_sections(c, text, name, NULL, err);
}

Status config_load_ini_sections(Config *c, const char *path, const char *const *other_sections,
                                Error *err)
{
    /* A lesson file is a few kilobytes; anything this big is a mistake. */
    enum { FILE_MAX = 4 << 20 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    char *buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, FILE_MAX + 1, f);
    int failed = ferror(f);
    fclose(f);
    Status st;
    if (failed) {
        st = error_set(err, TF_ERR_RUNTIME, "%s: read error", path);
    } else if (n > FILE_MAX) {
        st = error_set(err, TF_ERR_INPUT, "%s: larger than %d bytes; not a configuration file", path,
                       FILE_MAX);
    } else {
        buf[n] = '\0';
        size_t z = strlen(buf);
        if (z < n) {
            int line = 1;
            for (size_t i = 0; i < z; i++)
                line += buf[i] == '\n';
            st = error_set(err, TF_ERR_INPUT, "%s:%d: NUL byte in a text file", path, line);
        } else {
            st = config_load_ini_text_sections(c, buf, path, other_sections, err);
        }
    }
    free(buf);
    return st;
}

Status config_load_ini(Config *c, const char *path, Error *err)
{
    return config_load_ini_sections(c, path, NULL, err);
}

/* ---- checks -------------------------------------------------------------- */

static Status check_range(const Config *c, int k, int value, Error *err)
{
    if (value >= keys[k].min && value <= keys[k].max)
        return TF_OK;
    char p[320];
    blame(c, k, p, sizeof p);
    return error_set(err, TF_ERR_INPUT, "%s: %s = %d is out of range (%ld..%ld)", p, keys[k].name,
                     value, keys[k].min, keys[k].max);
}

static Status check_sentences(const Config *c, bool tgt, Error *err)
{
    int n = tgt ? c->n_tgt : c->n_src;
    int k = tgt ? K_TGT : K_SRC;
    char p[320];
    if (n < 0 || n > CONFIG_MAX_SENTENCES) {
        blame(c, k, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: %d %s sentences; the limit is %d", p, n, keys[k].name,
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
        int k = later(c, K_D_MODEL, K_HEADS);
        blame(c, k, p, sizeof p);
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

    if ((unsigned)c->arch >= (unsigned)COUNT(arch_names) || (unsigned)c->norm >= (unsigned)COUNT(norm_names) ||
        (unsigned)c->activation >= (unsigned)COUNT(act_names) ||
        (unsigned)c->positions >= (unsigned)COUNT(pos_names))
        return error_set(err, TF_ERR_INPUT, "config: an arch, norm, activation or positions value is out of range");

    if (c->arch == ARCH_DECODER_ONLY && c->enc_layers > 0) {
        blame(c, K_ENCODER_LAYERS, p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: encoder_layers = %d, but arch = decoder-only has no encoder", p,
                  c->enc_layers);
        error_hint(err, "remove encoder_layers, or set arch = encoder-decoder");
        return TF_ERR_INPUT;
    }
    if (c->arch == ARCH_ENCODER_DECODER && c->enc_layers == 0) {
        blame(c, K_ENCODER_LAYERS, p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: encoder_layers = 0, but arch = encoder-decoder needs an encoder", p);
        error_hint(err, "set encoder_layers to 1 or more, or arch = decoder-only");
        return TF_ERR_INPUT;
    }
    if (c->norm == NORM_PRE && !c->final_norm) {
        blame(c, later(c, K_NORM, K_FINAL_NORM), p, sizeof p);
        error_set(err, TF_ERR_INPUT, "%s: norm = pre needs final_norm = yes", p);
        error_hint(err, "a pre-LN stack adds to its residual stream unnormalised; the final LayerNorm is what normalises its output");
        return TF_ERR_INPUT;
    }
    if (!isfinite(c->ln_eps) || !(c->ln_eps > 0.0f) || c->ln_eps > 1.0f) {
        blame(c, K_LN_EPS, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: ln_eps = %g is out of range (it must be > 0 and at most 1)", p,
                         (double)c->ln_eps);
    }

    size_t vlen = strnlen(c->vocab, sizeof c->vocab), bad;
    if (vlen == sizeof c->vocab || !utf8_valid(c->vocab, vlen, &bad)) {
        blame(c, K_TOKENS, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: tokens: invalid UTF-8 at byte %zu", p,
                         vlen == sizeof c->vocab ? vlen : bad);
    }
    if ((st = check_sentences(c, false, err)) || (st = check_sentences(c, true, err)))
        return st;
    if (c->arch == ARCH_ENCODER_DECODER && c->n_src > 0 && c->n_tgt > 0 && c->n_src != c->n_tgt) {
        blame(c, later(c, K_SRC, K_TGT), p, sizeof p);
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
    error_hint(err, "shorten the sentence, or raise max_len (at most %ld)", keys[K_MAX_LEN].max);
    return TF_ERR_INPUT;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    char *buf;
    int cap;
    long len;  /* would-be length, may pass cap */
} Out;

static void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    long room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, (size_t)room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += n;
}

int config_to_ini(const Config *c, char *buf, int cap)
{
    Out o = {buf, cap > 0 ? cap : 0, 0};
    if (o.cap > 0)
        buf[0] = '\0';
    char v[64];
    out_printf(&o, "[model]\n");
    for (int k = 0; k < K_COUNT; k++) {
        if (keys[k].section != SEC_MODEL || k == K_LAYERS)
            continue;  /* encoder_layers and decoder_layers say it exactly */
        if (k == K_ENCODER_LAYERS && c->arch == ARCH_DECODER_ONLY && c->enc_layers == 0)
            continue;  /* implied by the architecture */
        value_text(c, k, v, sizeof v);
        out_printf(&o, "%s = %s\n", keys[k].name, v);
    }
    if (c->vocab[0])
        out_printf(&o, "\n[vocab]\ntokens = %s\n", c->vocab);
    if (c->n_src > 0 || c->n_tgt > 0)
        out_printf(&o, "\n[input]\n");
    for (int i = 0; i < c->n_src && i < CONFIG_MAX_SENTENCES; i++)
        out_printf(&o, "src = %s\n", c->src[i]);
    for (int i = 0; i < c->n_tgt && i < CONFIG_MAX_SENTENCES; i++)
        out_printf(&o, "tgt = %s\n", c->tgt[i]);
    return o.len > INT_MAX ? -1 : (int)o.len;
}

int config_describe_keys(char *buf, int cap)
{
    Out o = {buf, cap > 0 ? cap : 0, 0};
    if (o.cap > 0)
        buf[0] = '\0';
    for (int k = 0; k < K_COUNT; k++) {
        char flag[48];
        key_to_flag(keys[k].name, flag, sizeof flag);
        out_printf(&o, "  [%s] %-15s %-17s %s\n", section_names[keys[k].section], keys[k].name, flag,
                   keys[k].doc);
    }
    return o.len > INT_MAX ? -1 : (int)o.len;
}

/* config.c — the key table, the defaults, and setting one value (from a
 * flag, or from a line of an INI file read by config_ini.c) with every
 * number and choice parsed strictly. */
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

const char *const config_section_names[SEC_COUNT] = {"model", "vocab", "input"};

const KeyInfo config_keys[K_COUNT] = {
#define X(id, name, sec, lo, hi, doc, value, alias, who) {name, sec, lo, hi, doc},
    CONFIG_KEYS(X)
#undef X
};

_Static_assert(K_COUNT <= (int)(sizeof ((Config *)0)->where / sizeof(ConfigSource)),
               "Config.where has a slot per key");

static const char *const arch_names[] = {"encoder-decoder", "decoder-only"};
static const char *const norm_names[] = {"post", "pre"};
static const char *const act_names[] = {"relu", "gelu"};
static const char *const pos_names[] = {"sinusoidal", "none", "learned", "relative", "rope"};
static const char *const tokenizer_names[] = {"words", "chars"};
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
const char *config_tokenizer_name(TokenizerKind t)
{
    return (unsigned)t < (unsigned)COUNT(tokenizer_names) ? tokenizer_names[t] : "?";
}

bool config_head_ablated(const Config *c, AblateBlock block, int layer, int head)
{
    for (int i = 0; i < c->n_ablated; i++)
        if (c->ablated[i].block == block && c->ablated[i].layer == layer && c->ablated[i].head == head)
            return true;
    return false;
}

float config_score_scale(const Config *c)
{
    /* The default is exactly the float attention always multiplied by. */
    float s = c->scale ? 1.0f / sqrtf((float)config_head_dim(c)) : 1.0f;
    return c->attn_temperature == 1.0f ? s : s / c->attn_temperature;
}

void config_ablated_name(const AblatedHead *a, char *buf, size_t cap)
{
    if (a->block == ABLATE_ENC)
        snprintf(buf, cap, "enc.%d.%d", a->layer, a->head);
    else if (a->short_form)
        snprintf(buf, cap, "dec.%d.%d", a->layer, a->head);
    else
        snprintf(buf, cap, "dec.%d.%s.%d", a->layer, a->block == ABLATE_DEC_CROSS ? "cross" : "self", a->head);
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
    c->residual = true;
    c->causal_mask = true;
    c->padding_mask = true;
    c->scale = true;
    c->attn_temperature = 1.0f;
    c->activation = ACT_RELU;
    c->positions = POS_SINUSOIDAL;
    c->rel_buckets = 32;        /* T5's defaults */
    c->rel_max_distance = 128;
    c->ln_eps = 1e-5f;
    c->seed = 42;
}

/* ---- names of config_keys and flags ------------------------------------------- */

int config_key_lookup(const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(config_keys[k].name, name) == 0)
            return k;
    return -1;
}

/* The candidate config_closest to name, when it is close enough to be a typo. */
const char *config_closest(const char *name, const char *const *cands, int n)
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

/* The config_closest key, in any section when sec < 0. */
int config_closest_key(const char *name, int sec)
{
    const char *names[K_COUNT];
    int ids[K_COUNT], n = 0;
    for (int k = 0; k < K_COUNT; k++)
        if (sec < 0 || (int)config_keys[k].section == sec) {
            ids[n] = k;
            names[n++] = config_keys[k].name;
        }
    const char *best = config_closest(name, names, n);
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
static void config_key_to_flag(const char *key, char *out, size_t cap)
{
    int n = snprintf(out, cap, "--%s", key);
    for (int i = 2; i < n && (size_t)i < cap; i++)
        if (out[i] == '_')
            out[i] = '-';
}

static const struct {
    const char *value, *alias;
    ConfigFlagScope who;
} key_flags[K_COUNT] = {
#define X(id, name, sec, lo, hi, doc, value, alias, who) {value, alias, who},
    CONFIG_KEYS(X)
#undef X
};

int config_flag_count(void)
{
    return K_COUNT;
}

void config_flag_info(int k, ConfigFlag *out)
{
    memset(out, 0, sizeof *out);
    if (k < 0 || k >= K_COUNT)
        return;
    out->key = config_keys[k].name;
    char flag[sizeof out->flag + 2];
    config_key_to_flag(out->key, flag, sizeof flag);
    snprintf(out->flag, sizeof out->flag, "%s", flag + 2);
    out->alias = key_flags[k].alias;
    out->value = key_flags[k].value;
    out->doc = config_keys[k].doc;
    out->input = config_keys[k].section == SEC_INPUT;
    out->who = key_flags[k].who;
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

/* The current value of key k, as it would be written in a file. */
void config_value_text(const Config *c, int k, char *buf, size_t cap)
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
    case K_RESIDUAL: snprintf(buf, cap, "%s", c->residual ? "on" : "off"); break;
    case K_CAUSAL_MASK: snprintf(buf, cap, "%s", c->causal_mask ? "on" : "off"); break;
    case K_PADDING_MASK: snprintf(buf, cap, "%s", c->padding_mask ? "on" : "off"); break;
    case K_SCALE: snprintf(buf, cap, "%s", c->scale ? "on" : "off"); break;
    case K_ATTN_TEMPERATURE: format_float(buf, cap, c->attn_temperature); break;
    case K_ABLATE_HEAD: {
        size_t used = 0;
        if (cap)
            buf[0] = '\0';
        for (int i = 0; i < c->n_ablated && used + 1 < cap; i++) {
            char one[48];
            config_ablated_name(&c->ablated[i], one, sizeof one);
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? "," : "", one);
        }
        if (c->n_ablated == 0)
            snprintf(buf, cap, "none");
        break;
    }
    case K_ACTIVATION: snprintf(buf, cap, "%s", config_activation_name(c->activation)); break;
    case K_POSITIONS: snprintf(buf, cap, "%s", config_positions_name(c->positions)); break;
    case K_TOKENIZER: snprintf(buf, cap, "%s", config_tokenizer_name(c->tokenizer)); break;
    case K_RELATIVE_BUCKETS: snprintf(buf, cap, "%d", c->rel_buckets); break;
    case K_RELATIVE_MAX_DISTANCE: snprintf(buf, cap, "%d", c->rel_max_distance); break;
    case K_LN_EPS: format_float(buf, cap, c->ln_eps); break;
    case K_SEED: snprintf(buf, cap, "%" PRIu64, c->seed); break;
    case K_TOKENS: utf8_copy_cut(buf, cap, c->vocab, strlen(c->vocab), false); break;
    case K_SRC: {
        const char *t = c->n_src > 0 ? c->src[c->n_src - 1] : "";
        utf8_copy_cut(buf, cap, t, strlen(t), false);
        break;
    }
    case K_TGT: {
        const char *t = c->n_tgt > 0 ? c->tgt[c->n_tgt - 1] : "";
        utf8_copy_cut(buf, cap, t, strlen(t), false);
        break;
    }
    case K_COUNT: buf[0] = '\0'; break;
    }
}

/* Where key k's value came from, to start a message with:
 * "lesson.ini:3", "--d-model 30" (a flag and its value), or "config". */
void config_blame(const Config *c, int k, char *buf, size_t cap)
{
    const ConfigSource *w = &c->where[k];
    if (w->file[0] && w->line > 0) {
        snprintf(buf, cap, "%.255s:%d", w->file, w->line);
    } else if (w->key[0]) {
        char v[64];
        config_value_text(c, k, v, sizeof v);
        snprintf(buf, cap, "%s %s", w->key, v);
    } else {
        snprintf(buf, cap, "config");
    }
}

/* Of two config_keys, the one set last: the one a conflict is blamed on. */
int config_later(const Config *c, int a, int b)
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
    int id = config_key_lookup(k);
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
    const KeyInfo *ki = &config_keys[k];
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
    Status st = bad_value(err, s, config_keys[k].name, v, why);
    const char *near = config_closest(v, names, n);
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
    return bad_value(err, s, config_keys[k].name, v, (k == K_RESIDUAL || k == K_SCALE) ? "is not on or off" : "is not yes or no");
}

static Status parse_eps(const char *v, int k, const ConfigSource *s, float *out, Error *err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0')
        return bad_value(err, s, config_keys[k].name, v, "is not a number");
    /* A float32 LayerNorm needs eps > 0 after the conversion, too. */
    if (!isfinite(x) || !(x > 0.0) || x > 1.0 || (float)x == 0.0f)
        return bad_value(err, s, config_keys[k].name, v, "is out of range (it must be > 0 and at most 1)");
    *out = (float)x;
    return TF_OK;
}

static Status parse_temperature(const char *v, int k, const ConfigSource *s, float *out, Error *err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0')
        return bad_value(err, s, config_keys[k].name, v, "is not a number");
    /* Dividing by it must give finite scores: no 0, no inf, nothing that
     * rounds to 0 or overflows as a float32. */
    if (!isfinite(x) || !(x > 0.0) || !isfinite((float)x) || (float)x == 0.0f)
        return bad_value(err, s, config_keys[k].name, v, "is out of range (it must be finite and > 0)");
    *out = (float)x;
    return TF_OK;
}

/* A whole number 0..999 at *p, which moves past it. */
static bool parse_index(const char **p, int *out)
{
    const char *q = *p;
    int n = 0, digits = 0;
    while (*q >= '0' && *q <= '9' && digits < 4) {
        n = n * 10 + (*q++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 3)
        return false;
    *out = n;
    *p = q;
    return true;
}

/* One SPEC of ablate_head: enc.L.H, dec.L.self.H, dec.L.cross.H or dec.L.H.
 * Whether the model has that layer and head is config_validate's check. */
static bool parse_ablated(const char *spec, size_t n, AblatedHead *out)
{
    char t[64];
    if (n == 0 || n >= sizeof t)
        return false;
    memcpy(t, spec, n);
    t[n] = '\0';
    const char *p = t;
    memset(out, 0, sizeof *out);
    bool enc = strncmp(p, "enc.", 4) == 0;
    if (!enc && strncmp(p, "dec.", 4) != 0)
        return false;
    p += 4;
    if (!parse_index(&p, &out->layer) || *p++ != '.')
        return false;
    out->block = enc ? ABLATE_ENC : ABLATE_DEC_SELF;
    if (!enc && strncmp(p, "self.", 5) == 0)
        p += 5;
    else if (!enc && strncmp(p, "cross.", 6) == 0) {
        out->block = ABLATE_DEC_CROSS;
        p += 6;
    } else if (!enc)
        out->short_form = true;
    return parse_index(&p, &out->head) && *p == '\0';
}

static Status parse_ablate(const char *v, int k, const ConfigSource *s, Config *c, Error *err)
{
    AblatedHead list[CONFIG_MAX_ABLATED];
    int n = 0;
    if (strcmp(v, "none") != 0) {
        for (const char *p = v;;) {
            size_t len = strcspn(p, ",");
            if (n == CONFIG_MAX_ABLATED)
                return bad_value(err, s, config_keys[k].name, v, "names more heads than the limit of 64");
            if (!parse_ablated(p, len, &list[n])) {
                Status st = bad_value(err, s, config_keys[k].name, v, "is not a list of heads");
                error_hint(err, "name each head enc.LAYER.HEAD, dec.LAYER.self.HEAD or dec.LAYER.cross.HEAD "
                                "(decoder-only: dec.LAYER.HEAD), counting from 0, separated by commas; "
                                "none for no head");
                return st;
            }
            n++;
            if (p[len] == '\0')
                break;
            p += len + 1;
        }
    }
    memcpy(c->ablated, list, (size_t)n * sizeof *list);
    c->n_ablated = n;
    return TF_OK;
}

static Status parse_seed(const char *v, int k, const ConfigSource *s, uint64_t *out, Error *err)
{
    char *end;
    errno = 0;
    /* strtoull quietly negates "-1"; only digits are a seed. */
    if (v[0] < '0' || v[0] > '9')
        return bad_value(err, s, config_keys[k].name, v, "is not a whole number from 0 to 18446744073709551615");
    unsigned long long x = strtoull(v, &end, 10);
    if (*end != '\0' || errno == ERANGE || x > UINT64_MAX)
        return bad_value(err, s, config_keys[k].name, v, "is not a whole number from 0 to 18446744073709551615");
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
        return error_set(err, TF_ERR_INPUT, "%s: %s: invalid UTF-8 at byte %zu", p, config_keys[k].name, bad);
    size_t i = 0;
    while (i < n && tokenizer_separator_len(v + i, n - i))
        i += tokenizer_separator_len(v + i, n - i);
    if (i == n)
        return error_set(err, TF_ERR_INPUT, "%s: %s is empty", p, config_keys[k].name);
    if (n >= cap) {
        error_set(err, TF_ERR_INPUT, "%s: %s is %zu bytes, longer than the limit of %zu", p,
                  config_keys[k].name, n, cap - 1);
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
Status config_set_key(Config *c, int k, const char *v, const ConfigSource *s, Error *err)
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
    case K_RESIDUAL: st = parse_bool(v, k, s, &c->residual, err); break;
    case K_CAUSAL_MASK: st = parse_bool(v, k, s, &c->causal_mask, err); break;
    case K_PADDING_MASK: st = parse_bool(v, k, s, &c->padding_mask, err); break;
    case K_SCALE: st = parse_bool(v, k, s, &c->scale, err); break;
    case K_ATTN_TEMPERATURE: st = parse_temperature(v, k, s, &c->attn_temperature, err); break;
    case K_ABLATE_HEAD: st = parse_ablate(v, k, s, c, err); break;
    case K_ACTIVATION:
        if ((st = parse_choice(v, k, s, act_names, COUNT(act_names), &i, err)) == TF_OK)
            c->activation = (Activation)i;
        break;
    case K_POSITIONS:
        if ((st = parse_choice(v, k, s, pos_names, COUNT(pos_names), &i, err)) == TF_OK)
            c->positions = (PositionKind)i;
        break;
    case K_TOKENIZER:
        if ((st = parse_choice(v, k, s, tokenizer_names, COUNT(tokenizer_names), &i, err)) == TF_OK)
            c->tokenizer = (TokenizerKind)i;
        break;
    case K_RELATIVE_BUCKETS: st = parse_int(v, k, s, &c->rel_buckets, err); break;
    case K_RELATIVE_MAX_DISTANCE: st = parse_int(v, k, s, &c->rel_max_distance, err); break;
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
                           config_keys[k].name);
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
    int k = config_key_lookup(name);
    if (k < 0) {
        config_key_to_flag(name, flag, sizeof flag);
        error_set(err, TF_ERR_INPUT, "unknown setting '%s'", flag);
        int near = config_closest_key(name, -1);
        if (near >= 0) {
            config_key_to_flag(config_keys[near].name, flag, sizeof flag);
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
            snprintf(s.key, sizeof s.key, "%s", config_keys[k].name);
        else
            snprintf(s.key, sizeof s.key, "--%s", key + strspn(key, "-"));  /* as spelled */
    }
    if (!value) {
        char p[320];
        src_prefix(&s, p, sizeof p);
        return error_set(err, TF_ERR_INPUT, "%s: needs a value", p);
    }
    return config_set_key(c, k, value, &s, err);
}


/* weights_file.c — the .tfw weight file: save, and load with every field
 * checked, since a weight file is as untrusted as any input. */
#include "model/weights_file.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/checked.h"
#include "io/atomic_file.h"
#include "io/byte_cursor.h"
#include "io/crc.h"
#include "io/regular_file.h"
#include "text/utf8.h"

#define TFW_MAGIC "TFWEIGHT"
#define TFW_MAJOR 1
#define TFW_MINOR 1
#define TFW_MAX_TEXT (1u << 20)

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .tfw reader and writer assume a little-endian host"
#endif

/* ---- writing ---------------------------------------------------------- */

typedef struct {
    FILE *f;
    uint32_t crc;
    int failed;
} Out;

static void put(Out *o, const void *p, size_t n)
{
    if (o->failed || n == 0)
        return;
    if (fwrite(p, 1, n, o->f) != n)
        o->failed = 1;
    o->crc = crc_update(o->crc, p, n);
}

static void put_u32(Out *o, uint32_t v)
{
    unsigned char b[4];
    put32(b, v);
    put(o, b, 4);
}

static char *vocab_text(const Vocab *v)
{
    size_t n = 1;
    for (int i = 0; i < v->size; i++)
        n += strlen(v->tokens[i]) + 1;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < v->size; i++) {
        size_t k = strlen(v->tokens[i]);
        memcpy(p, v->tokens[i], k);
        p += k;
        *p++ = '\n';
    }
    *p = '\0';
    return s;
}

Status weights_save_tfw(const Model *m, const char *path, Error *err)
{
    /* A temporary file beside path, renamed over it only when complete
     * (io/atomic_file.h: also the usual permissions and a synced directory). */
    AtomicFile af;
    Status st = atomic_file_open(&af, path, err);
    if (st)
        return st;
    Out o = {af.f, 0, 0};
    /* The model's configuration, without this run's sentences. */
    Config *model_cfg = malloc(sizeof *model_cfg);
    char cfg[16384];
    int cfg_len = -1;
    if (model_cfg) {
        *model_cfg = m->cfg;
        model_cfg->n_src = model_cfg->n_tgt = 0;
        cfg_len = config_to_ini(model_cfg, cfg, sizeof cfg);
        free(model_cfg);
    }
    /* and what it learnt from, a [trained] section (version 1.1) */
    if (cfg_len >= 0 && cfg_len < (int)sizeof cfg)
        cfg_len += trained_on_to_ini(&m->trained, cfg + cfg_len, sizeof cfg - (size_t)cfg_len);
    char *vt = vocab_text(&m->vocab);
    WeightEntry *e = NULL;
    int n = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    if (cfg_len < 0 || cfg_len >= (int)sizeof cfg || !vt || n < 0) {
        o.failed = 1;
        goto done;
    }
    put(&o, TFW_MAGIC, 8);
    put_u32(&o, TFW_MAJOR);
    put_u32(&o, trained_on_known(&m->trained) ? TFW_MINOR : 0);  /* 1.0 files have no [trained] */
    put_u32(&o, (uint32_t)cfg_len);
    put(&o, cfg, (size_t)cfg_len);
    put_u32(&o, (uint32_t)strlen(vt));
    put(&o, vt, strlen(vt));
    put_u32(&o, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        uint32_t len = (uint32_t)strlen(e[i].name);
        put_u32(&o, len);
        put(&o, e[i].name, len);
        put_u32(&o, (uint32_t)e[i].rows);
        put_u32(&o, (uint32_t)e[i].cols);
        put(&o, *e[i].slot, (size_t)e[i].rows * (size_t)(e[i].cols ? e[i].cols : 1) * sizeof(float));
    }
    uint32_t crc = o.crc;
    put_u32(&o, crc);
done:
    free(e);
    free(vt);
    if (o.failed) {
        int saved = errno;
        atomic_file_discard(&af);
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot write the weight file: %s", path,
                         saved ? strerror(saved) : "write failed");
    }
    return atomic_file_commit(&af, err);
}

/* ---- reading ---------------------------------------------------------- */

void weights_keep_input(Config *model, const Config *input)
{
    model->n_src = input->n_src;
    model->n_tgt = input->n_tgt;
    memcpy(model->src, input->src, sizeof model->src);
    memcpy(model->tgt, input->tgt, sizeof model->tgt);
    memcpy(model->src_line, input->src_line, sizeof model->src_line);
    memcpy(model->tgt_line, input->tgt_line, sizeof model->tgt_line);
    /* and where they came from, so that a message about them names the
     * caller's file and line or flag, not the weight file */
    static const char *const keys[] = {"src", "tgt"};
    for (int i = 0; i < 2; i++) {
        ptrdiff_t k = config_where(input, keys[i]) - input->where;
        model->where[k] = input->where[k];
        model->where_order[k] = input->where_order[k];
    }
}

/* A read cursor over the file's bytes (io/byte_cursor.h: its arithmetic
 * cannot wrap), with the file's name for messages. */
typedef struct {
    ByteCursor c;
    const char *path;
    Error *err;
} In;

static size_t remaining(const In *in) { return byte_cursor_left(&in->c); }

/* The next n bytes, and the cursor past them; NULL (err set) when the file
 * ends first. */
static const unsigned char *take(In *in, size_t n, const char *what)
{
    const unsigned char *q = byte_cursor_bytes(&in->c, n);
    if (!q)
        error_set(in->err, TF_ERR_INPUT, "%s: byte %zu: file ends inside %s (needs %zu more bytes, has %zu)",
                  in->path, in->c.pos, what, n, remaining(in));
    return q;
}

static Status get_u32(In *in, uint32_t *v, const char *what)
{
    const unsigned char *q = take(in, 4, what);
    if (!q)
        return TF_ERR_INPUT;
    *v = le32(q);
    return TF_OK;
}

static Status read_whole(const char *path, unsigned char **buf, size_t *size, Error *err)
{
    FILE *f;
    Status so = regular_fopen(path, &f, err);  /* a FIFO is refused, not waited on */
    if (so)
        return so;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot stat: %s", path, strerror(errno));
    }
    *size = (size_t)st.st_size;
    *buf = malloc(*size ? *size : 1);
    if (!*buf || fread(*buf, 1, *size, f) != *size) {
        free(*buf);
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot read %zu bytes", path, *size);
    }
    fclose(f);
    return TF_OK;
}

/* The vocabulary: every token followed by '\n', specials first. Its size
 * is capped before any token is read (VOCAB_MAX_BYTES by the caller, the
 * count here), so a hostile file cannot make the loader work for long. */
static Status parse_vocab(Vocab *v, const char *text, size_t len, const char *path, size_t at, Error *err)
{
    vocab_init(v);
    size_t lines = 0;
    for (const char *q = text; (q = memchr(q, '\n', len - (size_t)(q - text))); q++)
        lines++;
    if (lines > VOCAB_MAX_TOKENS)
        return error_set(err, TF_ERR_INPUT, "%s: byte %zu: %zu vocabulary entries, more than the %d a model may have",
                         path, at, lines, VOCAB_MAX_TOKENS);
    size_t i = 0;
    int id = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t j = nl ? (size_t)(nl - text) : len;
        char tok[VOCAB_MAX_TOKEN_BYTES + 1];
        if (j - i == 0)
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: vocabulary entry %d is empty", path, at + i, id);
        if (j - i > VOCAB_MAX_TOKEN_BYTES)
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: vocabulary entry %d is longer than %d bytes", path,
                             at + i, id, VOCAB_MAX_TOKEN_BYTES);
        const char *nul = memchr(text + i, '\0', j - i);
        if (nul)
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: vocabulary entry %d holds a NUL byte", path,
                             at + (size_t)(nul - text), id);
        memcpy(tok, text + i, j - i);
        tok[j - i] = '\0';
        if (id < TOK_SPECIALS) {
            if (strcmp(tok, vocab_token(v, id)) != 0)
                return error_set(err, TF_ERR_INPUT, "%s: byte %zu: vocabulary entry %d is '%s', expected '%s'",
                                 path, at + i, id, tok, vocab_token(v, id));
        } else if (vocab_add(v, tok, err) != id) {
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: vocabulary entry %d ('%s') is invalid or repeated",
                             path, at + i, id, tok);
        }
        id++;
        i = j + 1;
    }
    return TF_OK;
}

Status weights_load_tfw(Model *m, const char *path, const Config *input, Error *err)
{
    memset(m, 0, sizeof *m);
    unsigned char *buf = NULL;
    size_t size = 0;
    Status st = read_whole(path, &buf, &size, err);
    if (st)
        return st;
    In in;
    WeightEntry *e = NULL;
    const unsigned char *q;
    uint32_t major, minor, len, n;

    /* Magic and version, then the CRC-32 of everything before the last 4
     * bytes: a file too short to hold them all is no weight file. */
    enum { HEADER = 16, CHECKSUM = 4 };
    if (size < HEADER + CHECKSUM) {
        st = error_set(err, TF_ERR_INPUT,
                       "%s: byte %zu: the file is %zu bytes long, shorter than a weight file's %d-byte header and "
                       "%d-byte checksum",
                       path, size, size, HEADER, CHECKSUM);
        goto out;
    }
    if (memcmp(buf, TFW_MAGIC, 8) != 0) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte 0: not a Traceformer weight file (magic is not \"" TFW_MAGIC "\")", path);
        goto out;
    }
    major = le32(buf + 8);
    minor = le32(buf + 12);
    if (major != TFW_MAJOR) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte 8: weight file version %u.%u, this program reads %d.x",
                       path, major, minor, TFW_MAJOR);
        goto out;
    }
    /* The checksum covers everything before it: check it before trusting
     * any length in the file. */
    uint32_t want = le32(buf + size - CHECKSUM);
    if (crc_update(0, buf, size - CHECKSUM) != want) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: checksum mismatch: the file is corrupted or truncated",
                       path, size - CHECKSUM);
        goto out;
    }
    in = (In){byte_cursor_at(buf, size - CHECKSUM, HEADER), path, err};

    if ((st = get_u32(&in, &len, "the configuration length")))
        goto out;
    if (len > TFW_MAX_TEXT)
        goto bad_len;
    if (!(q = take(&in, len, "the configuration"))) {
        st = TF_ERR_INPUT;
        goto out;
    }
    char *cfg_text = malloc(len + 1);
    if (!cfg_text) {
        st = error_set(err, TF_ERR_RUNTIME, "out of memory");
        goto out;
    }
    memcpy(cfg_text, q, len);
    cfg_text[len] = '\0';
    config_defaults(&m->cfg);
    char name[4200];
    snprintf(name, sizeof name, "%s (configuration)", path);
    static const char *const trained_section[] = {"trained", NULL};
    st = config_load_ini_text_sections(&m->cfg, cfg_text, name, trained_section, err);
    if (st == TF_OK)
        st = trained_on_from_ini(&m->trained, cfg_text, name, err);
    free(cfg_text);
    if (st)
        goto out;
    if (input)
        weights_keep_input(&m->cfg, input);
    if ((st = config_validate(&m->cfg, err)))
        goto out;

    if ((st = get_u32(&in, &len, "the vocabulary length")))
        goto out;
    if (len > VOCAB_MAX_BYTES) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: a vocabulary of %u bytes, more than the %u a model may have",
                       path, in.c.pos - 4, len, VOCAB_MAX_BYTES);
        goto out;
    }
    size_t vocab_at = in.c.pos;
    if (!(q = take(&in, len, "the vocabulary"))) {
        st = TF_ERR_INPUT;
        goto out;
    }
    if ((st = parse_vocab(&m->vocab, (const char *)q, len, path, vocab_at, err)))
        goto out;

    if ((st = weights_alloc(&m->w, &m->cfg, m->vocab.size, err)))
        goto out;
    int count = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    if (count < 0) {
        st = error_set(err, TF_ERR_RUNTIME, "out of memory");
        goto out;
    }
    if ((st = get_u32(&in, &n, "the tensor count")))
        goto out;
    if (n != (uint32_t)count) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: %u tensors, but the configuration needs %d",
                       path, in.c.pos - 4, n, count);
        goto out;
    }
    for (int i = 0; i < count; i++) {
        size_t at = in.c.pos;
        uint32_t rows, cols;
        if ((st = get_u32(&in, &len, "a tensor name")))
            goto out;
        if (len == 0 || len >= sizeof e[i].name)
            goto bad_len;
        if (!(q = take(&in, len, "a tensor name"))) {
            st = TF_ERR_INPUT;
            goto out;
        }
        if (len != strlen(e[i].name) || memcmp(q, e[i].name, len) != 0) {
            st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: tensor %d is '%.*s', expected '%s'", path, at,
                           i, (int)len, (const char *)q, e[i].name);
            goto out;
        }
        if ((st = get_u32(&in, &rows, "a tensor shape")) || (st = get_u32(&in, &cols, "a tensor shape")))
            goto out;
        if (rows != (uint32_t)e[i].rows || cols != (uint32_t)e[i].cols) {
            st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: tensor '%s' has shape (%u, %u), expected (%d, %d)",
                           path, at, e[i].name, rows, cols, e[i].rows, e[i].cols);
            goto out;
        }
        size_t bytes = (size_t)rows * (cols ? cols : 1) * sizeof(float);
        if (!(q = take(&in, bytes, e[i].name))) {
            st = TF_ERR_INPUT;
            goto out;
        }
        memcpy(*e[i].slot, q, bytes);
    }
    if (remaining(&in) != 0) {
        st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: %zu unexpected bytes after the last tensor", path,
                       in.c.pos, remaining(&in));
        goto out;
    }
    /* The caller's settings last, against the whole model: shape and
     * vocabulary must agree; the masks and the residual are the caller's. */
    st = input ? weights_apply_settings(m, input, path, err) : TF_OK;
    goto out;
bad_len:
    st = error_set(err, TF_ERR_INPUT, "%s: byte %zu: length %u is out of range", path, in.c.pos - 4, len);
out:
    free(e);
    free(buf);
    if (st != TF_OK)
        model_free(m);
    return st;
}

/* ---- the caller's settings against the file's ------------------------- */

/* The settings a weight file decides, in the order they are checked: the
 * first contradiction is the one reported. The layer counts come as
 * encoder_layers and decoder_layers, which `layers` sets both of. */
typedef enum {
    S_ARCH, S_D_MODEL, S_HEADS, S_D_FF, S_ENC_LAYERS, S_DEC_LAYERS, S_NORM, S_FINAL_NORM, S_ACTIVATION,
    S_POSITIONS, S_REL_BUCKETS, S_REL_MAX_DISTANCE, S_LN_EPS, S_MAX_LEN, S_TOKENIZER, S_COUNT
} Decided;

static const char *const decided_key[S_COUNT] = {
    "arch", "d_model", "heads", "d_ff", "encoder_layers", "decoder_layers", "norm", "final_norm",
    "activation", "positions", "relative_buckets", "relative_max_distance", "ln_eps", "max_len", "tokenizer",
};

/* Does setting k mean anything for the file's model? The bucket settings
 * only with relative positions; max_len only as the length of a learned
 * position table (otherwise it only caps the sentences: the caller's). */
static bool decided_applies(const Config *file, int k)
{
    if (k == S_REL_BUCKETS || k == S_REL_MAX_DISTANCE)
        return file->positions == POS_RELATIVE;
    if (k == S_MAX_LEN)
        return file->positions == POS_LEARNED;
    return true;
}

/* Setting k of c as a config file spells it. Equal text, equal setting:
 * ln_eps is written with enough digits to read back the same float. */
static void decided_text(const Config *c, int k, char *buf, size_t cap)
{
    switch ((Decided)k) {
    case S_ARCH: snprintf(buf, cap, "%s", config_arch_name(c->arch)); break;
    case S_D_MODEL: snprintf(buf, cap, "%d", c->d_model); break;
    case S_HEADS: snprintf(buf, cap, "%d", c->heads); break;
    case S_D_FF: snprintf(buf, cap, "%d", c->d_ff); break;
    case S_ENC_LAYERS: snprintf(buf, cap, "%d", c->enc_layers); break;
    case S_DEC_LAYERS: snprintf(buf, cap, "%d", c->dec_layers); break;
    case S_NORM: snprintf(buf, cap, "%s", config_norm_name(c->norm)); break;
    case S_FINAL_NORM: snprintf(buf, cap, "%s", c->final_norm ? "yes" : "no"); break;
    case S_ACTIVATION: snprintf(buf, cap, "%s", config_activation_name(c->activation)); break;
    case S_POSITIONS: snprintf(buf, cap, "%s", config_positions_name(c->positions)); break;
    case S_REL_BUCKETS: snprintf(buf, cap, "%d", c->rel_buckets); break;
    case S_REL_MAX_DISTANCE: snprintf(buf, cap, "%d", c->rel_max_distance); break;
    case S_LN_EPS:
        for (int prec = 6; prec <= 9; prec++) {
            snprintf(buf, cap, "%.*g", prec, (double)c->ln_eps);
            if (strtof(buf, NULL) == c->ln_eps)
                break;
        }
        break;
    case S_MAX_LEN: snprintf(buf, cap, "%d", c->max_len); break;
    case S_TOKENIZER: snprintf(buf, cap, "%s", config_tokenizer_name(c->tokenizer)); break;
    case S_COUNT: buf[0] = '\0'; break;
    }
}

/* A setting made explicitly, or NULL for a default. */
static const ConfigSource *explicit_source(const Config *c, const char *key)
{
    const ConfigSource *w = config_where(c, key);
    return w && w->key[0] ? w : NULL;
}

static bool is_flag(const ConfigSource *w)
{
    return !(w->file[0] && w->line > 0) && strncmp(w->key, "--", 2) == 0;
}

/* Refuse setting `key` = `said` of source w, which contradicts the file's
 * `have` ("heads = 4"): "--heads 1 contradicts copy.tfw (heads = 4)", or
 * with the file and line of a config, and a hint naming the way out. */
static Status contradiction(const ConfigSource *w, const char *key, const char *said, const char *have,
                            const char *path, Error *err)
{
    char want[200], file_value[200];
    utf8_copy_cut(want, sizeof want, said, strlen(said), true);
    utf8_copy_cut(file_value, sizeof file_value, have, strlen(have), true);
    Status st;
    if (is_flag(w)) {
        const char *q = strchr(want, ' ') ? "\"" : "";
        st = error_set(err, TF_ERR_INPUT, "%s %s%s%s contradicts %s (%s)", w->key, q, want, q, path, file_value);
        error_hint(err, "the weights were made with %.120s: drop %s%s", file_value, w->key,
                   strcmp(key, "tokens") == 0 ? " (a word they lack is read as <UNK>)" : ", or give the file's value");
    } else if (w->file[0] && w->line > 0) {
        st = error_set(err, TF_ERR_INPUT, "%s:%d: %s = %s contradicts %s (%s)", w->file, w->line, key, want, path,
                       file_value);
        error_hint(err, "the weights were made with %.120s: remove %s from %.60s, or set it to that", file_value,
                   key, w->file);
    } else {
        st = error_set(err, TF_ERR_INPUT, "%s = %s contradicts %s (%s)", key, want, path, file_value);
        error_hint(err, "the weights were made with %.120s: leave %s as the file has it", file_value, key);
    }
    return st;
}

/* The tokens after the four specials as a tokens = line spells them:
 * separated by spaces, or side by side for a character-level model. */
static void vocab_words(const Vocab *v, TokenizerKind kind, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    const char *sep = kind == TOKENIZER_CHARS ? "" : " ";
    for (int i = TOK_SPECIALS; i < v->size && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i > TOK_SPECIALS ? sep : "", v->tokens[i]);
}

/* The vocabulary the caller listed ([vocab] tokens, --vocab) must be the
 * file's, token for token in the same order: ids pick embedding rows. */
static Status check_vocab(const Model *m, const Config *want, const char *path, Error *err)
{
    const ConfigSource *w = explicit_source(want, "tokens");
    if (!w || !want->vocab[0])
        return TF_OK;
    Vocab v;
    vocab_init(&v);
    Status st = tokenizer_add_vocab(m->cfg.tokenizer, &v, want->vocab, "[vocab] tokens", err);
    bool same = st == TF_OK && v.size == m->vocab.size;
    for (int i = 0; same && i < v.size; i++)
        same = strcmp(v.tokens[i], m->vocab.tokens[i]) == 0;
    vocab_free(&v);
    if (st || same)
        return st;
    char have[1024] = "tokens = ";
    vocab_words(&m->vocab, m->cfg.tokenizer, have + 9, sizeof have - 9);
    return contradiction(w, "tokens", want->vocab, have, path, err);
}

Status weights_apply_settings(Model *m, const Config *want, const char *path, Error *err)
{
    for (int k = 0; k < S_COUNT; k++) {
        const ConfigSource *w = explicit_source(want, decided_key[k]);
        if (!w || !decided_applies(&m->cfg, k))
            continue;
        char said[64], have[64], clause[160];
        decided_text(want, k, said, sizeof said);
        decided_text(&m->cfg, k, have, sizeof have);
        if (strcmp(said, have) == 0)
            continue;
        /* `layers` sets both depths: name both of the file's */
        const char *key = decided_key[k];
        bool by_layers = strcmp(w->key + strspn(w->key, "-"), "layers") == 0;
        if (k == S_ENC_LAYERS && by_layers && m->cfg.arch == ARCH_DECODER_ONLY)
            continue;  /* a decoder-only file has no encoder for `layers` to size */
        if ((k == S_ENC_LAYERS || k == S_DEC_LAYERS) && by_layers) {
            key = "layers";
            if (m->cfg.enc_layers > 0)
                snprintf(clause, sizeof clause, "encoder_layers = %d, decoder_layers = %d", m->cfg.enc_layers,
                         m->cfg.dec_layers);
            else
                snprintf(clause, sizeof clause, "decoder_layers = %d", m->cfg.dec_layers);
        } else {
            snprintf(clause, sizeof clause, "%s = %s", key, have);
        }
        return contradiction(w, key, said, clause, path, err);
    }
    Status st = check_vocab(m, want, path, err);
    if (st)
        return st;
    /* How the model runs, not what it learned: the caller's choice wins
     * when it made one (--causal-mask off, --residual off, a longer max_len
     * for sinusoids). */
    if (explicit_source(want, "causal_mask"))
        m->cfg.causal_mask = want->causal_mask;
    if (explicit_source(want, "padding_mask"))
        m->cfg.padding_mask = want->padding_mask;
    if (explicit_source(want, "residual"))
        m->cfg.residual = want->residual;
    if (explicit_source(want, "scale"))
        m->cfg.scale = want->scale;
    if (explicit_source(want, "attn_temperature"))
        m->cfg.attn_temperature = want->attn_temperature;
    const ConfigSource *ablate = explicit_source(want, "ablate_head");
    if (ablate) {
        /* The heads named must exist in the file's model, blamed on the
         * setting that named them. */
        Config probe = m->cfg;
        probe.n_ablated = want->n_ablated;
        memcpy(probe.ablated, want->ablated, sizeof probe.ablated);
        probe.where[ablate - want->where] = *ablate;
        Status st2 = config_check_ablated(&probe, err);
        if (st2)
            return st2;
        m->cfg.n_ablated = probe.n_ablated;
        memcpy(m->cfg.ablated, probe.ablated, sizeof m->cfg.ablated);
    }
    if (explicit_source(want, "max_len") && !decided_applies(&m->cfg, S_MAX_LEN))
        m->cfg.max_len = want->max_len;
    return TF_OK;
}

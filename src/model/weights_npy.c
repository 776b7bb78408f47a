/* weights_npy.c — a model as a directory of .npy files named by PyTorch's
 * state_dict keys, plus vocab.txt and config.ini. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/atomic_file.h"
#include "io/npy.h"
#include "io/regular_file.h"
#include "io/staged_dir.h"
#include "model/weights_file.h"

/* What sits at path: nothing, a regular file, or something else (a FIFO,
 * a device, a directory), which the readers refuse by name. */
typedef enum { ENTRY_ABSENT, ENTRY_FILE, ENTRY_OTHER } EntryKind;

static EntryKind entry_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ENTRY_ABSENT;
    return S_ISREG(st.st_mode) ? ENTRY_FILE : ENTRY_OTHER;
}

static bool has_tensor(const char *dir, const char *key)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, key);
    return entry_kind(path) != ENTRY_ABSENT;
}

/* Shape of one tensor without keeping its data. */
static Status tensor_shape(const char *dir, const char *key, int *ndim, uint64_t dims[NPY_MAX_DIMS], Error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, key);
    float *data;
    Status st = npy_read_f32(path, &data, ndim, dims, err);
    if (st == TF_OK)
        free(data);
    return st;
}

/* vocab.txt: one token per line, the four specials first. Read whole after
 * its size is checked against the vocabulary's caps, so that a line too
 * long, an empty line or a NUL is named by its line, never cut or skipped
 * (a long line once became two tokens and shifted every later id). */
static Status read_vocab(Vocab *v, const char *dir, Error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    FILE *f;
    Status st = regular_fopen(path, &f, err);  /* a FIFO is refused, not waited on */
    if (st) {
        error_hint(err, "a weight directory needs vocab.txt: one token per line, starting <PAD> <START> <END> <UNK>");
        return st;
    }
    struct stat sb;
    char *text = NULL;
    size_t size = 0;
    if (fstat(fileno(f), &sb) != 0) {
        st = error_set(err, TF_ERR_RUNTIME, "%s: cannot stat: %s", path, strerror(errno));
    } else if ((uint64_t)sb.st_size > VOCAB_MAX_BYTES) {
        st = error_set(err, TF_ERR_INPUT, "%s: %lld bytes, more than the %u a vocabulary may have", path,
                       (long long)sb.st_size, VOCAB_MAX_BYTES);
    } else {
        size = (size_t)sb.st_size;
        text = malloc(size + 1);
        if (!text)
            st = error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
        else if (fread(text, 1, size, f) != size || fgetc(f) != EOF)
            st = error_set(err, TF_ERR_INPUT, "%s: the file changed size while being read", path);
    }
    fclose(f);
    size_t lines = 0;
    for (size_t i = 0; st == TF_OK && i < size; i++)
        lines += text[i] == '\n';
    if (st == TF_OK && lines > VOCAB_MAX_TOKENS)
        st = error_set(err, TF_ERR_INPUT, "%s: %zu lines, more than the %d tokens a vocabulary may have", path,
                       lines, VOCAB_MAX_TOKENS);
    vocab_init(v);
    int lineno = 0;
    for (size_t i = 0; st == TF_OK && i < size;) {
        const char *nl = memchr(text + i, '\n', size - i);
        size_t end = nl ? (size_t)(nl - text) : size, next = end + 1;
        if (end > i && text[end - 1] == '\r')
            end--;  /* a file written on Windows */
        const char *line = text + i;
        size_t len = end - i;
        i = next;
        lineno++;
        int id = lineno - 1;
        const char *nul = memchr(line, '\0', len);
        if (nul) {
            st = error_set(err, TF_ERR_INPUT, "%s:%d: NUL byte at column %zu", path, lineno,
                           (size_t)(nul - line) + 1);
            break;
        }
        if (len == 0) {
            st = error_set(err, TF_ERR_INPUT, "%s:%d: empty line; every line is one token", path, lineno);
            break;
        }
        if (len > VOCAB_MAX_TOKEN_BYTES) {
            st = error_set(err, TF_ERR_INPUT, "%s:%d: token longer than %d bytes (%zu)", path, lineno,
                           VOCAB_MAX_TOKEN_BYTES, len);
            break;
        }
        char tok[VOCAB_MAX_TOKEN_BYTES + 1];
        memcpy(tok, line, len);
        tok[len] = '\0';
        if (id < TOK_SPECIALS) {
            if (strcmp(tok, vocab_token(v, id)) != 0)
                st = error_set(err, TF_ERR_INPUT, "%s:%d: expected '%s' (the special tokens come first), found '%s'",
                               path, lineno, vocab_token(v, id), tok);
            continue;
        }
        Error e;
        int got = vocab_add(v, tok, &e);
        if (got < 0)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: %s", path, lineno, e.msg);
        else if (got != id)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: token '%s' repeats line %d", path, lineno, tok, got + 1);
    }
    free(text);
    if (st == TF_OK && lineno < TOK_SPECIALS)
        st = error_set(err, TF_ERR_INPUT, "%s: only %d lines; the four special tokens are missing", path, lineno);
    if (st != TF_OK)
        vocab_free(v);
    return st;
}

/* A setting made explicitly (a flag, a config line), not a default. */
static const ConfigSource *explicit_source(const Config *c, const char *key)
{
    const ConfigSource *w = config_where(c, key);
    return w && w->key[0] ? w : NULL;
}

/* The import's view of one directory: which settings its config.ini
 * states, so that the tensors may fill in the others but never overrule
 * a line of the file. */
typedef struct {
    const char *dir;
    char ini[4096];  /* dir/config.ini */
    bool has_ini;
} Source;

static const ConfigSource *ini_states(const Source *s, const Config *c, const char *key)
{
    const ConfigSource *w = s->has_ini ? explicit_source(c, key) : NULL;
    return w && strcmp(w->file, s->ini) == 0 ? w : NULL;
}

/* A size the tensors show against the size config.ini states. */
static Status agree(const Source *s, const Config *c, const char *key, int stated, uint64_t shown, const char *tensor,
                    const char *shape, Error *err)
{
    const ConfigSource *w = ini_states(s, c, key);
    if (!w || (uint64_t)stated == shown)
        return TF_OK;
    Status st = error_set(err, TF_ERR_INPUT, "%s:%d: %s = %d, but %s/%s.npy has shape %s", w->file, w->line, key,
                          stated, s->dir, tensor, shape);
    error_hint(err, "the tensors were saved with %s = %llu: correct %s in config.ini", key,
               (unsigned long long)shown, key);
    return st;
}

/* The largest N+1 for which a file "<prefix>N.<anything>.npy" exists: the
 * layer count the files show, even when one of a layer's tensors is
 * missing (that one is then named as missing, not miscounted). */
static int count_layers(const char *dir, const char *prefix)
{
    enum { MAX_LAYERS = 1000 };  /* config_validate refuses far fewer */
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int n = 0;
    size_t plen = strlen(prefix);
    struct dirent *de;
    while ((de = readdir(dp))) {
        const char *name = de->d_name;
        size_t len = strlen(name);
        if (strncmp(name, prefix, plen) != 0 || len < 5 || strcmp(name + len - 4, ".npy") != 0)
            continue;
        char *end;
        errno = 0;
        long k = strtol(name + plen, &end, 10);
        if (end != name + plen && *end == '.' && errno == 0 && k >= 0 && k < MAX_LAYERS && k + 1 > n)
            n = (int)k + 1;
    }
    closedir(dp);
    return n;
}

/* Tokens config.ini lists ([vocab] tokens) must be vocab.txt's, in order:
 * a token's id picks its embedding row. */
static Status vocab_agrees(const Source *s, const Config *c, const Vocab *v, Error *err)
{
    const ConfigSource *w = ini_states(s, c, "tokens");
    if (!w || !c->vocab[0])
        return TF_OK;
    Vocab listed;
    vocab_init(&listed);
    Status st = tokenizer_add_vocab(c->tokenizer, &listed, c->vocab, "[vocab] tokens", err);
    int i = 0;
    while (st == TF_OK && i < listed.size && i < v->size && strcmp(listed.tokens[i], v->tokens[i]) == 0)
        i++;
    if (st == TF_OK && (i < listed.size || i < v->size))
        st = error_set(err, TF_ERR_INPUT, "%s:%d: tokens differ from %s/vocab.txt from id %d on (%d tokens against "
                       "%d, the four specials included)", w->file, w->line, s->dir, i, listed.size, v->size);
    vocab_free(&listed);
    return st;
}

/* The sizes the tensors decide, into c: where config.ini states one, the
 * two must agree; where it does not, the tensors' value is taken. The
 * counts and the architecture config.ini states are kept as stated: a
 * tensor they need that is missing is then named by the loading loop. */
static Status infer_config(Config *c, const Source *s, int vocab_size, Error *err)
{
    const char *dir = s->dir;
    int nd;
    uint64_t dims[NPY_MAX_DIMS];
    char shape[96];
    Status st;
    if (has_tensor(dir, "tgt_embedding.weight")) {
        if ((st = tensor_shape(dir, "tgt_embedding.weight", &nd, dims, err)))
            return st;
        if (nd != 2 || dims[0] != (uint64_t)vocab_size || dims[1] == 0 || dims[1] > INT32_MAX)
            return error_set(err, TF_ERR_INPUT,
                             "%s/tgt_embedding.weight.npy: shape must be (vocabulary %d, d_model): vocab.txt has %d lines",
                             dir, vocab_size, vocab_size);
        snprintf(shape, sizeof shape, "(%llu, %llu)", (unsigned long long)dims[0], (unsigned long long)dims[1]);
        if ((st = agree(s, c, "d_model", c->d_model, dims[1], "tgt_embedding.weight", shape, err)))
            return st;
        c->d_model = (int)dims[1];
    } else if (!ini_states(s, c, "d_model")) {
        return error_set(err, TF_ERR_INPUT, "%s/tgt_embedding.weight.npy: missing (the decoder's embedding, of shape "
                         "(vocabulary, d_model))", dir);
    }
    if (!ini_states(s, c, "arch"))
        c->arch = has_tensor(dir, "src_embedding.weight") || count_layers(dir, "encoder.layers.") > 0
                      ? ARCH_ENCODER_DECODER : ARCH_DECODER_ONLY;
    /* a stated count larger than the files show names the first missing
     * tensor later; one smaller would leave layers unread */
    static const char *const layer_key[2] = {"encoder_layers", "decoder_layers"};
    static const char *const layer_prefix[2] = {"encoder.layers.", "decoder.layers."};
    int *layer_count[2] = {&c->enc_layers, &c->dec_layers};
    for (int k = 0; k < 2; k++) {
        int files = count_layers(dir, layer_prefix[k]);
        const ConfigSource *w = ini_states(s, c, layer_key[k]);
        if (!w)
            *layer_count[k] = k == 0 && c->arch != ARCH_ENCODER_DECODER ? 0 : files;
        else if (files > *layer_count[k])
            return error_set(err, TF_ERR_INPUT, "%s:%d: %s = %d, but %s holds %s%d.*.npy", w->file, w->line,
                             w->key, *layer_count[k], dir, layer_prefix[k], files - 1);
    }
    if (c->dec_layers == 0)
        return error_set(err, TF_ERR_INPUT, "%s: no decoder.layers.0.*.npy: not a weight directory", dir);
    if (has_tensor(dir, "decoder.layers.0.linear1.weight")) {
        if ((st = tensor_shape(dir, "decoder.layers.0.linear1.weight", &nd, dims, err)))
            return st;
        if (nd != 2 || dims[0] == 0 || dims[0] > INT32_MAX)
            return error_set(err, TF_ERR_INPUT, "%s/decoder.layers.0.linear1.weight.npy: shape must be (d_ff, d_model)",
                             dir);
        snprintf(shape, sizeof shape, "(%llu, %llu)", (unsigned long long)dims[0], (unsigned long long)dims[1]);
        if ((st = agree(s, c, "d_ff", c->d_ff, dims[0], "decoder.layers.0.linear1.weight", shape, err)))
            return st;
        c->d_ff = (int)dims[0];
    } else if (!ini_states(s, c, "d_ff")) {
        return error_set(err, TF_ERR_INPUT, "%s/decoder.layers.0.linear1.weight.npy: missing (the first feed-forward "
                         "weight, of shape (d_ff, d_model))", dir);
    }
    if (!ini_states(s, c, "final_norm"))
        c->final_norm = has_tensor(dir, "decoder.norm.weight");
    /* Position tables tell their kind, and their length or bucket count;
     * without one, the kind is for config.ini to state (positions_told). */
    if (!ini_states(s, c, "positions")) {
        if (has_tensor(dir, "tgt_pos_embedding.weight"))
            c->positions = POS_LEARNED;
        else if (has_tensor(dir, "decoder.relative_attention_bias.weight"))
            c->positions = POS_RELATIVE;
    }
    const char *table = c->positions == POS_LEARNED    ? "tgt_pos_embedding.weight"
                        : c->positions == POS_RELATIVE ? "decoder.relative_attention_bias.weight"
                                                       : NULL;
    if (table && has_tensor(dir, table)) {
        if ((st = tensor_shape(dir, table, &nd, dims, err)))
            return st;
        if (nd != 2 || dims[0] == 0 || dims[0] > 1u << 20)
            return error_set(err, TF_ERR_INPUT, "%s/%s.npy: shape must be (%s, %s)", dir, table,
                             c->positions == POS_LEARNED ? "max_len" : "relative_buckets",
                             c->positions == POS_LEARNED ? "d_model" : "heads");
        snprintf(shape, sizeof shape, "(%llu, %llu)", (unsigned long long)dims[0], (unsigned long long)dims[1]);
        const char *key = c->positions == POS_LEARNED ? "max_len" : "relative_buckets";
        int *field = c->positions == POS_LEARNED ? &c->max_len : &c->rel_buckets;
        if ((st = agree(s, c, key, *field, dims[0], table, shape, err)))
            return st;
        *field = (int)dims[0];
    }
    return TF_OK;
}

/* What no tensor shape can tell: how many heads d_model is cut into, where
 * the norms sit, the activation, and (without a position table) the kind
 * of positions, and for relative positions the distance they saturate at.
 * Defaults would give a model that runs and gives wrong numbers, so each
 * must be stated, in config.ini or by the caller (a flag, a config file). */
static const struct {
    const char *key, *example;
} untold[] = {
    {"heads", "heads = 8"},
    {"norm", "norm = post (or pre)"},
    {"activation", "activation = relu (or gelu)"},
    {"positions", "positions = sinusoidal (or rope, none)"},
    {"relative_max_distance", "relative_max_distance = 128"},
};

/* A caller's statement of an untold setting fills in for a line config.ini
 * lacks: its value, and where it came from (without config.ini, c is a
 * copy of base already). */
static void adopt_caller(Config *c, const Config *base, const Source *s)
{
    if (!s->has_ini)
        return;
    for (size_t i = 0; i < sizeof untold / sizeof *untold; i++) {
        const char *key = untold[i].key;
        const ConfigSource *w = explicit_source(base, key);
        if (!w || ini_states(s, c, key))
            continue;
        ptrdiff_t k = w - base->where;
        c->where[k] = base->where[k];
        c->where_order[k] = base->where_order[k];
        if (strcmp(key, "heads") == 0)
            c->heads = base->heads;
        else if (strcmp(key, "norm") == 0)
            c->norm = base->norm;
        else if (strcmp(key, "activation") == 0)
            c->activation = base->activation;
        else if (strcmp(key, "positions") == 0)
            c->positions = base->positions;
        else
            c->rel_max_distance = base->rel_max_distance;
    }
    /* How text becomes tokens: config.ini may state it (a character-level
     * model's does); when it is silent, the caller may, and words is the
     * default an exporter older than the key left. */
    const ConfigSource *w = explicit_source(base, "tokenizer");
    if (w && !ini_states(s, c, "tokenizer")) {
        ptrdiff_t k = w - base->where;
        c->where[k] = base->where[k];
        c->where_order[k] = base->where_order[k];
        c->tokenizer = base->tokenizer;
    }
}

/* Refuse, naming them all at once, the untold settings nobody stated. */
static Status require_stated(const Config *c, const Source *s, Error *err)
{
    char missing[256] = "", lines[512] = "";
    int n_missing = 0;
    for (size_t i = 0; i < sizeof untold / sizeof *untold; i++) {
        const char *key = untold[i].key;
        if (strcmp(key, "relative_max_distance") == 0 && c->positions != POS_RELATIVE)
            continue;
        /* learned or relative: a position table decided it, or a statement
         * did (and the table is then loaded or named as missing) */
        if (strcmp(key, "positions") == 0 && (c->positions == POS_LEARNED || c->positions == POS_RELATIVE))
            continue;
        if (explicit_source(c, key))
            continue;
        size_t m = strlen(missing), l = strlen(lines);
        snprintf(missing + m, sizeof missing - m, "%s%s", n_missing ? ", " : "", key);
        snprintf(lines + l, sizeof lines - l, "%s%s", n_missing ? "; " : "", untold[i].example);
        n_missing++;
    }
    if (n_missing == 0)
        return TF_OK;
    Status st;
    if (s->has_ini)
        st = error_set(err, TF_ERR_INPUT, "%s: the tensors cannot tell %s, and %s does not state %s", s->dir, missing,
                       s->ini, n_missing > 1 ? "them" : "it");
    else
        st = error_set(err, TF_ERR_INPUT, "%s: the tensors cannot tell %s, and there is no config.ini to state %s",
                       s->dir, missing, n_missing > 1 ? "them" : "it");
    error_hint(err, "add under [model] in %.80s the model's values, e.g. %.150s", s->ini, lines);
    return st;
}

/* Every value of a tensor must be a finite float32: a NaN or an infinity
 * (or a float64 too large for float32, which becomes one) would spread
 * through every later record of the trace. */
static Status check_finite(const float *data, size_t numel, const char *path, Error *err)
{
    for (size_t i = 0; i < numel; i++)
        if (!isfinite(data[i]))
            return error_set(err, TF_ERR_INPUT, "%s: value %zu (flat index, C order) is %s; weights must be finite",
                             path, i, isnan(data[i]) ? "NaN" : "infinite (or too large for float32)");
    return TF_OK;
}

Status weights_import_npy(Model *m, const char *dir, const Config *base, Error *err)
{
    memset(m, 0, sizeof *m);
    m->cfg = *base;
    Source src = {.dir = dir};
    snprintf(src.ini, sizeof src.ini, "%s/config.ini", dir);
    Status st;
    switch (entry_kind(src.ini)) {
    case ENTRY_ABSENT:
        break;
    case ENTRY_OTHER: {
        struct stat sb;
        if (stat(src.ini, &sb) != 0)
            sb.st_mode = 0;
        return error_set(err, TF_ERR_INPUT, "%s: not a regular file (%s)", src.ini, file_kind_name(sb.st_mode));
    }
    case ENTRY_FILE:
        src.has_ini = true;
        config_defaults(&m->cfg);
        if ((st = config_load_ini(&m->cfg, src.ini, err)))
            return st;
        /* the run's input stays the caller's */
        weights_keep_input(&m->cfg, base);
        break;
    }
    if ((st = read_vocab(&m->vocab, dir, err)))
        return st;
    /* Sizes from the tensors, then the caller's explicit settings against
     * the directory's (a contradiction is the clearest message), then the
     * settings nobody stated. */
    adopt_caller(&m->cfg, base, &src);
    if ((st = vocab_agrees(&src, &m->cfg, &m->vocab, err)) || (st = infer_config(&m->cfg, &src, m->vocab.size, err)) || (st = weights_apply_settings(m, base, dir, err)) ||
        (st = require_stated(&m->cfg, &src, err)) || (st = config_validate(&m->cfg, err)) ||
        (st = weights_alloc(&m->w, &m->cfg, m->vocab.size, err))) {
        vocab_free(&m->vocab);
        return st;
    }
    WeightEntry *e;
    int n = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    if (n < 0) {
        model_free(m);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    char path[4096];
    for (int i = 0; i < n && st == TF_OK; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, e[i].name);
        float *data;
        int nd;
        uint64_t dims[NPY_MAX_DIMS];
        if (entry_kind(path) == ENTRY_ABSENT) {
            st = error_set(err, TF_ERR_INPUT, "%s: missing (the model needs %s of shape (%d%s%.0d))", path,
                           e[i].name, e[i].rows, e[i].cols ? ", " : "", e[i].cols);
            break;
        }
        if ((st = npy_read_f32(path, &data, &nd, dims, err)))
            break;
        int ok = e[i].cols ? nd == 2 && dims[0] == (uint64_t)e[i].rows && dims[1] == (uint64_t)e[i].cols
                           : nd == 1 && dims[0] == (uint64_t)e[i].rows;
        size_t numel = (size_t)e[i].rows * (e[i].cols ? e[i].cols : 1);
        if (!ok) {
            st = error_set(err, TF_ERR_INPUT, "%s: shape does not fit: expected (%d%s%.0d) for this configuration",
                           path, e[i].rows, e[i].cols ? ", " : ",", e[i].cols);
        } else if ((st = check_finite(data, numel, path, err)) == TF_OK) {
            memcpy(*e[i].slot, data, numel * sizeof(float));
        }
        free(data);
    }
    /* A tensor the model does not use is a misnamed or foreign file: say so
     * rather than silently run without it. */
    DIR *dp = st == TF_OK ? opendir(dir) : NULL;
    struct dirent *de;
    while (dp && st == TF_OK && (de = readdir(dp))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".npy") != 0)
            continue;
        int known = 0;
        for (int i = 0; i < n && !known; i++)
            known = strlen(e[i].name) == len - 4 && strncmp(e[i].name, de->d_name, len - 4) == 0;
        if (!known)
            st = error_set(err, TF_ERR_INPUT, "%s/%s: not a parameter of this model (%s, %d+%d layers)", dir,
                           de->d_name, config_arch_name(m->cfg.arch), m->cfg.enc_layers, m->cfg.dec_layers);
    }
    if (dp)
        closedir(dp);
    free(e);
    if (st != TF_OK)
        model_free(m);
    return st;
}

/* Write the model's files into dir (a staging directory). */
static Status export_files(const Model *m, const char *dir, Error *err)
{
    WeightEntry *e;
    int n = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    if (n < 0)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    char path[4096];
    Status st = TF_OK;
    for (int i = 0; i < n && st == TF_OK; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, e[i].name);
        uint64_t dims[2] = {(uint64_t)e[i].rows, (uint64_t)e[i].cols};
        st = npy_write_f32(path, *e[i].slot, e[i].cols ? 2 : 1, dims, err);
    }
    free(e);
    if (st)
        return st;
    AtomicFile af;
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    if ((st = atomic_file_open_text(&af, path, err)))
        return st;
    for (int i = 0; i < m->vocab.size; i++)
        fprintf(af.f, "%s\n", m->vocab.tokens[i]);
    if ((st = atomic_file_commit(&af, err)))
        return st;
    snprintf(path, sizeof path, "%s/config.ini", dir);
    Config c = m->cfg;
    c.n_src = c.n_tgt = 0;  /* the model, not this run's sentences */
    char text[16384];
    int len = config_to_ini(&c, text, sizeof text);
    if (len < 0)
        return error_set(err, TF_ERR_RUNTIME, "%s: the configuration does not fit in %zu bytes", path, sizeof text);
    if ((st = atomic_file_open_text(&af, path, err)))
        return st;
    fwrite(text, 1, (size_t)len, af.f);
    return atomic_file_commit(&af, err);
}

Status weights_export_npy(const Model *m, const char *dir, Error *err)
{
    /* All files or none: a full disk half-way leaves dir as it was. */
    StagedDir sd;
    Status st = staged_dir_open(&sd, dir, err);
    if (st)
        return st;
    st = export_files(m, sd.stage, err);
    if (st) {
        staged_dir_abort(&sd);
        Error inner = *err;
        error_set(err, st, "%s; nothing was written to %s", inner.msg, dir);
        if (inner.hint[0])
            error_hint(err, "%s", inner.hint);
        return st;
    }
    return staged_dir_commit(&sd, err);
}

Status weights_load(Model *m, const char *path, const Config *base, Error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return error_set(err, TF_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return weights_import_npy(m, path, base, err);
    return weights_load_tfw(m, path, base, err);
}

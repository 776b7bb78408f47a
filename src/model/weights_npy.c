/* weights_npy.c — a model as a directory of .npy files named by PyTorch's
 * state_dict keys, plus vocab.txt and config.ini. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/atomic_file.h"
#include "io/npy.h"
#include "io/staged_dir.h"
#include "model/weights_file.h"

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int has_tensor(const char *dir, const char *key)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, key);
    return file_exists(path);
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

static Status read_vocab(Vocab *v, const char *dir, Error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
        error_hint(err, "a weight directory needs vocab.txt: one token per line, starting <PAD> <START> <END> <UNK>");
        return st;
    }
    vocab_init(v);
    char line[1024];
    int lineno = 0;
    Status st = TF_OK;
    while (st == TF_OK && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        int id = lineno - 1;
        if (id < TOK_SPECIALS) {
            if (strcmp(line, vocab_token(v, id)) != 0)
                st = error_set(err, TF_ERR_INPUT, "%s:%d: expected '%s' (the special tokens come first), found '%s'",
                               path, lineno, vocab_token(v, id), line);
            continue;
        }
        if (vocab_add(v, line, err) != id)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: token '%s' is empty, repeated or not valid UTF-8", path,
                           lineno, line);
    }
    fclose(f);
    if (st == TF_OK && lineno < TOK_SPECIALS)
        st = error_set(err, TF_ERR_INPUT, "%s: only %d lines; the four special tokens are missing", path, lineno);
    if (st != TF_OK)
        vocab_free(v);
    return st;
}

/* Read the sizes a directory's tensors imply into c. */
static Status infer_config(Config *c, const char *dir, int vocab_size, Error *err)
{
    int nd;
    uint64_t dims[NPY_MAX_DIMS];
    Status st = tensor_shape(dir, "tgt_embedding.weight", &nd, dims, err);
    if (st)
        return st;
    if (nd != 2 || dims[0] != (uint64_t)vocab_size)
        return error_set(err, TF_ERR_INPUT, "%s/tgt_embedding.weight.npy: shape must be (vocabulary %d, d_model)",
                         dir, vocab_size);
    c->d_model = (int)dims[1];
    c->arch = has_tensor(dir, "src_embedding.weight") ? ARCH_ENCODER_DECODER : ARCH_DECODER_ONLY;
    char key[96];
    c->enc_layers = 0;
    while (c->arch == ARCH_ENCODER_DECODER && c->enc_layers < 1000) {
        snprintf(key, sizeof key, "encoder.layers.%d.linear1.weight", c->enc_layers);
        if (!has_tensor(dir, key))
            break;
        c->enc_layers++;
    }
    c->dec_layers = 0;
    while (c->dec_layers < 1000) {
        snprintf(key, sizeof key, "decoder.layers.%d.linear1.weight", c->dec_layers);
        if (!has_tensor(dir, key))
            break;
        c->dec_layers++;
    }
    if (c->dec_layers == 0)
        return error_set(err, TF_ERR_INPUT, "%s: no decoder.layers.0.linear1.weight.npy: not a weight directory", dir);
    if ((st = tensor_shape(dir, "decoder.layers.0.linear1.weight", &nd, dims, err)))
        return st;
    c->d_ff = nd == 2 ? (int)dims[0] : -1;
    c->final_norm = has_tensor(dir, "decoder.norm.weight");
    /* Position tables tell their kind, and their length or bucket count. */
    if (has_tensor(dir, "tgt_pos_embedding.weight")) {
        if ((st = tensor_shape(dir, "tgt_pos_embedding.weight", &nd, dims, err)))
            return st;
        c->positions = POS_LEARNED;
        if (nd == 2 && dims[0] <= 1u << 20)
            c->max_len = (int)dims[0];
    } else if (has_tensor(dir, "decoder.relative_attention_bias.weight")) {
        if ((st = tensor_shape(dir, "decoder.relative_attention_bias.weight", &nd, dims, err)))
            return st;
        c->positions = POS_RELATIVE;
        if (nd == 2 && dims[0] <= 1u << 20)
            c->rel_buckets = (int)dims[0];
    }
    return TF_OK;
}

Status weights_import_npy(Model *m, const char *dir, const Config *base, Error *err)
{
    memset(m, 0, sizeof *m);
    m->cfg = *base;
    char path[4096];
    snprintf(path, sizeof path, "%s/config.ini", dir);
    Status st;
    if (file_exists(path)) {
        config_defaults(&m->cfg);
        if ((st = config_load_ini(&m->cfg, path, err)))
            return st;
        /* the run's input stays the caller's */
        weights_keep_input(&m->cfg, base);
    }
    if ((st = read_vocab(&m->vocab, dir, err)))
        return st;
    if ((st = infer_config(&m->cfg, dir, m->vocab.size, err)) || (st = config_validate(&m->cfg, err)) ||
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
    for (int i = 0; i < n && st == TF_OK; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, e[i].name);
        float *data;
        int nd;
        uint64_t dims[NPY_MAX_DIMS];
        if (!file_exists(path)) {
            st = error_set(err, TF_ERR_INPUT, "%s: missing (the model needs %s of shape (%d%s%.0d))", path,
                           e[i].name, e[i].rows, e[i].cols ? ", " : "", e[i].cols);
            break;
        }
        if ((st = npy_read_f32(path, &data, &nd, dims, err)))
            break;
        int ok = e[i].cols ? nd == 2 && dims[0] == (uint64_t)e[i].rows && dims[1] == (uint64_t)e[i].cols
                           : nd == 1 && dims[0] == (uint64_t)e[i].rows;
        if (!ok) {
            st = error_set(err, TF_ERR_INPUT, "%s: shape does not fit: expected (%d%s%.0d) for this configuration",
                           path, e[i].rows, e[i].cols ? ", " : ",", e[i].cols);
        } else {
            memcpy(*e[i].slot, data, (size_t)e[i].rows * (e[i].cols ? e[i].cols : 1) * sizeof(float));
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
    /* What the directory told (the shapes, its config.ini) against what the
     * caller set explicitly; the masks and the residual are the caller's. */
    if (st == TF_OK)
        st = weights_apply_settings(m, base, dir, err);
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

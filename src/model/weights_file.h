/* weights_file.h — saving and loading models.
 *
 * .tfw: Traceformer's own weight file (layout in src/trace/FORMAT.md,
 * section "Weight files"): magic, version, the configuration as INI text,
 * the vocabulary, then every parameter by name and shape, and a CRC-32.
 *
 * .npy directory: one file per parameter named by its PyTorch state_dict
 * key ("encoder.layers.0.self_attn.in_proj_weight.npy"), plus vocab.txt
 * (one token per line) and config.ini, so that a model built in PyTorch
 * can be traced here and a model from here examined in NumPy. */
#ifndef TF_MODEL_WEIGHTS_FILE_H
#define TF_MODEL_WEIGHTS_FILE_H

#include "core/error.h"
#include "model/model.h"

Status weights_save_tfw(const Model *m, const char *path, Error *err);

/* Load a .tfw file into m (initialised here). The file's configuration
 * gives the model's shape; the input sentences of `run` stay those of
 * `input` (may be NULL). */
Status weights_load_tfw(Model *m, const char *path, const Config *input, Error *err);

/* Import a directory of .npy files. Sizes are read off the tensors' shapes;
 * `base` supplies what shapes cannot tell (heads, norm placement,
 * activation, positions) unless the directory has a config.ini. */
Status weights_import_npy(Model *m, const char *dir, const Config *base, Error *err);
Status weights_export_npy(const Model *m, const char *dir, Error *err);

/* Load whatever path names: a directory → npy import, else a .tfw file. */
Status weights_load(Model *m, const char *path, const Config *base, Error *err);

#endif

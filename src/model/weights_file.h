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
 * `input` (may be NULL), and its explicit settings must agree with the
 * file (weights_apply_settings). */
Status weights_load_tfw(Model *m, const char *path, const Config *input, Error *err);

/* Import a directory of .npy files. Sizes are read off the tensors' shapes
 * (and must agree with config.ini where it states them). What shapes
 * cannot tell (heads, norm, activation, positions without a position
 * table, relative_max_distance) must be stated, in config.ini or by an
 * explicit setting of base; otherwise TF_ERR_INPUT names every one left
 * unstated. What the directory does tell, base's explicit settings must
 * agree with (weights_apply_settings). Non-finite values, vocab.txt lines
 * that are not one valid token, and anything but regular files are
 * refused, named by file and line, tensor and index. */
Status weights_import_npy(Model *m, const char *dir, const Config *base, Error *err);
/* Export as .npy files, vocab.txt and config.ini into dir, all files or
 * none (io/staged_dir.h: a new dir appears whole; in an existing one the
 * files of those names are replaced, others left alone). */
Status weights_export_npy(const Model *m, const char *dir, Error *err);

/* Give a loaded model's configuration the caller's input sentences, with
 * where they were set (for messages). */
void weights_keep_input(Config *model, const Config *input);

/* Load whatever path names: a directory → npy import, else a .tfw file. */
Status weights_load(Model *m, const char *path, const Config *base, Error *err);

/* The caller's settings against a model m just loaded from path (a .tfw
 * file or an .npy directory). Only settings made explicitly count, on the
 * command line or in a config file (config_where names a source); a
 * default is no choice. Setting a key to the file's own value is fine.
 *
 * Keys that shape the weights or give them their meaning must agree with
 * the file: arch, d_model, heads, d_ff, the layer counts (layers,
 * encoder_layers, decoder_layers), norm, final_norm, activation,
 * positions, relative_buckets, relative_max_distance, ln_eps, max_len when
 * positions are learned (it is the length of their table), and the
 * vocabulary (a token's id picks its embedding row). A contradiction is
 * TF_ERR_INPUT naming the setting, both values and the file:
 *   "--heads 1 contradicts lessons/models/copy.tfw (heads = 4)"
 *   "run.ini:3: heads = 1 contradicts m.tfw (heads = 4)"
 * with a hint, and m is left as it was.
 *
 * Keys that only say how the model runs are the caller's to choose and are
 * copied into m->cfg: causal_mask, padding_mask, residual, scale,
 * attn_temperature, ablate_head (the heads must exist; no weight depends
 * on them; lessons turn them off on purpose), and max_len when positions
 * are not learned (sinusoids and rotations extend to any length; it only
 * caps the sentences). The seed is neither: weights from a file are not
 * drawn from it. */
Status weights_apply_settings(Model *m, const Config *want, const char *path, Error *err);

#endif

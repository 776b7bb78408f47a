/* tiny_model.h — a small seeded model and batch for test programs: the
 * config the model, positions, training and trace tests start from (two
 * encoder and two decoder layers over an eleven-word Chinese–English
 * vocabulary), its sentences, and one forward pass over them.
 *
 * Everything else (architecture, positions, seed) is config_defaults'
 * until the test changes it between tiny_config and tiny_run_forward. */
#ifndef TF_TESTS_TINY_MODEL_H
#define TF_TESTS_TINY_MODEL_H

#include "model/activations.h"
#include "model/batch.h"
#include "model/config.h"
#include "model/model.h"
#include "train/tasks.h"

/* config_defaults, then width d_model, `heads` heads, feed-forward width
 * d_ff, two encoder and two decoder layers, and the tiny vocabulary. */
void tiny_config(Config *c, int d_model, int heads, int d_ff);

/* Append one source (target) sentence to the config's batch. */
void tiny_add_src(Config *c, const char *s);
void tiny_add_tgt(Config *c, const char *s);

/* A run: model, batch and activations built from one config. */
typedef struct {
    Config cfg;
    Model m;
    Batch b;
    Activations a;
} TinyRun;

/* Validate r->cfg, build a random model (its seed from the config), the
 * batch and the activations, and run the forward pass; fails the current
 * cmocka test with `who: message` on any error. */
void tiny_run_forward(TinyRun *r, const char *who);
void tiny_run_free(TinyRun *r);

/* Every slot of two runs of one config, bit for bit (not to a tolerance);
 * fails the current test naming the first slot and entry that differ, each
 * value followed by what tells the runs apart (`at one thread`). */
void tiny_assert_same_bits(const TinyRun *one, const TinyRun *two, const char *one_is, const char *two_is);

/* The values of the record `name`; fails the current test when there is none. */
const float *tiny_slot(const TinyRun *r, const char *name);

/* A small copy model and its task, for the training tests: the copy
 * task's dataset from seed, and its default model (one layer a side) at
 * width d_model, 2 heads, feed-forward 2·d_model, seeded from seed; fails
 * the current test on any error. */
void tiny_copy_model(Dataset *ds, Model *m, uint64_t seed, int d_model);

#endif

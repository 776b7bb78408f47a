/* train_cache.h — training traces kept for next time.
 *
 * A lesson's training run is a pure function of its meta text (the lesson
 * and run, the task, every training option, the model's configuration,
 * the probe) and of the program that computes it: the same seed gives the
 * same trace, byte for byte. So the trace it writes is kept under a key
 * made of both (a 64-bit FNV-1a hash of this executable's bytes, and one
 * of the meta), and the next run with the same key copies it instead of
 * training again: a lesson that trains four models takes its seconds once,
 * then opens at once; `lesson N --breaks` and the tests reuse every
 * training that a switch does not change.
 *
 * Where: $TRACEFORMER_CACHE, else $XDG_CACHE_HOME/traceformer, else
 * $HOME/.cache/traceformer (a directory "train" inside it, made 0700).
 * TRACEFORMER_CACHE=off turns it off. The directory is used only when it
 * is a directory of ours that no one else may write to; a kept file is
 * used only when it is a regular file and opens as a sound trace (the
 * reader checks its structure, and every record's checksum when read).
 * Keeping is best effort: any failure means training as if nothing were
 * kept, never an error. Entries of another build of the program are
 * removed when a new one is stored, so the directory holds one build's. */
#ifndef TF_RUN_TRAIN_CACHE_H
#define TF_RUN_TRAIN_CACHE_H

#include <stdbool.h>

/* Copy the kept trace for meta to path (written complete or not at all);
 * false when there is none, or it cannot be used. */
bool train_cache_fetch(const char *meta, const char *path);

/* Keep the trace at path, just written with meta. */
void train_cache_store(const char *meta, const char *path);

#endif

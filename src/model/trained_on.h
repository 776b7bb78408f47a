/* trained_on.h — what a model learnt from: its task and the lengths of the
 * sentences it was trained on.
 *
 * A model trained on reverse with sentences of 3 to 9 tokens gives
 * confident nonsense for one token or ten, and nothing in its outputs says
 * so. The .tfw file records the task and the ranges (a [trained] section
 * in its configuration text, src/trace/FORMAT.md), so that `run` and `eval`
 * can warn when an input lies outside what the model saw, and `ls MODEL.tfw`
 * can say it. A model with random weights, one imported from PyTorch, and
 * a file written before the section existed record nothing: "unknown".
 *
 * Lengths count the words of a sentence, without <START> or <END>. A
 * decoder-only model has no source: src_min = src_max = 0, and the target
 * lengths are its training sequences' (characters, for a character-level
 * model). A model trained on a corpus file also records the file, so that
 * `eval` can rebuild its held-out split. */
#ifndef TF_MODEL_TRAINED_ON_H
#define TF_MODEL_TRAINED_ON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "model/batch.h"

#define TRAINED_MAX_LEN 65536  /* longer ranges in a file are refused */
#define TRAINED_CORPUS_MAX 512   /* bytes of a recorded corpus path, its NUL included */

typedef struct {
    char task[32];          /* "copy", "reverse", ...; "" when unknown */
    int src_min, src_max;   /* words per source sentence */
    int tgt_min, tgt_max;   /* words per target sentence */
    char corpus[TRAINED_CORPUS_MAX];  /* the corpus file trained on, or "" */
} TrainedOn;

bool trained_on_known(const TrainedOn *t);

/* Record path as t's corpus when an INI value can hold it as it is (one
 * line of printable UTF-8, no ';' or '#', no space at either end, shorter
 * than TRAINED_CORPUS_MAX); returns whether it was recorded (else t's
 * corpus is ""). */
bool trained_on_set_corpus(TrainedOn *t, const char *path);

/* The [trained] section as INI text, "" when t is unknown. Like snprintf:
 * returns the length the whole text needs. */
int trained_on_to_ini(const TrainedOn *t, char *buf, size_t cap);

/* Read the [trained] section of INI text (other sections are skipped: the
 * configuration reader owns them); t is unknown when there is none. A
 * section present must give task, src_min, src_max, tgt_min and tgt_max,
 * each once, with 1 ≤ min ≤ max ≤ TRAINED_MAX_LEN (src_min = src_max = 0
 * for no source), and may give corpus once; anything else is
 * TF_ERR_INPUT naming `name` and the line. */
Status trained_on_from_ini(TrainedOn *t, const char *text, const char *name, Error *err);

/* "reverse, source sentences of 3–9 tokens, target sentences of 3–9
 * tokens", or "unknown". */
void trained_on_describe(const TrainedOn *t, char *buf, size_t cap);

/* The warnings for the sentences of b (built from c) outside t's ranges:
 * at most one line for the sources and one for the targets, each naming
 * the first such sentence and how many others there are, e.g.
 *   "reverse.tfw was trained on source sentences of 3–9 tokens; --src 1 has
 *    1 (outputs outside that range are unreliable)"
 * `model` names the model (its file). With `prompt`, the targets are
 * generation prompts: only one longer than the longest target is out of
 * range. Lines go into buf (cap bytes), each ended by '\n'; returns how many.
 * An unknown t, or a decoder-only b, gives none. */
int trained_on_warnings(const TrainedOn *t, const Batch *b, const Config *c, bool prompt, const char *model,
                        char *buf, size_t cap);

#endif

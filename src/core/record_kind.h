/* record_kind.h — what sort of numbers a record holds: its kind.
 *
 * A trace stores a record's kind as a short string ("weights"); code that
 * writes or reads one uses the RecordKind enum instead, so a kind is
 * spelled once, in RECORD_KINDS, and a misspelt one does not compile.
 * Readers meet files they did not write: a string no row of the table
 * spells is RECORD_KIND_UNKNOWN, never an error here. */
#ifndef TF_CORE_RECORD_KIND_H
#define TF_CORE_RECORD_KIND_H

#include <stdbool.h>

/* X(id, string as stored in a trace, rows are probability distributions,
 *   values are whole numbers (ids, 0 / -inf), what it holds) */
#define RECORD_KINDS(X)                                                                     \
    X(TOKENS, "tokens", 0, 1, "token ids, shown with their text")                           \
    X(ACTIVATION, "activation", 0, 0, "an intermediate of the forward pass")                \
    X(SCORES, "scores", 0, 0, "attention scores before the softmax")                         \
    X(MASK, "mask", 0, 1, "an additive mask: 0 may attend, -inf is blocked")                 \
    X(WEIGHTS, "weights", 1, 0, "attention weights: each row sums to 1")                     \
    X(PROBS, "probs", 1, 0, "probabilities over the vocabulary: each row sums to 1")         \
    X(POSITIONS, "positions", 0, 0, "a positional table, the same for every sentence")       \
    X(LOSS, "loss", 0, 0, "cross-entropy")                                                   \
    X(GRAD, "grad", 0, 0, "a gradient of the loss")                                          \
    X(NORMS, "norms", 0, 0, "per-layer L2 norms of gradients")                               \
    X(WORK, "work", 0, 0, "multiply-adds of generation steps")                              \
    X(CURVE, "curve", 0, 0, "a training measurement, one value per update or evaluation")

#define RECORD_KIND_ENUM(id, ...) RECORD_KIND_##id,
typedef enum {
    RECORD_KIND_UNKNOWN = 0,  /* a string no row spells (or none) */
    RECORD_KINDS(RECORD_KIND_ENUM)
    RECORD_KIND_COUNT
} RecordKind;
#undef RECORD_KIND_ENUM

/* The string a trace stores for k; "" for RECORD_KIND_UNKNOWN. */
const char *record_kind_name(RecordKind k);

/* The kind a trace's string names; RECORD_KIND_UNKNOWN for NULL or a
 * string no row spells. */
RecordKind record_kind_of(const char *name);

/* Each row is a probability distribution (weights, probs). */
bool record_kind_is_distribution(RecordKind k);

/* Every value is a whole number (token ids; a mask's 0 and -inf). */
bool record_kind_is_whole(RecordKind k);

#endif

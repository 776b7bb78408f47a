/* record_name.h — what a record's name says: the one parser of names.
 *
 * Record names are hierarchical (src/trace/FORMAT.md):
 *
 *   [grad.] [gen.S. | train.S.] STACK [.L [.BLOCK]] .STEP
 *
 *   enc.embed                  stack enc, step embed
 *   enc.1.attn.weights         stack enc, layer 1, block attn, step weights
 *   dec.0.ffn.hidden           stack dec, layer 0, block ffn, step hidden
 *   dec.0.resid_self           stack dec, layer 0, no block, step resid_self
 *   gen.3.dec.0.self_attn.q    generation step 3, then as above
 *   gen.3.token, loss          no stack: the step is the whole rest
 *   train.50.dec.0.cross_attn.weights
 *                              the training trace's probe after 50 updates
 *   train.loss                 no stack and no number: a training curve
 *   gen.tokens                 stack gen (the sequence after generation)
 *   grad.enc.1.input           a gradient: stack enc, layer 1, step input
 *   grad.norms.enc             a gradient table: step norms, stack enc
 *   grad.encoder.layers.1.linear1.weight
 *                              a weight's gradient (its state_dict key):
 *                              stack enc, layer 1, step linear1.weight
 *
 * A number after gen. is a generation step, and a number after train. the
 * updates made before a training snapshot, never a layer; a layer is the
 * number after a stack (or after encoder.layers / decoder.layers in a
 * weight's key). The viewer, the plots and the lesson tools ask this
 * module, never the characters of a name.
 *
 * Names are only read: a name that fits none of the forms above parses as
 * a bare step, so a file from elsewhere is shown, not refused. */
#ifndef TF_TRACE_RECORD_NAME_H
#define TF_TRACE_RECORD_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* The steps of an attention block the viewer and the plots look for. */
#define RECORD_STEP_WEIGHTS "weights"  /* softmax(masked): rows sum to 1 */
#define RECORD_STEP_MASK "mask"        /* 0 / -inf, [query, key] */
#define RECORD_STEP_BIAS "bias"        /* relative-position bias */

typedef enum {
    RECORD_STACK_NONE = 0,
    RECORD_STACK_SRC,   /* src.tokens */
    RECORD_STACK_TGT,   /* tgt.tokens */
    RECORD_STACK_ENC,   /* enc.*, and encoder.* in a weight's key */
    RECORD_STACK_DEC,   /* dec.*, and decoder.* in a weight's key */
    RECORD_STACK_GEN,   /* gen.tokens, gen.work: the whole generation */
} RecordStack;

typedef enum {
    RECORD_BLOCK_NONE = 0,
    RECORD_BLOCK_ATTN,        /* enc.L.attn: encoder self-attention */
    RECORD_BLOCK_SELF_ATTN,   /* dec.L.self_attn: masked self-attention */
    RECORD_BLOCK_CROSS_ATTN,  /* dec.L.cross_attn: over the encoder memory */
    RECORD_BLOCK_FFN,         /* *.L.ffn: the feed-forward block */
} RecordBlock;

/* A part of a name: name[at, at + len); len 0 when absent. */
typedef struct {
    size_t at, len;
} NamePart;

typedef struct {
    bool grad;            /* grad.* */
    long gen_step;        /* S of gen.S.*, else -1 */
    long train_step;      /* S of train.S.*, else -1 */
    RecordStack stack;
    long layer;           /* L, else -1 */
    RecordBlock block;
    /* Where each part is in the name. With the separating dots they tile
     * it; step is the rest after the others (it may hold dots:
     * "linear1.weight"). body is what follows grad. and gen.S. */
    NamePart grad_part, gen_part, train_part, stack_part, layer_part, block_part, step_part;
    size_t body_at;
} RecordName;

/* Parse name (not NULL) into out. Every name parses; false only when it is
 * empty. */
bool record_name_parse(const char *name, RecordName *out);

/* Is b one of the attention blocks (attn, self_attn, cross_attn)? */
bool record_block_is_attention(RecordBlock b);

/* The step part of a parsed name, compared with step ("weights"). */
bool record_name_step_is(const char *name, const RecordName *n, const char *step);

/* Is name step `step` of an attention block (not of a gradient)? */
bool record_name_is_attention_step(const char *name, const char *step);

/* Attention weights: an attention block's softmax (enc.0.attn.weights,
 * gen.2.dec.1.cross_attn.weights). */
bool record_name_is_attention_weights(const char *name);

/* The name of step `step` in the same block as name, into buf
 * ("dec.1.self_attn.q", "mask" -> "dec.1.self_attn.mask"); false when name
 * is in no block or buf is too small. */
bool record_name_sibling(const char *name, const char *step, char *buf, size_t cap);

/* Does name belong to a layer (has a layer number)? */
bool record_name_has_layer(const char *name);

/* The same record in another layer into buf ("enc.0.ffn.out", 1 ->
 * "enc.1.ffn.out"); false when name has no layer, layer < 0 or buf is too
 * small. */
bool record_name_with_layer(const char *name, long layer, char *buf, size_t cap);

/* Are a and b the same record but for the layer (dec.0.self_attn.mask and
 * dec.1.self_attn.mask; also two names with no layer that are equal)? */
bool record_name_same_but_layer(const char *a, const char *b);

/* A record of a stack's residual stream (enc.input, enc.L.resid_*,
 * enc.L.lnK, enc.norm and the same for dec), not a generation step's nor
 * a gradient. */
bool record_name_is_stream(const char *name);

/* What follows gen.S. in a generation step's name ("dec.0.self_attn.weights"),
 * or NULL for any other name. */
const char *record_name_gen_family(const char *name);

/* What follows train.S. in a training snapshot's name
 * ("dec.0.cross_attn.weights"), or NULL for any other name. */
const char *record_name_train_family(const char *name);

#endif

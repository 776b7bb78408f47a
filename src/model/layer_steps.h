/* layer_steps.h — the steps of one layer, written once.
 *
 * A layer is a short list of steps: attention, residual add, LayerNorm,
 * feed-forward, in the order of the paper's figure (post-LN) or with each
 * norm moved before its sublayer (pre-LN). One table per layer kind and
 * norm placement lists them, each step naming the slot it writes and the
 * slots it reads. Two walkers read the same table:
 *   layer_forward (layer_forward.c)   computes the steps in order;
 *   activations_init (activations.c)  registers the slots they write, in
 *                                     the same order, with each attention
 *                                     block's q/kv provenance taken from
 *                                     the step's inputs.
 * So a step added to a layer is computed and traced, or neither.
 *
 * Three layer kinds: the encoder layer, the decoder layer of an
 * encoder-decoder model (masked self-attention, cross-attention over the
 * encoder memory, feed-forward), and the decoder-only layer (a GPT block:
 * no cross-attention, its feed-forward norm is norm2, as in
 * nn.TransformerEncoderLayer). Norms are numbered by sublayer: lnK is
 * PyTorch's normK. */
#ifndef TF_MODEL_LAYER_STEPS_H
#define TF_MODEL_LAYER_STEPS_H

#include "model/activations.h"
#include "model/config.h"

typedef enum {
    LAYER_ENCODER = 0,
    LAYER_DECODER,       /* with cross-attention (encoder-decoder) */
    LAYER_DECODER_ONLY,  /* without */
    LAYER_KIND_COUNT
} LayerKind;

/* What a step reads or writes: the layer's input, the encoder memory, an
 * attention block (standing for its output, `out`), or one of the layer's
 * own slots (LAYER_SLOTS). */
typedef enum {
    LV_NONE = 0,
    LV_INPUT,       /* (T, d) what the layer reads: the stack's input or the last layer's output */
    LV_MEMORY,      /* (Ts, d) enc.memory: keys and values of cross-attention */
#define LV_ENUM(field, ...) LV_##field,
    ATTN_BLOCKS(LV_ENUM)  /* LV_attn, LV_self_attn, LV_cross_attn */
    LAYER_SLOTS(LV_ENUM)
#undef LV_ENUM
    LV_COUNT
} LayerValue;

typedef enum {
    STEP_ATTN,  /* block `out` = attention, queries from `in`, keys and values from `in2` */
    STEP_ADD,   /* out = in + in2, the residual connection; in2 alone with residual = off */
    STEP_NORM,  /* out = LayerNorm_K(in), K the norm's number (ln2: norm2) */
    STEP_FFN,   /* ffn.hidden, then out = ffn.out, from in */
} StepOp;

typedef struct {
    StepOp op;
    LayerValue out;
    LayerValue in, in2;
} LayerStep;

/* The steps of a layer of this kind and placement, in order; *n gets their
 * count. The layer's output is the last step's `out`. */
const LayerStep *layer_steps(LayerKind kind, NormPlacement norm, int *n);

/* The layer kind of a model's encoder (encoder = 1) or decoder stack. */
LayerKind layer_kind(const Config *c, int encoder);

/* An attention block (ATTN_BLOCKS) of the layer o: its slots, its name,
 * whether it is a self-attention, the streams of its query and key axes.
 * NULL / 0 when v is not a block. */
const AttnActs *layer_block(const LayerActs *o, LayerValue v);
const char *layer_block_name(LayerValue v);
int layer_block_is_self(LayerValue v);
void layer_block_streams(LayerValue v, Stream *sq, Stream *skv);

/* The norm number K (1, 2, 3) of LV_lnK, else 0. */
int layer_norm_number(LayerValue v);

#endif

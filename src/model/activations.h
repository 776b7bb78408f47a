/* activations.h — the named slots a forward pass writes, and their table.
 *
 * This is the single source of truth for record names. Three tables list
 * every intermediate once, with its kind, axes, formula and description:
 *   ATTN_SLOTS   the records of one attention block (enc.L.attn.*,
 *                dec.L.self_attn.*, dec.L.cross_attn.*)
 *   LAYER_SLOTS  the records of one layer outside its attention blocks
 *   MODEL_SLOTS  the records outside the layers (tokens, embeddings, logits)
 * The struct fields below, the registration of slots in execution order,
 * the trace names, dims and descriptions all expand from these tables.
 * The order of a layer's slots is its table of steps (model/layer_steps.h),
 * which the forward pass walks too; MODEL_SLOTS rows are in execution
 * order, each in the part of a pass (SlotPart) that computes it, and the
 * layers of a stack come between its embedding part and its output part.
 *
 * Every slot holds B sentences, one after another: a slot of axes
 * (head, query, key) holds (B, h, Tq, Tk) floats. Its record gains a
 * leading "batch" axis when B > 1. Slots marked unbatched (the positional
 * tables) hold one copy shared by every sentence. Optional slots carry a
 * `when` (positions kind, final norm, sampling) and exist only then.
 *
 * A generation step registers the decoder's slots again under the prefix
 * "gen.S." with its own lengths: one query row and S + 1 keys with the KV
 * cache, S + 1 of both without (model/generator.h). */
#ifndef TF_MODEL_ACTIVATIONS_H
#define TF_MODEL_ACTIVATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/record.h"
#include "core/record_kind.h"
#include "model/batch.h"
#include "model/dropout_masks.h"
#include "model/model.h"

/* Axes of a slot, each with the name a record gives its dim. */
typedef enum {
    AX_NONE = 0,
    AX_HEAD,      /* "head"      h */
    AX_QUERY,     /* "query"     Tq: positions that ask */
    AX_KEY,       /* "key"       Tk: positions that are looked at */
    AX_TOKEN,     /* "token"     T of the slot's own stream */
    AX_MODEL,     /* "model"     d */
    AX_HEAD_DIM,  /* "head_dim"  dk */
    AX_FF,        /* "ff"        F */
    AX_VOCAB,     /* "vocab"     V */
    AX_PAIR,      /* "pair"      dk/2: the pairs a rotary embedding turns */
    AX_STEP,      /* "step"      generation steps (the stream's length) */
    AX_MODE,      /* "mode"      2: with the KV cache, recomputing the prefix */
    AX_ONE,       /* "value"     1: a single number */
} Axis;

/* When an optional slot exists. Positional slots of ATTN_SLOTS exist in
 * self-attention blocks only: relative bias and rotary embedding are about
 * distances within one sequence (as in T5 and RoPE models). */
typedef enum {
    WHEN_ALWAYS = 0,
    WHEN_SINUSOIDAL,  /* positions = sinusoidal */
    WHEN_LEARNED,     /* positions = learned */
    WHEN_ROPE,        /* positions = rope */
    WHEN_RELATIVE,    /* positions = relative */
    WHEN_FINAL_NORM,  /* final_norm = yes */
    WHEN_SAMPLING,    /* a generation step that samples (temperature > 0) */
} SlotWhen;

/* The parts of a pass, in the order they are computed; a layout (below)
 * says which parts it holds. The encoder's layers come right after
 * PART_ENC_EMBED, the decoder's after PART_DEC_EMBED. Each part fixes the
 * streams of its slots' token axes (activations.c, part_streams). */
typedef enum {
    PART_ENC_EMBED = 0, /* src.tokens ... enc.input */
    PART_ENC_OUT,       /* enc.norm, enc.memory: after the encoder layers */
    PART_DEC_EMBED,     /* tgt.tokens ... dec.input */
    PART_DEC_OUT,       /* dec.norm ... dec.probs: after the decoder layers */
    PART_PREDICTED,     /* dec.predicted */
    PART_TARGETS,       /* teacher forcing with known targets: dec.target, dec.loss, loss */
    PART_GEN_STEP,      /* one generation step's choice: sampling, token */
    PART_GEN_SUMMARY,   /* after generation: gen.tokens, gen.work */
    PART_COUNT
} SlotPart;

typedef struct {
    const char *suffix;       /* "attn.weights" is prefix + "." + suffix */
    RecordKind kind;          /* core/record_kind.h */
    int batched;              /* 0: one copy for every sentence */
    SlotWhen when;
    SlotPart part;            /* MODEL_SLOTS only (0 elsewhere) */
    Axis axes[3];             /* AX_NONE-terminated when fewer */
    const char *formula;
    const char *description;
    /* With residual = off, where the record holds something else (the
     * resid_* slots: the sublayer's output alone); NULL elsewhere. */
    const char *formula_off;
    const char *description_off;
} SlotSpec;

/* X(field, suffix, kind, when, axes..., formula, description), in execution order. */
#define ATTN_SLOTS(X)                                                                       \
    X(q, "q", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_HEAD_DIM,          \
      "Q = X_q W_Q^T + b_Q, split into h heads",                                            \
      "Each query position's question, one d_k-wide vector per head.")                      \
    X(k, "k", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_HEAD, AX_KEY, AX_HEAD_DIM,            \
      "K = X_kv W_K^T + b_K, split into h heads",                                           \
      "Each key position's label that queries are matched against, per head.")              \
    X(v, "v", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_HEAD, AX_KEY, AX_HEAD_DIM,            \
      "V = X_kv W_V^T + b_V, split into h heads",                                           \
      "The content each key position hands over when it is attended to, per head.")         \
    X(q_rot, "q_rot", RECORD_KIND_ACTIVATION, WHEN_ROPE, AX_HEAD, AX_QUERY, AX_HEAD_DIM,    \
      "(q_2i, q_2i+1) turned by pos * 10000^(-2i/d_k)",                                     \
      "Each query rotated pair by pair through angles proportional to its position (RoPE).") \
    X(k_rot, "k_rot", RECORD_KIND_ACTIVATION, WHEN_ROPE, AX_HEAD, AX_KEY, AX_HEAD_DIM,      \
      "(k_2i, k_2i+1) turned by pos * 10000^(-2i/d_k)",                                     \
      "Each key rotated the same way, so that q_rot . k_rot depends only on how far apart they are.") \
    X(raw, "raw", RECORD_KIND_SCORES, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_KEY,               \
      "Q K^T",                                                                              \
      "Dot product of every query with every key: how well they match, unscaled.")          \
    X(scores, "scores", RECORD_KIND_SCORES, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_KEY, "raw / sqrt(d_k)", \
      "Raw scores divided by sqrt(d_k), so their spread does not grow with the head width.")\
    X(bias, "bias", RECORD_KIND_SCORES, WHEN_RELATIVE, AX_HEAD, AX_QUERY, AX_KEY,           \
      "B[bucket(j - i), head]",                                                             \
      "Relative position bias: one learned number per head and distance bucket, added to the scores.") \
    X(mask, "mask", RECORD_KIND_MASK, WHEN_ALWAYS, AX_QUERY, AX_KEY, AX_NONE,               \
      "0 = may attend, -inf = blocked",                                                     \
      "Additive mask: -inf hides future positions (causal) and <PAD> keys (padding).")      \
    X(masked, "masked", RECORD_KIND_SCORES, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_KEY,         \
      "scores + mask (scores + bias + mask with positions = relative)",                     \
      "Scaled scores with blocked positions set to -inf, so softmax gives them 0.")         \
    X(weights, "weights", RECORD_KIND_WEIGHTS, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_KEY,      \
      "softmax(masked) over keys",                                                          \
      "Attention weights: each row is a probability distribution over the keys.")          \
    X(z, "z", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_HEAD, AX_QUERY, AX_HEAD_DIM, "weights V", \
      "Each head's output: the weighted average of the value vectors.")                     \
    X(concat, "concat", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_QUERY, AX_MODEL, AX_NONE,   \
      "concat(z_1, ..., z_h)", "The heads' outputs side by side, back to d_model wide.")    \
    X(out, "out", RECORD_KIND_ACTIVATION, WHEN_ALWAYS, AX_QUERY, AX_MODEL, AX_NONE, "concat W_O^T + b_O", \
      "The output projection mixes the heads into one d_model-wide result.")

/* X(field, suffix, kind, axes..., formula, description, formula_off,
 * description_off): the last two are what a resid_* slot holds with
 * residual = off (the sublayer's output, which replaces the stream), NULL
 * for the slots that do not change. */
#define LAYER_SLOTS(X)                                                                      \
    X(ln1, "ln1", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_1(...)",  \
      "First LayerNorm: each token vector rescaled to mean 0, variance 1, then gain and bias.", \
      NULL, NULL)                                                                           \
    X(resid_mid, "resid_mid", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "x + SelfAttention(...)", \
      "Residual sum: the layer input plus what self-attention added.",                      \
      "SelfAttention(...), x not added (residual = off)",                                   \
      "Self-attention's output alone (residual = off): it replaces the stream instead of adding to it.") \
    X(resid_self, "resid_self", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "x + MaskedSelfAttention(...)", \
      "Residual sum: the decoder stream plus what masked self-attention added.",            \
      "MaskedSelfAttention(...), x not added (residual = off)",                             \
      "Masked self-attention's output alone (residual = off): it replaces the decoder stream.") \
    X(ln2, "ln2", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_2(...)",  \
      "Second LayerNorm of the layer.", NULL, NULL)                                         \
    X(resid_cross, "resid_cross", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "x + CrossAttention(..., memory)", \
      "Residual sum: the decoder stream plus what it read from the encoder's memory.",      \
      "CrossAttention(..., memory), x not added (residual = off)",                          \
      "What the decoder read from the encoder's memory, alone (residual = off): it replaces the decoder stream.") \
    X(ln3, "ln3", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_3(...)",  \
      "Third LayerNorm of the decoder layer.", NULL, NULL)                                  \
    X(ffn_hidden, "ffn.hidden", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_FF, AX_NONE, "act(x W_1^T + b_1)", \
      "Feed-forward hidden layer, d_ff wide, after the activation; each token on its own.", \
      NULL, NULL)                                                                           \
    X(ffn_out, "ffn.out", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "hidden W_2^T + b_2", \
      "Feed-forward output, projected back to d_model.", NULL, NULL)                        \
    X(resid_post, "resid_post", RECORD_KIND_ACTIVATION, AX_TOKEN, AX_MODEL, AX_NONE, "x + FFN(...)", \
      "Residual sum after the feed-forward block: what the next layer builds on.",          \
      "FFN(...), x not added (residual = off)",                                             \
      "The feed-forward output alone (residual = off): what the next layer builds on, none of its input added back.")

/* X(field, name, kind, batched, when, part, axes..., formula, description),
 * in execution order. Names are whole ("dec.logits"); a generation step puts
 * its prefix before them ("gen.3.dec.logits", "gen.3.token"). */
#define MODEL_SLOTS(X)                                                                      \
    X(src_tokens, "src.tokens", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_ENC_EMBED, AX_TOKEN, AX_NONE, AX_NONE, "token ids", \
      "The source sentence as token ids; <PAD> fills shorter sentences of a batch.")        \
    X(enc_embed, "enc.embed", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_ENC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "E[token] * sqrt(d_model)",                                                           \
      "Each source token's embedding row, scaled by sqrt(d_model).")                        \
    X(enc_pos, "enc.pos", RECORD_KIND_POSITIONS, 0, WHEN_SINUSOIDAL, PART_ENC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(...)",                        \
      "Sinusoidal positional encoding: the same table for every sentence, one row per position.") \
    X(enc_pos_learned, "enc.pos", RECORD_KIND_POSITIONS, 0, WHEN_LEARNED, PART_ENC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "P[pos], a row of src_pos_embedding.weight",                                          \
      "Learned positional embedding: one trained row per position, the same for every sentence.") \
    X(enc_rope, "enc.rope_angles", RECORD_KIND_POSITIONS, 0, WHEN_ROPE, PART_ENC_EMBED, AX_TOKEN, AX_PAIR, AX_NONE, \
      "angle(pos, i) = pos * 10000^(-2i/d_k)",                                              \
      "Rotary embedding: how far each pair (2i, 2i+1) of a query or key at this position is turned, in radians.") \
    X(enc_buckets, "enc.rel_buckets", RECORD_KIND_POSITIONS, 0, WHEN_RELATIVE, PART_ENC_EMBED, AX_QUERY, AX_KEY, AX_NONE, \
      "bucket(j - i), both directions (T5)",                                                \
      "Which relative-distance bucket each (query, key) pair falls in: one per small distance, wider ones far away.") \
    X(enc_input, "enc.input", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_ENC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "embed + pos (embed alone with positions = none, relative or rope)",                  \
      "What the first encoder layer reads: token meaning plus position.")                   \
    X(enc_norm, "enc.norm", RECORD_KIND_ACTIVATION, 1, WHEN_FINAL_NORM, PART_ENC_OUT, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm(...)", \
      "Final LayerNorm after the encoder stack.")                                           \
    X(enc_memory, "enc.memory", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_ENC_OUT, AX_TOKEN, AX_MODEL, AX_NONE, \
      "encoder output",                                                                     \
      "The encoder's output: the keys and values of every decoder layer's cross-attention.") \
    X(tgt_tokens, "tgt.tokens", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_DEC_EMBED, AX_TOKEN, AX_NONE, AX_NONE, \
      "<START> + target (shifted right)",                                                   \
      "The decoder's input tokens: <START>, then the target; <PAD> fills shorter sentences of a batch.") \
    X(dec_embed, "dec.embed", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_DEC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "E[token] * sqrt(d_model)",                                                           \
      "Each decoder token's embedding row, scaled by sqrt(d_model).")                       \
    X(dec_pos, "dec.pos", RECORD_KIND_POSITIONS, 0, WHEN_SINUSOIDAL, PART_DEC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(...)",                        \
      "Sinusoidal positional encoding for the decoder positions.")                          \
    X(dec_pos_learned, "dec.pos", RECORD_KIND_POSITIONS, 0, WHEN_LEARNED, PART_DEC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "P[pos], a row of tgt_pos_embedding.weight",                                          \
      "Learned positional embedding for the decoder positions.")                            \
    X(dec_rope, "dec.rope_angles", RECORD_KIND_POSITIONS, 0, WHEN_ROPE, PART_DEC_EMBED, AX_TOKEN, AX_PAIR, AX_NONE, \
      "angle(pos, i) = pos * 10000^(-2i/d_k)",                                              \
      "Rotary embedding angles of the decoder positions, in radians.")                      \
    X(dec_buckets, "dec.rel_buckets", RECORD_KIND_POSITIONS, 0, WHEN_RELATIVE, PART_DEC_EMBED, AX_QUERY, AX_KEY, AX_NONE, \
      "bucket(j - i), looking back only (T5)",                                              \
      "Which relative-distance bucket each (query, key) pair falls in; keys in the future (masked) get bucket 0.") \
    X(dec_input, "dec.input", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_DEC_EMBED, AX_TOKEN, AX_MODEL, AX_NONE, \
      "embed + pos (embed alone with positions = none, relative or rope)",                  \
      "What the first decoder layer reads.")                                                \
    X(dec_norm, "dec.norm", RECORD_KIND_ACTIVATION, 1, WHEN_FINAL_NORM, PART_DEC_OUT, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm(...)", \
      "Final LayerNorm after the decoder stack.")                                           \
    X(dec_logits, "dec.logits", RECORD_KIND_ACTIVATION, 1, WHEN_ALWAYS, PART_DEC_OUT, AX_TOKEN, AX_VOCAB, AX_NONE, \
      "x W_out^T + b_out", "One score per vocabulary word at every decoder position.")      \
    X(dec_probs, "dec.probs", RECORD_KIND_PROBS, 1, WHEN_ALWAYS, PART_DEC_OUT, AX_TOKEN, AX_VOCAB, AX_NONE, "softmax(logits)", \
      "The predicted probability of each next word, per position.")                         \
    X(dec_predicted, "dec.predicted", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_PREDICTED, AX_TOKEN, AX_NONE, AX_NONE, \
      "argmax(logits)", "The most likely next token at each position: what greedy decoding would pick.") \
    X(dec_target, "dec.target", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_TARGETS, AX_TOKEN, AX_NONE, AX_NONE, \
      "target + <END> (the decoder input shifted left)",                                    \
      "Teacher forcing: the token each position should predict, the next one of the target.") \
    X(dec_loss, "dec.loss", RECORD_KIND_LOSS, 1, WHEN_ALWAYS, PART_TARGETS, AX_TOKEN, AX_NONE, AX_NONE, \
      "-log probs[target] (0 where the target is <PAD>)",                                   \
      "Cross-entropy of each position's prediction against its target token.")              \
    X(loss, "loss", RECORD_KIND_LOSS, 0, WHEN_ALWAYS, PART_TARGETS, AX_ONE, AX_NONE, AX_NONE, \
      "mean of dec.loss over targets that are not <PAD>",                                   \
      "The teacher-forcing loss: the average cross-entropy over every real target position of the batch.") \
    X(gen_sampling, "sampling", RECORD_KIND_PROBS, 1, WHEN_SAMPLING, PART_GEN_STEP, AX_VOCAB, AX_NONE, AX_NONE, \
      "softmax(top_k(logits) / temperature)",                                               \
      "The distribution this step's token is drawn from: logits divided by the temperature, all but the k largest dropped.") \
    X(gen_token, "token", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_GEN_STEP, AX_TOKEN, AX_NONE, AX_NONE, \
      "argmax(probs) or a draw from sampling; the prompt's next token while it lasts",      \
      "The token this step appends to the sequence: the next input of the decoder.")        \
    X(gen_tokens, "gen.tokens", RECORD_KIND_TOKENS, 1, WHEN_ALWAYS, PART_GEN_SUMMARY, AX_TOKEN, AX_NONE, AX_NONE, \
      "<START> + prompt + generated tokens",                                                \
      "The whole sequence after generation: what the decoder read, and the last token chosen.") \
    X(gen_work, "gen.work", RECORD_KIND_WORK, 0, WHEN_ALWAYS, PART_GEN_SUMMARY, AX_STEP, AX_MODE, AX_NONE, \
      "multiply-adds of the decoder's matrix products per step",                            \
      "The work each step did, counted as it ran (with the KV cache it grows like n), and what recomputing the prefix takes (grows like n^2).")

/* X(field, self, query stream, key stream): the attention blocks a layer
 * may hold; the field is also the block's name in records (enc.L.attn.*).
 * Positional slots (ATTN_SLOTS' `when`) exist in self-attention only. */
#define ATTN_BLOCKS(X)                                                                      \
    X(attn, 1, STREAM_SRC, STREAM_SRC)        /* encoder self-attention */                  \
    X(self_attn, 1, STREAM_TGT, STREAM_KEYS)  /* decoder masked self-attention */           \
    X(cross_attn, 0, STREAM_TGT, STREAM_SRC)  /* decoder cross-attention over enc.memory */

#define ACT_FIELD(field, ...) float *field;
#define BLOCK_FIELD(field, ...) AttnActs field;

typedef struct {
    ATTN_SLOTS(ACT_FIELD)
} AttnActs;

typedef struct {
    ATTN_BLOCKS(BLOCK_FIELD)  /* the ones of the layer's kind (layer_steps.h) */
    LAYER_SLOTS(ACT_FIELD)
    int slot_first, slot_end; /* the layer's slots in Activations.slots: [slot_first, slot_end) */
} LayerActs;

/* Streams: the sequences of tokens whose positions make up an axis, and
 * label it. */
typedef enum {
    STREAM_SRC = 0,    /* the source sentence: the encoder's positions */
    STREAM_TGT,        /* the decoder's input rows (its queries) */
    STREAM_KEYS,       /* the keys of decoder self-attention: the decoder input
                          itself in a parallel pass, every token so far in a
                          generation step with the KV cache */
    STREAM_TARGET,     /* what each decoder row should predict */
    STREAM_PREDICTED,  /* the most likely token at each decoder row (computed) */
    STREAM_CHOSEN,     /* a generation step's chosen token (computed) */
    STREAM_STEPS,      /* generation steps, labelled by the token each read */
    STREAM_COUNT
} Stream;

/* Provenance that is not a slot of the same Activations. */
enum {
    SOURCE_NONE = -1,
    SOURCE_ENC_MEMORY = -2,  /* enc.memory of the encoder's pass, before a generation step */
};

typedef struct {
    char name[96];
    const SlotSpec *spec;
    float **field;          /* the struct field that points at this slot's data */
    Stream stream_q;        /* tokens of the query / token axis */
    Stream stream_kv;       /* tokens of the key axis */
    int q_source;           /* attention slots: the slot whose rows made Q, */
    int kv_source;          /* and K and V; SOURCE_NONE, or SOURCE_ENC_MEMORY */
    bool rotated;           /* attention slots: the block turns Q and K first (rope, self-attention) */
    bool ablated;           /* attention slots: ablate_head zeroes some head of this block */
    size_t offset, numel;   /* within the arena, all B sentences */
} Slot;

typedef struct {
    MODEL_SLOTS(ACT_FIELD)
    LayerActs *enc;         /* (enc_layers) */
    LayerActs *dec;         /* (dec_layers) */

    Slot *slots;            /* every slot in execution order */
    int n_slots;
    float *arena;           /* every slot's data, one allocation */
    size_t arena_numel;
    bool arena_borrowed;    /* the layout's arena: not freed here */

    /* sizes of this run */
    int B, Ts, Tt, d, h, dk, F, V;
    bool residual;          /* the config's: false picks the specs' formula_off texts */
    bool scale;             /* the config's scale and attn_temperature: they change what */
    float temperature;      /* the scores records hold, and so their formula text */
    int len[STREAM_COUNT];  /* positions of each stream (Ts = len[SRC], Tt = len[TGT]) */
    /* labels, for records: (B, len[s]) token texts per stream, or NULL.
     * The streams the pass computes (PREDICTED, CHOSEN) get theirs from
     * the trace side once the tokens are known (run/run_labels.h), as do
     * streams given as ids. */
    const char *const *labels[STREAM_COUNT];
    const int *ids[STREAM_COUNT];  /* (B, len[s]) token ids of streams without labels, or NULL */
    int first_pos[STREAM_COUNT];  /* position of each stream's index 0 (a cached step's query: S) */
    const Batch *batch;     /* the batch of a whole pass, or NULL */
    const Vocab *vocab;
    const DropoutMasks *dropout;  /* a training pass's dropout (its B, Ts, Tt), or NULL: none */
    /* The positions the positional slots of the encoder [0] and the
     * decoder [1] were last computed for (enc.pos, enc.rope_angles or
     * enc.rel_buckets, and dec.*): a pass over the same positions keeps
     * them (model/forward.c). Tq = 0: not computed yet. Nothing else
     * writes those slots. */
    struct { int q0, Tq, Tk; } pos_done[2];
} Activations;

/* What to register, for a whole pass or one step of generation: the parts
 * of SlotPart it holds. */
typedef struct {
    int B;                                   /* sentences */
    int len[STREAM_COUNT];                   /* SRC, TGT, KEYS, TARGET, STEPS as needed */
    const char *const *labels[STREAM_COUNT]; /* (B, len) token texts of those streams, */
    const int *ids[STREAM_COUNT];            /* or their ids, for the trace side to label */
    int first_pos[STREAM_COUNT];             /* position of index 0 of each stream (0 but for a cached step) */
    bool encoder;       /* src.tokens ... enc.memory */
    bool decoder;       /* tgt.tokens ... dec.probs */
    bool predicted;     /* dec.predicted */
    bool targets;       /* dec.target, dec.loss, loss (teacher forcing) */
    bool gen_step;      /* token, and sampling when `sampling`: one generation step */
    bool sampling;
    bool gen_summary;   /* gen.tokens, gen.work */
    const char *prefix; /* "gen.3": every name (and source) becomes "gen.3.<name>" */
    /* Every layer of both stacks in the same memory, one layer's worth
     * (the largest kind's): a layer's slots hold its values only until the
     * next layer runs, for a pass whose records are written layer by layer
     * (model_forward_streamed). What the next layer reads is kept: its
     * input is the last layer's output, which a layer writes in its last
     * step, after its last read of its input (model/layer_steps.h); the
     * decoder's memory is enc.memory, outside the layers. */
    bool shared_layers;
    /* A block of arena_numel floats, the caller's, to hold the slots (what
     * activations_layout_numel says they take, or more), so that a run of
     * layouts reuses one block; NULL: activations_init_layout allocates it. */
    float *arena;
    size_t arena_numel;
} ActsLayout;

/* Register every slot of a whole forward pass over batch b, in execution
 * order, and allocate them in one block: the encoder (encoder-decoder), the
 * decoder, dec.predicted, and the teacher-forcing slots when b has targets.
 * The batch and vocab must outlive acts. */
Status activations_init(Activations *a, const Model *m, const Batch *b, Error *err);
/* The same slots with every layer in one layer's memory (shared_layers
 * above): what a teacher-forced pass takes when its records are written as
 * each layer finishes, so its memory does not grow with the layers. */
Status activations_init_streamed(Activations *a, const Model *m, const Batch *b, Error *err);
/* Only the encoder's slots (src.tokens ... enc.memory; none for a
 * decoder-only model): what generation records before its steps. */
Status activations_init_encoder(Activations *a, const Model *m, const Batch *b, Error *err);
/* The same for any layout (generation registers its steps this way). The
 * label arrays it points at must outlive acts, and so must l->arena when
 * given; its values are not cleared (every slot is written by its pass). */
Status activations_init_layout(Activations *a, const Model *m, const ActsLayout *l, Error *err);
/* The floats the slots of a layout take (l->arena is not read). */
Status activations_layout_numel(const Model *m, const ActsLayout *l, size_t *numel, Error *err);
void activations_free(Activations *a);

/* Describe slot i as a Record pointing into the slot's data and the
 * streams' and vocabulary's labels; valid while a, its label arrays and
 * its vocabulary live. exec_index is i: a caller writing several
 * Activations into one trace numbers them itself. */
void activations_record(const Activations *a, int i, Record *out);

/* The same for a layer's own slots (token axis of stream s), and its
 * attention blocks (enc self: src/src, dec self: tgt/keys, cross: tgt/src). */
LayerActs activations_sentence_layer(const Activations *a, const LayerActs *L, int b, Stream s);

/* Index of the slot with this name, or −1. */
int activations_find(const Activations *a, const char *name);

#endif

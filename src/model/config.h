/* config.h — the blueprint of a model and the input of a run.
 *
 * A Config comes from defaults, then an INI file, then command-line flags,
 * each later source overriding the earlier. config_validate checks every
 * value and names the source (file and line, or flag) at fault. */
#ifndef TF_MODEL_CONFIG_H
#define TF_MODEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "text/tokenizer.h"

#define CONFIG_MAX_SENTENCES 64
#define CONFIG_MAX_VOCAB 4096
#define CONFIG_TEXT_MAX 4096

typedef enum { NORM_POST = 0, NORM_PRE = 1 } NormPlacement;
typedef enum { ACT_RELU = 0, ACT_GELU = 1 } Activation;
/* How attention learns where a token stands (see model/positions.h):
 * sinusoidal and learned add a vector to each token's embedding; relative
 * adds a learned bias to the self-attention scores (T5); rope rotates the
 * self-attention queries and keys (RoFormer); none gives no position at all. */
typedef enum {
    POS_SINUSOIDAL = 0,
    POS_NONE = 1,
    POS_LEARNED = 2,
    POS_RELATIVE = 3,
    POS_ROPE = 4,
} PositionKind;
typedef enum { ARCH_ENCODER_DECODER = 0, ARCH_DECODER_ONLY = 1 } Architecture;


/* A head whose output z is zeroed (ablate_head): which block, layer, head. */
typedef enum { ABLATE_ENC = 0, ABLATE_DEC_SELF = 1, ABLATE_DEC_CROSS = 2 } AblateBlock;
#define CONFIG_MAX_ABLATED 64
typedef struct {
    AblateBlock block;
    int layer, head;
    bool short_form;  /* written dec.L.H: only a decoder-only model may say so */
} AblatedHead;

/* Where a value came from, so errors can point at it. */
typedef struct {
    char file[256];  /* "" for defaults */
    int line;        /* 0 for a flag */
    char key[32];    /* the INI key or the flag name */
} ConfigSource;

typedef struct {
    /* the model */
    Architecture arch;
    int d_model;
    int heads;
    int d_ff;
    int enc_layers;      /* 0 in decoder-only mode */
    int dec_layers;
    int max_len;
    NormPlacement norm;
    bool final_norm;     /* a LayerNorm after each stack (pre-LN needs it; PyTorch always has it) */
    bool residual;       /* residual connections (default on); off: each sublayer's output
                            replaces the stream (post-LN x = LN(Sublayer(x)), pre-LN
                            x = Sublayer(LN(x))), for lessons on deep stacks without them */
    bool causal_mask;    /* decoder self-attention hides later positions (default on); off only
                            to show what the mask prevents */
    bool padding_mask;   /* attention hides <PAD> keys (default on); off to show what leaks in */
    bool scale;          /* scores = raw / sqrt(d_k) (default on); off: scores = raw, to show
                            what the scaling prevents */
    float attn_temperature;  /* scores are divided by it before the softmax (default 1) */
    int n_ablated;       /* ablate_head: heads whose output z is zeroed (default none) */
    AblatedHead ablated[CONFIG_MAX_ABLATED];
    Activation activation;
    PositionKind positions;
    int rel_buckets;       /* positions = relative: T5's num_buckets */
    int rel_max_distance;  /* positions = relative: T5's max_distance */
    float ln_eps;
    uint64_t seed;

    /* the vocabulary: whitespace-separated tokens besides the four specials;
     * "" means "collect it from the input sentences" */
    char vocab[CONFIG_TEXT_MAX];
    TokenizerKind tokenizer;  /* [vocab] tokenizer = words | chars (default words) */

    /* the input: one batch of sentences */
    int n_src, n_tgt;
    char src[CONFIG_MAX_SENTENCES][CONFIG_TEXT_MAX / 8];
    char tgt[CONFIG_MAX_SENTENCES][CONFIG_TEXT_MAX / 8];

    /* provenance of each setting, for error messages (indexed by ConfigKey,
     * the key table in config.c; look one up with config_where) */
    ConfigSource where[32];

    /* bookkeeping for config.c; read the public fields above instead */
    int src_line[CONFIG_MAX_SENTENCES];  /* line of each src in where[src].file; 0 for a flag */
    int tgt_line[CONFIG_MAX_SENTENCES];
    int where_order[32];     /* when each where[] entry was set (0: default), to blame the later of two */
    int n_settings;
    int enc_layers_wanted;   /* encoder depth restored if arch goes back to encoder-decoder */
} Config;

/* The defaults: the small encoder-decoder of the demo. */
void config_defaults(Config *c);

/* Read an INI file over c. Unknown sections or keys, and unparsable values,
 * are errors naming the file, line and key (TF_ERR_INPUT). */
Status config_load_ini(Config *c, const char *path, Error *err);

/* The same, reading INI text held in memory; `name` stands for the file in
 * messages ("model.tfw (configuration):3: ..."). */
Status config_load_ini_text(Config *c, const char *text, const char *name, Error *err);

/* The same from text, skipping the keys of other_sections (a NULL-terminated list,
 * e.g. {"steps", "claims", NULL} for a lesson.ini), which another reader
 * owns. config_load_ini refuses every section but [model] [vocab] [input]. */
Status config_load_ini_text_sections(Config *c, const char *text, const char *name,
                                     const char *const *other_sections, Error *err);

/* Set one key from a flag (--d-model 64 → key "d_model", value "64"). */
Status config_set(Config *c, const char *key, const char *value, const ConfigSource *src, Error *err);
/* key may be spelled "d-model", "d_model" or "--d-model". src may be NULL
 * (or have an empty key): the setting is then named after the flag as
 * spelled, "--d-model". "src", "tgt" and "tokens" add to what earlier flags
 * gave, but replace what came from a file. */

/* Check every value; errors name where the bad value came from. */
Status config_validate(const Config *c, Error *err);

/* Every head ablate_head names exists in this model (config_validate checks
 * it too; a model whose shape a weight file decided is checked again). */
Status config_check_ablated(const Config *c, Error *err);

/* A sequence of n_tokens tokens must fit in max_len: otherwise an error
 * "what: 70 tokens, more than max_len = 64 (set at lesson.ini:5)". */
Status config_check_length(const Config *c, int n_tokens, const char *what, Error *err);

/* The configuration as INI text (for trace headers and weight files), read
 * back by config_load_ini_text to the same values. Like snprintf: returns
 * the length the whole text needs (excluding the NUL), writes at most cap
 * bytes, always NUL-terminated when cap > 0. */
int config_to_ini(const Config *c, char *buf, int cap);

/* Where the key (INI or flag spelling) got its value; NULL for no such key.
 * file "" and line 0 with an empty key means the default. */
const ConfigSource *config_where(const Config *c, const char *key);

/* Name sentence i (0-based) of src (tgt when tgt is true) for messages and
 * the tokenizer's `what`: "lesson.ini:12" or "--src 2". */
void config_sentence_where(const Config *c, bool tgt, int i, char *buf, size_t cap);

/* Which commands take a key as a command-line flag: FLAG_ANY, run and
 * train; FLAG_RUN, only run (training takes it from its task, or from its
 * own option, as --seed). */
typedef enum { FLAG_ANY, FLAG_RUN } ConfigFlagScope;

/* A config key as a command-line flag, from the key table. */
typedef struct {
    const char *key;      /* "d_model": the INI name, which config_set takes */
    char flag[32];        /* "d-model": the flag without "--" */
    const char *alias;    /* another flag for the key ("vocab" for tokens), or NULL */
    const char *value;    /* what help shows after the flag: "N", "post|pre" */
    const char *doc;      /* one line: what the key sets */
    bool input;           /* a sentence (--src, --tgt), not a model setting */
    ConfigFlagScope who;
} ConfigFlag;

/* How many keys there are; key k (0 <= k < config_flag_count()) as a flag. */
int config_flag_count(void);
void config_flag_info(int k, ConfigFlag *out);

int config_head_dim(const Config *c);  /* d_model / heads */

/* Is head `head` of this block of layer `layer` ablated (its z zeroed)? */
bool config_head_ablated(const Config *c, AblateBlock block, int layer, int head);
/* The factor attention multiplies Q·Kᵀ by: 1/sqrt(dk) (1 with scale = off),
 * divided by attn_temperature when that is not 1. */
float config_score_scale(const Config *c);
/* "enc.0.2": how ablate_head names one head. */
void config_ablated_name(const AblatedHead *a, char *buf, size_t cap);

const char *config_norm_name(NormPlacement n);
const char *config_activation_name(Activation a);
const char *config_positions_name(PositionKind p);
const char *config_arch_name(Architecture a);
const char *config_tokenizer_name(TokenizerKind t);

#endif

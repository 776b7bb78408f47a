/* switches.h — the switches: one setting per idea a lesson teaches, each
 * of which, flipped, breaks that idea, so a claim can be shown to depend
 * on it.
 *
 * One table (SWITCHES) says, for each: its name (the lesson command's flag
 * without "--", and the key a claim may name), the values it takes, its
 * default, the value that breaks the idea, what that breaks in words, and
 * the lesson viewer's re-run key. `traceformer lesson N --check --FLAG V`
 * and the viewer's keys set the same LessonOverrides field (lesson.h); a
 * tool that runs every claim under every switch walks this table. */
#ifndef TF_LESSON_SWITCHES_H
#define TF_LESSON_SWITCHES_H

#include "core/error.h"
#include "lesson/lesson.h"

/* X(id, name, values, default, broken, breaks, breaks_zh, key):
 *   broken     a value that breaks the idea, for a tool to flip it to (the
 *              heads ablate_head silences depend on the model: enc.0.0 is
 *              an example, valid in every encoder-decoder lesson);
 *   breaks     what flipping it breaks, one sentence; breaks_zh the same
 *              in Chinese;
 *   key        the viewer key that re-runs with the switch flipped. */
#define SWITCHES(X)                                                                                \
    X(CAUSAL_MASK, "causal-mask", "on|off", "on", "off",                                          \
      "decoder self-attention sees later positions", "解码器自注意力看得见后面的位置", 'M')       \
    X(PADDING_MASK, "padding-mask", "on|off", "on", "off", "attention reads the <PAD> keys",       \
      "注意力会读 <PAD> 键", 'D')                                                                   \
    X(POSITIONS, "positions", "sinusoidal|none|learned|relative|rope", "the lesson's", "none",     \
      "attention cannot tell where a token stands", "注意力分不清词元站在哪里", 'T')                \
    X(RESIDUAL, "residual", "on|off", "on", "off",                                                \
      "each sublayer's output replaces the stream instead of adding to it",                       \
      "每个子层的输出取代残差流，而不是加到它上面", 'R')                                            \
    X(SCALE, "scale", "on|off", "on", "off",                                                      \
      "scores are not divided by sqrt(d_k): their spread grows and the softmax saturates",        \
      "分数不再除以 sqrt(d_k)：分布变宽，softmax 饱和", 'S')                                        \
    X(ATTN_TEMPERATURE, "attn-temperature", "T (finite, > 0)", "1", "4",                          \
      "scores divided by T before the softmax: T > 1 flattens the weights, T < 1 sharpens them",  \
      "softmax 之前分数除以 T：T > 1 让权重变平，T < 1 让权重变尖", 'W')                            \
    X(ABLATE_HEAD, "ablate-head", "SPEC[,SPEC...] (enc.L.H, dec.L.self.H, dec.L.cross.H)", "none", \
      "enc.0.0", "the named heads' output z is zeroed: what they contributed is gone",             \
      "指定的头的输出 z 置为 0：它们的贡献没了", 'A')                                                \
    X(CACHE, "cache", "on|off", "on", "off",                                                      \
      "generation recomputes the whole prefix at every step instead of reusing the KV cache",     \
      "生成时每一步都重算整个前缀，而不是复用 KV 缓存", 'G')                                       \
    X(HEADS, "heads", "N (a count that divides d_model)", "the lesson's", "1",                    \
      "one head instead of several: one way of looking per layer", "只有一个头而不是多个：每层只剩一种看法", 'H') \
    X(NORM, "norm", "pre|post", "the lesson's", "post",                                           \
      "layer norm after each sublayer (post-LN): deep stacks train slower and less steadily",      \
      "层归一化放在每个子层之后（post-LN）：深的堆叠训练得更慢、更不稳", 'F')                        \
    X(WARMUP, "warmup", "N (warm-up updates, training runs only)", "the run's", "1",              \
      "no learning-rate warm-up: training starts at the full rate", "没有学习率预热：训练一开始就用全速率", 'U')

typedef enum {
#define X(id, ...) SWITCH_##id,
    SWITCHES(X)
#undef X
    SWITCH_COUNT
} SwitchId;

typedef struct {
    const char *name;     /* "attn-temperature": the flag without "--" */
    const char *values;   /* what it takes, for help */
    const char *def;      /* its default, in words */
    const char *broken;   /* a value that breaks the idea */
    const char *breaks;   /* what flipping it breaks, one sentence */
    const char *breaks_zh;  /* the same in Chinese */
    char key;             /* the lesson viewer's re-run key */
} SwitchInfo;

extern const SwitchInfo lesson_switches[SWITCH_COUNT];

/* The switch called name ("scale"), or -1. */
int lesson_switch_find(const char *name);

/* Set switch sw of o to value (which must outlive o: text values are
 * pointed at). on|off switches take exactly "on" or "off"; the others are
 * checked when the lesson runs (config_set names the flag). TF_ERR_INPUT
 * "--scale 'maybe': on or off" for a value refused here. */
Status lesson_switch_set(LessonOverrides *o, int sw, const char *value, Error *err);

/* Is switch sw of o at its default (not set by the student)? */
bool lesson_switch_is_default(const LessonOverrides *o, int sw);

#endif

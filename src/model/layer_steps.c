/* layer_steps.c — the tables of a layer's steps, one per layer kind and
 * norm placement (layer_steps.h). Read each like the figure: post-LN
 * x = LN(x + Sublayer(x)), pre-LN x = x + Sublayer(LN(x)). */
#include "model/layer_steps.h"

#define ATTN(block, q, kv) {STEP_ATTN, LV_##block, LV_##q, LV_##kv}
#define ADD(out, x, sub) {STEP_ADD, LV_##out, LV_##x, LV_##sub}
#define NORM(out, x) {STEP_NORM, LV_##out, LV_##x, LV_NONE}
#define FFN(x) {STEP_FFN, LV_ffn_out, LV_##x, LV_NONE}

static const LayerStep encoder_post[] = {
    ATTN(attn, INPUT, INPUT),   ADD(resid_mid, INPUT, attn),    NORM(ln1, resid_mid),
    FFN(ln1),                   ADD(resid_post, ln1, ffn_out),  NORM(ln2, resid_post),
};

static const LayerStep encoder_pre[] = {
    NORM(ln1, INPUT),           ATTN(attn, ln1, ln1),           ADD(resid_mid, INPUT, attn),
    NORM(ln2, resid_mid),       FFN(ln2),                       ADD(resid_post, resid_mid, ffn_out),
};

static const LayerStep decoder_post[] = {
    ATTN(self_attn, INPUT, INPUT),  ADD(resid_self, INPUT, self_attn),  NORM(ln1, resid_self),
    ATTN(cross_attn, ln1, MEMORY),  ADD(resid_cross, ln1, cross_attn),  NORM(ln2, resid_cross),
    FFN(ln2),                       ADD(resid_post, ln2, ffn_out),      NORM(ln3, resid_post),
};

static const LayerStep decoder_pre[] = {
    NORM(ln1, INPUT),           ATTN(self_attn, ln1, ln1),      ADD(resid_self, INPUT, self_attn),
    NORM(ln2, resid_self),      ATTN(cross_attn, ln2, MEMORY),  ADD(resid_cross, resid_self, cross_attn),
    NORM(ln3, resid_cross),     FFN(ln3),                       ADD(resid_post, resid_cross, ffn_out),
};

static const LayerStep decoder_only_post[] = {
    ATTN(self_attn, INPUT, INPUT),  ADD(resid_self, INPUT, self_attn),  NORM(ln1, resid_self),
    FFN(ln1),                       ADD(resid_post, ln1, ffn_out),      NORM(ln2, resid_post),
};

static const LayerStep decoder_only_pre[] = {
    NORM(ln1, INPUT),           ATTN(self_attn, ln1, ln1),      ADD(resid_self, INPUT, self_attn),
    NORM(ln2, resid_self),      FFN(ln2),                       ADD(resid_post, resid_self, ffn_out),
};

#define TABLE(t) {t, (int)(sizeof t / sizeof t[0])}

static const struct {
    const LayerStep *steps;
    int n;
} tables[LAYER_KIND_COUNT][2] = {
    [LAYER_ENCODER] = {[NORM_POST] = TABLE(encoder_post), [NORM_PRE] = TABLE(encoder_pre)},
    [LAYER_DECODER] = {[NORM_POST] = TABLE(decoder_post), [NORM_PRE] = TABLE(decoder_pre)},
    [LAYER_DECODER_ONLY] = {[NORM_POST] = TABLE(decoder_only_post), [NORM_PRE] = TABLE(decoder_only_pre)},
};

const LayerStep *layer_steps(LayerKind kind, NormPlacement norm, int *n)
{
    const int pre = norm == NORM_PRE;
    *n = tables[kind][pre].n;
    return tables[kind][pre].steps;
}

LayerKind layer_kind(const Config *c, int encoder)
{
    if (encoder)
        return LAYER_ENCODER;
    return c->arch == ARCH_ENCODER_DECODER ? LAYER_DECODER : LAYER_DECODER_ONLY;
}

const AttnActs *layer_block(const LayerActs *o, LayerValue v)
{
    switch (v) {
#define BLOCK(field, ...) case LV_##field: return &o->field;
        ATTN_BLOCKS(BLOCK)
#undef BLOCK
    default: return NULL;
    }
}

const char *layer_block_name(LayerValue v)
{
    switch (v) {
#define BLOCK(field, ...) case LV_##field: return #field;
        ATTN_BLOCKS(BLOCK)
#undef BLOCK
    default: return NULL;
    }
}

int layer_block_is_self(LayerValue v)
{
    switch (v) {
#define BLOCK(field, self, ...) case LV_##field: return self;
        ATTN_BLOCKS(BLOCK)
#undef BLOCK
    default: return 0;
    }
}

void layer_block_streams(LayerValue v, Stream *sq, Stream *skv)
{
    switch (v) {
#define BLOCK(field, self, q, kv) case LV_##field: *sq = q, *skv = kv; return;
        ATTN_BLOCKS(BLOCK)
#undef BLOCK
    default: *sq = *skv = STREAM_COUNT; return;
    }
}

int layer_norm_number(LayerValue v)
{
    switch (v) {
    case LV_ln1: return 1;
    case LV_ln2: return 2;
    case LV_ln3: return 3;
    default: return 0;
    }
}

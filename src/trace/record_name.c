/* record_name.c — the one parser of record names (record_name.h). */
#include "trace/record_name.h"

#include <stdio.h>
#include <string.h>

/* Longest number read as a step or layer: more digits are a step's text. */
#define MAX_DIGITS 9

static const struct {
    const char *word;
    RecordStack stack;
} stacks[] = {
    {"src", RECORD_STACK_SRC}, {"tgt", RECORD_STACK_TGT}, {"enc", RECORD_STACK_ENC},
    {"dec", RECORD_STACK_DEC}, {"gen", RECORD_STACK_GEN},
};

/* A weight's state_dict key (after grad.): encoder.*, decoder.* */
static const struct {
    const char *word;
    RecordStack stack;
} param_stacks[] = {
    {"encoder", RECORD_STACK_ENC},
    {"decoder", RECORD_STACK_DEC},
};

static const struct {
    const char *word;
    RecordBlock block;
} blocks[] = {
    {"attn", RECORD_BLOCK_ATTN},
    {"self_attn", RECORD_BLOCK_SELF_ATTN},
    {"cross_attn", RECORD_BLOCK_CROSS_ATTN},
    {"ffn", RECORD_BLOCK_FFN},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Does s start with the whole part `word` followed by '.' and more? */
static bool part_is(const char *s, const char *word)
{
    size_t n = strlen(word);
    return strncmp(s, word, n) == 0 && s[n] == '.' && s[n + 1] != '\0';
}

/* s starts with 1..MAX_DIGITS digits, then '.' and more: their count, else 0. */
static size_t number_part(const char *s, long *value)
{
    size_t n = 0;
    long v = 0;
    while (s[n] >= '0' && s[n] <= '9' && n < MAX_DIGITS) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n == 0 || s[n] != '.' || s[n + 1] == '\0')
        return 0;
    *value = v;
    return n;
}

static NamePart part(size_t at, size_t len)
{
    return (NamePart){at, len};
}

bool record_name_parse(const char *name, RecordName *out)
{
    memset(out, 0, sizeof *out);
    out->gen_step = out->train_step = out->layer = -1;
    size_t pos = 0;
    if (part_is(name, "grad")) {
        out->grad = true;
        out->grad_part = part(0, 4);
        pos = 5;
    }
    long v;
    size_t n;
    if (part_is(name + pos, "gen") && (n = number_part(name + pos + 4, &v)) > 0) {
        out->gen_step = v;
        out->gen_part = part(pos, 4 + n);
        pos += 4 + n + 1;
    } else if (!out->grad && part_is(name, "train") && (n = number_part(name + 6, &v)) > 0) {
        out->train_step = v;
        out->train_part = part(0, 6 + n);
        pos = 6 + n + 1;
    }
    out->body_at = pos;
    const char *s = name + pos;

    /* grad.norms.enc: the step before its stack */
    if (out->grad && out->gen_step < 0 && part_is(s, "norms")) {
        for (size_t k = 0; k < COUNT(stacks); k++)
            if (strcmp(s + 6, stacks[k].word) == 0 &&
                (stacks[k].stack == RECORD_STACK_ENC || stacks[k].stack == RECORD_STACK_DEC)) {
                out->step_part = part(pos, 5);
                out->stack = stacks[k].stack;
                out->stack_part = part(pos + 6, strlen(stacks[k].word));
                return true;
            }
    }

    /* the stack: enc, dec, ...; a weight's key: encoder[.layers], decoder[.layers] */
    bool param = false, param_layers = false;
    for (size_t k = 0; k < COUNT(stacks) && !out->stack; k++)
        if (part_is(s, stacks[k].word)) {
            out->stack = stacks[k].stack;
            out->stack_part = part(pos, strlen(stacks[k].word));
        }
    for (size_t k = 0; out->grad && k < COUNT(param_stacks) && !out->stack; k++)
        if (part_is(s, param_stacks[k].word)) {
            size_t w = strlen(param_stacks[k].word);
            out->stack = param_stacks[k].stack;
            param = true;
            if (part_is(s + w + 1, "layers") && number_part(s + w + 8, &v) > 0) {
                w += 7;  /* ".layers": the layer number follows */
                param_layers = true;
            }
            out->stack_part = part(pos, w);
        }
    if (out->stack) {
        pos += out->stack_part.len + 1;
        /* the layer, then (not in a weight's key) the block */
        if ((!param || param_layers) && (n = number_part(name + pos, &v)) > 0) {
            out->layer = v;
            out->layer_part = part(pos, n);
            pos += n + 1;
            for (size_t k = 0; k < COUNT(blocks) && !param; k++)
                if (part_is(name + pos, blocks[k].word)) {
                    out->block = blocks[k].block;
                    out->block_part = part(pos, strlen(blocks[k].word));
                    pos += out->block_part.len + 1;
                    break;
                }
        }
    }
    out->step_part = part(pos, strlen(name + pos));
    return name[0] != '\0';
}

bool record_block_is_attention(RecordBlock b)
{
    return b == RECORD_BLOCK_ATTN || b == RECORD_BLOCK_SELF_ATTN || b == RECORD_BLOCK_CROSS_ATTN;
}

bool record_name_step_is(const char *name, const RecordName *n, const char *step)
{
    return n->step_part.len == strlen(step) && strncmp(name + n->step_part.at, step, n->step_part.len) == 0;
}

bool record_name_is_attention_step(const char *name, const char *step)
{
    RecordName n;
    record_name_parse(name, &n);
    return !n.grad && record_block_is_attention(n.block) && record_name_step_is(name, &n, step);
}

bool record_name_is_attention_weights(const char *name)
{
    return record_name_is_attention_step(name, RECORD_STEP_WEIGHTS);
}

bool record_name_sibling(const char *name, const char *step, char *buf, size_t cap)
{
    RecordName n;
    record_name_parse(name, &n);
    if (n.block == RECORD_BLOCK_NONE)
        return false;
    size_t end = n.block_part.at + n.block_part.len;
    int w = snprintf(buf, cap, "%.*s.%s", (int)end, name, step);
    return w > 0 && (size_t)w < cap;
}

bool record_name_has_layer(const char *name)
{
    RecordName n;
    record_name_parse(name, &n);
    return n.layer >= 0;
}

bool record_name_with_layer(const char *name, long layer, char *buf, size_t cap)
{
    RecordName n;
    record_name_parse(name, &n);
    if (n.layer < 0 || layer < 0)
        return false;
    const NamePart *l = &n.layer_part;
    int w = snprintf(buf, cap, "%.*s%ld%s", (int)l->at, name, layer, name + l->at + l->len);
    return w > 0 && (size_t)w < cap;
}

bool record_name_same_but_layer(const char *a, const char *b)
{
    RecordName na, nb;
    record_name_parse(a, &na);
    record_name_parse(b, &nb);
    if ((na.layer < 0) != (nb.layer < 0))
        return false;
    if (na.layer < 0)
        return strcmp(a, b) == 0;
    const NamePart *la = &na.layer_part, *lb = &nb.layer_part;
    return la->at == lb->at && strncmp(a, b, la->at) == 0 && strcmp(a + la->at + la->len, b + lb->at + lb->len) == 0;
}

bool record_name_is_stream(const char *name)
{
    RecordName n;
    record_name_parse(name, &n);
    if (n.grad || n.gen_step >= 0 || n.train_step >= 0 || n.block != RECORD_BLOCK_NONE ||
        (n.stack != RECORD_STACK_ENC && n.stack != RECORD_STACK_DEC))
        return false;
    const char *step = name + n.step_part.at;
    if (n.layer < 0)
        return strcmp(step, "input") == 0 || strcmp(step, "norm") == 0;
    /* resid_mid, resid_self, resid_cross, resid_post; ln1, ln2, ln3 */
    if (strncmp(step, "resid_", 6) == 0)
        return step[6] != '\0' && strchr(step, '.') == NULL;
    if (strncmp(step, "ln", 2) != 0 || step[2] == '\0')
        return false;
    for (const char *p = step + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

const char *record_name_gen_family(const char *name)
{
    RecordName n;
    record_name_parse(name, &n);
    return n.gen_step >= 0 && name[n.body_at] ? name + n.body_at : NULL;
}

const char *record_name_train_family(const char *name)
{
    RecordName n;
    record_name_parse(name, &n);
    return n.train_step >= 0 && name[n.body_at] ? name + n.body_at : NULL;
}

/* tree.c — grouping consecutive records by name prefix. */
#include "view/tree.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/record_name.h"

#define MAX_DEPTH 64

/* Does name continue the group whose prefix is the first len bytes of
 * `prefix`? ("enc.0.attn.q" continues "enc.0"; "enc.00.x" does not.) */
static bool under(const char *name, const char *prefix, size_t len)
{
    return strncmp(name, prefix, len) == 0 && name[len] == '.';
}

static Status grow(TreeNode **v, uint32_t *cap, uint32_t need, Error *err)
{
    if (need <= *cap)
        return TF_OK;
    uint32_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    TreeNode *p = realloc(*v, (size_t)c * sizeof *p);
    if (!p)
        return error_set(err, TF_ERR_RUNTIME, "out of memory for the steps outline (%u nodes)", c);
    *v = p;
    *cap = c;
    return TF_OK;
}

/* Pass 1: a group for every shared prefix of consecutive names. */
static Status build_raw(TreeNode **out, uint32_t *n_out, uint32_t n, TreeNameFn name, const void *ctx,
                        Error *err)
{
    TreeNode *v = NULL;
    uint32_t nv = 0, cap = 0;
    uint32_t stack[MAX_DEPTH];
    int sp = 0;
    Status st = TF_OK;
    for (uint32_t i = 0; i < n && st == TF_OK; i++) {
        const char *s = name(ctx, i);
        size_t len = strlen(s);
        while (sp > 0) {
            const TreeNode *g = &v[stack[sp - 1]];
            if (under(s, name(ctx, g->first), g->label_end))
                break;
            v[stack[--sp]].end = nv;
        }
        size_t pos = sp ? (size_t)v[stack[sp - 1]].label_end + 1 : 0;
        for (size_t d = pos; d < len && st == TF_OK; d++) {
            if (s[d] != '.' || sp >= MAX_DEPTH - 1)
                continue;
            if ((st = grow(&v, &cap, nv + 1, err)))
                break;
            v[nv] = (TreeNode){.first = i, .count = 0, .parent = sp ? stack[sp - 1] : TREE_NONE,
                               .depth = (uint16_t)sp, .label_off = (uint16_t)pos,
                               .label_end = (uint16_t)d, .group = true};
            stack[sp++] = nv++;
            pos = d + 1;
        }
        if (st || (st = grow(&v, &cap, nv + 1, err)))
            break;
        v[nv] = (TreeNode){.first = i, .count = 1, .end = nv + 1,
                           .parent = sp ? stack[sp - 1] : TREE_NONE, .depth = (uint16_t)sp,
                           .label_off = (uint16_t)pos, .label_end = (uint16_t)len};
        nv++;
        for (int k = 0; k < sp; k++)
            v[stack[k]].count++;
    }
    while (sp > 0)
        v[stack[--sp]].end = nv;
    if (st) {
        free(v);
        return st;
    }
    *out = v;
    *n_out = nv;
    return TF_OK;
}

static uint32_t direct_children(const TreeNode *raw, uint32_t k)
{
    uint32_t c = 0;
    for (uint32_t j = k + 1; j < raw[k].end; j = raw[j].end)
        c++;
    return c;
}

/* Pass 2: copy, leaving out groups with a single child (the child takes
 * the group's place and the start of its label). */
static void emit(StepTree *t, const TreeNode *raw, uint32_t k, uint32_t parent, uint16_t depth,
                 int label_off)
{
    const TreeNode *r = &raw[k];
    if (r->group && direct_children(raw, k) == 1) {
        emit(t, raw, k + 1, parent, depth, label_off >= 0 ? label_off : r->label_off);
        return;
    }
    uint32_t me = t->n_nodes++;
    TreeNode *n = &t->nodes[me];
    *n = *r;
    n->parent = parent;
    n->depth = depth;
    if (label_off >= 0)
        n->label_off = (uint16_t)label_off;
    if (r->group) {
        for (uint32_t j = k + 1; j < r->end; j = raw[j].end)
            emit(t, raw, j, me, (uint16_t)(depth + 1), -1);
    } else {
        t->rec_node[r->first] = me;
    }
    t->nodes[me].end = t->n_nodes;
}

static void update_visible(StepTree *t)
{
    uint32_t nv = 0;
    for (uint32_t k = 0; k < t->n_nodes;) {
        t->visible[nv++] = k;
        k = t->nodes[k].group && t->nodes[k].collapsed ? t->nodes[k].end : k + 1;
    }
    t->n_visible = nv;
}

Status tree_build(StepTree *t, uint32_t n, TreeNameFn name, const void *ctx, Error *err)
{
    memset(t, 0, sizeof *t);
    TreeNode *raw = NULL;
    uint32_t n_raw = 0;
    Status st = build_raw(&raw, &n_raw, n, name, ctx, err);
    if (st)
        return st;
    t->nodes = malloc((size_t)(n_raw ? n_raw : 1) * sizeof *t->nodes);
    t->rec_node = malloc((size_t)(n ? n : 1) * sizeof *t->rec_node);
    t->visible = malloc((size_t)(n_raw ? n_raw : 1) * sizeof *t->visible);
    if (!t->nodes || !t->rec_node || !t->visible) {
        free(raw);
        tree_free(t);
        return error_set(err, TF_ERR_RUNTIME, "out of memory for the steps outline (%u records)", n);
    }
    t->n_records = n;
    for (uint32_t k = 0; k < n_raw; k = raw[k].end)
        emit(t, raw, k, TREE_NONE, 0, -1);
    free(raw);
    update_visible(t);
    return TF_OK;
}

void tree_free(StepTree *t)
{
    free(t->nodes);
    free(t->rec_node);
    free(t->visible);
    memset(t, 0, sizeof *t);
}

static void tree_set_collapsed(StepTree *t, uint32_t node, bool collapsed)
{
    if (node >= t->n_nodes || !t->nodes[node].group)
        return;
    t->nodes[node].collapsed = collapsed;
    update_visible(t);
}

void tree_toggle(StepTree *t, uint32_t node)
{
    if (node < t->n_nodes)
        tree_set_collapsed(t, node, !t->nodes[node].collapsed);
}

void tree_expand_all(StepTree *t)
{
    for (uint32_t k = 0; k < t->n_nodes; k++)
        t->nodes[k].collapsed = false;
    update_visible(t);
}

void tree_follow(StepTree *t, uint32_t rec)
{
    for (uint32_t k = 0; k < t->n_nodes; k++) {
        TreeNode *n = &t->nodes[k];
        if (n->group)
            n->collapsed = n->depth > 0 && !(rec >= n->first && rec < n->first + n->count);
    }
    update_visible(t);
}

uint32_t tree_row_of_record(const StepTree *t, uint32_t rec)
{
    if (rec >= t->n_records || t->n_visible == 0)
        return 0;
    return tree_row_of_node(t, t->rec_node[rec]);
}

uint32_t tree_row_of_node(const StepTree *t, uint32_t k)
{
    if (k >= t->n_nodes || t->n_visible == 0)
        return 0;
    uint32_t show = k;
    for (uint32_t p = t->nodes[k].parent; p != TREE_NONE; p = t->nodes[p].parent)
        if (t->nodes[p].collapsed)
            show = p;
    uint32_t lo = 0, hi = t->n_visible;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->visible[mid] < show)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n_visible ? lo : t->n_visible - 1;
}

void tree_label(const StepTree *t, uint32_t k, TreeNameFn name, const void *ctx, char *buf, size_t cap)
{
    const TreeNode *n = &t->nodes[k];
    const char *s = name(ctx, n->first);
    const char *part = s + n->label_off;
    int len = n->label_end > n->label_off ? n->label_end - n->label_off : 0;
    int lead = 0;
    while (lead < len && isdigit((unsigned char)part[lead]))
        lead++;
    /* The number of gen.S is a decoding step, of train.S a training step
     * (the updates made), a layer's a layer (record_name.h). */
    RecordName rn;
    record_name_parse(s, &rn);
    size_t at = n->label_off, end = at + (size_t)lead;  /* the label's leading number */
    const char *what = rn.gen_step >= 0 && end == rn.gen_part.at + rn.gen_part.len       ? "step"
                       : rn.train_step >= 0 && end == rn.train_part.at + rn.train_part.len ? "step"
                       : rn.layer >= 0 && at == rn.layer_part.at                         ? "layer"
                                                                                         : NULL;
    if (what && n->group && lead > 0 && lead == len) {
        snprintf(buf, cap, "%s %.*s", what, len, part);
    } else if (what && lead > 0 && lead < len && part[lead] == '.') {
        /* a layer holding one record, shown in its place: "grad.enc.0.input"
         * under grad.enc reads "layer 0 input", not "0.input" */
        snprintf(buf, cap, "%s %.*s %.*s", what, lead, part, len - lead - 1, part + lead + 1);
    } else
        snprintf(buf, cap, "%.*s", len, part);
}

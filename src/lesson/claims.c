/* claims.c — parsing claims and record references (the grammar is in
 * lessons/README.md). A hand-written recursive-descent parser: every
 * refusal says at which column and what was expected there. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/claims_ast.h"

const ClaimFnInfo claim_fns[F_COUNT_FNS] = {
    [F_ABS] = {"abs", 1, 1},         [F_ISINF] = {"isinf", 1, 1},
    [F_MAX] = {"max", 1, 1},         [F_MIN] = {"min", 1, 1},
    [F_MEAN] = {"mean", 1, 1},       [F_SUM] = {"sum", 1, 1},
    [F_COUNT] = {"count", 1, 1},     [F_STD] = {"std", 1, 1},
    [F_ROWSUM] = {"rowsum", 1, 1},   [F_JACOBIAN] = {"jacobian", 1, 1},
    [F_ROWMAX] = {"rowmax", 1, 1},
    [F_ENTROPY] = {"entropy", 1, 1}, [F_DISTANCE] = {"distance", 1, 1},
    [F_NORM] = {"norm", 1, 1},       [F_ARGMAX] = {"argmax", 1, 1},
    [F_DIAG] = {"diag", 1, 1},       [F_UPPER] = {"upper", 1, 1},
    [F_LOWER] = {"lower", 1, 1},     [F_MASKED] = {"masked", 2, 2},
    [F_UNMASKED] = {"unmasked", 2, 2}, [F_MAXDIFF] = {"maxdiff", 2, 2},
    [F_PERMUTE_ROWS] = {"permute_rows", 2, CLAIM_MAX_ARGS},
    [F_REVERSE_ROWS] = {"reverse_rows", 1, 1},
    [F_ROWS] = {"rows", 3, 3},
    [F_FIRST_BELOW] = {"first_below", 2, 2},
    [F_LINEFORM] = {"lineform", 1, 2},
};

/* ---- record references ---- */

static bool is_run_char(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static bool is_name_char(int c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '*' || c == '?';
}

/* An integer of a slice: optional '-', digits. */
static bool parse_index(const char **p, long *out)
{
    const char *s = *p;
    if (*s != '-' && !isdigit((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno == ERANGE || v > INT_MAX || v < -INT_MAX)
        return false;
    *out = v;
    *p = end;
    return true;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* A bound of a slice: an index, or len(NAME[@RUN]), whose text goes to
 * len_ref for the evaluator to look up. *st is set on a malformed len(). */
static bool parse_bound(const char **p, long *out, char *len_ref, size_t cap, const char *s, Status *st, Error *err)
{
    if (strncmp(*p, "len(", 4) != 0)
        return parse_index(p, out);
    const char *q = *p + 4;
    size_t n = 0;
    while (is_name_char((unsigned char)q[n]) || q[n] == '@')
        n++;
    if (n == 0 || q[n] != ')' || n >= cap) {
        *st = error_set(err, TF_ERR_INPUT, "'%s': expected a record name and ')' in len(...)", s);
        return false;
    }
    memcpy(len_ref, q, n);
    len_ref[n] = '\0';
    *out = 0;
    *p = q + n + 1;
    return true;
}

Status claim_ref_parse(const char *s, ClaimRef *out, Error *err)
{
    memset(out, 0, sizeof *out);
    strcpy(out->run, "main");
    const char *p = s;
    size_t n = 0;
    while (is_name_char((unsigned char)p[n]))
        n++;
    if (n == 0)
        return error_set(err, TF_ERR_INPUT, "'%s': a record name must come first", s);
    if (n >= sizeof out->name)
        return error_set(err, TF_ERR_INPUT, "'%.40s...': record name longer than %zu bytes", s,
                         sizeof out->name - 1);
    memcpy(out->name, p, n);
    out->name[n] = '\0';
    p += n;
    if (*p == '@') {
        p++;
        size_t r = 0;
        while (is_run_char((unsigned char)p[r]))
            r++;
        if (r == 0)
            return error_set(err, TF_ERR_INPUT, "'%s': '@' must be followed by a run name", s);
        if (r >= sizeof out->run)
            return error_set(err, TF_ERR_INPUT, "'%s': run name longer than %zu bytes", s, sizeof out->run - 1);
        memcpy(out->run, p, r);
        out->run[r] = '\0';
        p += r;
    }
    if (*p == '[') {
        p++;
        for (;;) {
            skip_spaces(&p);
            if (out->n_slices == CLAIM_MAX_DIMS)
                return error_set(err, TF_ERR_INPUT, "'%s': at most %d slices", s, CLAIM_MAX_DIMS);
            ClaimSlice *sl = &out->slices[out->n_slices];
            size_t d = 0;
            while (isalnum((unsigned char)p[d]) || p[d] == '_')
                d++;
            if (d == 0 || d >= sizeof sl->dim)
                return error_set(err, TF_ERR_INPUT, "'%s': expected a dim name (batch, head, query, key, ...) in [...]", s);
            memcpy(sl->dim, p, d);
            sl->dim[d] = '\0';
            for (int k = 0; k < out->n_slices; k++)
                if (strcmp(out->slices[k].dim, sl->dim) == 0)
                    return error_set(err, TF_ERR_INPUT, "'%s': dim '%s' is sliced twice", s, sl->dim);
            p += d;
            skip_spaces(&p);
            if (*p != '=')
                return error_set(err, TF_ERR_INPUT, "'%s': expected '=' after '%s' (as in %s=0 or %s=1:)", s,
                                 sl->dim, sl->dim, sl->dim);
            p++;
            skip_spaces(&p);
            Status bst = TF_OK;
            sl->has_lo = parse_bound(&p, &sl->lo, sl->lo_len, sizeof sl->lo_len, s, &bst, err);
            if (bst)
                return bst;
            skip_spaces(&p);
            if (*p == ':') {
                p++;
                skip_spaces(&p);
                sl->has_hi = parse_bound(&p, &sl->hi, sl->hi_len, sizeof sl->hi_len, s, &bst, err);
                if (bst)
                    return bst;
            } else if (sl->has_lo) {
                sl->single = true;
            } else {
                return error_set(err, TF_ERR_INPUT, "'%s': expected an index or a range (2, 1:3, 3:, :2) for '%s'", s,
                                 sl->dim);
            }
            out->n_slices++;
            skip_spaces(&p);
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == ']') {
                p++;
                break;
            }
            return error_set(err, TF_ERR_INPUT, "'%s': expected ',' or ']' in the slices", s);
        }
    }
    if (*p != '\0')
        return error_set(err, TF_ERR_INPUT, "'%s': unexpected '%c' after the reference", s, *p);
    return TF_OK;
}

/* ---- claims ---- */

/* Bounds that keep parsing and evaluation (both recursive) off the end of
 * the stack whatever a lesson file holds: how deeply parentheses, calls and
 * signs may nest, and how many nodes a claim may have (a chain "a+a+...+a"
 * is a tree as deep as it is long). A lesson's claims use a handful. */
#define CLAIM_MAX_NESTING 32
#define CLAIM_MAX_NODES 256

typedef struct {
    const char *text, *p;
    Error *err;
    Status st;
    int depth, nodes;
} Parser;

static int col(const Parser *ps)
{
    return (int)(ps->p - ps->text) + 1;
}

/* "column 12 (at '== 0'): expected WHAT" — the first error wins. */
static void fail(Parser *ps, const char *what)
{
    if (ps->st)
        return;
    char near[24];
    if (*ps->p)
        snprintf(near, sizeof near, "'%.12s'", ps->p);
    else
        snprintf(near, sizeof near, "the end");
    ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d (at %s): expected %s", col(ps), near, what);
}

static void free_node(ClaimNode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n_args; i++)
        free_node(n->args[i]);
    free(n);
}

static ClaimNode *new_node(Parser *ps, ClaimNodeKind kind, int at)
{
    if (++ps->nodes > CLAIM_MAX_NODES) {
        if (!ps->st)
            ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: the claim has more than %d terms; split it", at,
                               CLAIM_MAX_NODES);
        return NULL;
    }
    ClaimNode *n = calloc(1, sizeof *n);
    if (!n) {
        if (!ps->st)
            ps->st = error_set(ps->err, TF_ERR_RUNTIME, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->col = at;
    return n;
}

static ClaimNode *binary(Parser *ps, ClaimNodeKind kind, int at, ClaimNode *a, ClaimNode *b)
{
    if (!a || !b || ps->st) {
        free_node(a);
        free_node(b);
        return NULL;
    }
    ClaimNode *n = new_node(ps, kind, at);
    if (!n) {
        free_node(a);
        free_node(b);
        return NULL;
    }
    n->n_args = 2;
    n->args[0] = a;
    n->args[1] = b;
    return n;
}

static ClaimNode *parse_expr(Parser *ps);

static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncmp(s, w, n) == 0;
}

/* The extent of a name at p: letters, digits, '_' and '.', with '*' and '?'
 * as glob characters where a name part starts ("enc.*.attn", "gen.*"), so
 * that "loss*2" stays a product. */
static size_t name_len(const char *p)
{
    size_t n = 0;
    for (;;) {
        char c = p[n];
        if (isalnum((unsigned char)c) || c == '_' || c == '.') {
            n++;
        } else if ((c == '*' || c == '?') && (n == 0 || p[n - 1] == '.' || p[n - 1] == '*' || p[n - 1] == '?')) {
            n++;
        } else {
            break;
        }
    }
    return n;
}

static ClaimNode *parse_call(Parser *ps, const char *name, size_t n, int at)
{
    int fn = -1;
    for (int i = 0; i < F_COUNT_FNS; i++)
        if (word_is(name, n, claim_fns[i].name))
            fn = i;
    if (fn < 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 40 ? n : 40), name);
        ps->st = error_set(ps->err, TF_ERR_INPUT,
                           "column %d: unknown function '%s' (the functions: abs isinf max min mean sum count "
                           "rowsum entropy distance norm argmax diag upper lower masked unmasked maxdiff "
                           "permute_rows reverse_rows rows first_below)",
                           at, buf);
        return NULL;
    }
    ClaimNode *node = new_node(ps, N_CALL, at);
    if (!node)
        return NULL;
    node->fn = (ClaimFn)fn;
    ps->p++;  /* '(' */
    skip_spaces(&ps->p);
    if (*ps->p != ')') {
        for (;;) {
            if (node->n_args == CLAIM_MAX_ARGS) {
                ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: more than %d arguments", col(ps),
                                   CLAIM_MAX_ARGS);
                break;
            }
            ClaimNode *a = parse_expr(ps);
            if (!a)
                break;
            node->args[node->n_args++] = a;
            skip_spaces(&ps->p);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            break;
        }
    }
    if (!ps->st) {
        skip_spaces(&ps->p);
        if (*ps->p != ')') {
            char what[80];
            snprintf(what, sizeof what, "',' or ')' in the arguments of %s", claim_fns[fn].name);
            fail(ps, what);
        } else {
            ps->p++;
        }
    }
    const ClaimFnInfo *fi = &claim_fns[fn];
    if (!ps->st && (node->n_args < fi->min_args || node->n_args > fi->max_args)) {
        if (fi->min_args == fi->max_args)
            ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: %s takes %d argument%s, not %d", at, fi->name,
                               fi->min_args, fi->min_args == 1 ? "" : "s", node->n_args);
        else
            ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: %s takes at least %d arguments, not %d", at,
                               fi->name, fi->min_args, node->n_args);
    }
    if (ps->st) {
        free_node(node);
        return NULL;
    }
    return node;
}

static ClaimNode *parse_primary(Parser *ps)
{
    skip_spaces(&ps->p);
    const int at = col(ps);
    const char *s = ps->p;
    if (*s == '(') {
        ps->p++;
        ClaimNode *e = parse_expr(ps);
        if (!e)
            return NULL;
        skip_spaces(&ps->p);
        if (*ps->p != ')') {
            fail(ps, "')'");
            free_node(e);
            return NULL;
        }
        ps->p++;
        return e;
    }
    if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
        char *end;
        double v = strtod(s, &end);
        ClaimNode *n = new_node(ps, N_NUM, at);
        if (!n)
            return NULL;
        n->num = v;
        ps->p = end;
        if (!isfinite(v)) {
            ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: number out of range", at);
            free_node(n);
            return NULL;
        }
        return n;
    }
    size_t n = name_len(s);
    if (n == 0) {
        fail(ps, "a number, a record name, a function or '('");
        return NULL;
    }
    const char *after = s + n;
    while (*after == ' ' || *after == '\t')
        after++;
    if (*after == '(' && memchr(s, '.', n) == NULL) {
        ps->p = after;
        return parse_call(ps, s, n, at);
    }
    if (word_is(s, n, "inf")) {
        ClaimNode *node = new_node(ps, N_NUM, at);
        if (node)
            node->num = INFINITY;
        ps->p = s + n;
        return node;
    }
    if (word_is(s, n, "within")) {
        fail(ps, "a value before 'within'");
        return NULL;
    }
    /* A record reference: the name, then @RUN and [SLICES] when present. */
    const char *e = s + n;
    if (*e == '@') {
        e++;
        while (is_run_char((unsigned char)*e))
            e++;
    }
    if (*e == '[') {
        const char *close = strchr(e, ']');
        if (!close) {
            ps->p = e;
            fail(ps, "']' to close the slices");
            return NULL;
        }
        e = close + 1;
    }
    char buf[512];
    if ((size_t)(e - s) >= sizeof buf) {
        ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: reference too long", at);
        return NULL;
    }
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    ClaimNode *node = new_node(ps, N_REF, at);
    if (!node)
        return NULL;
    Error sub = {0};
    if (claim_ref_parse(buf, &node->ref, &sub) != TF_OK) {
        ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: %s", at, sub.msg);
        free_node(node);
        return NULL;
    }
    ps->p = e;
    return node;
}

static ClaimNode *parse_unary_at(Parser *ps);

/* Every nesting (a sign, a parenthesis, a call's argument) passes here. */
static ClaimNode *parse_unary(Parser *ps)
{
    if (ps->depth >= CLAIM_MAX_NESTING) {
        if (!ps->st)
            ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: nested more than %d deep", col(ps),
                               CLAIM_MAX_NESTING);
        return NULL;
    }
    ps->depth++;
    ClaimNode *n = parse_unary_at(ps);
    ps->depth--;
    return n;
}

static ClaimNode *parse_unary_at(Parser *ps)
{
    skip_spaces(&ps->p);
    if (*ps->p == '-') {
        int at = col(ps);
        ps->p++;
        ClaimNode *a = parse_unary(ps);
        if (!a)
            return NULL;
        ClaimNode *n = new_node(ps, N_NEG, at);
        if (!n) {
            free_node(a);
            return NULL;
        }
        n->n_args = 1;
        n->args[0] = a;
        return n;
    }
    ClaimNode *a = parse_primary(ps);
    skip_spaces(&ps->p);
    if (a && !ps->st && *ps->p == '^') {  /* binds tighter than a sign: -x^2 is -(x^2) */
        int at = col(ps);
        ps->p++;
        a = binary(ps, N_POW, at, a, parse_unary(ps));
    }
    return a;
}

static ClaimNode *parse_term(Parser *ps)
{
    ClaimNode *a = parse_unary(ps);
    while (a && !ps->st) {
        skip_spaces(&ps->p);
        char c = *ps->p;
        if (c != '*' && c != '/')
            break;
        int at = col(ps);
        ps->p++;
        a = binary(ps, c == '*' ? N_MUL : N_DIV, at, a, parse_unary(ps));
    }
    return a;
}

static ClaimNode *parse_expr(Parser *ps)
{
    ClaimNode *a = parse_term(ps);
    while (a && !ps->st) {
        skip_spaces(&ps->p);
        char c = *ps->p;
        if (c != '+' && c != '-')
            break;
        int at = col(ps);
        ps->p++;
        a = binary(ps, c == '+' ? N_ADD : N_SUB, at, a, parse_term(ps));
    }
    if (ps->st) {
        free_node(a);
        return NULL;
    }
    return a;
}

static bool parse_cmp(Parser *ps, ClaimCmp *out)
{
    static const struct {
        const char *op;
        ClaimCmp cmp;
    } ops[] = {{"==", CMP_EQ}, {"!=", CMP_NE}, {"<=", CMP_LE}, {">=", CMP_GE}, {"<", CMP_LT}, {">", CMP_GT}};
    skip_spaces(&ps->p);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].op);
        if (strncmp(ps->p, ops[i].op, n) == 0) {
            ps->p += n;
            *out = ops[i].cmp;
            return true;
        }
    }
    if (*ps->p == '=') {
        ps->st = error_set(ps->err, TF_ERR_INPUT, "column %d: write '==' to compare, not '='", col(ps));
        return false;
    }
    fail(ps, "a comparison (== != < <= > >=)");
    return false;
}

/* Is "and" the next word? */
static bool at_and(Parser *ps)
{
    skip_spaces(&ps->p);
    return strncmp(ps->p, "and", 3) == 0 && !is_name_char((unsigned char)ps->p[3]);
}

/* One comparison, then "and" and the next, into out. */
static void parse_comparison(Parser *ps, Claim *out, int depth)
{
    Error *err = ps->err;
    skip_spaces(&ps->p);
    if (!*ps->p) {
        fail(ps, "a comparison such as max(x) == 0");
        return;
    }
    out->lhs = parse_expr(ps);
    if (out->lhs && parse_cmp(ps, &out->cmp))
        out->rhs = parse_expr(ps);
    if (out->rhs) {
        skip_spaces(&ps->p);
        if (strncmp(ps->p, "within", 6) == 0 && !is_name_char((unsigned char)ps->p[6])) {
            if (out->cmp != CMP_EQ && out->cmp != CMP_NE) {
                ps->st = error_set(err, TF_ERR_INPUT, "column %d: 'within' goes with == or != only", col(ps));
            } else {
                ps->p += 6;
                out->tol = parse_expr(ps);
            }
        }
    }
    if (ps->st || !at_and(ps))
        return;
    if (depth == 7) {
        ps->st = error_set(err, TF_ERR_INPUT, "column %d: at most 8 comparisons joined by 'and'", col(ps));
        return;
    }
    ps->p += 3;
    out->and_also = calloc(1, sizeof *out->and_also);
    if (!out->and_also) {
        ps->st = error_set(err, TF_ERR_RUNTIME, "out of memory");
        return;
    }
    parse_comparison(ps, out->and_also, depth + 1);
}

Status claim_parse(const char *text, Claim *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Parser ps = {text, text, err, TF_OK, 0, 0};
    skip_spaces(&ps.p);
    if (!*ps.p)
        return error_set(err, TF_ERR_INPUT, "empty claim: expected a comparison such as max(x) == 0");
    parse_comparison(&ps, out, 0);
    if (!ps.st) {
        skip_spaces(&ps.p);
        if (*ps.p)
            fail(&ps, "the end of the claim, 'and' or 'within TOLERANCE'");
    }
    if (ps.st) {
        claim_free(out);
        return ps.st;
    }
    return TF_OK;
}

Status claim_parse_value(const char *text, Claim *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Parser ps = {text, text, err, TF_OK, 0, 0};
    skip_spaces(&ps.p);
    if (!*ps.p)
        return error_set(err, TF_ERR_INPUT, "empty expression: expected one such as mean(rowmax(x))");
    out->lhs = parse_expr(&ps);
    if (!ps.st) {
        skip_spaces(&ps.p);
        if (*ps.p)
            fail(&ps, "the end of the expression (a value, not a comparison)");
    }
    if (ps.st) {
        claim_free(out);
        return ps.st;
    }
    return TF_OK;
}

void claim_free(Claim *c)
{
    free_node(c->lhs);
    free_node(c->rhs);
    free_node(c->tol);
    if (c->and_also) {
        claim_free(c->and_also);
        free(c->and_also);
    }
    memset(c, 0, sizeof *c);
}

static void each_ref(const ClaimNode *n, void (*fn)(void *ctx, const ClaimRef *ref), void *ctx)
{
    if (!n)
        return;
    if (n->kind == N_REF)
        fn(ctx, &n->ref);
    for (int i = 0; i < n->n_args; i++)
        each_ref(n->args[i], fn, ctx);
}

void claim_each_ref(const Claim *c, void (*fn)(void *ctx, const ClaimRef *ref), void *ctx)
{
    each_ref(c->lhs, fn, ctx);
    each_ref(c->rhs, fn, ctx);
    each_ref(c->tol, fn, ctx);
    if (c->and_also)
        claim_each_ref(c->and_also, fn, ctx);
}

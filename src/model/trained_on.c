/* trained_on.c — the task and sentence lengths a model learnt from: the
 * [trained] section of a .tfw configuration, and warnings for inputs
 * outside them. */
#include "model/trained_on.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ini_strict.h"
#include "text/printable.h"

bool trained_on_known(const TrainedOn *t) { return t->task[0] != '\0'; }

int trained_on_to_ini(const TrainedOn *t, char *buf, size_t cap)
{
    if (!trained_on_known(t)) {
        if (cap > 0)
            buf[0] = '\0';
        return 0;
    }
    int n = snprintf(buf, cap, "\n[trained]\ntask = %s\nsrc_min = %d\nsrc_max = %d\ntgt_min = %d\ntgt_max = %d\n",
                     t->task, t->src_min, t->src_max, t->tgt_min, t->tgt_max);
    if (t->corpus[0]) {
        size_t used = (size_t)n < cap ? (size_t)n : cap;
        n += snprintf(buf + used, cap - used, "corpus = %s\n", t->corpus);
    }
    return n;
}

/* A value INI text holds as it is: printable UTF-8 on one line, no
 * comment character, no space at either end. */
static bool corpus_value(const char *v)
{
    size_t n = strlen(v), at;
    if (n == 0 || n >= TRAINED_CORPUS_MAX || v[0] == ' ' || v[n - 1] == ' ' || strpbrk(v, ";#"))
        return false;
    return printable_text_problem(v, n, &at, NULL) == NULL;
}

bool trained_on_set_corpus(TrainedOn *t, const char *path)
{
    t->corpus[0] = '\0';
    if (!corpus_value(path))
        return false;
    snprintf(t->corpus, sizeof t->corpus, "%s", path);
    return true;
}

/* ---- reading ---------------------------------------------------------- */

enum { F_TASK, F_SRC_MIN, F_SRC_MAX, F_TGT_MIN, F_TGT_MAX, F_CORPUS, F_COUNT };
static const char *const field_names[F_COUNT] = {"task", "src_min", "src_max", "tgt_min", "tgt_max", "corpus"};
#define F_REQUIRED F_CORPUS  /* the fields before it must be given */

typedef struct {
    TrainedOn *t;
    IniText in;
    const char *name;
    int set_line[F_COUNT];
    int section_line;   /* where [trained] starts; 0 when absent */
    Status st;
    Error *err;
} Parse;

static char *read_line(char *str, int num, void *stream)
{
    Parse *p = stream;
    if (p->st != TF_OK)
        return NULL;
    switch (ini_text_next_line(&p->in, str, num)) {
    case INI_LINE_OK:
        if (!p->section_line && strncmp(str, "[trained]", 9) == 0)
            p->section_line = p->in.line;
        return str;
    case INI_LINE_END:
        return NULL;
    default:
        /* the configuration reader has read these lines already */
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unreadable line", p->name, p->in.line);
        return NULL;
    }
}

/* A task name: a short word of letters, digits, '-' and '_', since it is
 * printed in warnings and must not carry control bytes to a terminal. */
static bool task_word(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= sizeof ((TrainedOn *)0)->task)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    Parse *p = user;
    if (p->st != TF_OK)
        return 0;
    if (strcmp(section, "trained") != 0)
        return 1;
    int f = 0;
    while (f < F_COUNT && strcmp(field_names[f], key) != 0)
        f++;
    if (f == F_COUNT) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown key '%s' in [trained]", p->name, p->in.line, key);
        error_hint(p->err, "[trained] has task, src_min, src_max, tgt_min, tgt_max and corpus");
        return 0;
    }
    if (p->set_line[f]) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: %s is already set on line %d", p->name, p->in.line, key,
                          p->set_line[f]);
        return 0;
    }
    p->set_line[f] = p->in.line;
    if (f == F_TASK) {
        if (!task_word(value)) {
            p->st = error_set(p->err, TF_ERR_INPUT,
                              "%s:%d: task is not a name of 1 to %zu letters, digits, '-' or '_'", p->name,
                              p->in.line, sizeof p->t->task - 1);
            return 0;
        }
        snprintf(p->t->task, sizeof p->t->task, "%s", value);
        return 1;
    }
    if (f == F_CORPUS) {
        if (!trained_on_set_corpus(p->t, value)) {
            p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: corpus is not a file name of 1 to %d printable bytes",
                              p->name, p->in.line, TRAINED_CORPUS_MAX - 1);
            return 0;
        }
        return 1;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    /* a source length may be 0: a decoder-only model has no source */
    const long lo = f == F_SRC_MIN || f == F_SRC_MAX ? 0 : 1;
    if (end == value || *end != '\0' || errno == ERANGE || v < lo || v > TRAINED_MAX_LEN) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: %s = '%s' is not a whole number from %ld to %d", p->name,
                          p->in.line, key, value, lo, TRAINED_MAX_LEN);
        return 0;
    }
    int *slot[F_COUNT] = {NULL, &p->t->src_min, &p->t->src_max, &p->t->tgt_min, &p->t->tgt_max};
    *slot[f] = (int)v;
    return 1;
}

Status trained_on_from_ini(TrainedOn *t, const char *text, const char *name, Error *err)
{
    memset(t, 0, sizeof *t);
    Parse p = {.t = t, .in = {.text = text, .len = strlen(text)}, .name = name, .err = err};
    int r = ini_parse_strict(read_line, &p, on_value, &p, 4096);
    if (p.st == TF_OK && r != 0)
        p.st = error_set(err, TF_ERR_INPUT, "%s:%d: cannot read this line", name, r);
    if (p.st == TF_OK && p.section_line) {
        for (int f = 0; f < F_REQUIRED && p.st == TF_OK; f++)
            if (!p.set_line[f])
                p.st = error_set(err, TF_ERR_INPUT, "%s:%d: [trained] has no %s", name, p.section_line,
                                 field_names[f]);
        if (p.st == TF_OK && (t->src_min == 0) != (t->src_max == 0))
            p.st = error_set(err, TF_ERR_INPUT, "%s:%d: [trained] source lengths %d–%d: 0 (no source) is both or "
                             "neither", name, p.section_line, t->src_min, t->src_max);
        if (p.st == TF_OK && (t->src_min > t->src_max || t->tgt_min > t->tgt_max))
            p.st = error_set(err, TF_ERR_INPUT, "%s:%d: [trained] lengths %d–%d (source), %d–%d (target): a "
                             "minimum above its maximum", name, p.section_line, t->src_min, t->src_max,
                             t->tgt_min, t->tgt_max);
    }
    if (p.st != TF_OK)
        memset(t, 0, sizeof *t);
    return p.st;
}

/* ---- saying it ---------------------------------------------------------- */

/* "3–9 tokens", or "4 tokens" for a single length. */
static void range_text(char *buf, size_t cap, int lo, int hi)
{
    if (lo == hi)
        snprintf(buf, cap, "%d token%s", lo, lo == 1 ? "" : "s");
    else
        snprintf(buf, cap, "%d\xe2\x80\x93%d tokens", lo, hi);
}

void trained_on_describe(const TrainedOn *t, char *buf, size_t cap)
{
    if (!trained_on_known(t)) {
        snprintf(buf, cap, "unknown");
        return;
    }
    char s[48], g[48];
    if (t->src_max == 0) {
        range_text(g, sizeof g, t->tgt_min, t->tgt_max);
        snprintf(buf, cap, "%s, sequences of %s (no source: decoder-only)", t->task, g);
        return;
    }
    range_text(s, sizeof s, t->src_min, t->src_max);
    range_text(g, sizeof g, t->tgt_min, t->tgt_max);
    snprintf(buf, cap, "%s, source sentences of %s, target sentences of %s", t->task, s, g);
}

/* One side of the batch: the first sentence outside [lo, hi] (or above hi
 * alone, with only_long), and how many there are. */
static int side_warning(const Batch *b, const Config *c, bool tgt, int lo, int hi, bool only_long, const char *model,
                        char *buf, size_t cap)
{
    int first = -1, words = 0, count = 0;
    for (int i = 0; i < b->B; i++) {
        /* the decoder reads <START> + target: the words are one fewer */
        int n = tgt ? b->tgt_len[i] - 1 : b->src_len[i];
        if ((n < lo && !only_long) || n > hi) {
            if (count++ == 0) {
                first = i;
                words = n;
            }
        }
    }
    if (count == 0)
        return 0;
    char where[300], range[48], more[64] = "";
    config_sentence_where(c, tgt, first, where, sizeof where);
    range_text(range, sizeof range, lo, hi);
    if (count > 1)
        snprintf(more, sizeof more, ", and %d other sentence%s outside it too", count - 1,
                 count > 2 ? "s are" : " is");
    snprintf(buf, cap, "%s was trained on %s sentences of %s; %s has %d%s (outputs outside that range are "
                       "unreliable)\n",
             model, tgt ? "target" : "source", range, where, words, more);
    return 1;
}

int trained_on_warnings(const TrainedOn *t, const Batch *b, const Config *c, bool prompt, const char *model,
                        char *buf, size_t cap)
{
    if (cap > 0)
        buf[0] = '\0';
    if (!trained_on_known(t) || b->Ts == 0 || cap == 0)
        return 0;
    int lines = side_warning(b, c, false, t->src_min, t->src_max, false, model, buf, cap);
    size_t used = strlen(buf);
    if (b->target || prompt)
        lines += side_warning(b, c, true, t->tgt_min, t->tgt_max, prompt, model, buf + used, cap - used);
    return lines;
}

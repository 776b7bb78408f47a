/* lesson_ini.c — reading lesson.ini (format: lessons/README.md).
 *
 * Two readers share the file: this one reads [lesson], [steps],
 * [figures], [run.NAME], [claim.ID], [fact.ID], [chart.NAME] and
 * [question.ID] (lesson_chart.c and question_ini.c read their keys); model/config_ini.c reads [model],
 * [vocab] and [input], skipping the sections named here. Both go through
 * libinih, and every error names lesson.ini and the line. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ini_strict.h"
#include "lesson/lesson_internal.h"
#include "lesson/switches.h"
#include "plot/train_curves.h"
#include "text/printable.h"
#include "text/vocab.h"

enum { LINE_MAX_BYTES = 3 * CONFIG_TEXT_MAX, FILE_MAX = 1 << 20, MAX_SECTIONS = 64 };

typedef struct {
    Lesson *l;
    const char *name;      /* path for messages */
    IniText in;            /* the whole file; in.line: the line being read */
    Status st;
    Error *err;
    char sections[MAX_SECTIONS][80];  /* our sections, for the config reader to skip */
    int n_sections;
    bool seen_title;
    LessonClaimSpec *claim;          /* the [claim.ID] being read */
    LessonRunSpec *run;              /* the [run.NAME] being read */
    LessonChart *chart;              /* the [chart.NAME] being read */
    LessonQuestionSpec *question;    /* the [question.ID] being read */
} LessonIni;

static const char *const config_sections[] = {"model", "vocab", "input"};

static bool is_config_section(const char *s)
{
    for (size_t i = 0; i < 3; i++)
        if (strcmp(s, config_sections[i]) == 0)
            return true;
    return false;
}

bool lesson_valid_id(const char *s)
{
    if (!*s || strlen(s) >= 32)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

/* "FILE:LINE: what" for the line being read; the lesson file is bad input. */
__attribute__((format(printf, 2, 3)))
static Status fail(LessonIni *p, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: %s", p->name, p->in.line, msg);
    return p->st;
}

/* A section header line: open a run or claim, refuse unknown sections. */
static void on_section(LessonIni *p, const char *sec)
{
    p->claim = NULL;
    p->run = NULL;
    p->chart = NULL;
    p->question = NULL;
    if (is_config_section(sec))
        return;
    if (p->n_sections == MAX_SECTIONS) {
        fail(p, "more than %d sections", MAX_SECTIONS);
        return;
    }
    for (int i = 0; i < p->n_sections; i++)
        if (strcmp(p->sections[i], sec) == 0) {
            fail(p, "section [%s] appears twice", sec);
            return;
        }
    snprintf(p->sections[p->n_sections++], sizeof p->sections[0], "%s", sec);
    Lesson *l = p->l;
    if (strcmp(sec, "lesson") == 0 || strcmp(sec, "steps") == 0 || strcmp(sec, "figures") == 0 ||
        strcmp(sec, "try") == 0)
        return;
    if (strncmp(sec, "run.", 4) == 0) {
        const char *name = sec + 4;
        if (!lesson_valid_id(name)) {
            fail(p, "[%s]: a run name is letters, digits, '_' and '-', at most 31 bytes", sec);
            return;
        }
        LessonRunSpec *r = NULL;
        if (strcmp(name, "main") == 0) {
            r = &l->runs[0];
        } else {
            if (l->n_runs == LESSON_MAX_RUNS) {
                fail(p, "more than %d runs", LESSON_MAX_RUNS);
                return;
            }
            r = &l->runs[l->n_runs++];
            memset(r, 0, sizeof *r);
            snprintf(r->name, sizeof r->name, "%.31s", name);
        }
        r->line = p->in.line;
        p->run = r;
        return;
    }
    const bool fact = strncmp(sec, "fact.", 5) == 0;
    if (fact || strncmp(sec, "claim.", 6) == 0) {
        const char *id = sec + (fact ? 5 : 6);
        if (!lesson_valid_id(id)) {
            fail(p, "[%s]: a %s ID is letters, digits, '_' and '-', at most 31 bytes", sec, fact ? "fact" : "claim");
            return;
        }
        for (int i = 0; i < l->n_claims; i++)
            if (strcmp(l->claims[i].id, id) == 0) {
                fail(p, "[%s]: the ID '%s' is taken by [%s.%s]", sec, id, l->claims[i].fact ? "fact" : "claim", id);
                return;
            }
        if (l->n_claims == LESSON_MAX_CLAIMS) {
            fail(p, "more than %d claims and facts", LESSON_MAX_CLAIMS);
            return;
        }
        LessonClaimSpec *c = &l->claims[l->n_claims++];
        memset(c, 0, sizeof *c);
        snprintf(c->id, sizeof c->id, "%.31s", id);
        c->line = p->in.line;
        c->fact = fact;
        p->claim = c;
        return;
    }
    if (strncmp(sec, "chart.", 6) == 0) {
        const char *name = sec + 6;
        if (!lesson_valid_id(name)) {
            fail(p, "[%s]: a chart name is letters, digits, '_' and '-', at most 31 bytes", sec);
            return;
        }
        if (strcmp(name, "norms") == 0) {
            fail(p, "[%s]: the name 'norms' is the norms figure's; choose another", sec);
            return;
        }
        if (l->n_charts == LESSON_MAX_CHARTS) {
            fail(p, "more than %d charts", LESSON_MAX_CHARTS);
            return;
        }
        LessonChart *c = &l->charts[l->n_charts++];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%.31s", name);
        c->line = p->in.line;
        c->log_x = -1;
        c->log_y = -1;
        p->chart = c;
        return;
    }
    if (strncmp(sec, "question.", 9) == 0) {
        char why[400];
        if (!lesson_question_open(l, sec + 9, p->in.line, &p->question, why, sizeof why))
            fail(p, "%s", why);
        return;
    }
    p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown section [%s]", p->name, p->in.line, sec);
    error_hint(p->err,
               "a lesson.ini has [lesson] [model] [vocab] [input] [steps] [figures] [run.NAME] [claim.ID] [fact.ID] "
               "[chart.NAME] [question.ID] [try]");
}

static void check_section_line(LessonIni *p, const char *line)
{
    const char *s = line;
    if (p->in.line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    if (*s != '[')
        return;
    const char *close = strchr(s + 1, ']');
    if (!close)
        return;  /* libinih reports it */
    char sec[80];
    size_t n = (size_t)(close - (s + 1));
    if (n >= sizeof sec) {
        fail(p, "section name longer than 79 bytes");
        return;
    }
    memcpy(sec, s + 1, n);
    sec[n] = '\0';
    on_section(p, sec);
}

static char *read_line(char *str, int num, void *stream)
{
    LessonIni *p = stream;
    if (p->st != TF_OK)
        return NULL;
    switch (ini_text_next_line(&p->in, str, num)) {
    case INI_LINE_END:
        return NULL;
    case INI_LINE_TOO_LONG:
        fail(p, "line too long");
        return NULL;
    case INI_LINE_NUL:
        fail(p, "NUL byte in a text file");
        return NULL;
    case INI_LINE_OK:
        break;
    }
    check_section_line(p, str);
    return p->st == TF_OK ? str : NULL;
}

/* "REF | note": split at the first '|'; both parts trimmed. */
static bool split_bar(const char *value, char *ref, size_t rcap, char *note, size_t ncap)
{
    const char *bar = strchr(value, '|');
    size_t n = bar ? (size_t)(bar - value) : strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= rcap)
        return false;
    memcpy(ref, value, n);
    ref[n] = '\0';
    note[0] = '\0';
    if (bar) {
        const char *t = bar + 1;
        while (*t == ' ' || *t == '\t')
            t++;
        snprintf(note, ncap, "%s", t);
    }
    return true;
}

static bool resolve_path(const Lesson *l, const char *v, char *out, size_t cap)
{
    size_t a = v[0] == '/' ? 0 : strlen(l->dir) + 1, b = strlen(v);
    if (a + b + 1 > cap) {
        out[0] = '\0';
        return false;
    }
    if (a) {
        memcpy(out, l->dir, a - 1);
        out[a - 1] = '/';
    }
    memcpy(out + a, v, b + 1);
    return true;
}

/* src_from = main [reversed | twice] (and tgt_from): the run's sentence is
 * the main run's, so a student's sentence reaches it too. */
static void on_run_from(LessonIni *p, LessonRunSpec *r, const char *name, const char *value)
{
    const bool src = name[0] == 's';
    char word[2][32] = {"", ""};
    int n = 0;
    for (const char *v = value; *v && n <= 2;) {
        while (*v == ' ' || *v == '\t')
            v++;
        size_t k = strcspn(v, " \t");
        if (!k)
            break;
        if (n < 2)
            snprintf(word[n], sizeof word[n], "%.*s", (int)(k < 31 ? k : 31), v);
        n++;
        v += k;
    }
    const LessonDerive how = n < 2                              ? DERIVE_SAME
                             : strcmp(word[1], "reversed") == 0 ? DERIVE_REVERSED
                             : strcmp(word[1], "twice") == 0    ? DERIVE_TWICE
                                                                : (LessonDerive)-1;
    if (n < 1 || n > 2 || strcmp(word[0], "main") != 0 || (int)how < 0) {
        fail(p, "%s = '%s': write %s = main (the main run's sentence), %s = main reversed or %s = main twice", name,
             value, name, name, name);
        return;
    }
    if (r == &p->l->runs[0]) {
        fail(p, "%s: the main run's sentence is the lesson's (or the student's); derive other runs from it", name);
        return;
    }
    if ((src && r->src_from) || (!src && r->tgt_from)) {
        fail(p, "[run.%s] has two %s lines", r->name, name);
        return;
    }
    if (src) {
        r->src_from = true;
        r->src_how = how;
        r->src_from_line = p->in.line;
    } else {
        r->tgt_from = true;
        r->tgt_how = how;
        r->tgt_from_line = p->in.line;
    }
}

/* A whole number in [lo, hi], or a failure naming the key and what it takes. */
static bool run_int(LessonIni *p, const char *name, const char *value, long lo, long hi, const char *what, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (end == value || *end || errno || v < lo || v > hi) {
        fail(p, "%s = '%s': %s", name, value, what);
        return false;
    }
    *out = (int)v;
    return true;
}

/* train = TASK and the keys that go with it (lesson_internal.h,
 * LessonTrainSpec). True when name was one of them. */
static bool on_train_key(LessonIni *p, LessonRunSpec *r, const char *name, const char *value)
{
    LessonTrainSpec *t = &r->train;
    if (strcmp(name, "train") == 0) {
        Error sub = {0};
        if (t->on)
            fail(p, "[run.%s] has two train lines (line %d)", r->name, t->line);
        else if (task_from_name(value, &t->task, &sub) != TF_OK)
            fail(p, "train = '%s': the task to train on: copy, reverse, sort or phrasebook", value);
        t->on = true;
        t->line = p->in.line;
        return true;
    }
    if (strcmp(name, "train_steps") == 0)
        run_int(p, name, value, 1, 100000, "a whole number of updates from 1 to 100000", &t->steps);
    else if (strcmp(name, "train_batch") == 0)
        run_int(p, name, value, 1, 4096, "a whole number of sentences per update from 1 to 4096", &t->batch);
    else if (strcmp(name, "train_warmup") == 0) {
        run_int(p, name, value, 1, 100000, "a whole number of warm-up updates from 1 to 100000", &t->warmup);
        t->warmup_line = p->in.line;
    } else if (strcmp(name, "trace_every") == 0)
        run_int(p, name, value, 1, 100000, "snapshots every K updates: a whole number from 1 to 100000",
                     &t->every);
    else if (strcmp(name, "train_lr_scale") == 0) {
        char *end;
        errno = 0;
        double x = strtod(value, &end);
        if (end == value || *end || errno || !(x > 0) || !(x < 1e6)) {
            fail(p, "train_lr_scale = '%s': the learning-rate schedule's scale, a number above 0 and below 1e6",
                 value);
            return true;
        }
        t->lr_scale = x;
    } else if (strcmp(name, "eval_lengths") == 0) {
        char *end, *end2;
        errno = 0;
        long a = strtol(value, &end, 10);
        long b = *end == '-' ? strtol(end + 1, &end2, 10) : -1;
        if (end == value || *end != '-' || end2 == end + 1 || *end2 || errno || a < 1 || b < a || b > TASK_MAX_LEN) {
            fail(p, "eval_lengths = '%s': held-out accuracy by length, A-B with 1 <= A <= B <= %d (e.g. 3-12)",
                 value, TASK_MAX_LEN);
            return true;
        }
        t->len_lo = (int)a;
        t->len_hi = (int)b;
    } else
        return false;
    if (!t->key_line)
        t->key_line = p->in.line;
    return true;
}

/* temperature = T, top_k = K, sample_seed = S: how a generating run
 * chooses its tokens (the values run's flags take). True when name was
 * one of them. */
static bool on_sampling_key(LessonIni *p, LessonRunSpec *r, const char *name, const char *value)
{
    if (strcmp(name, "temperature") == 0) {
        char *end;
        errno = 0;
        double t = strtod(value, &end);
        if (end == value || *end || !(t >= 0) || !isfinite((float)t)) {
            fail(p, "temperature = '%s': a finite number, 0 (greedy) or more", value);
            return true;
        }
        r->temperature = (float)t == 0.0f ? 0.0 : t;  /* below float's range: greedy, as run's flag */
    } else if (strcmp(name, "top_k") == 0) {
        if (!run_int(p, name, value, 1, VOCAB_MAX_TOKENS, "keep the K most likely tokens, a whole number from 1",
                     &r->top_k))
            return true;
        r->has_top_k = true;
    } else if (strcmp(name, "sample_seed") == 0) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (value[0] < '0' || value[0] > '9' || *end || errno == ERANGE) {
            fail(p, "sample_seed = '%s': a whole number from 0 to 18446744073709551615", value);
            return true;
        }
        r->sample_seed = v;
        r->has_sample_seed = true;
    } else
        return false;
    if (!r->sampling_line)
        r->sampling_line = p->in.line;
    return true;
}

static void on_run_key(LessonIni *p, LessonRunSpec *r, const char *name, const char *value)
{
    if (on_train_key(p, r, name, value))
        return;
    if (strcmp(name, "src_from") == 0 || strcmp(name, "tgt_from") == 0) {
        on_run_from(p, r, name, value);
        return;
    }
    if (strcmp(name, "generate") == 0) {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (end == value || *end || errno || v < 1 || v > 4096) {
            fail(p, "generate = '%s': a whole number of tokens from 1 to 4096", value);
            return;
        }
        r->generate = (int)v;
        r->generate_line = p->in.line;
        return;
    }
    if (on_sampling_key(p, r, name, value))
        return;
    if (strcmp(name, "cache") == 0 || strcmp(name, "train_step") == 0) {
        bool yes = strcmp(value, "yes") == 0, no = strcmp(value, "no") == 0;
        if (!yes && !no) {
            fail(p, "%s = '%s': yes or no", name, value);
            return;
        }
        if (name[0] == 'c')
            r->no_cache = no;
        else
            r->train_step = yes;
        return;
    }
    if (strcmp(name, "weights") == 0) {
        if (!value[0] || !resolve_path(p->l, value, r->weights, sizeof r->weights))
            fail(p, "weights = '%.200s': not a usable path", value);
        return;
    }
    if (r->n_sets == LESSON_MAX_SETS) {
        fail(p, "more than %d settings in one run", LESSON_MAX_SETS);
        return;
    }
    if (strlen(name) >= sizeof r->set_key[0] || strlen(value) >= sizeof r->set_value[0]) {
        fail(p, "'%s': key or value too long", name);
        return;
    }
    /* Checked against the config now, so a typo names its line at load time. */
    strcpy(r->set_key[r->n_sets], name);
    strcpy(r->set_value[r->n_sets], value);
    r->set_line[r->n_sets++] = p->in.line;
}

/* breaks = SWITCH[=VALUE][, SWITCH[=VALUE]...]: the switches (switches.h)
 * that must make the claim fail, each at the table's breaking value unless
 * one is given ("positions=sinusoidal", "ablate-head=dec.0.cross.2"). */
/* SWITCH[=VALUE]: a claim's breaks = and a question's changes = name switches so. */
bool lesson_parse_switch(const char *item, LessonBreak *out, char *why, size_t cap)
{
    char name[128];
    snprintf(name, sizeof name, "%s", item);
    char *eq = strchr(name, '=');
    if (eq)
        *eq = '\0';
    const int sw = lesson_switch_find(name);
    if (sw < 0) {
        char names[256] = "";
        for (int i = 0; i < SWITCH_COUNT; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     lesson_switches[i].name);
        snprintf(why, cap, "no switch '%s' (the switches: %s)", name, names);
        return false;
    }
    const char *v = eq ? eq + 1 : lesson_switches[sw].broken;
    if (!*v || strlen(v) >= sizeof out->value) {
        snprintf(why, cap, "%s='%s': give a value of 1 to 63 bytes", name, v);
        return false;
    }
    LessonOverrides scratch;
    lesson_overrides_init(&scratch);
    Error sub = {0};
    if (lesson_switch_set(&scratch, sw, v, &sub) != TF_OK) {
        snprintf(why, cap, "%.250s", sub.msg);
        return false;
    }
    out->sw = sw;
    snprintf(out->value, sizeof out->value, "%s", v);
    return true;
}

static void read_breaks(LessonIni *p, LessonClaimSpec *c, const char *value)
{
    if (c->n_breaks) {
        fail(p, "[claim.%s] says breaks twice (line %d): list every switch on one line", c->id, c->breaks_line);
        return;
    }
    c->breaks_line = p->in.line;
    const char *s = value;
    while (p->st == TF_OK) {
        while (*s == ' ' || *s == '\t')
            s++;
        size_t n = strcspn(s, ",");
        size_t end = n;
        while (end && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        char item[128];
        if (end == 0 || end >= sizeof item) {
            fail(p, "breaks = '%s': expected SWITCH or SWITCH=VALUE, separated by commas", value);
            return;
        }
        memcpy(item, s, end);
        item[end] = '\0';
        LessonBreak b;
        char why[300];
        if (!lesson_parse_switch(item, &b, why, sizeof why)) {
            fail(p, "breaks: %s", why);
            return;
        }
        const int sw = b.sw;
        const char *v = b.value;
        char *eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        for (int i = 0; i < c->n_breaks; i++)
            if (c->breaks[i].sw == sw && strcmp(c->breaks[i].value, v) == 0) {
                fail(p, "breaks: %s=%s is listed twice", item, v);
                return;
            }
        if (c->n_breaks == LESSON_MAX_BREAKS) {
            fail(p, "breaks: more than %d switches", LESSON_MAX_BREAKS);
            return;
        }
        c->breaks[c->n_breaks].sw = sw;
        snprintf(c->breaks[c->n_breaks].value, sizeof c->breaks[0].value, "%s", v);
        c->n_breaks++;
        if (!s[n])
            return;
        s += n + 1;
    }
}

/* [try]: src = starts another sentence, a tgt = right after it is its
 * target. */
static void on_try_key(LessonIni *p, const char *name, const char *value)
{
    Lesson *l = p->l;
    const bool src = strcmp(name, "src") == 0;
    if (!src && strcmp(name, "tgt") != 0) {
        fail(p, "unknown key '%s' in [try]: write src = a sentence, then tgt = its target", name);
        return;
    }
    if (src && !value[0]) {
        fail(p, "[try] src is empty: give a sentence");
        return;
    }
    if (strlen(value) >= sizeof l->tries[0].src) {
        fail(p, "[try] %s longer than 511 bytes", name);
        return;
    }
    if (src) {
        if (l->n_tries == LESSON_MAX_TRIES) {
            fail(p, "more than %d sentences in [try]", LESSON_MAX_TRIES);
            return;
        }
        LessonTry *t = &l->tries[l->n_tries++];
        memset(t, 0, sizeof *t);
        snprintf(t->src, sizeof t->src, "%s", value);
        t->line = p->in.line;
        return;
    }
    LessonTry *t = l->n_tries ? &l->tries[l->n_tries - 1] : NULL;
    if (!t)
        fail(p, "[try] tgt comes before any src: write src = a sentence, then tgt = its target");
    else if (t->has_tgt)
        fail(p, "[try] the sentence of line %d already has a tgt: start the next one with src =", t->line);
    else {
        snprintf(t->tgt, sizeof t->tgt, "%s", value);
        t->has_tgt = true;
    }
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    LessonIni *p = user;
    Lesson *l = p->l;
    if (p->st)
        return 0;
    if (!section[0]) {
        fail(p, "'%s' comes before any [section]", name);
        return 0;
    }
    if (is_config_section(section))
        return 1;  /* config_ini.c's */
    if (strcmp(section, "lesson") == 0) {
        if (strcmp(name, "title") == 0) {
            snprintf(l->title, sizeof l->title, "%s", value);
            p->seen_title = true;
        } else if (strcmp(name, "title.zh") == 0) {
            snprintf(l->title_zh, sizeof l->title_zh, "%s", value);
        } else if (strcmp(name, "weights") == 0) {
            if (!value[0] || !resolve_path(l, value, l->weights, sizeof l->weights))
                fail(p, "weights = '%.200s': not a usable path", value);
            l->weights_line = p->in.line;
        } else {
            fail(p, "unknown key '%s' in [lesson] (title, title.zh, weights)", name);
        }
    } else if (strcmp(section, "steps") == 0) {
        if (strcmp(name, "step.zh") == 0) {
            /* The Chinese note of the step above it: a translation sits
             * beside what it translates, as title.zh and says.zh do. */
            LessonStep *s = l->n_steps > 0 ? &l->steps[l->n_steps - 1] : NULL;
            const char *t = value;
            while (*t == ' ' || *t == '\t')
                t++;
            if (!s)
                fail(p, "step.zh comes before any step: put it under its step = RECORD | note");
            else if (s->note_zh[0])
                fail(p, "step '%s' already has a step.zh", s->key);
            else if (!*t)
                fail(p, "step.zh of step '%s' is empty", s->key);
            else if (strlen(t) >= sizeof s->note_zh)
                fail(p, "step.zh of step '%s' is longer than 255 bytes: one line, the narration says the rest",
                     s->key);
            else
                snprintf(s->note_zh, sizeof s->note_zh, "%s", t);
        } else if (strcmp(name, "step") != 0) {
            fail(p, "unknown key '%s' in [steps]: write step = RECORD | note (and step.zh = 中文 after it)", name);
        } else if (l->n_steps == LESSON_MAX_STEPS) {
            fail(p, "more than %d steps", LESSON_MAX_STEPS);
        } else {
            LessonStep *s = &l->steps[l->n_steps];
            memset(s, 0, sizeof *s);
            if (!split_bar(value, s->key, sizeof s->key, s->note, sizeof s->note))
                fail(p, "step = '%s': expected RECORD | note", value);
            else if (!s->note[0])
                fail(p, "step '%s' has no note: write step = RECORD | one line about it", s->key);
            s->line = p->in.line;
            l->n_steps++;
        }
    } else if (strcmp(section, "figures") == 0) {
        if (strcmp(name, "figure") != 0) {
            fail(p, "unknown key '%s' in [figures]: write figure = RECORD[[head=H]] | title (or norms vs @RUN | title)",
                 name);
        } else if (l->n_figures == LESSON_MAX_FIGURES) {
            fail(p, "more than %d figures", LESSON_MAX_FIGURES);
        } else {
            LessonFigure *f = &l->figures[l->n_figures];
            memset(f, 0, sizeof *f);
            if (!split_bar(value, f->key, sizeof f->key, f->title, sizeof f->title))
                fail(p, "figure = '%s': expected RECORD | title", value);
            f->line = p->in.line;
            l->n_figures++;
        }
    } else if (strcmp(section, "try") == 0) {
        on_try_key(p, name, value);
    } else if (p->run) {
        on_run_key(p, p->run, name, value);
    } else if (p->question) {
        char why[600];
        if (!lesson_question_key(p->question, name, value, p->in.line, why, sizeof why)) {
            fail(p, "%s", why);
            if (strstr(why, "column "))
                error_hint(p->err, "an answer is an expression of the claim language (lessons/README.md), such as "
                                   "argmax(enc.0.attn.weights[query=1])");
        }
    } else if (p->chart) {
        char why[600];
        if (!lesson_chart_key(p->chart, name, value, p->in.line, why, sizeof why)) {
            fail(p, "%s", why);
            if (strstr(why, "column "))
                error_hint(p->err, "a value is an expression of the claim language (lessons/README.md), such as "
                                   "mean(rowmax(enc.0.attn.weights@d256))");
        }
    } else if (p->claim) {
        LessonClaimSpec *c = p->claim;
        if (strcmp(name, "says") == 0)
            snprintf(c->says, sizeof c->says, "%s", value);
        else if (strcmp(name, "says.zh") == 0)
            snprintf(c->says_zh, sizeof c->says_zh, "%s", value);
        else if (strcmp(name, "check") == 0) {
            if (c->check[0]) {
                fail(p, "[claim.%s] has two checks; write one claim per section", c->id);
                return 0;
            }
            if (strlen(value) >= sizeof c->check) {
                fail(p, "check longer than 511 bytes");
                return 0;
            }
            snprintf(c->check, sizeof c->check, "%s", value);
            c->line = p->in.line;
            Error sub = {0};
            if (claim_parse(value, &c->claim, &sub) != TF_OK) {
                p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: bad claim: %s", p->name, p->in.line, sub.msg);
                error_hint(p->err, "claims are described in lessons/README.md, e.g. max(abs(enc.0.attn.weights)) <= 1");
            }
        } else if (strcmp(name, "breaks") == 0 && !c->fact) {
            read_breaks(p, c, value);
        } else if (strcmp(name, "breaks") == 0) {
            fail(p, "[fact.%s] has breaks: a fact holds under every switch (a claim a switch breaks is a [claim.ID])",
                 c->id);
        } else if (strcmp(name, "only") == 0) {
            if (strcmp(value, "lesson sentence") != 0)
                fail(p, "only = '%s': the one choice is only = lesson sentence (the claim is about the lesson's "
                     "own sentence, and is skipped on another)", value);
            else
                c->only_lesson_sentence = true;
        } else {
            fail(p, "unknown key '%s' in a %s (says, says.zh, check%s, only)", name, c->fact ? "fact" : "claim",
                 c->fact ? "" : ", breaks");
        }
    } else {
        fail(p, "unexpected key '%s'", name);
    }
    return p->st == TF_OK;
}

int lesson_run_index(const Lesson *l, const char *name)
{
    for (int i = 0; i < l->n_runs; i++)
        if (strcmp(l->runs[i].name, name) == 0)
            return i;
    return -1;
}

/* Split "NAME[@RUN][[SLICES]] | note" style references: parse ref into a
 * ClaimRef and check that RUN exists; where = "lesson.ini:12". */
static Status lesson_parse_ref(const Lesson *l, const char *text, ClaimRef *out, const char *where, Error *err)
{
    Error sub = {0};
    if (claim_ref_parse(text, out, &sub) != TF_OK)
        return error_set(err, TF_ERR_INPUT, "%s: %s", where, sub.msg);
    for (int i = 0; i < out->n_slices; i++)
        if (out->slices[i].lo_len[0] || out->slices[i].hi_len[0])
            return error_set(err, TF_ERR_INPUT, "%s: '%s': len(...) bounds belong to claims, not steps or figures",
                             where, text);
    if (lesson_run_index(l, out->run) < 0) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: '%s' names run '%s', which the lesson does not define", where,
                              text, out->run);
        error_hint(err, "add a [run.%s] section, or leave out '@%s' for the main run", out->run, out->run);
        return st;
    }
    return TF_OK;
}

/* "REF vs @RUN": a step shown beside the same record of another run, or a
 * figure drawing a second run on the same axes. REF goes into first (cap
 * LESSON_NAME_MAX), RUN into compare (cap 32), "" when there is no "vs".
 * The word "vs" between spaces cannot be part of a reference (a record
 * name has no spaces), so the split is unambiguous. `example` is the line
 * the hint shows. */
static Status split_vs(const Lesson *l, const char *text, char *first, char *compare, const char *where,
                       const char *example, Error *err)
{
    const char *vs = NULL;
    for (const char *p = strstr(text, " vs"); p; p = strstr(p + 1, " vs"))
        if (p[3] == ' ' || p[3] == '\t' || p[3] == '\0') {
            vs = p;
            break;
        }
    compare[0] = '\0';
    if (!vs) {
        snprintf(first, LESSON_NAME_MAX, "%s", text);
        return TF_OK;
    }
    size_t n = (size_t)(vs - text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    const char *run = vs + 3;
    while (*run == ' ' || *run == '\t')
        run++;
    if (n == 0) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: 'vs' needs a record before it", where);
        error_hint(err, "%s", example);
        return st;
    }
    snprintf(first, LESSON_NAME_MAX, "%.*s", (int)n, text);
    if (run[0] != '@' || !lesson_valid_id(run + 1)) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: after 'vs' comes the run to compare with, as @RUN, not '%s'",
                              where, run);
        error_hint(err, "%s", example);
        return st;
    }
    if (lesson_run_index(l, run + 1) < 0) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: '%s' names run '%s', which the lesson does not define",
                              where, text, run + 1);
        error_hint(err, "add a [run.%s] section", run + 1);
        return st;
    }
    snprintf(compare, 32, "%s", run + 1);
    return TF_OK;
}

/* The next " vs" word of text (followed by a blank or the end), or NULL. */
static const char *next_vs(const char *text)
{
    for (const char *p = strstr(text, " vs"); p; p = strstr(p + 1, " vs"))
        if (p[3] == ' ' || p[3] == '\t' || p[3] == '\0')
            return p;
    return NULL;
}

/* A figure's "REF [vs @RUN2 [vs @RUN3 ...]]": REF into first, RUN2 into
 * f->compare, the runs after it into f->more (at most LESSON_FIGURE_MORE). */
static Status split_figure_runs(const Lesson *l, LessonFigure *f, char *first, const char *where, Error *err)
{
    static const char example[] = "figure = loss@pre vs @post vs @off | title  (training curves of three runs)";
    f->n_more = 0;
    const char *v1 = next_vs(f->key), *v2 = v1 ? next_vs(v1 + 3) : NULL;
    char head[sizeof f->key];
    snprintf(head, sizeof head, "%.*s", v2 ? (int)(v2 - f->key) : (int)strlen(f->key), f->key);
    Status st = split_vs(l, head, first, f->compare, where, example, err);
    for (const char *v = v2; st == TF_OK && v; v = next_vs(v + 3)) {
        const char *end = next_vs(v + 3), *run = v + 3;
        while (*run == ' ' || *run == '\t')
            run++;
        size_t n = end ? (size_t)(end - run) : strlen(run);
        while (n && (run[n - 1] == ' ' || run[n - 1] == '\t'))
            n--;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)n, run);
        if (f->n_more == LESSON_FIGURE_MORE)
            return error_set(err, TF_ERR_INPUT, "%s: a figure draws at most %d runs", where, LESSON_FIGURE_MORE + 2);
        if (name[0] != '@' || !lesson_valid_id(name + 1) || n >= sizeof name) {
            st = error_set(err, TF_ERR_INPUT, "%s: after 'vs' comes a run, as @RUN, not '%s'", where, name);
            error_hint(err, "%s", example);
            return st;
        }
        if (lesson_run_index(l, name + 1) < 0) {
            st = error_set(err, TF_ERR_INPUT, "%s: '%s' names run '%s', which the lesson does not define", where,
                           f->key, name + 1);
            error_hint(err, "add a [run.%s] section", name + 1);
            return st;
        }
        snprintf(f->more[f->n_more++], sizeof f->more[0], "%s", name + 1);
    }
    return st;
}

/* A run traces one thing: a forward pass with its own weights, a
 * generation, one training step, or a whole training (train = TASK). The
 * training keys need train = TASK. */
static Status check_train_keys(const LessonRunSpec *r, const char *name, Error *err)
{
    const LessonTrainSpec *t = &r->train;
    if (!t->on) {
        if (!t->key_line)
            return TF_OK;
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [run.%s] sets training options but does not train", name,
                              t->key_line, r->name);
        error_hint(err, "add train = copy|reverse|sort|phrasebook to the run, or drop the train_*, trace_every and "
                        "eval_lengths keys");
        return st;
    }
    const char *other = r->weights[0] ? "weights" : r->generate ? "generate" : r->train_step ? "train_step = yes"
                                                                                                 : NULL;
    if (!other)
        return TF_OK;
    Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [run.%s] has train = %s and %s: they exclude each other", name,
                          t->line, r->name, task_name(t->task), other);
    error_hint(err, "a training run trains a fresh model and traces the training; trace weights, a generation or "
                    "one training step in a run of its own");
    return st;
}

/* The sampling keys go with generate = N, and top_k and sample_seed with
 * a temperature above 0 (run's rules for its flags). */
static Status check_sampling_keys(const LessonRunSpec *r, const char *name, Error *err)
{
    if (!r->sampling_line)
        return TF_OK;
    if (!r->generate) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [run.%s] sets how to sample but does not generate", name,
                              r->sampling_line, r->name);
        error_hint(err, "add generate = N to the run, or drop its temperature, top_k and sample_seed");
        return st;
    }
    if ((r->has_top_k || r->has_sample_seed) && r->temperature == 0) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [run.%s] sets %s, which applies to sampling, but decoding is "
                              "greedy", name, r->sampling_line, r->name, r->has_top_k ? "top_k" : "sample_seed");
        error_hint(err, "add temperature = T (T > 0; 1 samples from the model's own probabilities)");
        return st;
    }
    return TF_OK;
}

/* After the whole file: references, required keys, and the runs' settings
 * against the config. */
static Status finish(Lesson *l, LessonIni *p, Error *err)
{
    char where[LESSON_PATH_MAX + 32];
    if (!p->seen_title)
        return error_set(err, TF_ERR_INPUT, "%s: [lesson] needs a title", p->name);
    if (l->n_steps == 0)
        return error_set(err, TF_ERR_INPUT, "%s: the lesson has no [steps]", p->name);
    int n_claims = 0;
    for (int i = 0; i < l->n_claims; i++)
        n_claims += !l->claims[i].fact;
    if (n_claims < 1)
        return error_set(err, TF_ERR_INPUT, "%s: the lesson makes no claims (add [claim.ID] sections)", p->name);
    for (int i = 0; i < l->n_steps; i++) {
        LessonStep *s = &l->steps[i];
        snprintf(where, sizeof where, "%s:%d", p->name, s->line);
        char first[LESSON_NAME_MAX];
        Status st = split_vs(l, s->key, first, s->compare, where,
                             "step = enc.0.attn.weights@swapped vs @main | note  (shows both runs and A - B)", err);
        if (st)
            return st;
        snprintf(s->key, sizeof s->key, "%s", first);  /* the narration's section is the record's */
        ClaimRef ref;
        st = lesson_parse_ref(l, s->key, &ref, where, err);
        if (st)
            return st;
        if (ref.n_slices)
            return error_set(err, TF_ERR_INPUT, "%s: a step names a whole record, without [...]", where);
        snprintf(s->pattern, sizeof s->pattern, "%s", ref.name);
        snprintf(s->run, sizeof s->run, "%s", ref.run);
        if (s->compare[0] && strcmp(s->compare, s->run) == 0)
            return error_set(err, TF_ERR_INPUT, "%s: step '%s' compares run %s with itself", where, s->key, s->run);
        if (s->compare[0] && strpbrk(s->pattern, "*?["))
            return error_set(err, TF_ERR_INPUT, "%s: a step that compares two runs names one record, not a glob",
                             where);
        for (int j = 0; j < i; j++)
            if (strcmp(l->steps[j].key, s->key) == 0)
                return error_set(err, TF_ERR_INPUT, "%s: step '%s' is already on line %d", where, s->key,
                                 l->steps[j].line);
    }
    for (int i = 0; i < l->n_figures; i++) {
        LessonFigure *f = &l->figures[i];
        snprintf(where, sizeof where, "%s:%d", p->name, f->line);
        char first[LESSON_NAME_MAX];
        Status st = split_figure_runs(l, f, first, where, err);
        if (st)
            return st;
        ClaimRef ref;
        st = lesson_parse_ref(l, first, &ref, where, err);
        if (st)
            return st;
        snprintf(f->pattern, sizeof f->pattern, "%s", ref.name);
        snprintf(f->run, sizeof f->run, "%s", ref.run);
        f->head = f->batch = -1;
        for (int k = 0; k < ref.n_slices; k++) {
            const ClaimSlice *sl = &ref.slices[k];
            bool head = strcmp(sl->dim, "head") == 0, batch = strcmp(sl->dim, "batch") == 0;
            if ((!head && !batch) || !sl->single || sl->lo < 0)
                return error_set(err, TF_ERR_INPUT, "%s: a figure takes [head=H] and [batch=B] only", where);
            if (head)
                f->head = (int)sl->lo;
            else
                f->batch = (int)sl->lo;
        }
        const bool curve = train_curve_named(f->pattern) != NULL;
        if (f->compare[0] && strcmp(f->pattern, "norms") != 0 && !curve) {
            Status st2 = error_set(err, TF_ERR_INPUT, "%s: figure '%s' cannot compare two runs", where, f->key);
            error_hint(err, "the norms figure and the training curves (loss, accuracy, lr, grad-norm) draw other "
                            "runs: figure = norms vs @%s | title", f->compare);
            return st2;
        }
        if (f->n_more && !curve)
            return error_set(err, TF_ERR_INPUT, "%s: the norms figure compares two runs, not %d", where,
                             2 + f->n_more);
        if ((f->compare[0] || curve) && f->head >= 0)
            return error_set(err, TF_ERR_INPUT, "%s: the %s figure has no heads", where, f->pattern);
        for (int a = -1; a < f->n_more; a++) {
            const char *ra = a < 0 ? f->run : a == 0 ? f->compare : f->more[a - 1];
            for (int b = a + 1; b <= f->n_more && f->compare[0]; b++) {
                const char *rb = b == 0 ? f->compare : f->more[b - 1];
                if (strcmp(ra, rb) == 0 && f->n_more == 0)
                    return error_set(err, TF_ERR_INPUT, "%s: figure '%s' compares run %s with itself", where,
                                     f->key, ra);
                if (strcmp(ra, rb) == 0)
                    return error_set(err, TF_ERR_INPUT, "%s: figure '%s' draws run %s twice", where, f->key, ra);
            }
        }
    }
    for (int i = 0; i < l->n_runs; i++) {
        Status st = check_train_keys(&l->runs[i], p->name, err);
        if (st == TF_OK)
            st = check_sampling_keys(&l->runs[i], p->name, err);
        if (st)
            return st;
    }
    for (int i = 0; i < l->n_claims; i++) {
        LessonClaimSpec *c = &l->claims[i];
        snprintf(where, sizeof where, "%s:%d", p->name, c->line);
        if (!c->check[0])
            return error_set(err, TF_ERR_INPUT, "%s: [%s.%s] has no check", where, c->fact ? "fact" : "claim",
                             c->id);
        const char *kind = c->fact ? "fact" : "claim";
        if (!c->says[0])
            return error_set(err, TF_ERR_INPUT, "%s: [%s.%s] has no 'says' (the sentence a student reads)", where,
                             kind, c->id);
        if (!c->fact && c->n_breaks == 0) {
            Status st = error_set(err, TF_ERR_INPUT,
                                  "%s: [claim.%s] does not say which switch breaks it", where, c->id);
            error_hint(err, "add breaks = SWITCH[=VALUE] (traceformer lesson N --breaks shows what each switch "
                            "breaks), or make it a [fact.%s] if no switch should", c->id);
            return st;
        }
    }
    return TF_OK;
}

/* A claim's (or a chart's) references name runs the lesson has. */
typedef struct {
    const Lesson *l;
    const char *where;
    Status st;
    Error *err;
} RefCheck;

static void check_claim_ref(void *ctx, const ClaimRef *ref)
{
    RefCheck *c = ctx;
    if (c->st)
        return;
    if (lesson_run_index(c->l, ref->run) < 0) {
        c->st = error_set(c->err, TF_ERR_INPUT, "%s: '%s@%s' names run '%s', which the lesson does not define",
                          c->where, ref->name, ref->run, ref->run);
        error_hint(c->err, "add a [run.%s] section", ref->run);
    }
}

/* A training run's probe is in its task's tokens, and its model fits the
 * task: checked when the lesson loads, so the mistake names its line
 * before anything trains. */
static Status check_training(const Lesson *l, int run, const LessonOverrides *o, const Config *c, Error *err)
{
    if (!l->runs[run].train.on)
        return TF_OK;
    LessonTrainRun *tr;
    Status st = lesson_train_prepare(l, run, o, c, &tr, err);
    lesson_train_free(tr);
    return st;
}

Status lesson_read_ini(Lesson *l, Error *err)
{
    FILE *f = fopen(l->ini_path, "rb");
    if (!f)
        return error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", l->ini_path, strerror(errno));
    char *buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    size_t n = fread(buf, 1, FILE_MAX + 1, f);
    fclose(f);
    if (n > FILE_MAX) {
        free(buf);
        return error_set(err, TF_ERR_INPUT, "%s: larger than 1 MiB; not a lesson file", l->ini_path);
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        return error_set(err, TF_ERR_INPUT, "%s: NUL byte in a text file", l->ini_path);
    }
    /* Titles, notes and claims go to terminals as they are: a hidden
     * character is refused here, naming its line, not escaped later. */
    Status bad = printable_file_check(buf, n, l->ini_path, err);
    if (bad) {
        free(buf);
        return bad;
    }

    LessonIni p;
    memset(&p, 0, sizeof p);
    p.l = l;
    p.name = l->ini_path;
    p.in.text = buf;
    p.in.len = n;
    p.err = err;
    memset(&l->runs[0], 0, sizeof l->runs[0]);
    strcpy(l->runs[0].name, "main");
    l->n_runs = 1;

    int r = ini_parse_strict(read_line, &p, on_value, &p, LINE_MAX_BYTES);

    Status st = p.st;
    if (st == TF_OK && r > 0) {
        st = error_set(err, TF_ERR_INPUT, "%s:%d: cannot read this line", l->ini_path, r);
        error_hint(err, "lines are '[section]', 'key = value', or comments starting with ';' or '#'");
    } else if (st == TF_OK && r < 0) {
        st = error_set(err, TF_ERR_RUNTIME, "%s: libinih failed (%d)", l->ini_path, r);
    }
    if (st == TF_OK)
        st = finish(l, &p, err);
    if (st == TF_OK)
        st = lesson_questions_finish(l, err);
    for (int i = 0; st == TF_OK && i < l->n_claims; i++) {
        char where[LESSON_PATH_MAX + 32];
        snprintf(where, sizeof where, "%s:%d", l->ini_path, l->claims[i].line);
        RefCheck rc = {l, where, TF_OK, err};
        claim_each_ref(&l->claims[i].claim, check_claim_ref, &rc);
        st = rc.st;
    }
    for (int i = 0; st == TF_OK && i < l->n_charts; i++) {
        const LessonChart *c = &l->charts[i];
        char why[600];
        int line;
        if (!lesson_chart_complete(c, &line, why, sizeof why)) {
            st = error_set(err, TF_ERR_INPUT, "%s:%d: %s", l->ini_path, line, why);
            break;
        }
        for (int pn = 0; st == TF_OK && pn < c->n_panels; pn++)
            for (int sn = 0; st == TF_OK && sn < c->panels[pn].n_series; sn++) {
                const LessonChartSeries *cs = &c->panels[pn].series[sn];
                char where[LESSON_PATH_MAX + 32];
                snprintf(where, sizeof where, "%s:%d", l->ini_path, cs->line);
                RefCheck rc = {l, where, TF_OK, err};
                for (int k = 0; rc.st == TF_OK && k < cs->n_values; k++)
                    claim_each_ref(&cs->value[k], check_claim_ref, &rc);
                st = rc.st;
            }
    }

    /* The model: config_ini.c reads [model] [vocab] [input], skipping ours. */
    if (st == TF_OK) {
        const char *others[MAX_SECTIONS + 1];
        for (int i = 0; i < p.n_sections; i++)
            others[i] = p.sections[i];
        others[p.n_sections] = NULL;
        config_defaults(l->base);
        st = config_load_ini_text_sections(l->base, buf, l->ini_path, others, err);
    }
    /* Each run's settings on top of it, checked now so that errors name their line. */
    if (st == TF_OK) {
        Config *c = malloc(sizeof *c);
        if (!c)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory");
        for (int i = 0; st == TF_OK && i < l->n_runs; i++) {
            const LessonRunSpec *run = &l->runs[i];
            for (int k = 0; st == TF_OK && k < run->n_sets; k++)
                if ((run->src_from && strcmp(run->set_key[k], "src") == 0) ||
                    (run->tgt_from && strcmp(run->set_key[k], "tgt") == 0))
                    st = error_set(err, TF_ERR_INPUT, "%s:%d: [run.%s] sets %s and %s_from; keep one", l->ini_path,
                                   run->set_line[k], run->name, run->set_key[k], run->set_key[k]);
            if (st == TF_OK)
                st = lesson_run_config(l, i, NULL, c, err);
            if (st == TF_OK)
                st = check_training(l, i, NULL, c, err);
        }
        /* Every [try] sentence goes through every run, as a student's would. */
        for (int k = 0; st == TF_OK && k < l->n_tries; k++) {
            const LessonTry *t = &l->tries[k];
            LessonOverrides o;
            lesson_overrides_init(&o);
            o.src = t->src;
            o.tgt = t->has_tgt ? t->tgt : NULL;
            for (int i = 0; st == TF_OK && i < l->n_runs; i++) {
                st = lesson_run_config(l, i, &o, c, err);
                if (st == TF_OK)
                    st = check_training(l, i, &o, c, err);
                if (st) {
                    char msg[sizeof err->msg];
                    snprintf(msg, sizeof msg, "%s", err->msg);
                    error_set(err, st, "%s:%d: [try] src = %.200s: run %s: %.600s", l->ini_path, t->line, t->src,
                              l->runs[i].name, msg);
                }
            }
        }
        free(c);
    }
    free(buf);
    return st;
}

/* lesson_chart.c — reading a [chart.NAME] section, and measuring its
 * values on the lesson's traces (lesson_chart.h). */
#include "lesson/lesson_chart.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"

__attribute__((format(printf, 3, 4)))
static bool refuse(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return false;
}

/* "LABEL | a; b; c": the label and the list, trimmed; false when there is
 * no '|' or no label. */
static bool split_label(const char *value, char *label, size_t cap, const char **list)
{
    const char *bar = strchr(value, '|');
    if (!bar)
        return false;
    size_t n = (size_t)(bar - value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(label, value, n);
    label[n] = '\0';
    *list = bar + 1;
    return true;
}

/* The next item of a ';'-separated list into item (trimmed); *s moves past
 * it. false when the item is empty or longer than cap - 1. */
static bool next_item(const char **s, char *item, size_t cap)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strcspn(p, ";");
    *s = p[n] ? p + n + 1 : p + n;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(item, p, n);
    item[n] = '\0';
    return true;
}

static int count_items(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == ';';
    return n;
}

static bool read_x(LessonChart *c, const char *value, int line, char *why, size_t cap)
{
    const char *list;
    if (c->n_x)
        return refuse(why, cap, "[chart.%s] has two x lines", c->name);
    if (!split_label(value, c->x_label, sizeof c->x_label, &list))
        return refuse(why, cap, "x = '%s': expected x = NAME | 4; 16; 64 (the axis's name, then its values "
                      "separated by ';')", value);
    int n = count_items(list);
    if (n < 2 || n > LESSON_CHART_MAX_X)
        return refuse(why, cap, "x = '%s': give 2 to %d values separated by ';'", value, LESSON_CHART_MAX_X);
    for (int i = 0; i < n; i++) {
        char item[64], *end;
        if (!next_item(&list, item, sizeof item))
            return refuse(why, cap, "x = '%s': value %d is empty (values are separated by ';')", value, i + 1);
        errno = 0;
        double v = strtod(item, &end);
        if (end == item || *end || errno || !isfinite(v))
            return refuse(why, cap, "x = '%s': '%s' is not a finite number", value, item);
        if (i > 0 && !(v > c->x[i - 1]))
            return refuse(why, cap, "x = '%s': the values must increase ('%s' after %g)", value, item, c->x[i - 1]);
        c->x[i] = v;
    }
    c->n_x = n;
    c->x_line = line;
    return true;
}

static bool read_series(LessonChart *c, const char *value, int line, char *why, size_t cap)
{
    LessonChartPanel *p = c->n_panels ? &c->panels[c->n_panels - 1] : NULL;
    if (!p)
        return refuse(why, cap, "series comes before any panel: write panel = TITLE, then its series");
    if (!c->n_x)
        return refuse(why, cap, "series comes before x: write x = NAME | values first");
    if (p->n_series == LESSON_CHART_MAX_SERIES)
        return refuse(why, cap, "more than %d series in one panel", LESSON_CHART_MAX_SERIES);
    LessonChartSeries *s = &p->series[p->n_series];
    memset(s, 0, sizeof *s);
    const char *list;
    if (!split_label(value, s->label, sizeof s->label, &list))
        return refuse(why, cap, "series = '%.200s': expected series = LABEL | EXPR; EXPR; ... (one expression per "
                      "x, separated by ';')", value);
    int n = count_items(list);
    if (n != c->n_x)
        return refuse(why, cap, "series '%s' has %d value%s, x has %d: one expression per x, separated by ';'",
                      s->label, n, n == 1 ? "" : "s", c->n_x);
    s->line = line;
    p->n_series++;  /* now lesson_chart_free frees what it holds */
    for (int i = 0; i < n; i++) {
        char item[512];
        if (!next_item(&list, item, sizeof item))
            return refuse(why, cap, "series '%s': value %d is empty or longer than 511 bytes", s->label, i + 1);
        Error sub = {0};
        if (claim_parse_value(item, &s->value[i], &sub) != TF_OK)
            return refuse(why, cap, "series '%s', value %d '%.200s': %s", s->label, i + 1, item, sub.msg);
        s->n_values++;
    }
    return true;
}

/* "panel.zh = 中文" and the like: the translation of the line above. */
static bool read_zh(char *dst, size_t dcap, const char *what, const char *value, char *why, size_t cap)
{
    if (dst[0])
        return refuse(why, cap, "%s.zh given twice", what);
    if (!value[0])
        return refuse(why, cap, "%s.zh is empty", what);
    if (strlen(value) >= dcap)
        return refuse(why, cap, "%s.zh longer than %zu bytes", what, dcap - 1);
    snprintf(dst, dcap, "%s", value);
    return true;
}

bool lesson_chart_key(LessonChart *c, const char *key, const char *value, int line, char *why, size_t cap)
{
    LessonChartPanel *p = c->n_panels ? &c->panels[c->n_panels - 1] : NULL;
    LessonChartSeries *s = p && p->n_series ? &p->series[p->n_series - 1] : NULL;
    if (strcmp(key, "title") == 0 || strcmp(key, "panel") == 0) {
        const bool title = key[0] == 't';
        if (title && c->title[0])
            return refuse(why, cap, "[chart.%s] has two titles", c->name);
        if (!value[0] || strlen(value) >= sizeof c->title)
            return refuse(why, cap, "%s: give one line of 1 to 255 bytes", key);
        if (title) {
            snprintf(c->title, sizeof c->title, "%s", value);
            return true;
        }
        if (c->n_panels == LESSON_CHART_MAX_PANELS)
            return refuse(why, cap, "more than %d panels in one chart", LESSON_CHART_MAX_PANELS);
        p = &c->panels[c->n_panels++];
        memset(p, 0, sizeof *p);
        snprintf(p->title, sizeof p->title, "%s", value);
        p->line = line;
        return true;
    }
    if (strcmp(key, "title.zh") == 0)
        return read_zh(c->title_zh, sizeof c->title_zh, "title", value, why, cap);
    if (strcmp(key, "panel.zh") == 0) {
        if (!p || s)
            return refuse(why, cap, "panel.zh goes right after its panel = line");
        return read_zh(p->title_zh, sizeof p->title_zh, "panel", value, why, cap);
    }
    if (strcmp(key, "series.zh") == 0) {
        if (!s)
            return refuse(why, cap, "series.zh goes after its series = line");
        return read_zh(s->label_zh, sizeof s->label_zh, "series", value, why, cap);
    }
    if (strcmp(key, "x") == 0)
        return read_x(c, value, line, why, cap);
    if (strcmp(key, "log_x") == 0) {
        if (c->log_x != -1)
            return refuse(why, cap, "[chart.%s] has two log_x lines", c->name);
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return refuse(why, cap, "log_x = '%s': yes or no (without it: yes when every x is a power of 2)", value);
        c->log_x = value[0] == 'y';
        return true;
    }
    if (strcmp(key, "log_y") == 0) {
        if (c->log_y != -1)
            return refuse(why, cap, "[chart.%s] has two log_y lines", c->name);
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return refuse(why, cap, "log_y = '%s': yes or no (without it: no)", value);
        c->log_y = value[0] == 'y';
        return true;
    }
    if (strcmp(key, "series") == 0)
        return read_series(c, value, line, why, cap);
    return refuse(why, cap, "unknown key '%s' in a chart (title, title.zh, x, log_x, log_y, panel, panel.zh, series, "
                  "series.zh)", key);
}

bool lesson_chart_complete(const LessonChart *c, int *line, char *why, size_t cap)
{
    *line = c->line;
    if (!c->title[0])
        return refuse(why, cap, "[chart.%s] has no title", c->name);
    if (!c->n_x)
        return refuse(why, cap, "[chart.%s] has no x = NAME | values", c->name);
    if (!c->n_panels)
        return refuse(why, cap, "[chart.%s] has no panel", c->name);
    for (int i = 0; i < c->n_panels; i++)
        if (!c->panels[i].n_series) {
            *line = c->panels[i].line;
            return refuse(why, cap, "panel '%s' has no series", c->panels[i].title);
        }
    if (c->log_x == 1)
        for (int i = 0; i < c->n_x; i++)
            if (!(c->x[i] > 0)) {
                *line = c->x_line;
                return refuse(why, cap, "log_x = yes, but x = %g is not above 0", c->x[i]);
            }
    return true;
}

void lesson_chart_free(LessonChart *c)
{
    for (int p = 0; p < c->n_panels; p++)
        for (int s = 0; s < c->panels[p].n_series; s++)
            for (int i = 0; i < c->panels[p].series[s].n_values; i++)
                claim_free(&c->panels[p].series[s].value[i]);
    c->n_panels = 0;
}

/* ---- measuring ---- */

static bool power_of_two(double v)
{
    int e;
    return v > 0 && frexp(v, &e) == 0.5;
}

Status lesson_chart_measure(const Lesson *l, const LessonTraces *t, const LessonChart *c, const char *lang,
                            PlotChart *out, Error *err)
{
    const bool zh = lang && strcmp(lang, "zh") == 0;
    memset(out, 0, sizeof *out);
    out->name = c->name;
    out->x_label = c->x_label;
    out->n_x = c->n_x;
    bool pow2 = true;
    for (int i = 0; i < c->n_x; i++) {
        out->x[i] = c->x[i];
        pow2 = pow2 && power_of_two(c->x[i]);
    }
    out->log_x = c->log_x == 1 || (c->log_x == -1 && pow2);
    out->log_y = c->log_y == 1;
    out->n_panels = c->n_panels;
    for (int p = 0; p < c->n_panels; p++) {
        const LessonChartPanel *cp = &c->panels[p];
        PlotChartPanel *op = &out->panels[p];
        op->title = zh && cp->title_zh[0] ? cp->title_zh : cp->title;
        op->n_series = cp->n_series;
        for (int s = 0; s < cp->n_series; s++) {
            const LessonChartSeries *cs = &cp->series[s];
            op->series[s].label = zh && cs->label_zh[0] ? cs->label_zh : cs->label;
            for (int i = 0; i < cs->n_values; i++) {
                Error sub = {0};
                Status st = lesson_eval_value(l, t, &cs->value[i], &op->series[s].y[i], &sub);
                if (st) {
                    st = error_set(err, st, "%s:%d: chart %s, series '%s' at %s = %g: %s", l->ini_path, cs->line,
                                   c->name, cs->label, c->x_label, c->x[i], sub.msg);
                    if (sub.hint[0])
                        error_hint(err, "%s", sub.hint);
                    return st;
                }
            }
        }
    }
    return TF_OK;
}

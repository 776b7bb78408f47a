/* lesson_plot.c — a lesson's figures through src/plot. Figures of the main
 * run go into out_dir, those of another run into out_dir/RUN, so that the
 * same record of two runs never overwrites itself; a comparison
 * ("figure = norms vs @off") is named after both runs (norms.vs-off.png).
 *
 * Each figure is drawn with its title from [figures] and a source line
 * naming the lesson and the run ("lesson 8 · run off"), never the path of
 * the temporary trace file it was read from.
 *
 * A chart ([chart.NAME]) is measured on the traces with the claims'
 * evaluator and drawn into out_dir/NAME.png, with its table beside it as
 * NAME.dat (the numbers are the point of a chart), in the language asked
 * for. */
#include <stdio.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "plot/plot.h"
#include "trace/trace.h"

/* The source line of one image: the lesson, the run(s), and the record
 * for a figure that is one record (a glob draws several). */
static void source_line(const Lesson *l, const LessonFigure *f, const PlotFigure *pf, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "lesson %d · run %s", l->number, f->run);
    if (n > 0 && (size_t)n < cap && f->compare[0])
        n += snprintf(buf + n, cap - (size_t)n, " vs run %s", f->compare);
    if (n > 0 && (size_t)n < cap && pf->kind != PLOT_FIG_NORMS)
        snprintf(buf + n, cap - (size_t)n, " · %s", pf->name);
}

static Status plot_one_figure(const Lesson *l, const LessonTraces *t, const LessonFigure *f, const char *viz_dir,
                              const char *out_dir, const char *format, LessonPlotDone done, void *ctx, Error *err)
{
    const char *path = lesson_trace_path(t, f->run);
    if (!path)
        return error_set(err, TF_ERR_INPUT, "%s:%d: no trace for run '%s'", l->ini_path, f->line, f->run);
    const char *path2 = NULL;
    if (f->compare[0] && !(path2 = lesson_trace_path(t, f->compare)))
        return error_set(err, TF_ERR_INPUT, "%s:%d: no trace for run '%s'", l->ini_path, f->line, f->compare);
    char dir[LESSON_PATH_MAX + 64];
    if (strcmp(f->run, "main") == 0)
        snprintf(dir, sizeof dir, "%s", out_dir);
    else
        snprintf(dir, sizeof dir, "%s/%s", out_dir, f->run);
    TraceReader *r = NULL, *r2 = NULL;
    Status st = trace_reader_open(&r, path, err);
    if (st)
        return st;
    if (path2 && (st = trace_reader_open(&r2, path2, err))) {
        trace_reader_close(r);
        return st;
    }
    /* the runs after the second, for a training curve of several */
    TraceReader *opened[LESSON_FIGURE_MORE] = {0};
    const TraceReader *more[LESSON_FIGURE_MORE] = {0};
    char more_label[LESSON_FIGURE_MORE][48];
    const char *more_labels[LESSON_FIGURE_MORE];
    int n_more = 0;
    for (; st == TF_OK && n_more < f->n_more; n_more++) {
        const char *p = lesson_trace_path(t, f->more[n_more]);
        TraceReader *m = NULL;
        if (!p)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: no trace for run '%s'", l->ini_path, f->line, f->more[n_more]);
        else
            st = trace_reader_open(&m, p, err);
        if (st)
            break;
        opened[n_more] = m;
        more[n_more] = m;
        snprintf(more_label[n_more], sizeof more_label[0], "run %s", f->more[n_more]);
        more_labels[n_more] = more_label[n_more];
    }
    PlotFigureList list = {0};
    size_t matched = 0;
    if (st == TF_OK)
        st = plot_list_match(r, f->pattern, &list, &matched, err);
    if (st == TF_OK && matched == 0)
        st = error_set(err, TF_ERR_INPUT, "%s:%d: figure '%s' matches no record of run %s", l->ini_path, f->line,
                       f->pattern, f->run);
    char label[64], label2[64], suffix[48];
    snprintf(label, sizeof label, "run %s", f->run);
    snprintf(label2, sizeof label2, "run %s", f->compare);
    snprintf(suffix, sizeof suffix, ".vs-%s", f->compare);
    PlotOptions o;
    plot_options_init(&o, viz_dir, dir);
    o.format = format;
    o.head = f->head;
    o.batch = f->batch < 0 ? 0 : f->batch;
    o.title = f->title[0] ? f->title : NULL;
    if (r2) {
        o.label = label;
        o.label2 = label2;
        o.suffix = suffix;
    }
    if (n_more) {
        o.more = more;
        o.n_more = (size_t)n_more;
        o.more_labels = more_labels;
    }
    if (st == TF_OK)
        st = plot_options_check(&o, err);
    for (size_t k = 0; st == TF_OK && k < list.n; k++) {
        char written[LESSON_PATH_MAX + 256], source[256];
        source_line(l, f, &list.items[k], source, sizeof source);
        o.source = source;
        st = plot_figure(r, r2, &list.items[k], &o, written, sizeof written, err);
        if (st != TF_OK && r2 && err) {
            /* name the line of lesson.ini, as every other lesson error does */
            Error inner = *err;
            error_set(err, st, "%s:%d: %s", l->ini_path, f->line, inner.msg);
            if (inner.hint[0])
                error_hint(err, "%s", inner.hint);
        }
        if (st == TF_OK && done)
            done(ctx, f, written);
    }
    plot_list_free(&list);
    for (int k = 0; k < n_more; k++)
        trace_reader_close(opened[k]);
    trace_reader_close(r2);
    trace_reader_close(r);
    return st;
}

static Status plot_one_chart(const Lesson *l, const LessonTraces *t, const LessonChart *c, const char *viz_dir,
                             const char *out_dir, const char *format, const char *lang, LessonPlotDone done,
                             void *ctx, Error *err)
{
    PlotChart pc;
    Status st = lesson_chart_measure(l, t, c, lang, &pc, err);
    if (st)
        return st;
    const bool zh = lang && strcmp(lang, "zh") == 0;
    char source[64];
    snprintf(source, sizeof source, "lesson %d", l->number);
    PlotOptions o;
    plot_options_init(&o, viz_dir, out_dir);
    o.format = format;
    o.title = zh && c->title_zh[0] ? c->title_zh : c->title;
    o.source = source;
    o.keep_data = true;
    char written[LESSON_PATH_MAX + 256];
    st = plot_chart(&pc, &o, written, sizeof written, err);
    if (st && err) {
        Error inner = *err;
        error_set(err, st, "%s:%d: chart %s: %s", l->ini_path, c->line, c->name, inner.msg);
        if (inner.hint[0])
            error_hint(err, "%s", inner.hint);
    }
    if (st == TF_OK && done) {
        LessonFigure f;
        memset(&f, 0, sizeof f);
        snprintf(f.key, sizeof f.key, "%s", c->name);
        snprintf(f.pattern, sizeof f.pattern, "%s", c->name);
        snprintf(f.run, sizeof f.run, "main");
        snprintf(f.title, sizeof f.title, "%s", o.title);
        f.line = c->line;
        f.head = f.batch = -1;
        done(ctx, &f, written);
    }
    return st;
}

Status lesson_plot(const Lesson *l, const LessonTraces *t, const char *viz_dir, const char *out_dir,
                   const char *format, const char *lang, LessonPlotDone done, void *ctx, Error *err)
{
    Status st = plot_gnuplot_available(err);
    for (int i = 0; st == TF_OK && i < l->n_figures; i++)
        st = plot_one_figure(l, t, &l->figures[i], viz_dir, out_dir, format, done, ctx, err);
    for (int i = 0; st == TF_OK && i < l->n_charts; i++)
        st = plot_one_chart(l, t, &l->charts[i], viz_dir, out_dir, format, lang, done, ctx, err);
    return st;
}

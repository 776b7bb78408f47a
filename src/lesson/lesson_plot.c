/* lesson_plot.c — a lesson's figures through src/plot. Figures of the main
 * run go into out_dir, those of another run into out_dir/RUN, so that the
 * same record of two runs never overwrites itself. */
#include <stdio.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "plot/plot.h"
#include "trace/trace.h"

Status lesson_plot(const Lesson *l, const LessonTraces *t, const char *viz_dir, const char *out_dir,
                   const char *format, LessonPlotDone done, void *ctx, Error *err)
{
    Status st = plot_gnuplot_available(err);
    for (int i = 0; st == TF_OK && i < l->n_figures; i++) {
        const LessonFigure *f = &l->figures[i];
        const char *path = lesson_trace_path(t, f->run);
        if (!path)
            return error_set(err, TF_ERR_INPUT, "%s:%d: no trace for run '%s'", l->ini_path, f->line, f->run);
        char dir[LESSON_PATH_MAX + 64];
        if (strcmp(f->run, "main") == 0)
            snprintf(dir, sizeof dir, "%s", out_dir);
        else
            snprintf(dir, sizeof dir, "%s/%s", out_dir, f->run);
        TraceReader *r;
        if ((st = trace_reader_open(&r, path, err)))
            break;
        PlotFigureList list = {0};
        size_t matched = 0;
        st = plot_list_match(r, f->pattern, &list, &matched, err);
        if (st == TF_OK && matched == 0)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: figure '%s' matches no record of run %s", l->ini_path, f->line,
                           f->pattern, f->run);
        PlotOptions o;
        plot_options_init(&o, viz_dir, dir);
        o.format = format;
        o.head = f->head;
        o.batch = f->batch < 0 ? 0 : f->batch;
        if (st == TF_OK)
            st = plot_options_check(&o, err);
        for (size_t k = 0; st == TF_OK && k < list.n; k++) {
            char written[LESSON_PATH_MAX + 256];
            st = plot_figure(r, NULL, &list.items[k], &o, written, sizeof written, err);
            if (st == TF_OK && done)
                done(ctx, f, written);
        }
        plot_list_free(&list);
        trace_reader_close(r);
    }
    return st;
}

/* view_export.c — the viewer's x and X keys, through src/plot. */
#include "cli/view_export.h"

#include "plot/plot.h"

/* What both keys share: where images go, numbered so that a second press
 * never replaces the first image, and the words the viewer gives. */
static void export_options(const ViewExportPlace *p, int batch, const ViewExportInfo *info, PlotOptions *o)
{
    plot_options_init(o, p->viz, p->out);
    o->batch = batch >= 0 ? batch : 0;
    o->numbered = true;
    if (info) {
        o->tag = info->tag;
        o->source = info->source;
    }
}

Status view_export_png(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info,
                       char *written, size_t cap, Error *err)
{
    PlotOptions o;
    export_options(ctx, batch, info, &o);
    o.head = head;
    if (info) {
        o.title = info->title;
        o.mask = info->mask;
        o.all_columns = info->all_columns;
    }
    return plot_record_values(rec, &o, written, cap, err);
}

Status view_export_model_view(void *ctx, const TraceReader *r, const char *block, int batch,
                              const ViewExportInfo *info, char *written, size_t cap, Error *err)
{
    PlotOptions o;
    export_options(ctx, batch, info, &o);
    o.block = block;
    return plot_model_view(r, &o, written, cap, err);
}

/* view_export.c — the viewer's x and X keys, through src/plot. */
#include "cli/view_export.h"

#include "plot/plot.h"

Status view_export_png(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info,
                       char *written, size_t cap, Error *err)
{
    const ViewExportPlace *p = ctx;
    PlotOptions o;
    plot_options_init(&o, p->viz, p->out);
    o.head = head;
    o.batch = batch >= 0 ? batch : 0;
    o.numbered = true;  /* a second x never replaces the first image */
    if (info) {
        o.tag = info->tag;
        o.title = info->title;
        o.source = info->source;
        o.mask = info->mask;
    }
    return plot_record_values(rec, &o, written, cap, err);
}

Status view_export_model_view(void *ctx, const TraceReader *r, const char *block, int batch,
                              const ViewExportInfo *info, char *written, size_t cap, Error *err)
{
    const ViewExportPlace *p = ctx;
    PlotOptions o;
    plot_options_init(&o, p->viz, p->out);
    o.block = block;
    o.batch = batch >= 0 ? batch : 0;
    o.numbered = true;  /* a second X never replaces the first image */
    if (info) {
        o.tag = info->tag;
        o.source = info->source;
    }
    return plot_model_view(r, &o, written, cap, err);
}

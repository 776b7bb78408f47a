/* view_export.c — the viewer's x key, through src/plot. */
#include "cli/view_export.h"

#include "plot/plot.h"

Status view_export_png(void *ctx, const TraceReader *r, uint32_t index, int head, int batch, char *written,
                       size_t cap, Error *err)
{
    const ViewExportPlace *p = ctx;
    PlotOptions o;
    plot_options_init(&o, p->viz, p->out);
    o.head = head;
    o.batch = batch >= 0 ? batch : 0;
    return plot_record(r, index, &o, written, cap, err);
}

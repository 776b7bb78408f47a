/* view_export.h — the viewer's x key: the record on screen as a PNG; and
 * its X key: the model view of the trace on screen. */
#ifndef TF_CLI_VIEW_EXPORT_H
#define TF_CLI_VIEW_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trace/trace.h"
#include "view/state.h"

/* Where exported images go: the gnuplot scripts' directory and the output
 * directory (created by the plot when missing). */
typedef struct {
    char viz[4096];
    const char *out;
} ViewExportPlace;

/* A view export callback (ViewConfig.export): one matrix (a record, or
 * the viewer's aligned B or A − B), one head (−1: the script's choice) of
 * one sentence (−1: the first), through src/plot, with ctx a
 * ViewExportPlace; named and titled as info says, never replacing a file
 * (NAME-2.png, ...). */
Status view_export_png(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info,
                       char *written, size_t cap, Error *err);

/* A model view callback (ViewExport.model_view): plot_model_view through
 * src/plot with ctx a ViewExportPlace, never replacing a file. */
Status view_export_model_view(void *ctx, const TraceReader *r, const char *block, int batch,
                              const ViewExportInfo *info, char *written, size_t cap, Error *err);

#endif

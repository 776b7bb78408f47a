/* view_export.h — the viewer's x key: the record on screen as a PNG. */
#ifndef TF_CLI_VIEW_EXPORT_H
#define TF_CLI_VIEW_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trace/trace.h"

/* Where exported images go: the gnuplot scripts' directory and the output
 * directory (created by the plot when missing). */
typedef struct {
    char viz[4096];
    const char *out;
} ViewExportPlace;

/* A view export callback (ViewConfig.export): record `index` of r, one head
 * (−1: the script's choice) of one sentence (−1: the first), through
 * src/plot, with ctx a ViewExportPlace. */
Status view_export_png(void *ctx, const TraceReader *r, uint32_t index, int head, int batch, char *written,
                       size_t cap, Error *err);

#endif

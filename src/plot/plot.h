/* plot.h — rendering records to images through gnuplot (viz/*.gp).
 *
 * The scripts in viz/ do the drawing and stay usable on their own; this
 * module picks the script for a record, writes the data files it reads,
 * runs gnuplot as an external process, and makes sure an image is either
 * complete or absent. Used by `traceformer plot` and the viewer's export. */
#ifndef TF_PLOT_PLOT_H
#define TF_PLOT_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trace/trace.h"

typedef struct {
    const char *viz_dir;   /* directory holding heatmap.gp, heads.gp, ... */
    const char *out_dir;   /* where images go (created when missing) */
    const char *format;    /* "png" (default when NULL), "svg" or "pdf" */
    int width, height;     /* pixels; 0 picks a size that suits the record */
    int head;              /* one head of a [head, ...] record, or −1 for the script's choice */
    int batch;             /* one sentence of a batched record (default 0) */
} PlotOptions;

/* Render record `index` of r. On success `written` holds the image's path.
 * Errors: gnuplot missing (TF_ERR_RUNTIME, with the apt-get hint), gnuplot
 * failing (its own message passed through), bad options (TF_ERR_INPUT). */
Status plot_record(const TraceReader *r, uint32_t index, const PlotOptions *o, char *written,
                   size_t cap, Error *err);

#endif

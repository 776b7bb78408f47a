/* plot.h — rendering records to images through gnuplot (the viz/ scripts).
 *
 * The scripts in viz/ do the drawing and stay usable on their own; this
 * module picks the script for a record, writes the data files it reads,
 * runs gnuplot as an external process, and makes sure an image is either
 * complete or absent. Used by `traceformer plot` and the viewer's export.
 *
 * Which script draws a record (plot_record):
 *   kind "mask"                      mask.gp       0 / -inf cells, the kind of mask named
 *   kind "positions"                 positions.gp  the table and some of its sinusoids
 *   a "head" axis, no head chosen    heads.gp      every head in a grid, one colour scale
 *   anything else, or a head chosen  heatmap.gp    one matrix (sequential palette for
 *                                                  non-negative data, diverging about 0 else)
 * and figures that are not one record:
 *   "norms"                          norms.gp      residual-stream (and gradient) norms
 *   "gen.<name>"                     generation.gp gen.S.<name> of every decoding step S
 *                                    film.gp       the same as an animated GIF (format gif)
 *   "model-view"                     modelview.gp  every layer × every head of one kind
 *                                                  of attention block, one colour scale
 *   "loss" "accuracy" "lr" "grad-norm"
 *                                    training.gp   a training trace's curve, several runs
 *   "film"                           film.gp       one block's attention at training
 *                                                  snapshots side by side, or a GIF
 * and a lesson's chart, numbers measured on its traces against x
 * (plot_chart):                      chart.gp      panels of series, lines with points
 *
 * Images are named after what they show: enc.0.attn.weights.png,
 * enc.0.attn.weights.head1.png, enc.0.attn.mask.batch1.png for sentence 1 of a
 * batched trace, norms.png, gen.dec.0.self_attn.weights.png,
 * model-view.dec.cross.png, loss.png, film.dec.0.cross_attn.png (.gif),
 * a chart's NAME.png (scaling.png); PlotOptions.suffix
 * adds to the name (a lesson's comparison: norms.vs-off.png).
 *
 * How it runs: the data file and the image are made in a fresh directory
 * inside out_dir (".traceformer-plot-XXXXXX"), with gnuplot started there
 * by fork/exec — no shell — and given only fixed file names, numbers and
 * a checked font name on its command line, so nothing from the trace or
 * the command line is ever parsed as gnuplot commands. The image is
 * renamed into place only when gnuplot exits with success; the directory
 * is removed either way (and by a signal that ends the program:
 * io/signal_cleanup.h). An image name that is a device or a FIFO (a link
 * to /dev/null) is written in place, never replaced; a directory or socket
 * of that name is refused (io/atomic_file_place). gnuplot's messages are kept and passed on when
 * it fails. The program run is $TRACEFORMER_GNUPLOT when set, else
 * "gnuplot" from PATH; it runs with -d (no ~/.gnuplot). */
#ifndef TF_PLOT_PLOT_H
#define TF_PLOT_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trace/trace.h"

#define PLOT_DEFAULT_FONT "WenQuanYi Micro Hei"
#define PLOT_MIN_SIZE 64
#define PLOT_MAX_SIZE 20000
#define PLOT_TEXT_MAX 400

typedef struct {
    const char *viz_dir;   /* directory holding heatmap.gp, heads.gp, ... */
    const char *out_dir;   /* where images go (created when missing) */
    const char *format;    /* "png" (default when NULL), "svg" or "pdf" */
    int width, height;     /* pixels; 0 picks a size that suits the record */
    int head;              /* one head of a [head, ...] record, or −1 for the script's choice */
    int batch;             /* one sentence of a batched record (default 0) */
    /* Added after the first version; plot_options_init sets them. */
    const char *font;      /* font family; NULL: $TRACEFORMER_FONT, else PLOT_DEFAULT_FONT */
    bool keep_data;        /* also leave the data file beside the image (NAME.dat) */
    const char *geometry;  /* when non-NULL, a file that receives the scripts' panel
                              geometry lines ("panel PAGE X0 Y0 X1 Y1", pixels) — tests */
    /* Texts drawn on the figure (NULL or "": the script's own). They reach
     * gnuplot in a file, never on its command line; at most
     * PLOT_TEXT_MAX bytes each (a control character is drawn as a space). */
    const char *title;     /* the heading, in place of the record's name */
    const char *source;    /* a short line saying where the data came from
                              ("lesson 8 · run off"), in place of the trace's path */
    const char *label;     /* norms with a comparison: the legend's name for r ... */
    const char *label2;    /* ... and for `compare` (default: the traces' paths) */
    const char *suffix;    /* appended to the image's name ("norms.vs-off.png"):
                              letters, digits, '.', '_' and '-' only */
    const char *tag;       /* put after a record's name, before its head or sentence:
                              the run and switches ("enc.0.attn.weights.padding-off.head0.png");
                              the same characters as suffix; each at most 128 bytes */
    bool numbered;         /* never replace an image: when NAME.png exists, write
                              NAME-2.png (then -3, ...) instead */
    /* The attention block's mask ([query, key] or [batch, query, key], 0 /
     * -inf) for a record the mask has been applied to (its `masked` scores
     * or its weights): the cells it hides are drawn grey with a ×, with a
     * legend entry, and the heads grid's entropy reference is uniform over
     * the keys each row can see. NULL: plot_record looks the block's mask
     * up in the trace; plot_record_values draws without one. Ignored for
     * other records and for a mask whose query/key sizes differ. */
    const Record *mask;
    /* The model view's kind of attention block: "enc", "dec.self" or
     * "dec.cross"; NULL: the trace's default (see plot_model_view). The
     * film strip's block: "dec.0.cross_attn" (see plot_film). */
    const char *block;
    /* The film strip's snapshots: the steps S (updates made) of n_at of
     * them, in the order drawn; NULL: the default choice (plot_film). */
    const long *at;
    size_t n_at;
    /* The training curves: more training traces drawn on the same axes
     * after r (and compare), one colour each (at most PLOT_MAX_RUNS in all). */
    const TraceReader *const *more;
    size_t n_more;
    const char *const *more_labels;  /* (n_more) their legend names; NULL: their file names */
    /* A record whose last axis is a vocabulary of more than 64 tokens
     * (dec.probs of a character-level model, and its gen.S.* figure) is
     * drawn as its top 24 tokens' columns, the union of every row's best,
     * its title saying "top 24 of 1783 tokens" (plot/vocab_cut.h); true:
     * every column. */
    bool all_columns;
} PlotOptions;

/* The format of an animated GIF: only the film strip and the generation
 * figures take it (plot_film, plot_generation); plot_options_check and
 * every other figure refuse it. */
#define PLOT_FORMAT_GIF "gif"
#define PLOT_MAX_RUNS 8

/* Defaults: png, sizes 0, head −1, batch 0, no font override, no data kept,
 * no texts or suffix. */
void plot_options_init(PlotOptions *o, const char *viz_dir, const char *out_dir);

/* Check format, size and font without drawing anything (TF_ERR_INPUT);
 * "gif" is refused here (see PLOT_FORMAT_GIF). */
Status plot_options_check(const PlotOptions *o, Error *err);
/* Is o's format the animated GIF? */
bool plot_format_is_gif(const PlotOptions *o);

/* Whether gnuplot can be started (a program of that name on PATH, or the
 * one $TRACEFORMER_GNUPLOT names), without starting it: the same
 * TF_ERR_RUNTIME error, with the apt-get hint, as a plot would give. */
Status plot_gnuplot_available(Error *err);

/* Render record `index` of r (with its block's mask, see PlotOptions.mask).
 * On success `written` holds the image's path.
 * Errors: gnuplot missing (TF_ERR_RUNTIME, with the apt-get hint), gnuplot
 * failing (its own message passed through), bad options (TF_ERR_INPUT). */
Status plot_record(const TraceReader *r, uint32_t index, const PlotOptions *o, char *written,
                   size_t cap, Error *err);
/* The same for a record held in memory (the viewer's aligned B, or A − B). */
Status plot_record_values(const Record *rec, const PlotOptions *o, char *written, size_t cap, Error *err);

/* The residual-stream norms of r (and of `compare`, a second trace drawn
 * dashed on the same axes, when non-NULL), with gradient norms when the
 * trace has grad.* records. TF_ERR_INPUT when r has no residual stream. */
Status plot_norms(const TraceReader *r, const TraceReader *compare, const PlotOptions *o,
                  char *written, size_t cap, Error *err);

/* The records gen.S.<family> of every step S as one figure, a row per
 * step (family: "dec.0.self_attn.weights"). TF_ERR_INPUT when there are none.
 * With o->format "gif": an animated GIF (viz/film.gp), a frame per step,
 * frame S showing the rows of steps 0..S (the KV cache growing a key a
 * frame), one head (o->head) or the mean of the heads; named
 * gen.<family>.gif. */
Status plot_generation(const TraceReader *r, const char *family, const PlotOptions *o,
                       char *written, size_t cap, Error *err);

/* The model view: the attention weights of every layer and every head of
 * one kind of block (o->block: enc.L.attn, dec.L.self_attn or
 * dec.L.cross_attn; by default dec.cross in an encoder-decoder trace,
 * dec.self in a decoder-only one, enc when there is only an encoder) of
 * sentence o->batch, in one grid — a row per layer, a column per head —
 * on one colour scale 0..1, each panel titled with its mean row entropy,
 * the cells the block's mask hides grey with a ×; named
 * model-view.BLOCK.png (.batchB for a batched trace). TF_ERR_INPUT (before
 * anything is drawn) for a block the trace lacks, naming those it has;
 * for decoder attention a generation trace holds only as gen.S.* steps,
 * with a hint; and for o->batch out of range. */
Status plot_model_view(const TraceReader *r, const PlotOptions *o, char *written, size_t cap, Error *err);
/* The same checks without drawing: the block (o->block or the default)
 * and the batch. */
Status plot_model_view_check(const TraceReader *r, const PlotOptions *o, Error *err);

/* ---- training traces (src/trace/FORMAT.md, "Training") ---- */

/* A training curve of r, compare (when non-NULL) and o->more, one colour
 * per trace, on one figure drawn by training.gp: curve "loss" (train.loss
 * against the update number 1..N, a thin line, and the held-out
 * train.eval.loss against train.eval.step, points on a line; a log y axis
 * when the values span more than a factor of 20), "accuracy" (the same of
 * train.accuracy, linear), "lr" (train.lr) or "grad-norm"
 * (train.grad_norm). The legend names each trace by its file name without
 * .train.trace (o->label and o->label2 name the first two instead); the
 * image is CURVE.png. TF_ERR_INPUT, before anything is drawn, for a trace
 * without the curve's records (not a training trace), naming it. */
Status plot_train_curves(const TraceReader *r, const TraceReader *compare, const char *curve, const PlotOptions *o,
                         char *written, size_t cap, Error *err);
/* The same checks without drawing. */
Status plot_train_check(const TraceReader *r, const TraceReader *compare, const char *curve, const PlotOptions *o,
                        Error *err);

/* The film strip: one attention block's weights (train.S.<block>.weights)
 * at chosen snapshots of a training trace side by side (o->at, by default
 * every snapshot, at most 8 evenly chosen, the first and the last always),
 * on one colour scale 0..1, each panel titled "step S" with its mean row
 * entropy and labelled with the probe's tokens; drawn by film.gp. The
 * block is o->block ("dec.0.cross_attn"; by default dec.0.cross_attn, else
 * dec.0.self_attn, else enc.0.attn); a panel is head o->head or, by
 * default, the mean of the block's heads. With o->format "gif", an
 * animated GIF instead, a frame per snapshot (by default every one).
 * Named film.BLOCK.png (.headH). TF_ERR_INPUT, before anything is drawn:
 * no snapshots (not a training trace), no such block (the message names
 * those there are), a step of o->at without a snapshot (naming those
 * there are), o->head out of range. */
Status plot_film(const TraceReader *r, const PlotOptions *o, char *written, size_t cap, Error *err);
/* The same checks without drawing. */
Status plot_film_check(const TraceReader *r, const PlotOptions *o, Error *err);

/* ---- charts: numbers against x ---- */

#define PLOT_CHART_MAX_X 16
#define PLOT_CHART_MAX_PANELS 8
#define PLOT_CHART_MAX_SERIES 6

typedef struct {
    const char *label;                 /* the legend's entry */
    double y[PLOT_CHART_MAX_X];        /* (n_x) one value per x; NaN: not drawn */
} PlotChartSeries;

typedef struct {
    const char *title;
    int n_series;
    PlotChartSeries series[PLOT_CHART_MAX_SERIES];
} PlotChartPanel;

/* A lesson's chart (lesson 9: four measures against d_k, divided by √d_k
 * and not), drawn by chart.gp: one panel per entry, each series a line
 * with points and its values printed at them, one colour per series
 * across the panels. */
typedef struct {
    const char *name;                  /* the image's name: NAME.png; letters, digits, '_', '-' */
    const char *x_label;               /* "d_k" */
    int n_x;
    double x[PLOT_CHART_MAX_X];        /* increasing */
    bool log_x;                        /* a log2 x axis (every x above 0) */
    bool log_y;                        /* a log10 y axis (every value above 0, or NaN) */
    int n_panels;
    PlotChartPanel panels[PLOT_CHART_MAX_PANELS];
} PlotChart;

/* Draw c into o->out_dir/NAME.FORMAT (with o->keep_data, its table beside
 * it as NAME.dat; its format is at the top of viz/chart.gp). o->title is
 * the heading, o->source the line under it. TF_ERR_INPUT for a chart out
 * of bounds. */
Status plot_chart(const PlotChart *c, const PlotOptions *o, char *written, size_t cap, Error *err);

/* ---- choosing figures ---- */

typedef enum {
    PLOT_FIG_RECORD,
    PLOT_FIG_NORMS,
    PLOT_FIG_GENERATION,
    PLOT_FIG_MODEL_VIEW,
    PLOT_FIG_TRAIN,   /* a training curve: name "loss", "accuracy", "lr" or "grad-norm" */
    PLOT_FIG_FILM,    /* the film strip of a training trace: name "film" */
} PlotFigureKind;

typedef struct {
    PlotFigureKind kind;
    uint32_t index;   /* PLOT_FIG_RECORD: the record */
    char name[160];   /* the record's name, "norms", "gen.<family>", "model-view",
                         a training curve's name or "film" */
} PlotFigure;

typedef struct {
    PlotFigure *items;
    size_t n, cap;
} PlotFigureList;

void plot_list_free(PlotFigureList *l);

/* The figures a lesson wants, in trace order: every attention block's
 * weights (heads grid), each distinct mask and relative-position bias of
 * every kind of attention block (later layers repeat the first's and are
 * left out), the positional table (enc.pos, else dec.pos, else the rotary
 * angles, else the relative buckets), the output probabilities
 * (dec.probs); then the norms figure, and when the trace has gen.*
 * records one generation figure per decoder layer's self-attention and,
 * in an encoder-decoder trace, per layer's cross-attention; of a training
 * trace (whose train.S.* snapshots are not drawn one by one), "loss",
 * "accuracy" and "film". */
Status plot_list_defaults(const TraceReader *r, PlotFigureList *l, Error *err);

/* Append every figure whose name matches `pattern` (a shell glob, as
 * fnmatch; a plain name matches itself) and is not in l yet: records in
 * trace order, then "norms", the gen.<family> figures, the training
 * curves ("loss", "accuracy", "lr", "grad-norm"), and "model-view" and
 * "film" (only by their names: a glob does not draw them). A training
 * figure named in a trace without it, matching nothing else, is added
 * all the same, so that drawing it says why not. *matched counts
 * every match, including those already in l. */
Status plot_list_match(const TraceReader *r, const char *pattern, PlotFigureList *l,
                       size_t *matched, Error *err);

/* Append the figures that are not records ("norms", gen.<family>,
 * "model-view", the training curves, "film") that r can draw: names for
 * "did you mean". */
Status plot_list_virtual(const TraceReader *r, PlotFigureList *l, Error *err);

/* Draw one figure (compare: the second trace of a norms figure, or NULL). */
Status plot_figure(const TraceReader *r, const TraceReader *compare, const PlotFigure *f,
                   const PlotOptions *o, char *written, size_t cap, Error *err);

#endif

/* cmd_plot.c — `traceformer plot TRACE [NAME|PATTERN...] -o DIR [options]`.
 *
 * Everything that can be refused is refused before the first image is
 * drawn: the flags, every name and pattern, the records' checksums, the
 * head and batch against the records, and whether gnuplot is there. Each
 * image then appears complete or not at all (src/plot/plot.h), and its
 * path is printed. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "cli/paths.h"
#include "plot/plot.h"
#include "text/nearest.h"

/* The most steps --at takes. */
#define FILM_AT_MAX 64

typedef struct {
    CliArguments args;  /* TRACE, then the NAMEs */
    const char *dir, *format, *size, *font, *compare, *block, *at;
    long head, batch;  /* -1: not given */
    bool keep_data, all_columns;
    /* every --compare given, in order (the option table keeps the last) */
    const char *compares[PLOT_MAX_RUNS];
    int n_compares;
    long steps[FILM_AT_MAX];  /* --at's steps */
    size_t n_steps;
} PlotArgs;

#define AT(field) offsetof(PlotArgs, field)
static const CliOption options[] = {
    CLI_VALUE_ONCE("output", 'o', "DIR", "where the images go", AT(dir)),
    CLI_VALUE_ONCE("format", 0, "F",
                   "png (default), svg (text stays text) or pdf; gif: an\n"
                   "animated GIF of the film strip or a gen.NAME figure,\n"
                   "a frame per snapshot or decoding step", AT(format)),
    CLI_COUNT("head", "H", "one head of the records that have a head axis", AT(head), 100000, OPT_ONCE),
    CLI_COUNT("batch", "B",
              "one sentence of a batched trace (default 0);\n"
              "file names gain .batchB", AT(batch), 100000, OPT_ONCE),
    CLI_VALUE_ONCE("size", 0, "W,H",
                   "page size in pixels, 64..20000, the figure laid out to\n"
                   "fill it (default: a 16:9 slide, 1600,900, the figure\n"
                   "scaled to fit; PDF: 120 pixels to the inch, so the\n"
                   "slide is 13.333 x 7.5 in)", AT(size)),
    CLI_VALUE_ONCE("font", 0, "NAME",
                   "font family of every text (default: $TRACEFORMER_FONT,\n"
                   "else WenQuanYi Micro Hei, which has CJK glyphs)", AT(font)),
    CLI_VALUE("compare", 0, "TRACE2",
              "draw TRACE2's norms dashed on the norms figure, e.g. a\n"
              "run without residual connections; on a training curve,\n"
              "TRACE2's curve in its own colour (give --compare up to\n"
              "7 times)", AT(compare)),
    CLI_VALUE_ONCE("block", 0, "BLOCK",
                   "the model view's kind of attention block: enc,\n"
                   "dec.self or dec.cross (default: dec.cross, else\n"
                   "dec.self, else enc: what the trace has); the film\n"
                   "strip's block: dec.0.cross_attn, enc.1.attn, ...\n"
                   "(default: dec.0.cross_attn, else dec.0.self_attn,\n"
                   "else enc.0.attn)", AT(block)),
    CLI_VALUE_ONCE("at", 0, "S,S,...",
                   "the film strip's snapshots, by the updates made: 0,50,100\n"
                   "(default: every snapshot, at most 8 evenly chosen, the\n"
                   "first and the last always; a GIF: every one)", AT(at)),
    CLI_SWITCH("all-columns", 0,
               "draw every token of a vocabulary axis (dec.probs of a\n"
               "character model: thousands of columns); by default a\n"
               "vocabulary of more than 64 tokens is drawn as the 24\n"
               "that every row ranks highest, the title saying so", AT(all_columns)),
    CLI_SWITCH("keep-data", 0,
               "leave each figure's data beside it (NAME.dat), to run\n"
               "the script by hand: gnuplot -e \"data='NAME.dat';\n"
               "out='x.png'\" viz/SCRIPT.gp", AT(keep_data)),
    CLI_TEXT(""),
};
#undef AT

static const CliCommand command = {
    .name = "plot",
    .usage =
        "usage: traceformer plot TRACE [NAME|PATTERN...] -o DIR [--format png|svg|pdf|gif]\n"
    "                        [--head H] [--batch B] [--size W,H] [--font NAME]\n"
    "                        [--compare TRACE2]... [--block BLOCK] [--at S,S,...] [--keep-data]\n"
    "                        [--all-columns]\n"
    "\n"
    "Draw records of a trace as images with the gnuplot scripts in viz/, one\n"
    "image per figure, named after the record (enc.0.attn.weights.png), and\n"
    "print the path of each. DIR is created when missing.\n"
    "\n"
    "What draws what:\n"
    "  records with a head axis (attention weights, scores, q, k, v, ...)\n"
    "               every head in a grid on one colour scale, each titled with\n"
    "               its mean row entropy (heads.gp); with --head H, that head\n"
    "               alone (heatmap.gp), NAME.headH.png\n"
    "  masks        0 / -inf cells, and whether the mask is causal, padding or\n"
    "               both (mask.gp)\n"
    "  enc.pos dec.pos  the positional-encoding table and some of its\n"
    "               sinusoids (positions.gp)\n"
    "  other records    a heatmap with token labels: a sequential palette for\n"
    "               non-negative values, diverging about 0 for signed ones,\n"
    "               -inf cells grey (heatmap.gp)\n"
    "  norms        the residual stream's norm record by record, per layer,\n"
    "               and gradient norms when the trace has grad.* (norms.gp)\n"
    "  gen.NAME     NAME during generation, a row per decoding step: self-\n"
    "               attention over the KV cache growing a key a step, cross-\n"
    "               attention over the same encoder memory every step\n"
    "               (generation.gp; from gen.S.NAME records); gen.dec.probs,\n"
    "               each step's prediction (heatmap.gp)\n"
    "  a vocabulary axis (dec.logits, dec.probs, gen.dec.probs) of more than\n"
    "               64 tokens: the 24 columns every row ranks highest (each\n"
    "               row's best, then its second best, ...), titled \"top 24\n"
    "               of 1783 tokens\"; --all-columns draws them all\n"
    "  model-view   the whole model at a glance: one kind of attention block\n"
    "               (--block), a row per layer, a column per head, every panel\n"
    "               on one colour scale 0..1 and titled with its mean row\n"
    "               entropy, masked cells grey with a x; for slides\n"
    "               (modelview.gp; model-view.BLOCK.png)\n"
    "\n"
    "A training trace (`traceformer train --trace-every K`: model.train.trace):\n"
    "  loss         the loss of every update (a thin line) and the held-out\n"
    "               loss of every evaluation (points), one colour per trace\n"
    "               with --compare, named by file; a log axis when the loss\n"
    "               spans more than a factor of 20 (training.gp; loss.png)\n"
    "  accuracy     the same of the token accuracy (accuracy.png)\n"
    "  lr grad-norm the learning rate, the gradient's norm before clipping\n"
    "  film         one attention block (--block) at snapshots during\n"
    "               training (--at) side by side on one colour scale 0..1,\n"
    "               each titled \"step S\" (the updates made) and its mean row\n"
    "               entropy, labelled with the probe's tokens; each panel\n"
    "               the mean of the block's heads, or --head H (film.gp;\n"
    "               film.BLOCK.png); --format gif: a frame per snapshot\n"
    "  gen.NAME --format gif   a frame per decoding step, the KV cache\n"
    "               growing a key a frame (NAME.gif)\n"
    "\n"
    "Without NAME: the figures of a lesson — every attention block's weights,\n"
    "each distinct mask (the masks of later layers repeat the first's), the\n"
    "positional encoding, dec.probs, norms, and the generation figures when\n"
    "the trace has gen.* records; of a training trace, loss, accuracy and\n"
    "film. A PATTERN is a shell glob matched against the record names and the\n"
    "figures above: 'enc.*.attn.weights' (quote it); the model view and the\n"
    "film strip are drawn only when named.\n"
    "\n",
    .epilog =
    "environment: TRACEFORMER_FONT (font), TRACEFORMER_GNUPLOT (the program run\n"
    "instead of gnuplot), TRACEFORMER_DATA (the directory holding viz/; gnuplot\n"
    "runs its scripts, and they can run any command: trust it as you trust this\n"
    "program)\n"
    "exit codes: 0 success, 1 runtime failure (gnuplot missing or failing),\n"
    "2 bad usage or bad input (a pattern that matches nothing, say)\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 22,
    .usage_in_errors = true,
    .arguments = true,
    .arguments_at = offsetof(PlotArgs, args),
};

/* Every --compare's value, in order: the option table keeps only the
 * last. Walks argv as cli_options_parse did (it has accepted it): an
 * option other than a switch takes the next argument unless it has
 * "=VALUE". */
static int collect_compares(int argc, char **argv, PlotArgs *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0')
            continue;
        const char *value = NULL;
        if (strcmp(arg, "--compare") == 0 && i + 1 < argc)
            value = argv[++i];
        else if (strncmp(arg, "--compare=", 10) == 0)
            value = arg + 10;
        else if (strcmp(arg, "--keep-data") != 0 && !strchr(arg, '='))
            i++;
        if (!value)
            continue;
        if (a->n_compares == PLOT_MAX_RUNS - 1)
            return cli_usage_error("plot", command.usage, "--compare: at most %d traces to compare with",
                                   PLOT_MAX_RUNS - 1);
        a->compares[a->n_compares++] = value;
    }
    return 0;
}

/* --at "0,50,100": whole numbers 0 and up, comma-separated. */
static int parse_at(PlotArgs *a)
{
    const char *p = a->at;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || *p < '0' || *p > '9' || errno != 0 || (*end != ',' && *end != '\0'))
            return cli_usage_error("plot", command.usage,
                                   "--at '%s': expected the steps of snapshots, whole numbers separated by commas "
                                   "(0,50,100)", a->at);
        if (a->n_steps == FILM_AT_MAX)
            return cli_usage_error("plot", command.usage, "--at: at most %d steps", FILM_AT_MAX);
        for (size_t k = 0; k < a->n_steps; k++)
            if (a->steps[k] == v)
                return cli_usage_error("plot", command.usage, "--at: step %ld given twice", v);
        a->steps[a->n_steps++] = v;
        if (*end == '\0')
            return 0;
        p = end + 1;
    }
}

/* Returns -1 after --help, 0 when the arguments are good, else the exit code. */
static int parse_args(int argc, char **argv, PlotArgs *a)
{
    memset(a, 0, sizeof *a);
    a->head = a->batch = -1;
    if (cli_arguments_init(&a->args, argc))
        return 1;
    int rc = cli_options_parse(&command, argc, argv, a, NULL);
    if (rc)
        return rc;
    if (!a->args.first)
        return cli_usage_error("plot", command.usage, "missing TRACE");
    if (!a->dir || !a->dir[0])
        return cli_usage_error("plot", command.usage, "missing -o DIR");
    rc = collect_compares(argc, argv, a);
    if (!rc && a->at)
        rc = parse_at(a);
    return rc ? rc : cli_check_output_dir("plot", "-o", a->dir);
}

/* "W,H" with both in range; false after reporting. */
static bool parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    bool ok = end != s && *end == ',' && errno == 0;
    long b = 0;
    if (ok) {
        const char *second = end + 1;
        b = strtol(second, &end, 10);
        ok = end != second && *end == '\0' && errno == 0 && (*second >= '0' && *second <= '9');
    }
    ok = ok && s[0] >= '0' && s[0] <= '9';
    if (!ok || a < PLOT_MIN_SIZE || a > PLOT_MAX_SIZE || b < PLOT_MIN_SIZE || b > PLOT_MAX_SIZE) {
        fprintf(stderr, "traceformer plot: --size '%s': expected W,H in pixels, each %d..%d (e.g. 1200,800)\n", s,
                PLOT_MIN_SIZE, PLOT_MAX_SIZE);
        return false;
    }
    *w = (int)a;
    *h = (int)b;
    return true;
}

/* ---- "did you mean" for a pattern that matches nothing ---- */

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int no_match(const TraceReader *r, const char *pattern)
{
    char literal[256];
    size_t len = 0;
    for (const char *p = pattern; *p && len + 1 < sizeof literal; p++)
        if (!strchr("*?[]", *p))
            literal[len++] = *p;
    literal[len] = '\0';
    Nearest near;
    nearest_init(&near, literal);
    for (uint32_t i = 0; i < trace_reader_count(r); i++)
        nearest_offer(&near, trace_reader_name(r, i));
    PlotFigureList virt = {0};
    Error err;
    if (plot_list_virtual(r, &virt, &err) == TF_OK)
        for (size_t k = 0; k < virt.n; k++)
            nearest_offer(&near, virt.items[k].name);
    error_set(&err, TF_ERR_INPUT, "%s: %s '%s' matches no record or figure", trace_reader_path(r),
              has_glob(pattern) ? "pattern" : "name", pattern);
    char list[220];
    if (nearest_join(&near, list, sizeof list) > 0) {
        error_hint(&err, "closest names: %s", list);
    } else {
        error_hint(&err, "`traceformer ls %s` lists the records", trace_reader_path(r));
    }
    plot_list_free(&virt);
    return cli_report(&err, TF_ERR_INPUT);
}

/* ---- choosing and checking the figures ---- */

static int select_figures(const TraceReader *r, const PlotArgs *a, PlotFigureList *l)
{
    Error err;
    Status s;
    if (a->args.n_rest == 0) {
        s = plot_list_defaults(r, l, &err);
        if (s != TF_OK)
            return cli_report(&err, s);
        if (l->n == 0) {
            error_set(&err, TF_ERR_INPUT, "%s: nothing to draw by default (no attention, masks, positions or "
                                          "residual stream)", trace_reader_path(r));
            error_hint(&err, "name the records to draw: `traceformer ls %s` lists them", trace_reader_path(r));
            return cli_report(&err, TF_ERR_INPUT);
        }
        return 0;
    }
    for (int k = 0; k < a->args.n_rest; k++) {
        size_t matched = 0;
        s = plot_list_match(r, a->args.rest[k], l, &matched, &err);
        if (s != TF_OK)
            return cli_report(&err, s);
        if (matched == 0)
            return no_match(r, a->args.rest[k]);
    }
    return 0;
}

static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

/* The traces given with --compare, opened. */
typedef struct {
    TraceReader *r[PLOT_MAX_RUNS];
    int n;
} Compares;

/* Fetch every record figure once (a corrupt one stops the plot before
 * anything is drawn), check --head and --batch against them, the other
 * figures' own checks (model view, training curves, film strip), and what
 * --block, --at, --compare and --format gif need; note which figures have
 * a head axis. base: the options the figures will be drawn with. */
static int check_figures(const TraceReader *r, const Compares *cmp, const PlotArgs *a, const PlotFigureList *l,
                         const PlotOptions *base, bool *has_head)
{
    bool any_head = false, any_batch = false, any_norms = false, any_model = false, any_train = false,
         any_film = false;
    for (size_t k = 0; k < l->n; k++) {
        const PlotFigure *f = &l->items[k];
        has_head[k] = f->kind == PLOT_FIG_GENERATION || f->kind == PLOT_FIG_FILM;
        any_norms |= f->kind == PLOT_FIG_NORMS;
        if (plot_format_is_gif(base) && f->kind != PLOT_FIG_FILM && f->kind != PLOT_FIG_GENERATION)
            return cli_usage_error("plot", command.usage,
                                   "--format gif: %s does not animate; only the film strip ('film') and the "
                                   "gen.NAME figures do", f->name);
        if (f->kind == PLOT_FIG_MODEL_VIEW) {
            /* the block, and the sentence of a batched trace */
            any_model = any_batch = true;
            PlotOptions o;
            plot_options_init(&o, ".", ".");
            o.block = a->block;
            o.batch = a->batch >= 0 ? (int)a->batch : 0;
            Error err;
            Status s = plot_model_view_check(r, &o, &err);
            if (s != TF_OK)
                return cli_report(&err, s);
        }
        if (f->kind == PLOT_FIG_TRAIN) {
            any_train = true;
            PlotOptions o = *base;
            o.head = -1;
            o.more = (const TraceReader *const *)cmp->r;
            o.n_more = (size_t)cmp->n;
            Error err;
            Status s = plot_train_check(r, NULL, f->name, &o, &err);
            if (s != TF_OK)
                return cli_report(&err, s);
        }
        if (f->kind == PLOT_FIG_FILM) {
            any_film = true;
            Error err;
            Status s = plot_film_check(r, base, &err);
            if (s != TF_OK)
                return cli_report(&err, s);
        }
        if (f->kind != PLOT_FIG_RECORD)
            continue;
        TraceRecord t;
        Error err;
        Status s = trace_reader_get(r, f->index, &t, &err);
        if (s != TF_OK)
            return cli_report(&err, s);
        int head = axis_named(&t.rec, "head");
        bool batched = t.rec.ndim > 1 && axis_named(&t.rec, "batch") == 0;
        has_head[k] = head >= 0;
        if (head >= 0 && a->head >= (long)t.rec.dims[head]) {
            error_set(&err, TF_ERR_INPUT, "--head %ld: %s has heads 0..%u", a->head, t.rec.name,
                      t.rec.dims[head] - 1);
            trace_record_release(&t);
            return cli_report(&err, TF_ERR_INPUT);
        }
        if (batched && a->batch >= (long)t.rec.dims[0]) {
            error_set(&err, TF_ERR_INPUT, "--batch %ld: %s has sentences 0..%u", a->batch, t.rec.name,
                      t.rec.dims[0] - 1);
            trace_record_release(&t);
            return cli_report(&err, TF_ERR_INPUT);
        }
        any_head |= head >= 0;
        any_batch |= batched;
        trace_record_release(&t);
    }
    for (size_t k = 0; k < l->n; k++)
        any_head |= has_head[k];
    if (a->head >= 0 && !any_head)
        return cli_usage_error("plot", command.usage, "--head %ld: none of the figures has a head axis", a->head);
    if (a->batch > 0 && !any_batch) {
        /* no record figure says how many sentences there are: the input does */
        long sentences = 1;
        long in = trace_reader_find(r, "enc.input");
        if (in < 0)
            in = trace_reader_find(r, "dec.input");
        TraceRecord t;
        Error err;
        if (in >= 0 && trace_reader_get(r, (uint32_t)in, &t, &err) == TF_OK) {
            if (t.rec.ndim > 1 && axis_named(&t.rec, "batch") == 0)
                sentences = t.rec.dims[0];
            trace_record_release(&t);
        }
        if (a->batch >= sentences)
            return cli_usage_error("plot", command.usage, "--batch %ld: the trace has %s", a->batch,
                                   sentences == 1 ? "one sentence" : "fewer sentences");
    }
    if (a->block && !any_model && !any_film)
        return cli_usage_error("plot", command.usage,
                               "--block chooses the model view's or the film strip's block: add 'model-view' or "
                               "'film' to the names");
    if (a->at && !any_film)
        return cli_usage_error("plot", command.usage, "--at chooses the film strip's snapshots: add 'film' to the names");
    if (cmp->n > 0 && !any_norms && !any_train)
        return cli_usage_error("plot", command.usage,
                               "--compare draws on the norms figure or a training curve: add 'norms' or 'loss' to "
                               "the names");
    if (cmp->n > 1 && any_norms)
        return cli_usage_error("plot", command.usage, "--compare: the norms figure compares two traces, not %d",
                               cmp->n + 1);
    return 0;
}

static int draw(const TraceReader *r, const Compares *cmp, const PlotFigureList *l, const bool *has_head,
                const PlotOptions *base)
{
    char written[4096];
    for (size_t k = 0; k < l->n; k++) {
        PlotOptions o = *base;
        /* --head applies to the figures with heads; the others are drawn whole */
        if (!has_head[k])
            o.head = -1;
        /* the norms figure compares with one trace, a training curve with all */
        const TraceReader *compare = NULL;
        if (l->items[k].kind == PLOT_FIG_TRAIN) {
            o.more = (const TraceReader *const *)cmp->r;
            o.n_more = (size_t)cmp->n;
        } else if (cmp->n > 0) {
            compare = cmp->r[0];
        }
        Error err;
        error_clear(&err);
        Status s = plot_figure(r, compare, &l->items[k], &o, written, sizeof written, &err);
        if (s != TF_OK)
            return cli_report(&err, s);
        printf("%s\n", written);
    }
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    PlotArgs a;
    int code = parse_args(argc, argv, &a);
    if (code) {
        cli_arguments_free(&a.args);
        return code < 0 ? 0 : code;
    }
    char viz[4096];
    snprintf(viz, sizeof viz, "%s/viz", paths_data_dir());
    PlotOptions o;
    plot_options_init(&o, viz, a.dir);
    if (a.format)
        o.format = a.format;
    if (a.head >= 0)
        o.head = (int)a.head;
    if (a.batch >= 0)
        o.batch = (int)a.batch;
    o.font = a.font;
    o.keep_data = a.keep_data;
    o.all_columns = a.all_columns;
    o.block = a.block;
    o.at = a.n_steps ? a.steps : NULL;
    o.n_at = a.n_steps;
    if (a.size && !parse_size(a.size, &o.width, &o.height)) {
        cli_arguments_free(&a.args);
        return 2;
    }
    Error err;
    /* gif is for the figures that animate (check_figures); the rest of
     * the options are checked as for any format */
    PlotOptions still = o;
    if (plot_format_is_gif(&o))
        still.format = "png";
    if (plot_options_check(&still, &err) != TF_OK) {
        cli_arguments_free(&a.args);
        return cli_usage_error("plot", command.usage, "%s", err.msg);
    }

    TraceReader *r = NULL;
    Compares cmp = {0};
    PlotFigureList figures = {0};
    bool *has_head = NULL;
    code = cli_open_trace(a.args.first, &r);
    for (int k = 0; !code && k < a.n_compares; k++) {
        code = cli_open_trace(a.compares[k], &cmp.r[k]);
        cmp.n += !code;
    }
    if (!code)
        code = select_figures(r, &a, &figures);
    if (!code) {
        has_head = calloc(figures.n ? figures.n : 1, sizeof *has_head);
        code = has_head ? check_figures(r, &cmp, &a, &figures, &o, has_head) : 1;
    }
    if (!code && plot_gnuplot_available(&err) != TF_OK)
        code = cli_report(&err, TF_ERR_RUNTIME);
    if (!code)
        code = draw(r, &cmp, &figures, has_head, &o);
    if (!code && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "traceformer: plot: cannot write to standard output\n");
        code = 1;
    }
    free(has_head);
    plot_list_free(&figures);
    for (int k = 0; k < cmp.n; k++)
        trace_reader_close(cmp.r[k]);
    trace_reader_close(r);
    cli_arguments_free(&a.args);
    return code;
}

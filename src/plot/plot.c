#include "plot/plot.h"

#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/record_kind.h"
#include "io/atomic_file.h"
#include "io/scratch_dir.h"
#include "plot/film.h"
#include "plot/gnuplot.h"
#include "plot/model_view.h"
#include "plot/plot_data.h"
#include "plot/train_curves.h"
#include "plot/vocab_cut.h"
#include "text/printable.h"
#include "trace/export.h"
#include "trace/record_name.h"

/* gnuplot draws a figure of the default example in a tenth of a second;
 * a minute means something is wrong (a script waiting for input, say). */
#define PLOT_TIMEOUT_S 120.0

void plot_options_init(PlotOptions *o, const char *viz_dir, const char *out_dir)
{
    memset(o, 0, sizeof *o);
    o->viz_dir = viz_dir;
    o->out_dir = out_dir;
    o->format = "png";
    o->head = -1;
}

static const char *format_of(const PlotOptions *o)
{
    return o->format ? o->format : "png";
}

static const char *font_of(const PlotOptions *o)
{
    if (o->font)
        return o->font;
    const char *env = getenv("TRACEFORMER_FONT");
    return env && env[0] ? env : PLOT_DEFAULT_FONT;
}

/* A font name goes to gnuplot inside a quoted string: refuse anything that
 * could end the string or be expanded there (quotes, backquotes run a
 * shell command in gnuplot, '@' expands a macro, '\' escapes). */
static const char *font_problem(const char *font)
{
    size_t n = strlen(font);
    if (n == 0)
        return "is empty";
    if (n > 100)
        return "is longer than 100 bytes";
    for (const unsigned char *p = (const unsigned char *)font; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return "has a control character";
        if (strchr("'\"`@\\$;", *p))
            return "has one of the characters ' \" ` @ \\ $ ; which font names do not need";
    }
    return NULL;
}

/* The checks of plot_options_check; animated: the figure can be an
 * animated GIF (the film strip, a generation figure). */
static Status options_check(const PlotOptions *o, bool animated, Error *err)
{
    const char *f = format_of(o);
    if (strcmp(f, PLOT_FORMAT_GIF) == 0 && !animated)
        return error_set(err, TF_ERR_INPUT, "format 'gif': only the film strip and the gen.NAME figures animate; "
                                            "expected png, svg or pdf");
    if (strcmp(f, "png") != 0 && strcmp(f, "svg") != 0 && strcmp(f, "pdf") != 0 && strcmp(f, PLOT_FORMAT_GIF) != 0)
        return error_set(err, TF_ERR_INPUT, "format '%s': expected png, svg or pdf", f);
    if ((o->width != 0 && (o->width < PLOT_MIN_SIZE || o->width > PLOT_MAX_SIZE)) ||
        (o->height != 0 && (o->height < PLOT_MIN_SIZE || o->height > PLOT_MAX_SIZE)) ||
        (o->width == 0) != (o->height == 0))
        return error_set(err, TF_ERR_INPUT, "size %d,%d: width and height must both be %d..%d pixels",
                         o->width, o->height, PLOT_MIN_SIZE, PLOT_MAX_SIZE);
    if (o->batch < 0)
        return error_set(err, TF_ERR_INPUT, "batch %d: must be 0 or more", o->batch);
    const char *font = font_of(o);
    const char *problem = font_problem(font);
    if (problem) {
        error_set(err, TF_ERR_INPUT, "font '%s' %s", font, problem);
        if (!o->font)
            error_hint(err, "the font comes from TRACEFORMER_FONT");
        return TF_ERR_INPUT;
    }
    const char *texts[] = {o->title, o->source, o->label, o->label2};
    const char *text_names[] = {"title", "source", "label", "label2"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        if (texts[k] && strlen(texts[k]) > PLOT_TEXT_MAX)
            return error_set(err, TF_ERR_INPUT, "%s '%.40s...' is longer than %d bytes", text_names[k], texts[k],
                             PLOT_TEXT_MAX);
    const char *parts[] = {o->suffix, o->tag};
    const char *part_names[] = {"suffix", "tag"};
    for (int k = 0; k < 2; k++) {
        const char *part = parts[k];
        if (!part)
            continue;
        if (strlen(part) > 128)
            return error_set(err, TF_ERR_INPUT, "image name %s '%.40s...' is longer than 128 bytes", part_names[k],
                             part);
        for (const char *p = part; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
                  *p == '_' || *p == '-'))
                return error_set(err, TF_ERR_INPUT, "image name %s '%s': letters, digits, '.', '_' and '-' only",
                                 part_names[k], part);
    }
    if (!o->viz_dir || !o->out_dir || !o->out_dir[0])
        return error_set(err, TF_ERR_INPUT, "plot: no %s directory given", o->viz_dir ? "output" : "viz");
    return TF_OK;
}

Status plot_options_check(const PlotOptions *o, Error *err)
{
    return options_check(o, false, err);
}

bool plot_format_is_gif(const PlotOptions *o)
{
    return strcmp(format_of(o), PLOT_FORMAT_GIF) == 0;
}

Status plot_gnuplot_available(Error *err)
{
    return gnuplot_check(err);
}

/* ---- files and directories ---- */

/* mkdir -p */
static Status make_dirs(const char *dir, Error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", dir);
    for (char *s = path + 1;; s++) {
        bool end = *s == '\0';
        if (*s == '/' || end) {
            *s = '\0';
            struct stat st;
            if (mkdir(path, 0777) != 0 && !(errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
                int e = errno == EEXIST ? ENOTDIR : errno;
                return error_set(err, TF_ERR_RUNTIME, "%s: cannot create directory: %s", path, strerror(e));
            }
            if (end)
                break;
            *s = '/';
        }
    }
    return TF_OK;
}

static Status copy_file(const char *from, const char *to, Error *err)
{
    FILE *in = fopen(from, "rb");
    if (!in)  /* the script wrote no geometry: leave an empty file */
        in = fopen("/dev/null", "rb");
    FILE *out = fopen(to, "wb");
    if (!in || !out) {
        int e = errno;
        if (in)
            fclose(in);
        if (out)
            fclose(out);
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot write: %s", to, strerror(e));
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot write", to);
    return TF_OK;
}

/* ---- one gnuplot job ---- */

/* The figure's texts (PlotOptions title, source, label, label2), one
 * "KEY: VALUE" line each, for lib/common.gp to read: the only way a
 * string from a lesson or the command line reaches gnuplot. gnuplot's
 * data reading takes a '"' for the start of a quoted string, so it is
 * written as '”' (as in the labels); a tab or a line break becomes a
 * space, and any other control, bidi or invisible character is written as
 * its escape (text/printable.h), as in the labels. */
static bool any_text(const PlotOptions *o)
{
    return (o->title && o->title[0]) || (o->source && o->source[0]) || (o->label && o->label[0]) ||
           (o->label2 && o->label2[0]);
}

static char *rewrite(const char *s, bool spaces);

static bool fill_texts(FILE *f, void *ctx)
{
    const PlotOptions *o = ctx;
    const char *texts[] = {o->title, o->source, o->label, o->label2};
    const char *keys[] = {"title", "source", "label", "label2"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        if (!texts[k] || !texts[k][0])
            continue;
        fprintf(f, "%s: ", keys[k]);
        char *flat = strdup(texts[k]);
        for (char *p = flat; p && *p; p++)
            if (*p == '\t' || *p == '\n' || *p == '\r')
                *p = ' ';
        char *text = flat ? rewrite(flat, false) : NULL;
        free(flat);
        if (!text)
            return false;
        fputs(text, f);
        free(text);
        fputc('\n', f);
    }
    return !ferror(f);
}

/* Writes the job's data files into dir (data.dat and, for a comparison,
 * data2.dat). */
typedef Status (*WriteData)(const char *dir, void *ctx, Error *err);

typedef struct {
    const char *script;  /* "heads.gp" */
    const char *base;    /* image name without extension: "enc.0.attn.weights" */
    const char *what;    /* for messages: the record's name */
    char extra[256];     /* more assignments: "head=1; batch=0" */
    bool has_data2;
    bool has_mask;       /* write_data writes mask.dat, the block's mask */
    bool has_mask_runs;  /* and mask_runs.dat, its masked cells as runs (panel.gp) */
    bool has_page_bin;   /* and pages.bin, the pages drawn as float32 (lib/common.gp's page_bin) */
    bool has_frames;     /* write_data writes frames.txt, the step S of each frame (film.gp) */
    bool animates;       /* the script can draw an animated GIF (format gif) */
} Job;

static Status write_file(const char *dir, const char *name, bool (*fill)(FILE *, void *), void *ctx,
                         Error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", dir);
    FILE *f = fopen(path, "wb");
    if (!f) {
        int e = errno;
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot write: %s", path, strerror(e));
    }
    bool ok = fill(f, ctx);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot write (disk full?)", path);
    return TF_OK;
}

static Status run_job(const PlotOptions *o, const Job *job, WriteData write_data, void *ctx, char *written,
                      size_t cap, Error *err)
{
    Status s = options_check(o, job->animates, err);
    if (s != TF_OK)
        return s;
    const char *fmt = format_of(o);

    /* The script, by absolute path: gnuplot runs in the work directory. */
    char viz[PATH_MAX], script[PATH_MAX + 64];
    if (!realpath(o->viz_dir, viz)) {
        int e = errno;
        error_set(err, TF_ERR_RUNTIME, "%s: cannot find the gnuplot scripts: %s", o->viz_dir, strerror(e));
        error_hint(err, "set TRACEFORMER_DATA to the directory holding viz/ (PREFIX/share/traceformer)");
        return TF_ERR_RUNTIME;
    }
    snprintf(script, sizeof script, "%s/%s", viz, job->script);
    if (access(script, R_OK) != 0) {
        int e = errno;
        error_set(err, TF_ERR_RUNTIME, "%s: cannot read the gnuplot script: %s", script, strerror(e));
        error_hint(err, "set TRACEFORMER_DATA to the directory holding viz/ (PREFIX/share/traceformer)");
        return TF_ERR_RUNTIME;
    }

    char final[PATH_MAX], final_data[PATH_MAX], final_data2[PATH_MAX], final_mask[PATH_MAX], final_frames[PATH_MAX];
    size_t dl = strlen(o->out_dir);
    const char *sep = dl > 0 && o->out_dir[dl - 1] == '/' ? "" : "/";
    const char *sfx = o->suffix ? o->suffix : "";
    if (snprintf(final, sizeof final, "%s%s%s%s.%s", o->out_dir, sep, job->base, sfx, fmt) >= (int)sizeof final ||
        snprintf(final_data, sizeof final_data, "%s%s%s%s.dat", o->out_dir, sep, job->base, sfx) >=
            (int)sizeof final_data ||
        snprintf(final_data2, sizeof final_data2, "%s%s%s%s.compare.dat", o->out_dir, sep, job->base, sfx) >=
            (int)sizeof final_data2 ||
        snprintf(final_mask, sizeof final_mask, "%s%s%s%s.mask.dat", o->out_dir, sep, job->base, sfx) >=
            (int)sizeof final_mask ||
        snprintf(final_frames, sizeof final_frames, "%s%s%s%s.frames", o->out_dir, sep, job->base, sfx) >=
            (int)sizeof final_frames)
        return error_set(err, TF_ERR_INPUT, "%s%s%s%s.%s: path too long", o->out_dir, sep, job->base, sfx, fmt);
    if (strlen(final) + 1 > cap)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", final);

    s = make_dirs(o->out_dir, err);
    if (s != TF_OK)
        return s;
    /* beside the image, so it can be linked or renamed into place; a
     * signal removes it too, from its making on */
    char work[PATH_MAX];
    if (scratch_dir_make(work, sizeof work, o->out_dir, ".traceformer-plot-", SCRATCH_GUARDED) != 0) {
        int e = errno;
        if (e == ENAMETOOLONG)
            return error_set(err, TF_ERR_INPUT, "%s: path too long", o->out_dir);
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot create a work directory: %s", o->out_dir, strerror(e));
    }

    s = write_data(work, ctx, err);
    bool texts = any_text(o);
    if (s == TF_OK && texts)
        s = write_file(work, "texts.txt", fill_texts, (void *)o, err);
    if (s == TF_OK) {
        /* Only fixed names, numbers and the checked font reach gnuplot's
         * command line; every other string travels in the data file. */
        char assign[1024];
        int n = snprintf(assign, sizeof assign, "data='data.dat'; out='image.%s'; format='%s'; font='%s'", fmt,
                         fmt, font_of(o));
        if (o->width > 0)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; width=%d; height=%d", o->width, o->height);
        if (job->has_data2)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; data2='data2.dat'");
        if (job->has_mask)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; mask='mask.dat'");
        if (job->has_mask_runs)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; mask_runs='mask_runs.dat'");
        if (job->has_page_bin)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; page_bin='pages.bin'");
        if (job->has_frames)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; frames='frames.txt'");
        if (o->geometry)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; geometry='geometry.txt'");
        if (texts)
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; texts='texts.txt'");
        if (job->extra[0])
            n += snprintf(assign + n, sizeof assign - (size_t)n, "; %s", job->extra);
        if (n >= (int)sizeof assign)
            s = error_set(err, TF_ERR_INPUT, "plot: gnuplot command too long");
        else
            s = gnuplot_run(work, script, assign, job->what, PLOT_TIMEOUT_S, err);
    }
    char image[PATH_MAX + 32];
    snprintf(image, sizeof image, "%s/image.%s", work, fmt);
    if (s == TF_OK) {
        struct stat st;
        if (stat(image, &st) != 0 || st.st_size == 0)
            s = error_set(err, TF_ERR_RUNTIME, "gnuplot wrote no image drawing %s with %s", job->what, script);
    }
    if (s == TF_OK && o->geometry) {
        char geo[PATH_MAX + 32];
        snprintf(geo, sizeof geo, "%s/geometry.txt", work);
        s = copy_file(geo, o->geometry, err);
    }
    if (s == TF_OK && o->keep_data) {
        char from[PATH_MAX + 32];
        snprintf(from, sizeof from, "%s/data.dat", work);
        s = atomic_file_place(from, final_data, err);
        snprintf(from, sizeof from, "%s/data2.dat", work);
        if (s == TF_OK && job->has_data2)
            s = atomic_file_place(from, final_data2, err);
        snprintf(from, sizeof from, "%s/mask.dat", work);
        if (s == TF_OK && job->has_mask)
            s = atomic_file_place(from, final_mask, err);
        snprintf(from, sizeof from, "%s/frames.txt", work);
        if (s == TF_OK && job->has_frames)
            s = atomic_file_place(from, final_frames, err);
    }
    /* The image appears under its name only now, complete. Numbered:
     * link() refuses a name that exists, so nothing is ever replaced, even
     * by a file made meanwhile; the next number is tried. */
    if (s == TF_OK && o->numbered) {
        char stem[PATH_MAX];
        snprintf(stem, sizeof stem, "%s", final);
        stem[strlen(stem) - strlen(fmt) - 1] = '\0';
        int k = 1;
        for (; k <= 999; k++) {
            if (k > 1 && snprintf(final, sizeof final, "%s-%d.%s", stem, k, fmt) >= (int)sizeof final)
                break;
            if (link(image, final) == 0)
                break;
            if (errno != EEXIST) {
                int code = errno;
                s = error_set(err, TF_ERR_RUNTIME, "%s: cannot write: %s", final, strerror(code));
                break;
            }
        }
        if (s == TF_OK && k > 999)
            s = error_set(err, TF_ERR_RUNTIME, "%s.%s: 999 images of this name exist already", stem, fmt);
        if (s == TF_OK && strlen(final) + 1 > cap)
            s = error_set(err, TF_ERR_INPUT, "%s: path too long", final);
    } else if (s == TF_OK) {
        /* renamed over a regular file; a device or FIFO of that name (a
         * link to /dev/null) is written in place, never replaced */
        s = atomic_file_place(image, final, err);
    }
    scratch_dir_remove(work);
    if (s == TF_OK)
        snprintf(written, cap, "%s", final);
    return s;
}

/* ---- one record ---- */

static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

static bool batched(const Record *r)
{
    return r->ndim > 1 && axis_named(r, "batch") == 0;
}

/* gnuplot reads the .dat header's label lines as text, but takes a '"'
 * anywhere in them for the start of a quoted string (the rest of the line
 * is lost), and the scripts split a line of labels at spaces. So the copy
 * gnuplot gets has '"' drawn as '”' and a space as '␣' in its labels and
 * texts. (Tokens never hold spaces; quotes they may.) A token from someone
 * else's trace may hold a bidi control or a zero-width character, which
 * would reorder or hide the label in the figure: those (and any control
 * character) are written as their visible escape, \u202e, as `show` and
 * the viewer print them (text/printable.h). gnuplot's data reader takes a
 * backslash for the start of an escape and drops it, so every backslash,
 * a token's own and an escape's, is written twice. */
typedef struct {
    Record rec;
    const char **labels;  /* row labels, then column labels, or NULL */
    char **owned;         /* the rewritten strings, n_owned of them */
    size_t n_owned;
} PlotRecord;

static bool needs_rewrite(const char *s, bool spaces)
{
    if (!s)
        return false;
    if (strpbrk(s, spaces ? "\"\\ " : "\"\\"))
        return true;
    size_t n = strlen(s), at;
    return printable_text_problem(s, n, &at, NULL) != NULL;
}

static char *rewrite(const char *s, bool spaces)
{
    const size_t len = strlen(s);
    size_t n = 0;
    char esc[PRINTABLE_ESC_MAX];
    for (size_t i = 0; i < len;) {
        size_t k = printable_next(s + i, len - i, false, esc);
        n += esc[0] ? strlen(esc) + 1 : s[i] == '\\' ? 2 : s[i] == '"' || (s[i] == ' ' && spaces) ? 3 : k;
        i += k;
    }
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t k = printable_next(s + i, len - i, false, esc);
        if (esc[0]) {
            *o++ = '\\';  /* the escape's own backslash, doubled */
            memcpy(o, esc, strlen(esc));
            o += strlen(esc);
        } else if (s[i] == '\\') {
            memcpy(o, "\\\\", 2);
            o += 2;
        } else if (s[i] == '"') {
            memcpy(o, "\xe2\x80\x9d", 3);  /* ” */
            o += 3;
        } else if (s[i] == ' ' && spaces) {
            memcpy(o, "\xe2\x90\xa3", 3);  /* ␣ */
            o += 3;
        } else {
            memcpy(o, s + i, k);
            o += k;
        }
        i += k;
    }
    *o = '\0';
    return out;
}

static void plot_record_free(PlotRecord *p)
{
    for (size_t k = 0; k < p->n_owned; k++)
        free(p->owned[k]);
    free(p->owned);
    free(p->labels);
}

static size_t label_count(const Record *r, int axis)
{
    return axis < 0 ? 0 : (size_t)record_label_sets(r, axis) * r->dims[axis];
}

static Status plot_record_make(PlotRecord *p, const Record *r, Error *err)
{
    memset(p, 0, sizeof *p);
    p->rec = *r;
    size_t rows = r->row_labels ? label_count(r, r->ndim - 2) : 0;
    size_t cols = r->col_labels ? label_count(r, r->ndim - 1) : 0;
    /* batch_rows records ([batch, token] with per-sentence columns) label
     * each sentence's row with row_labels[b] */
    if (r->row_labels && r->ndim == 2 && r->dim_names[0] && strcmp(r->dim_names[0], "batch") == 0 && r->col_labels)
        rows = r->dims[0];
    bool any = needs_rewrite(r->formula, false) || needs_rewrite(r->description, false);
    for (size_t k = 0; k < rows && !any; k++)
        any = needs_rewrite(r->row_labels[k], true);
    for (size_t k = 0; k < cols && !any; k++)
        any = needs_rewrite(r->col_labels[k], true);
    if (!any)
        return TF_OK;
    p->labels = calloc(rows + cols + 1, sizeof *p->labels);
    p->owned = calloc(rows + cols + 2, sizeof *p->owned);
    if (!p->labels || !p->owned)
        goto oom;
    for (size_t k = 0; k < rows + cols; k++) {
        const char *s = k < rows ? r->row_labels[k] : r->col_labels[k - rows];
        if (!needs_rewrite(s, true)) {
            p->labels[k] = s;
            continue;
        }
        if (!(p->owned[p->n_owned] = rewrite(s, true)))
            goto oom;
        p->labels[k] = p->owned[p->n_owned++];
    }
    if (rows)
        p->rec.row_labels = p->labels;
    if (cols)
        p->rec.col_labels = p->labels + rows;
    if (needs_rewrite(r->formula, false)) {
        if (!(p->owned[p->n_owned] = rewrite(r->formula, false)))
            goto oom;
        p->rec.formula = p->owned[p->n_owned++];
    }
    if (needs_rewrite(r->description, false)) {
        if (!(p->owned[p->n_owned] = rewrite(r->description, false)))
            goto oom;
        p->rec.description = p->owned[p->n_owned++];
    }
    return TF_OK;
oom:
    plot_record_free(p);
    return error_set(err, TF_ERR_RUNTIME, "out of memory");
}

static bool write_record_dat(FILE *f, void *ctx)
{
    return export_write_dat(f, &((const PlotRecord *)ctx)->rec);
}

/* A record's figure: the record, and the block's mask when it is drawn. */
typedef struct {
    PlotRecord *rec;
    PlotRecord *mask;     /* or NULL */
    size_t first, count;  /* the pages of rec the figure draws; count 0: all */
    size_t mask_page;     /* the page of mask drawn over it, with mask_runs */
    bool mask_runs;
    bool page_bin;        /* the pages drawn in pages.bin too */
} RecordData;

/* The -inf cells of page d->mask_page of the mask as runs along its rows,
 * one line each, "X Y DX DY" (centre and half sizes, in cells), for
 * panel.gp to draw as a box a run: a causal mask over 512 tokens is 511
 * boxes, not 130 816. */
static bool write_mask_runs(FILE *f, void *ctx)
{
    const RecordData *d = ctx;
    const Record *mask = &d->mask->rec;
    RecordPages pg;
    export_pages_of(mask, &pg);
    const float *m = export_pages_data(mask, &pg, d->mask_page);  /* (rows, cols) */
    fputs("# the cells the block's mask hides (-inf), a box a run along a row: X Y DX DY\n", f);
    for (size_t i = 0; i < pg.rows; i++) {
        for (size_t c = 0; c < pg.cols;) {
            if (!(isinf(m[i * pg.cols + c]) && m[i * pg.cols + c] < 0)) {
                c++;
                continue;
            }
            size_t end = c;
            while (end + 1 < pg.cols && isinf(m[i * pg.cols + end + 1]) && m[i * pg.cols + end + 1] < 0)
                end++;
            fprintf(f, "%.1f %zu %.1f 0.5\n", (double)(c + end) / 2.0, i, (double)(end - c + 1) / 2.0);
            c = end + 1;
        }
    }
    return !ferror(f);
}

static bool write_drawn_pages(FILE *f, void *ctx)
{
    const RecordData *d = ctx;
    if (d->count == 0)
        return export_write_dat(f, &d->rec->rec);
    return export_write_dat_pages(f, &d->rec->rec, d->first, d->count);
}

/* The pages drawn as float32 in the machine's byte order, (count, rows,
 * cols), for the panels of a grid (lib/common.gp's page_bin): no decimal
 * text for us to write a second time and for gnuplot to parse, and a
 * panel finds its page at its offset, where `index P` of the text reads
 * the P pages before it. data.dat still holds the pages as text for the
 * scripts' header lines and the values printed in cells. */
static bool write_pages_bin(FILE *f, void *ctx)
{
    const RecordData *d = ctx;
    const Record *rec = &d->rec->rec;
    RecordPages pg;
    export_pages_of(rec, &pg);
    size_t n = pg.rows * pg.cols;
    for (size_t p = d->first; p < d->first + d->count; p++)
        if (fwrite(export_pages_data(rec, &pg, p), sizeof(float), n, f) != n)
            return false;
    return true;
}

static Status record_data(const char *dir, void *ctx, Error *err)
{
    RecordData *d = ctx;
    Status s = write_file(dir, "data.dat", write_drawn_pages, d, err);
    if (s == TF_OK && d->page_bin)
        s = write_file(dir, "pages.bin", write_pages_bin, d, err);
    if (s == TF_OK && d->mask)
        s = write_file(dir, "mask.dat", write_record_dat, d->mask, err);
    if (s == TF_OK && d->mask && d->mask_runs)
        s = write_file(dir, "mask_runs.dat", write_mask_runs, d, err);
    return s;
}

/* ---- the block's mask ---- */

static bool axes_are_query_key(const Record *r)
{
    return r->ndim >= 2 && r->dim_names[r->ndim - 2] && r->dim_names[r->ndim - 1] &&
           strcmp(r->dim_names[r->ndim - 2], "query") == 0 && strcmp(r->dim_names[r->ndim - 1], "key") == 0;
}

/* Whether mask says which cells of rec it hid: rec is a step the mask has
 * been applied to (the masked scores, the weights), and the mask is a
 * mask record of the same [query, key] size, one per sentence when rec is
 * batched. Which cells are masked is what the mask record states, never
 * guessed from a weight being 0 (a weight can underflow to 0 unmasked). */
static bool mask_fits(const Record *rec, const Record *mask)
{
    if (!mask || !rec->name)
        return false;
    if (!record_name_is_attention_step(rec->name, RECORD_STEP_WEIGHTS) &&
        !record_name_is_attention_step(rec->name, "masked"))
        return false;
    if (record_kind_of(mask->kind) != RECORD_KIND_MASK || !axes_are_query_key(rec) || !axes_are_query_key(mask))
        return false;
    if (rec->dims[rec->ndim - 2] != mask->dims[mask->ndim - 2] ||
        rec->dims[rec->ndim - 1] != mask->dims[mask->ndim - 1])
        return false;
    if (mask->ndim == 2)
        return true;
    return mask->ndim == 3 && batched(mask) && batched(rec) && mask->dims[0] == rec->dims[0];
}

/* The script for a record, and the head/batch assignments and file name
 * suffixes it takes. */
static Status plan_record(const Record *rec, const PlotOptions *o, Job *job, char *base, size_t base_cap,
                          Error *err)
{
    int head_axis = axis_named(rec, "head");
    bool is_batched = batched(rec);
    if (o->head >= 0 && head_axis < 0)
        return error_set(err, TF_ERR_INPUT, "--head %d: %s has no head axis", o->head, rec->name);
    if (o->head >= 0 && (uint32_t)o->head >= rec->dims[head_axis])
        return error_set(err, TF_ERR_INPUT, "head %d: %s has heads 0..%u", o->head, rec->name,
                         rec->dims[head_axis] - 1);
    if (is_batched && (uint32_t)o->batch >= rec->dims[0])
        return error_set(err, TF_ERR_INPUT, "batch %d: %s has sentences 0..%u", o->batch, rec->name,
                         rec->dims[0] - 1);
    RecordKind kind = record_kind_of(rec->kind);
    if (kind == RECORD_KIND_MASK)
        job->script = "mask.gp";
    else if (kind == RECORD_KIND_POSITIONS)
        job->script = "positions.gp";
    else if (head_axis >= 0 && o->head < 0)
        job->script = "heads.gp";
    else
        job->script = "heatmap.gp";
    size_t n = 0;
    if (is_batched)
        n += (size_t)snprintf(job->extra + n, sizeof job->extra - n, "batch=%d", o->batch);
    if (o->head >= 0)
        n += (size_t)snprintf(job->extra + n, sizeof job->extra - n, "%shead=%d", n ? "; " : "", o->head);
    int len = snprintf(base, base_cap, "%s%s%s", rec->name, o->tag && o->tag[0] ? "." : "", o->tag ? o->tag : "");
    if (is_batched)
        len += snprintf(base + len, base_cap - (size_t)len, ".batch%d", o->batch);
    if (o->head >= 0)
        len += snprintf(base + len, base_cap - (size_t)len, ".head%d", o->head);
    if (len >= (int)base_cap)
        return error_set(err, TF_ERR_INPUT, "%s: name too long", rec->name);
    return TF_OK;
}

/* The pages of rec that job's script draws, so that the data file holds
 * those alone (a figure of one head of an 8 MB record reads 1 MB):
 * heatmap.gp draws page batch × heads + head, heads.gp the sentence's
 * heads; the other scripts get every page (count 0). */
static void drawn_pages(const Record *rec, const PlotOptions *o, const Job *job, size_t *first, size_t *count)
{
    *first = *count = 0;
    bool grid = strcmp(job->script, "heads.gp") == 0, single = strcmp(job->script, "heatmap.gp") == 0;
    RecordPages pg;
    export_pages_of(rec, &pg);
    if ((!grid && !single) || pg.batch_rows || pg.pages < 2)
        return;
    int head_axis = axis_named(rec, "head");
    size_t heads = head_axis >= 0 ? rec->dims[head_axis] : 1;
    size_t f = (batched(rec) ? (size_t)o->batch : 0) * heads + (single && o->head > 0 ? (size_t)o->head : 0);
    size_t n = grid ? heads : 1;
    if (f + n <= pg.pages) {
        *first = f;
        *count = n;
    }
}

Status plot_record(const TraceReader *r, uint32_t index, const PlotOptions *o, char *written, size_t cap,
                   Error *err)
{
    Status s = plot_options_check(o, err);
    if (s != TF_OK)
        return s;
    if (index >= trace_reader_count(r))
        return error_set(err, TF_ERR_INPUT, "%s: no record %u", trace_reader_path(r), index);
    TraceRecord t;
    s = trace_reader_get(r, index, &t, err);
    if (s != TF_OK)
        return s;
    /* the block's mask, as the trace states it (an old trace, or a block
     * without one: drawn as before) */
    PlotOptions with_mask = *o;
    TraceRecord m;
    bool have_mask = false;
    char mask_name[160];
    if (!o->mask && record_name_sibling(t.rec.name, RECORD_STEP_MASK, mask_name, sizeof mask_name)) {
        long mi = trace_reader_find(r, mask_name);
        if (mi >= 0 && (uint32_t)mi != index) {
            s = trace_reader_get(r, (uint32_t)mi, &m, err);
            have_mask = s == TF_OK;
            if (have_mask)
                with_mask.mask = &m.rec;
        }
    }
    if (s == TF_OK)
        s = plot_record_values(&t.rec, &with_mask, written, cap, err);
    if (have_mask)
        trace_record_release(&m);
    trace_record_release(&t);
    return s;
}

Status plot_record_values(const Record *rec, const PlotOptions *o, char *written, size_t cap, Error *err)
{
    Status s = plot_options_check(o, err);
    if (s != TF_OK)
        return s;
    Job job = {0};
    char base[280];
    s = plan_record(rec, o, &job, base, sizeof base, err);
    PlotRecord pr, pm;
    bool use_mask = o->mask && mask_fits(rec, o->mask);
    VocabCut cut;  /* named and planned as the record; drawn as its top tokens */
    bool cutting = s == TF_OK && !o->all_columns && vocab_cut_wanted(rec);
    if (cutting && (s = vocab_cut_make(&cut, rec, err)) != TF_OK)
        cutting = false;
    if (s == TF_OK)
        s = plot_record_make(&pr, cutting ? &cut.rec : rec, err);
    if (s == TF_OK && use_mask) {
        s = plot_record_make(&pm, o->mask, err);
        if (s != TF_OK)
            plot_record_free(&pr);
    }
    if (s == TF_OK) {
        job.base = base;
        job.what = rec->name;
        job.has_mask = use_mask;
        /* the mask's page lib/common.gp picks: the sentence's, when it has one per sentence */
        RecordPages mpg;
        if (use_mask)
            export_pages_of(&pm.rec, &mpg);
        job.has_mask_runs = use_mask && (mpg.pages == 1 || (size_t)o->batch < mpg.pages);
        RecordData d = {.rec = &pr, .mask = use_mask ? &pm : NULL, .mask_runs = job.has_mask_runs};
        if (job.has_mask_runs)
            d.mask_page = mpg.pages > 1 ? (size_t)o->batch : 0;
        drawn_pages(&pr.rec, o, &job, &d.first, &d.count);
        d.page_bin = job.has_page_bin = d.count > 1;
        s = run_job(o, &job, record_data, &d, written, cap, err);
        plot_record_free(&pr);
        if (use_mask)
            plot_record_free(&pm);
    }
    if (cutting)
        vocab_cut_free(&cut);
    return s;
}

/* ---- norms ---- */

typedef struct {
    const TraceReader *r, *compare;
    int batch;
    Error *err;
    Status status;
} NormsCtx;

static bool fill_norms(FILE *f, void *p)
{
    NormsCtx *c = p;
    c->status = plot_write_norms(f, c->r, c->batch, c->err);
    return c->status == TF_OK;
}

static bool fill_norms2(FILE *f, void *p)
{
    NormsCtx *c = p;
    c->status = plot_write_norms(f, c->compare, c->batch, c->err);
    return c->status == TF_OK;
}

static Status norms_data(const char *dir, void *p, Error *err)
{
    NormsCtx *c = p;
    c->err = err;
    Status s = write_file(dir, "data.dat", fill_norms, c, err);
    if (s == TF_OK && c->compare)
        s = write_file(dir, "data2.dat", fill_norms2, c, err);
    /* a refusal of the data (not a write failure) keeps its own message */
    return c->status != TF_OK ? c->status : s;
}

Status plot_norms(const TraceReader *r, const TraceReader *compare, const PlotOptions *o, char *written,
                  size_t cap, Error *err)
{
    Status s = plot_options_check(o, err);
    if (s != TF_OK)
        return s;
    if (o->head >= 0)
        return error_set(err, TF_ERR_INPUT, "--head %d: the norms figure has no heads", o->head);
    if (!plot_has_stream(r))
        return error_set(err, TF_ERR_INPUT, "%s: no residual-stream records (enc.input, enc.L.resid_*, ...) to draw norms of",
                         trace_reader_path(r));
    if (compare && !plot_has_stream(compare))
        return error_set(err, TF_ERR_INPUT, "%s: no residual-stream records to compare with",
                         trace_reader_path(compare));
    char base[64];
    snprintf(base, sizeof base, plot_trace_batched(r) ? "norms.batch%d" : "norms", o->batch);
    Job job = {.script = "norms.gp", .base = base, .what = "the norms figure", .has_data2 = compare != NULL};
    NormsCtx c = {.r = r, .compare = compare, .batch = o->batch};
    return run_job(o, &job, norms_data, &c, written, cap, err);
}

/* ---- charts ---- */

static bool fill_chart(FILE *f, void *ctx)
{
    return plot_write_chart(f, ctx);
}

static Status chart_data(const char *dir, void *ctx, Error *err)
{
    return write_file(dir, "data.dat", fill_chart, ctx, err);
}

Status plot_chart(const PlotChart *c, const PlotOptions *o, char *written, size_t cap, Error *err)
{
    Status s = plot_chart_check(c, err);
    if (s != TF_OK)
        return s;
    Job job = {.script = "chart.gp", .base = c->name, .what = c->name};
    return run_job(o, &job, chart_data, (void *)c, written, cap, err);
}

/* ---- generation ---- */

static Status generation_film(const TraceReader *r, const char *family, const PlotOptions *o, char *written,
                              size_t cap, Error *err);

Status plot_generation(const TraceReader *r, const char *family, const PlotOptions *o, char *written,
                       size_t cap, Error *err)
{
    if (plot_format_is_gif(o)) {
        /* a frame per step is the KV cache growing; a prediction over the
         * vocabulary has no cache to grow */
        GenMatrix probe;
        Status ps = plot_generation_build(r, family, o->batch, &probe, err);
        if (ps != TF_OK)
            return ps;
        bool vocab = probe.vocab;
        plot_generation_free(&probe);
        if (vocab)
            return error_set(err, TF_ERR_INPUT,
                             "gen.%s: --format gif animates attention over the KV cache; a prediction over the "
                             "vocabulary is drawn as one figure (--format png, svg or pdf)", family);
        return generation_film(r, family, o, written, cap, err);
    }
    Status s = plot_options_check(o, err);
    if (s != TF_OK)
        return s;
    GenMatrix g;
    s = plot_generation_build(r, family, o->batch, &g, err);
    if (s != TF_OK)
        return s;
    /* a step's prediction over the vocabulary is one matrix, a row a step */
    Job job = {.script = g.vocab ? "heatmap.gp" : "generation.gp", .what = g.name};
    char base[200];
    int len = snprintf(base, sizeof base, "%s", g.name);
    if (plot_trace_batched(r))
        len += snprintf(base + len, sizeof base - (size_t)len, ".batch%d", o->batch);
    if (o->head >= 0) {
        if (axis_named(&g.rec, "head") < 0 || (uint32_t)o->head >= g.heads)
            s = error_set(err, TF_ERR_INPUT, "head %d: gen.S.%s has %s", o->head, family,
                          axis_named(&g.rec, "head") < 0 ? "no head axis" : "fewer heads");
        len += snprintf(base + len, sizeof base - (size_t)len, ".head%d", o->head);
        snprintf(job.extra, sizeof job.extra, "head=%d", o->head);
    }
    if (s == TF_OK && len >= (int)sizeof base)
        s = error_set(err, TF_ERR_INPUT, "%s: name too long", g.name);
    job.base = base;
    PlotRecord pr;
    VocabCut cut;  /* gen.S.dec.probs: a step a row, its top tokens' columns */
    bool cutting = s == TF_OK && !o->all_columns && vocab_cut_wanted(&g.rec);
    if (cutting && (s = vocab_cut_make(&cut, &g.rec, err)) != TF_OK)
        cutting = false;
    if (s == TF_OK)
        s = plot_record_make(&pr, cutting ? &cut.rec : &g.rec, err);
    if (s == TF_OK) {
        RecordData d = {.rec = &pr, .mask = NULL};
        s = run_job(o, &job, record_data, &d, written, cap, err);
        plot_record_free(&pr);
    }
    if (cutting)
        vocab_cut_free(&cut);
    plot_generation_free(&g);
    return s;
}

/* ---- the model view ---- */

static Status model_view_plan(const TraceReader *r, const PlotOptions *o, const ModelViewBlock **b, Error *err)
{
    Status s = model_view_block(r, o->block, b, err);
    if (s != TF_OK)
        return s;
    if (o->head >= 0)
        return error_set(err, TF_ERR_INPUT, "--head %d: the model view draws every head", o->head);
    return TF_OK;
}

Status plot_model_view_check(const TraceReader *r, const PlotOptions *o, Error *err)
{
    const ModelViewBlock *b;
    Status s = model_view_plan(r, o, &b, err);
    ModelView mv;
    if (s == TF_OK)
        s = model_view_build(r, b, o->batch, &mv, err);
    if (s == TF_OK)
        model_view_free(&mv);
    return s;
}

Status plot_model_view(const TraceReader *r, const PlotOptions *o, char *written, size_t cap, Error *err)
{
    Status s = plot_options_check(o, err);
    const ModelViewBlock *b = NULL;
    if (s == TF_OK)
        s = model_view_plan(r, o, &b, err);
    ModelView mv;
    if (s == TF_OK)
        s = model_view_build(r, b, o->batch, &mv, err);
    if (s != TF_OK)
        return s;
    char base[64];
    snprintf(base, sizeof base, "model-view.%s%s%s", b->block, o->tag && o->tag[0] ? "." : "",
             o->tag ? o->tag : "");
    if (plot_trace_batched(r))
        snprintf(base + strlen(base), sizeof base - strlen(base), ".batch%d", o->batch);
    Job job = {.script = "modelview.gp", .base = base, .what = "the model view", .has_mask = mv.mask.data != NULL};
    /* the trace is named under the title unless the caller names the run */
    PlotOptions with_source = *o;
    if (!o->source || !o->source[0])
        with_source.source = trace_reader_path(r);
    PlotRecord pr, pm;
    s = plot_record_make(&pr, &mv.rec, err);
    if (s == TF_OK && job.has_mask) {
        s = plot_record_make(&pm, &mv.mask, err);
        if (s != TF_OK)
            plot_record_free(&pr);
    }
    if (s == TF_OK) {
        RecordData d = {.rec = &pr, .mask = job.has_mask ? &pm : NULL};
        s = run_job(&with_source, &job, record_data, &d, written, cap, err);
        plot_record_free(&pr);
        if (job.has_mask)
            plot_record_free(&pm);
    }
    model_view_free(&mv);
    return s;
}

/* ---- the film strip: attention at chosen frames ---- */

typedef struct {
    PlotRecord rec;
    const Film *film;
} FilmData;

static bool fill_frames(FILE *f, void *ctx)
{
    const Film *film = ctx;
    for (uint32_t k = 0; k < film->frames; k++)
        fprintf(f, "%ld\n", film->steps[k]);
    return !ferror(f);
}

static Status film_data(const char *dir, void *ctx, Error *err)
{
    FilmData *d = ctx;
    Status s = write_file(dir, "data.dat", write_record_dat, &d->rec, err);
    if (s == TF_OK)
        s = write_file(dir, "frames.txt", fill_frames, (void *)d->film, err);
    return s;
}

/* Draw film as film.gp's strip, or its animated GIF; base is the image's name. */
static Status draw_film(const TraceReader *r, const Film *film, const char *base, const PlotOptions *o,
                        char *written, size_t cap, Error *err)
{
    Job job = {.script = "film.gp", .base = base, .what = film->name, .has_frames = true, .animates = true};
    PlotOptions with_source = *o;
    if (!o->source || !o->source[0])
        with_source.source = trace_reader_path(r);
    FilmData d = {.film = film};
    Status s = plot_record_make(&d.rec, &film->rec, err);
    if (s == TF_OK) {
        s = run_job(&with_source, &job, film_data, &d, written, cap, err);
        plot_record_free(&d.rec);
    }
    return s;
}

Status plot_film_check(const TraceReader *r, const PlotOptions *o, Error *err)
{
    Film film;
    Status s = film_build_training(r, o, plot_format_is_gif(o), &film, err);
    if (s == TF_OK)
        film_free(&film);
    return s;
}

Status plot_film(const TraceReader *r, const PlotOptions *o, char *written, size_t cap, Error *err)
{
    Status s = options_check(o, true, err);
    Film film;
    if (s == TF_OK)
        s = film_build_training(r, o, plot_format_is_gif(o), &film, err);
    if (s != TF_OK)
        return s;
    char base[200];
    int len = snprintf(base, sizeof base, "film.%s%s%s", film.block, o->tag && o->tag[0] ? "." : "",
                       o->tag ? o->tag : "");
    if (o->head >= 0)
        len += snprintf(base + len, sizeof base - (size_t)len, ".head%d", o->head);
    if (len >= (int)sizeof base)
        s = error_set(err, TF_ERR_INPUT, "%s: name too long", film.block);
    if (s == TF_OK)
        s = draw_film(r, &film, base, o, written, cap, err);
    film_free(&film);
    return s;
}

/* A generation figure as an animated GIF: a frame per decoding step. */
static Status generation_film(const TraceReader *r, const char *family, const PlotOptions *o, char *written,
                              size_t cap, Error *err)
{
    Status s = options_check(o, true, err);
    Film film;
    if (s == TF_OK)
        s = film_build_generation(r, family, o, &film, err);
    if (s != TF_OK)
        return s;
    char base[220];
    int len = snprintf(base, sizeof base, "%s", film.name);
    if (plot_trace_batched(r))
        len += snprintf(base + len, sizeof base - (size_t)len, ".batch%d", o->batch);
    if (o->head >= 0)
        len += snprintf(base + len, sizeof base - (size_t)len, ".head%d", o->head);
    if (len >= (int)sizeof base)
        s = error_set(err, TF_ERR_INPUT, "%s: name too long", film.name);
    if (s == TF_OK)
        s = draw_film(r, &film, base, o, written, cap, err);
    film_free(&film);
    return s;
}

/* ---- training curves ---- */

/* The runs of a curve figure: r, compare, then o->more. */
typedef struct {
    const TraceReader *runs[PLOT_MAX_RUNS];
    size_t n;
} Runs;

static Status gather_runs(const TraceReader *r, const TraceReader *compare, const PlotOptions *o, Runs *out,
                          Error *err)
{
    out->n = 0;
    out->runs[out->n++] = r;
    if (compare)
        out->runs[out->n++] = compare;
    if (out->n + o->n_more > PLOT_MAX_RUNS)
        return error_set(err, TF_ERR_INPUT, "%zu training traces: at most %d on one figure", out->n + o->n_more,
                         PLOT_MAX_RUNS);
    for (size_t k = 0; k < o->n_more; k++)
        out->runs[out->n++] = o->more[k];
    return TF_OK;
}

static Status curve_of(const char *curve, const TrainCurve **c, Error *err)
{
    *c = train_curve_named(curve);
    if (!*c)
        return error_set(err, TF_ERR_INPUT, "'%s': not a training curve (loss, accuracy, lr, grad-norm)", curve);
    return TF_OK;
}

Status plot_train_check(const TraceReader *r, const TraceReader *compare, const char *curve, const PlotOptions *o,
                        Error *err)
{
    const TrainCurve *c;
    Runs runs;
    Status s = curve_of(curve, &c, err);
    if (s == TF_OK)
        s = gather_runs(r, compare, o, &runs, err);
    if (s == TF_OK && o->head >= 0)
        s = error_set(err, TF_ERR_INPUT, "--head %d: the %s figure has no heads", o->head, curve);
    if (s == TF_OK)
        s = train_curves_check(runs.runs, runs.n, c, err);
    return s;
}

typedef struct {
    const Runs *runs;
    const char *const *labels;
    const TrainCurve *curve;
    Error *err;
    Status status;
} CurvesCtx;

static bool fill_curves(FILE *f, void *p)
{
    CurvesCtx *c = p;
    c->status = train_curves_write(f, c->runs->runs, c->labels, c->runs->n, c->curve, c->err);
    return c->status == TF_OK;
}

static Status curves_data(const char *dir, void *p, Error *err)
{
    CurvesCtx *c = p;
    c->err = err;
    Status s = write_file(dir, "data.dat", fill_curves, c, err);
    return c->status != TF_OK ? c->status : s;
}

Status plot_train_curves(const TraceReader *r, const TraceReader *compare, const char *curve, const PlotOptions *o,
                         char *written, size_t cap, Error *err)
{
    Status s = plot_options_check(o, err);
    const TrainCurve *c = NULL;
    Runs runs;
    if (s == TF_OK)
        s = plot_train_check(r, compare, curve, o, err);
    if (s == TF_OK)
        s = curve_of(curve, &c, err);
    if (s == TF_OK)
        s = gather_runs(r, compare, o, &runs, err);
    if (s != TF_OK)
        return s;
    /* the legend: o->label and o->label2 name the first two runs when given */
    const char *labels[PLOT_MAX_RUNS] = {0};
    labels[0] = o->label && o->label[0] ? o->label : NULL;
    if (runs.n > 1)
        labels[1] = o->label2 && o->label2[0] ? o->label2 : NULL;
    const size_t first_more = compare ? 2 : 1;
    for (size_t k = 0; o->more_labels && k < o->n_more && first_more + k < PLOT_MAX_RUNS; k++)
        labels[first_more + k] = o->more_labels[k];
    /* under the title, the traces drawn, unless the caller names them */
    char source[PLOT_TEXT_MAX + 1];
    size_t n = 0;
    source[0] = '\0';
    for (size_t k = 0; k < runs.n && n < sizeof source; k++)
        n += (size_t)snprintf(source + n, sizeof source - n, "%s%s", k ? ", " : "", trace_reader_path(runs.runs[k]));
    if (n >= sizeof source)
        snprintf(source + sizeof source - 5, 5, " ...");
    PlotOptions with_source = *o;
    if (!o->source || !o->source[0])
        with_source.source = source;
    char base[200];
    snprintf(base, sizeof base, "%s%s%s", c->figure, o->tag && o->tag[0] ? "." : "", o->tag ? o->tag : "");
    Job job = {.script = "training.gp", .base = base, .what = c->figure};
    CurvesCtx ctx = {.runs = &runs, .labels = labels, .curve = c};
    return run_job(&with_source, &job, curves_data, &ctx, written, cap, err);
}

Status plot_figure(const TraceReader *r, const TraceReader *compare, const PlotFigure *f, const PlotOptions *o,
                   char *written, size_t cap, Error *err)
{
    switch (f->kind) {
    case PLOT_FIG_NORMS:
        return plot_norms(r, compare, o, written, cap, err);
    case PLOT_FIG_GENERATION:
        return plot_generation(r, f->name + 4, o, written, cap, err);
    case PLOT_FIG_MODEL_VIEW:
        return plot_model_view(r, o, written, cap, err);
    case PLOT_FIG_TRAIN:
        return plot_train_curves(r, compare, f->name, o, written, cap, err);
    case PLOT_FIG_FILM:
        return plot_film(r, o, written, cap, err);
    case PLOT_FIG_RECORD:
    default:
        return plot_record(r, f->index, o, written, cap, err);
    }
}

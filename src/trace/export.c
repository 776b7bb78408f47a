#include "trace/export.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_kind.h"
#include "core/row_stats.h"
#include "io/atomic_file.h"
#include "io/npy.h"
#include "trace/format.h"

static const char *const format_exts[] = {[EXPORT_NPY] = "npy", [EXPORT_CSV] = "csv", [EXPORT_DAT] = "dat"};

bool export_format_parse(const char *s, ExportFormat *out)
{
    for (int f = EXPORT_NPY; f <= EXPORT_DAT; f++)
        if (strcmp(s, format_exts[f]) == 0) {
            *out = (ExportFormat)f;
            return true;
        }
    return false;
}

/* ---- pages ---- */

static bool dim0_is_batch(const Record *r)
{
    return r->ndim > 1 && r->dim_names[0] && strcmp(r->dim_names[0], "batch") == 0;
}

void export_pages_of(const Record *r, RecordPages *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->col_axis = r->ndim - 1;
    pg->cols = r->dims[r->ndim - 1];
    if (r->ndim == 1) {
        pg->row_axis = -1;
        pg->rows = pg->pages = 1;
        return;
    }
    pg->row_axis = r->ndim - 2;
    pg->rows = r->dims[r->ndim - 2];
    pg->pages = 1;
    for (int a = 0; a < r->ndim - 2; a++)
        pg->pages *= r->dims[a];
    pg->paged = r->ndim > 2;
    /* [batch, token] with each sentence's own column labels: one header row
     * cannot label every row, so each sentence becomes a page. */
    if (r->ndim == 2 && dim0_is_batch(r) && r->col_labels) {
        pg->batch_rows = pg->paged = true;
        pg->pages = r->dims[0];
        pg->rows = 1;
    }
}

const float *export_pages_data(const Record *r, const RecordPages *pg, size_t page)
{
    return r->data + page * pg->rows * pg->cols;
}

uint32_t export_pages_coord(const Record *r, const RecordPages *pg, size_t page, int axis)
{
    if (pg->batch_rows)
        return axis == 0 ? (uint32_t)page : 0;
    if (axis < 0 || axis >= pg->row_axis)
        return 0;
    /* Leading axes in row-major order: the last one varies fastest. */
    for (int a = pg->row_axis - 1; a > axis; a--)
        page /= r->dims[a];
    return (uint32_t)(page % r->dims[axis]);
}

/* Offset of this page's labels for axis: sentence b's labels start at
 * b × dims[axis] when the axis has one label set per sentence. */
static size_t label_base(const Record *r, const RecordPages *pg, size_t page, int axis)
{
    if (record_label_sets(r, axis) <= 1)
        return 0;
    return (size_t)export_pages_coord(r, pg, page, 0) * r->dims[axis];
}

const char *export_pages_row_label(const Record *r, const RecordPages *pg, size_t page, size_t row)
{
    if (!r->row_labels)
        return NULL;
    if (pg->batch_rows)  /* the row axis is the batch axis itself */
        return r->row_labels[page];
    return r->row_labels[label_base(r, pg, page, pg->row_axis) + row];
}

const char *export_pages_col_label(const Record *r, const RecordPages *pg, size_t page, size_t col)
{
    if (!r->col_labels)
        return NULL;
    return r->col_labels[label_base(r, pg, page, pg->col_axis) + col];
}

static const char *dim_name(const Record *r, int axis, char *buf, size_t cap)
{
    if (r->dim_names[axis] && r->dim_names[axis][0])
        return r->dim_names[axis];
    snprintf(buf, cap, "axis%d", axis);
    return buf;
}

void export_pages_title(const Record *r, const RecordPages *pg, size_t page, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!pg->paged)
        return;
    int leading = pg->batch_rows ? 1 : pg->row_axis;
    size_t n = 0;
    for (int a = 0; a < leading && n < cap; a++) {
        char tmp[16];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %u", a ? ", " : "", dim_name(r, a, tmp, sizeof tmp),
                              export_pages_coord(r, pg, page, a));
    }
}

void export_shape_text(const Record *r, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int a = 0; a < r->ndim && n < cap; a++) {
        const char *name = r->dim_names[a] && r->dim_names[a][0] ? r->dim_names[a] : NULL;
        n += (size_t)snprintf(buf + n, cap - n, "%s%s%s%u", a ? ", " : "", name ? name : "",
                              name ? "=" : "", r->dims[a]);
    }
    if (n < cap)
        snprintf(buf + n, cap - n, "]");
}

void export_format_float(char *buf, size_t cap, float v)
{
    if (isnan(v)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v < 0 ? "-inf" : "inf");
        return;
    }
    /* 9 significant digits always round-trip a float; fewer usually do. */
    int p = 1;
    for (; p < 9; p++) {
        snprintf(buf, cap, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    snprintf(buf, cap, "%.*g", p, (double)v);
    /* At 1 digit %g turns 100 into "1e+02"; below a million, write numbers
     * out as %g's default does (more digits still read back exactly). */
    const char *e = strchr(buf, 'e');
    if (e) {
        int exp10 = atoi(e + 1);
        if (exp10 >= 0 && exp10 < 6)
            snprintf(buf, cap, "%.*g", exp10 + 1, (double)v);
    }
}

/* ---- CSV ---- */

/* RFC 4180: quote a field holding a comma, quote or line break (and, so
 * that comment-aware readers do not skip it, one starting with '#' or
 * having edge spaces); double the quotes inside. */
static void csv_field(FILE *out, const char *s)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '#' ||
                 (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

bool export_write_csv(FILE *out, const Record *r)
{
    RecordPages pg;
    export_pages_of(r, &pg);
    char num[32], title[160];
    for (size_t page = 0; page < pg.pages; page++) {
        const float *m = export_pages_data(r, &pg, page);  /* (rows, cols) */
        if (pg.paged) {
            export_pages_title(r, &pg, page, title, sizeof title);
            fprintf(out, "%s# %s\n", page ? "\n" : "", title);
        }
        if (r->col_labels) {
            if (r->row_labels)
                fputc(',', out);  /* the corner above the row labels stays empty */
            for (size_t c = 0; c < pg.cols; c++) {
                if (c)
                    fputc(',', out);
                csv_field(out, export_pages_col_label(r, &pg, page, c));
            }
            fputc('\n', out);
        }
        for (size_t i = 0; i < pg.rows; i++) {
            if (r->row_labels) {
                csv_field(out, export_pages_row_label(r, &pg, page, i));
                fputc(',', out);
            }
            for (size_t c = 0; c < pg.cols; c++) {
                export_format_float(num, sizeof num, m[i * pg.cols + c]);
                fprintf(out, c ? ",%s" : "%s", num);
            }
            fputc('\n', out);
        }
    }
    return !ferror(out);
}

/* ---- gnuplot .dat ---- */

static void dat_labels(FILE *out, const Record *r, const RecordPages *pg, size_t page, bool rows)
{
    size_t n = rows ? pg->rows : pg->cols;
    int axis = rows ? pg->row_axis : pg->col_axis;
    char tmp[16];
    fprintf(out, "# %s (%s):", rows ? "rows" : "cols",
            pg->batch_rows && rows ? "batch" : dim_name(r, axis, tmp, sizeof tmp));
    for (size_t k = 0; k < n; k++)
        fprintf(out, " %s",
                rows ? export_pages_row_label(r, pg, page, k) : export_pages_col_label(r, pg, page, k));
    fputc('\n', out);
}

static void dat_comment(FILE *out, const char *key, const char *value)
{
    if (value && value[0])
        fprintf(out, "# %s: %s\n", key, value);
}

bool export_write_dat(FILE *out, const Record *r)
{
    RecordPages pg;
    export_pages_of(r, &pg);
    char shape[160], num[32], title[160];
    export_shape_text(r, shape, sizeof shape);
    fprintf(out, "# %s %s\n", r->name, shape);
    dat_comment(out, "kind", r->kind);
    dat_comment(out, "formula", r->formula);
    dat_comment(out, "description", r->description);
    dat_comment(out, "queries from", r->q_source);
    dat_comment(out, "keys/values from", r->kv_source);
    fprintf(out, "# %zu page%s of %zu rows x %zu columns%s\n", pg.pages, pg.pages == 1 ? "" : "s",
            pg.rows, pg.cols, pg.pages > 1 ? "; gnuplot: plot 'FILE' index N matrix with image" : "");
    /* rows that are probability distributions: their entropy is stated */
    const bool distributions = record_kind_is_distribution(record_kind_of(r->kind));
    for (size_t page = 0; page < pg.pages; page++) {
        const float *m = export_pages_data(r, &pg, page);  /* (rows, cols) */
        if (page)
            fputs("\n\n", out);  /* two blank lines: gnuplot's data-set separator */
        if (pg.paged) {
            export_pages_title(r, &pg, page, title, sizeof title);
            fprintf(out, "# %s\n", title);
        }
        if (r->row_labels)
            dat_labels(out, r, &pg, page, true);
        if (r->col_labels)
            dat_labels(out, r, &pg, page, false);
        if (distributions) {
            RowStats rs;
            row_stats_page(m, pg.rows, pg.cols, r->query_pos, r->key_pos, &rs);
            fprintf(out, "# row entropy: %.9g\n", rs.entropy_bits);
        }
        for (size_t i = 0; i < pg.rows; i++) {
            for (size_t c = 0; c < pg.cols; c++) {
                export_format_float(num, sizeof num, m[i * pg.cols + c]);
                fprintf(out, c ? " %s" : "%s", num);
            }
            fputc('\n', out);
        }
    }
    return !ferror(out);
}

/* ---- files ---- */

Status export_path(char *buf, size_t cap, const char *dir, const char *name, ExportFormat f, Error *err)
{
    const char *problem = trace_name_problem(name, strlen(name));
    if (problem)
        return error_set(err, TF_ERR_INPUT, "record name '%s' %s; cannot name a file after it", name, problem);
    size_t dl = strlen(dir);
    const char *sep = dl > 0 && dir[dl - 1] == '/' ? "" : "/";
    int n = snprintf(buf, cap, "%s%s%s.%s", dir, sep, name, format_exts[f]);
    if (n < 0 || (size_t)n >= cap)
        return error_set(err, TF_ERR_INPUT, "%s%s%s.%s: path too long", dir, sep, name, format_exts[f]);
    return TF_OK;
}

Status export_record(const Record *r, ExportFormat f, const char *path, Error *err)
{
    if (f == EXPORT_NPY) {
        uint64_t dims[RECORD_MAX_DIMS];
        for (int a = 0; a < r->ndim; a++)
            dims[a] = r->dims[a];
        return npy_write_f32(path, r->data, r->ndim, dims, err);
    }
    AtomicFile af;
    Status s = atomic_file_open_text(&af, path, err);
    if (s != TF_OK)
        return s;
    bool ok = f == EXPORT_CSV ? export_write_csv(af.f, r) : export_write_dat(af.f, r);
    if (!ok) {
        int e = errno;
        atomic_file_discard(&af);
        return error_set(err, TF_ERR_RUNTIME, "%s: write failed: %s", path, strerror(e));
    }
    return atomic_file_commit(&af, err);
}

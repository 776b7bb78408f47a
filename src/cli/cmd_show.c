/* cmd_show.c — `traceformer show TRACE NAME`: one record as aligned text,
 * token labels on the rows and columns, one block per page (head, batch). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_options.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "text/printable.h"
#include "text/utf8.h"
#include "trace/export.h"

typedef struct {
    const char *path, *name;
    long head, batch;  /* -1: every page */
    long precision;    /* -1: 0 when every value is whole (token ids, masks), else 4 */
} ShowArgs;

#define AT(field) offsetof(ShowArgs, field)
static const CliOption options[] = {
    CLI_COUNT("head", "H", "only head H (records with a head axis)", AT(head), 1L << 30, 0),
    CLI_COUNT("batch", "B", "only sentence B of a batch (records with a batch axis)", AT(batch), 1L << 30, 0),
    CLI_COUNT("precision", "P",
              "digits after the decimal point, 0..9 (default 4, or 0\n"
              "when every value is a whole number, as token ids are)", AT(precision), 9, 0),
};
#undef AT

/* TRACE, then NAME. */
static int take_arg(void *args, const char *arg);

static const CliCommand command = {
    .name = "show",
    .usage =
        "usage: traceformer show TRACE NAME [--head H] [--batch B] [--precision P]\n"
        "\n"
        "Print one record as a matrix with its token labels, after its name, shape,\n"
        "formula and description. Records with leading axes (batch, head) print\n"
        "one matrix per page, each under a title such as \"head 0\".\n"
        "\n",
    .epilog =
        "\n"
        "`traceformer ls TRACE` lists the record names.\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 17,
    .usage_in_errors = true,
    .positional = take_arg,
};

/* A label as it is printed: a trace from anyone may hold a token with a
 * bidi control or a zero-width character (a control character the reader
 * refuses), so labels go out escaped (text/printable.h): \u202e, never
 * the character itself. Labels are at most 1023 bytes, 4 escaped bytes
 * per byte at most. */
typedef struct {
    char s[4 * 1024];
} Shown;

static Shown shown(const char *s)
{
    Shown out;
    printable_copy(out.s, sizeof out.s, s);
    return out;
}

/* Columns of s as printed. */
static int shown_width(const char *s)
{
    return utf8_width(shown(s).s);
}

/* Print s in width columns, left- or right-aligned. */
static void put_cell(const char *s, int width, bool right)
{
    Shown t = shown(s);
    int pad = width - utf8_width(t.s);
    if (right)
        printf("%*s%s", pad > 0 ? pad : 0, "", t.s);
    else
        printf("%s%*s", t.s, pad > 0 ? pad : 0, "");
}

/* ---- the matrix ---- */

static void format_value(char *buf, size_t cap, float v, int precision)
{
    if (isinf(v))
        snprintf(buf, cap, v < 0 ? "-inf" : "inf");
    else if (isnan(v))
        snprintf(buf, cap, "nan");
    else
        snprintf(buf, cap, "%.*f", precision, (double)v);
}

static const char *row_name(const Record *r, const RecordPages *pg, size_t page, size_t i, char *buf)
{
    const char *l = export_pages_row_label(r, pg, page, i);
    if (l)
        return l;
    if (r->ndim == 1 || pg->batch_rows)  /* one row per page: the title names it */
        return "";
    snprintf(buf, 24, "%zu", i);
    return buf;
}

static const char *col_name(const Record *r, const RecordPages *pg, size_t page, size_t c, char *buf)
{
    const char *l = export_pages_col_label(r, pg, page, c);
    if (l)
        return l;
    snprintf(buf, 24, "%zu", c);
    return buf;
}

/* One page: a header line of column names, then label + values per row. */
static void print_page(const Record *r, const RecordPages *pg, size_t page, int precision)
{
    const float *m = export_pages_data(r, pg, page);  /* (rows, cols) */
    char buf[48], num[48];
    int label_w = 0, cell_w = 1;
    for (size_t i = 0; i < pg->rows; i++) {
        int w = shown_width(row_name(r, pg, page, i, buf));
        label_w = w > label_w ? w : label_w;
    }
    for (size_t c = 0; c < pg->cols; c++) {
        int w = shown_width(col_name(r, pg, page, c, buf));
        cell_w = w > cell_w ? w : cell_w;
    }
    for (size_t k = 0; k < pg->rows * pg->cols; k++) {
        format_value(num, sizeof num, m[k], precision);
        int w = (int)strlen(num);
        cell_w = w > cell_w ? w : cell_w;
    }

    put_cell("", label_w, false);
    for (size_t c = 0; c < pg->cols; c++) {
        fputs("  ", stdout);
        put_cell(col_name(r, pg, page, c, buf), cell_w, true);
    }
    putchar('\n');
    for (size_t i = 0; i < pg->rows; i++) {
        put_cell(row_name(r, pg, page, i, buf), label_w, false);
        for (size_t c = 0; c < pg->cols; c++) {
            format_value(num, sizeof num, m[i * pg->cols + c], precision);
            fputs("  ", stdout);
            put_cell(num, cell_w, true);
        }
        putchar('\n');
    }
}

static void print_header(const Record *r, uint32_t index)
{
    char shape[160];
    export_shape_text(r, shape, sizeof shape);
    printf("%s  %s\n", r->name, shown(shape).s);
    printf("  record:       %u (exec index %u), kind %s\n", index, r->exec_index,
           r->kind[0] ? shown(r->kind).s : "-");
    if (r->formula[0]) {
        fputs("  formula:      ", stdout);
        printable_fputs(r->formula, stdout, false);
        putchar('\n');
    }
    if (r->description[0]) {
        fputs("  description:  ", stdout);
        printable_fputs(r->description, stdout, false);
        putchar('\n');
    }
    if (r->q_source)
        printf("  queries from: %s\n", r->q_source);
    if (r->kv_source)
        printf("  keys/values from: %s\n", r->kv_source);
}

/* The leading axis named `name` ("head", "batch"), or -1. */
static int leading_axis(const Record *r, const RecordPages *pg, const char *name)
{
    int leading = pg->batch_rows ? 1 : (pg->row_axis > 0 ? pg->row_axis : 0);
    for (int a = 0; a < leading; a++)
        if (strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

/* Check --head/--batch against the record; sets the axes to filter on. */
static int check_selector(const Record *r, const RecordPages *pg, const char *what, long want,
                          int *axis)
{
    *axis = -1;
    if (want < 0)
        return 0;
    *axis = leading_axis(r, pg, what);
    Error err;
    if (*axis < 0) {
        error_set(&err, TF_ERR_INPUT, "--%s %ld: record %s has no %s axis", what, want, r->name, what);
        return cli_report(&err, TF_ERR_INPUT);
    }
    if ((unsigned long)want >= r->dims[*axis]) {
        error_set(&err, TF_ERR_INPUT, "--%s %ld is out of range for %s: valid %s values are 0..%u", what,
                  want, r->name, what, r->dims[*axis] - 1);
        return cli_report(&err, TF_ERR_INPUT);
    }
    return 0;
}

/* Token ids and masks are whole numbers: "4" and "-inf" say it plainly. */
static int auto_precision(const Record *r)
{
    size_t n = record_numel(r);
    for (size_t k = 0; k < n; k++)
        if (isfinite(r->data[k]) && (fabsf(r->data[k]) >= 1e9f || r->data[k] != truncf(r->data[k])))
            return 4;
    return 0;
}

static int show_record(const TraceReader *tr, uint32_t index, const ShowArgs *a)
{
    TraceRecord t;
    Error err;
    Status s = trace_reader_get(tr, index, &t, &err);
    if (s != TF_OK)
        return cli_report(&err, s);
    const Record *r = &t.rec;
    RecordPages pg;
    export_pages_of(r, &pg);
    int head_axis, batch_axis;
    int code = check_selector(r, &pg, "head", a->head, &head_axis);
    if (!code)
        code = check_selector(r, &pg, "batch", a->batch, &batch_axis);
    if (!code) {
        int precision = a->precision >= 0 ? (int)a->precision : auto_precision(r);
        print_header(r, index);
        for (size_t p = 0; p < pg.pages; p++) {
            if ((head_axis >= 0 && export_pages_coord(r, &pg, p, head_axis) != (uint32_t)a->head) ||
                (batch_axis >= 0 && export_pages_coord(r, &pg, p, batch_axis) != (uint32_t)a->batch))
                continue;
            putchar('\n');
            if (pg.paged) {
                char title[160];
                export_pages_title(r, &pg, p, title, sizeof title);
                printf("%s\n", shown(title).s);
            }
            print_page(r, &pg, p, precision);
        }
    }
    trace_record_release(&t);
    return code;
}

/* ---- arguments ---- */

static int take_arg(void *args, const char *arg)
{
    ShowArgs *a = args;
    if (!a->path)
        a->path = arg;
    else if (!a->name)
        a->name = arg;
    else
        return cli_usage_error("show", command.usage, "one NAME only ('%s' is extra)", arg);
    return 0;
}

static int parse_args(int argc, char **argv, ShowArgs *a)
{
    *a = (ShowArgs){.head = -1, .batch = -1, .precision = -1};
    int rc = cli_options_parse(&command, argc, argv, a, NULL);
    if (rc)
        return rc;
    if (!a->path || !a->name) {
        return cli_usage_error("show", command.usage, "missing %s", a->path ? "NAME" : "TRACE and NAME");
    }
    return 0;
}

int cmd_show(int argc, char **argv)
{
    ShowArgs a;
    int code = parse_args(argc, argv, &a);
    if (code)
        return code < 0 ? 0 : code;
    TraceReader *tr;
    code = cli_open_trace(a.path, &tr);
    if (code)
        return code;
    long index = trace_reader_find(tr, a.name);
    code = index < 0 ? cli_unknown_record(tr, a.name) : show_record(tr, (uint32_t)index, &a);
    trace_reader_close(tr);
    if (code == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "traceformer: show: cannot write to standard output\n");
        return 1;
    }
    return code;
}

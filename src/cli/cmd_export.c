/* cmd_export.c — `traceformer export TRACE [NAME...] --format npy|csv|dat -o DIR`.
 *
 * Everything that can be refused is refused before the first file is
 * written: the flags, every name, every record's checksum. The files are
 * then written into a staging directory and moved into DIR together
 * (io/staged_dir.h), and their paths printed; -o - writes one record to
 * standard output. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "io/staged_dir.h"
#include "trace/export.h"

typedef struct {
    CliArguments args;  /* TRACE, then the NAMEs */
    const char *dir, *format;
} ExportArgs;

#define AT(field) offsetof(ExportArgs, field)
static const CliOption options[] = {
    CLI_VALUE_ONCE("format", 0, "F", NULL, AT(format)),
    CLI_TEXT("  --format npy   float32 array with the record's shape, for numpy.load\n"
             "  --format csv   one table per page, token labels in the first row and\n"
             "                 column, for spreadsheets\n"
             "  --format dat   gnuplot data: plot 'FILE' index N matrix with image"),
    CLI_VALUE_ONCE("output", 'o', "DIR",
                   "all files or none: on a failure DIR is left as it was;\n"
                   "files of the same name are replaced, others left alone", AT(dir)),
    CLI_TEXT("  -o -                 one record (name it) to standard output; npy not to a terminal"),
};
#undef AT

static const CliCommand command = {
    .name = "export",
    .usage =
        "usage: traceformer export TRACE [NAME...] --format npy|csv|dat -o DIR\n"
        "\n"
        "Write records as files named after them (enc.0.attn.weights.npy), all\n"
        "records when no NAME is given. DIR is created when missing.\n"
        "\n",
    .epilog =
        "\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 23,
    .usage_in_errors = true,
    .arguments = true,
    .arguments_at = offsetof(ExportArgs, args),
};

/* Returns -1 after --help, 0 when the arguments are good, else 2. */
static int parse_args(int argc, char **argv, ExportArgs *a)
{
    memset(a, 0, sizeof *a);
    if (cli_arguments_init(&a->args, argc))
        return 1;
    int rc = cli_options_parse(&command, argc, argv, a, NULL);
    if (rc)
        return rc;
    if (!a->args.first)
        return cli_usage_error("export", command.usage, "missing TRACE");
    if (!a->format)
        return cli_usage_error("export", command.usage, "missing --format (npy, csv or dat)");
    if (!a->dir || !a->dir[0])
        return cli_usage_error("export", command.usage, "missing -o DIR");
    if (strcmp(a->dir, "-") != 0 && cli_check_output_dir("export", "-o", a->dir))
        return 2;
    return 0;
}

/* Indices of the records to write, in trace order, each once: all of them
 * without names. Unknown names are refused here, before any file is made. */
static int select_records(const TraceReader *r, const ExportArgs *a, uint32_t **out, uint32_t *n)
{
    uint32_t count = trace_reader_count(r);
    unsigned char *want = calloc(count ? count : 1, 1);
    *out = malloc((count ? count : 1) * sizeof **out);
    if (!want || !*out) {
        free(want);
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    for (int k = 0; k < a->args.n_rest; k++) {
        long i = trace_reader_find(r, a->args.rest[k]);
        if (i < 0) {
            free(want);
            return cli_unknown_record(r, a->args.rest[k]);
        }
        want[i] = 1;
    }
    *n = 0;
    for (uint32_t i = 0; i < count; i++)
        if (a->args.n_rest == 0 || want[i])
            (*out)[(*n)++] = i;
    free(want);
    return 0;
}

/* Fetch every selected record once, so a corrupt one stops the export
 * before anything is written. */
static int check_records(const TraceReader *r, const uint32_t *sel, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        TraceRecord t;
        Error err;
        Status s = trace_reader_get(r, sel[k], &t, &err);
        if (s != TF_OK)
            return cli_report(&err, s);
        trace_record_release(&t);
    }
    return 0;
}

/* Write the selected records into dir (the staging directory); the
 * paths are printed once they are all in place. */
static int write_records(const TraceReader *r, const uint32_t *sel, uint32_t n, const char *dir,
                         ExportFormat fmt)
{
    for (uint32_t k = 0; k < n; k++) {
        TraceRecord t;
        Error err;
        char path[4096];
        Status s = trace_reader_get(r, sel[k], &t, &err);
        if (s == TF_OK) {
            s = export_path(path, sizeof path, dir, t.rec.name, fmt, &err);
            if (s == TF_OK)
                s = export_record(&t.rec, fmt, path, &err);
            trace_record_release(&t);
        }
        if (s != TF_OK)
            return cli_report(&err, s);
    }
    return 0;
}

static int print_paths(const TraceReader *r, const uint32_t *sel, uint32_t n, const char *dir, ExportFormat fmt)
{
    for (uint32_t k = 0; k < n; k++) {
        Error err;
        char path[4096];
        const char *name = trace_reader_name(r, sel[k]);
        if (export_path(path, sizeof path, dir, name, fmt, &err) == TF_OK)
            printf("%s\n", path);
    }
    return 0;
}

/* -o -: one record to standard output (text formats may go to a terminal). */
static int write_stdout(const TraceReader *r, const uint32_t *sel, uint32_t n, ExportFormat fmt)
{
    if (n != 1) {
        fprintf(stderr, "traceformer export: -o -: standard output takes one record, and %u are selected\n", n);
        fprintf(stderr, "hint: name one record (traceformer ls TRACE lists them), or give -o DIR\n");
        return 2;
    }
    TraceRecord t;
    Error err;
    Status s = trace_reader_get(r, sel[0], &t, &err);
    if (s == TF_OK) {
        s = export_record(&t.rec, fmt, "-", &err);
        trace_record_release(&t);
    }
    return s == TF_OK ? 0 : cli_report(&err, s);
}

int cmd_export(int argc, char **argv)
{
    ExportArgs a;
    int code = parse_args(argc, argv, &a);
    if (code) {
        cli_arguments_free(&a.args);
        return code < 0 ? 0 : code;
    }
    ExportFormat fmt;
    if (!export_format_parse(a.format, &fmt)) {
        cli_arguments_free(&a.args);
        return cli_usage_error("export", command.usage, "--format '%s': expected npy, csv or dat", a.format);
    }
    TraceReader *r = NULL;
    uint32_t *sel = NULL, n = 0;
    code = cli_open_trace(a.args.first, &r);
    if (!code)
        code = select_records(r, &a, &sel, &n);
    if (!code)
        code = check_records(r, sel, n);
    if (!code && strcmp(a.dir, "-") == 0) {
        code = write_stdout(r, sel, n, fmt);
    } else if (!code) {
        /* All files or none (io/staged_dir.h): written aside, then moved in. */
        StagedDir sd;
        Error err;
        Status s = staged_dir_open(&sd, a.dir, &err);
        if (s != TF_OK)
            code = cli_report(&err, s);
        if (!code && (code = write_records(r, sel, n, sd.stage, fmt)) != 0) {
            staged_dir_abort(&sd);
            fprintf(stderr, "traceformer export: nothing was written to %s\n", a.dir);
        }
        if (!code && (s = staged_dir_commit(&sd, &err)) != TF_OK)
            code = cli_report(&err, s);
        if (!code)
            code = print_paths(r, sel, n, a.dir, fmt);
    }
    if (!code && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "traceformer: export: cannot write to standard output\n");
        code = 1;
    }
    free(sel);
    cli_arguments_free(&a.args);
    trace_reader_close(r);
    return code;
}

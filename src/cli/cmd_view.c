/* cmd_view.c — `traceformer view TRACE`: the ncurses viewer (src/view).
 *
 * Everything that can be refused is refused here, before the screen is
 * taken: the arguments, the traces (the reader's own messages), a record
 * name that is not there, and an output that is not a terminal. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "cli/paths.h"
#include "cli/view_export.h"
#include "view/view.h"

typedef struct {
    const char *path, *name, *compare, *plots;
} ViewArgs;

#define AT(field) offsetof(ViewArgs, field)
static const CliOption options[] = {
    CLI_TEXT("  NAME             open at this record (default: the first)"),
    CLI_VALUE("compare", 0, "OTHER",
              "a second trace to compare with (key c): A, B and A - B\n"
              "for the same record name, e.g. a run with and without\n"
              "a padding mask or positional encoding", AT(compare)),
    CLI_VALUE("plots", 0, "DIR", "where the x and X keys write images (default: plots)", AT(plots)),
};
#undef AT

/* TRACE, then at most one NAME. */
static int take_arg(void *args, const char *arg);

static const CliCommand command = {
    .name = "view",
    .usage =
        "usage: traceformer view TRACE [NAME] [--compare OTHER] [--plots DIR]\n"
        "\n"
        "Step through a trace in the terminal, one matrix at a time: the steps in\n"
        "execution order on the left, the current record as a heatmap with its\n"
        "token labels, and below it what the record is, its formula, its values\n"
        "and the value under the cursor. Press ? in the viewer for every key.\n"
        "\n",
    .epilog =
        "\n"
        "The viewer needs a terminal. To print a record instead:\n"
        "  traceformer show TRACE NAME     (and traceformer ls TRACE lists the names)\n"
        "Colours follow the terminal; NO_COLOR=1 asks for monochrome.\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 19,
    .usage_in_errors = true,
    .positional = take_arg,
};

static int take_arg(void *args, const char *arg)
{
    ViewArgs *a = args;
    if (!a->path)
        a->path = arg;
    else if (!a->name)
        a->name = arg;
    else
        return cli_usage_error("view", command.usage, "one NAME only ('%s' is extra)", arg);
    return 0;
}

static int parse_args(int argc, char **argv, ViewArgs *a)
{
    *a = (ViewArgs){.plots = "plots"};
    int rc = cli_options_parse(&command, argc, argv, a, NULL);
    if (rc)
        return rc;
    if (!a->path)
        return cli_usage_error("view", command.usage, "missing TRACE");
    return cli_check_output_dir("view", "--plots", a->plots);
}

int cmd_view(int argc, char **argv)
{
    ViewArgs a;
    int code = parse_args(argc, argv, &a);
    if (code)
        return code < 0 ? 0 : code;

    TraceReader *ta = NULL, *tb = NULL;
    if ((code = cli_open_trace(a.path, &ta)))
        return code;
    if (a.compare && (code = cli_open_trace(a.compare, &tb))) {
        trace_reader_close(ta);
        return code;
    }
    if (a.name && trace_reader_find(ta, a.name) < 0)
        code = cli_unknown_record(ta, a.name);
    if (!code && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
        fprintf(stderr, "traceformer view: standard %s is not a terminal, and the viewer needs one\n",
                isatty(STDOUT_FILENO) ? "input" : "output");
        fprintf(stderr, "hint: `traceformer show %s NAME` prints one record as text; "
                        "`traceformer ls %s` lists the names\n", a.path, a.path);
        code = 2;
    }
    if (!code) {
        ViewExportPlace place = {.out = a.plots};
        snprintf(place.viz, sizeof place.viz, "%s/viz", paths_data_dir());
        ViewConfig cfg = {.a = ta, .b = tb, .start = a.name, .export = {view_export_png, &place, view_export_model_view}};
        int sig = 0;
        Error err;
        error_clear(&err);
        Status st = view_run(&cfg, &sig, &err);
        if (st)
            code = cli_report(&err, st);
        else if (sig)
            code = 128 + sig;  /* the shell's convention for "ended by signal" */
    }
    trace_reader_close(ta);
    if (tb)
        trace_reader_close(tb);
    return code;
}

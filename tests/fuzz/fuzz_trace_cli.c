/* fuzz_trace_cli.c — `traceformer ls`, `show` and `export` on any bytes.
 *
 * The commands themselves are called (cmd_ls, cmd_show, cmd_export), so
 * the formatting of shapes, labels and values and the writers of .npy,
 * CSV and gnuplot data all see what the file says. Standard output goes to
 * /dev/null; export writes into a directory inside this process's scratch
 * directory, emptied after every input. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "fuzz_support.h"
#include "trace/trace.h"

static int run(int (*cmd)(int, char **), int argc, const char **argv)
{
    return cmd(argc, (char **)argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet_stdout();
    const char *path = fuzz_memfile(0, data, size);
    const char *ls[] = {"ls", path, NULL};
    run(cmd_ls, 2, ls);

    /* Names to show and export: the first, a middle and the last record. */
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, path, &err) != TF_OK)
        return 0;
    char names[3][256];
    uint32_t n = trace_reader_count(r);
    int n_names = 0;
    if (n > 0) {
        const uint32_t pick[3] = {0, n / 2, n - 1};
        for (int k = 0; k < 3; k++)
            snprintf(names[n_names++], sizeof names[0], "%s", trace_reader_name(r, pick[k]));
    }
    trace_reader_close(r);

    for (int k = 0; k < n_names; k++) {
        const char *show[] = {"show", path, names[k], NULL};
        run(cmd_show, 3, show);
    }
    if (n_names) {
        const char *show_head[] = {"show", path, names[n_names - 1], "--head", "1", "--precision", "2", NULL};
        run(cmd_show, 7, show_head);
    }
    const char *missing[] = {"show", path, "enc.0.attn.weight", NULL};
    run(cmd_show, 3, missing);

    static const char *const formats[] = {"npy", "csv", "dat"};
    char out[512];
    snprintf(out, sizeof out, "%s/export", fuzz_scratch_dir());
    const char *export[8] = {"export", path, "--format", formats[size % 3], "-o", out};
    int argc = 6;
    for (int k = 0; k < n_names && k < 2; k++)
        export[argc++] = names[k];
    run(cmd_export, argc, export);
    fuzz_remove(out);
    return 0;
}

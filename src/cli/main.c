/* main.c — `traceformer SUBCOMMAND ...`: dispatch to one file per subcommand. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "io/signal_cleanup.h"
#include "text/nearest.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command commands[] = {
    {"run", cmd_run, "run a model on an input and record every intermediate to a trace"},
    {"ls", cmd_ls, "list the records of a trace: index, name, shape"},
    {"show", cmd_show, "print one record as an aligned matrix with token labels"},
    {"export", cmd_export, "write records as .npy, .csv or gnuplot .dat files"},
    {"view", cmd_view, "step through a trace in the terminal, one matrix at a time"},
    {"plot", cmd_plot, "render records as PNG, SVG or PDF heatmaps through gnuplot"},
    {"train", cmd_train, "train a small model on a toy task (copy, reverse, sort, phrasebook)"},
    {"eval", cmd_eval, "measure a trained model on its task's held-out sentences"},
    {"lesson", cmd_lesson, "list, walk through, check and plot the lessons"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: traceformer COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`traceformer COMMAND --help` describes one command.\n");
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Temporary files and directories the command registers are removed
     * when SIGINT, SIGTERM, SIGHUP or SIGQUIT ends it (io/signal_cleanup.h). */
    signal_cleanup_install();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "traceformer: unknown command '%s'\n", argv[1]);
    Nearest near;
    nearest_init(&near, argv[1]);
    if (strlen(argv[1]) >= 2)
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            nearest_offer(&near, commands[i].name);
    if (near.n > 0) {
        fprintf(stderr, "hint: did you mean `traceformer %s`?\n", near.name[0]);
        return 2;
    }
    usage(stderr);
    return 2;
}

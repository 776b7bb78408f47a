/* commands.h — the subcommands of `traceformer`, one file each.
 *
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the exit code: 0 success, 1 runtime failure, 2 bad usage or
 * bad input. Only main exits. */
#ifndef TF_CLI_COMMANDS_H
#define TF_CLI_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_lesson(int argc, char **argv);

/* Print "traceformer: <msg>" and, when the error has one, "hint: <hint>"
 * to stderr; returns code. */
#include "core/error.h"
int cli_report(const Error *e, int code);

#endif

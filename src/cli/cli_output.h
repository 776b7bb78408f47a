/* cli_output.h — output paths the subcommands check before any work: a file
 * (-o run.trace) or a directory (-o plots), refused when it cannot be
 * right. (The options themselves are parsed by cli_options.h.) */
#ifndef TF_CLI_CLI_OUTPUT_H
#define TF_CLI_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* A path the command reads, named by the flag that gave it. */
typedef struct {
    const char *flag;  /* "--config" */
    const char *path;  /* NULL: not given */
} CliInput;

/* Check flag's FILE (-o run.trace) before any work, so that a mistake is
 * bad usage (exit 2) at once, not a failure after the work: refused when
 * it is a directory (or ends in '/'), or when it is the same file as one
 * of the n inputs (writing there would replace what is being read).
 * Prints "traceformer COMMAND: FLAG 'PATH' ..." and returns 2; else 0.
 * Then what io/atomic_file.h would refuse (a socket, a block device,
 * binary output to a terminal: 2) or fail at (a missing directory: 1).
 * "-" is standard output. */
int cli_check_output_file(const char *command, const char *flag, const char *path, const CliInput *inputs,
                          size_t n);

/* Whether writing path writes standard output: "-", or a name for the
 * file standard output already is (/dev/stdout, /proc/self/fd/1, the tty).
 * A command's report then goes to stderr, so it never mixes into the data. */
bool cli_output_is_stdout(const char *path);

/* Check flag's DIR (-o plots) before any work: refused (exit 2) when it
 * exists and is not a directory, so it could never be written into, and
 * when it is "-" (standard output takes one file, not a directory). */
int cli_check_output_dir(const char *command, const char *flag, const char *path);

#endif

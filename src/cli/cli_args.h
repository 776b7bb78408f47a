/* cli_args.h — command-line parsing the subcommands share: the report of
 * an unknown option (with "did you mean"), an output path checked before
 * any work, and for `run` and `train` an option that takes a value and
 * the model flags (--heads 4, --norm pre, ...) that each set one config
 * key, collected in command-line order and applied after the config file. */
#ifndef TF_CLI_CLI_ARGS_H
#define TF_CLI_CLI_ARGS_H

#include <stddef.h>

#include "core/error.h"
#include "model/config.h"

#define CLI_MODEL_FLAGS_MAX 64
/* room for the model flags and, apart from them, the sentences: at most
 * CONFIG_MAX_SENTENCES of --src and as many of --tgt */
#define CLI_MODEL_FLAGS_ROOM (CLI_MODEL_FLAGS_MAX + 2 * CONFIG_MAX_SENTENCES)

/* The model flags a command accepts, and those it was given. */
typedef struct {
    const char *const *names;  /* (n_names) the accepted flags without "--": "heads", "d-model" */
    size_t n_names;
    const char *const *own;    /* (n_own) the command's other long options, without "--",
                                  for "did you mean" */
    size_t n_own;
    int cap;                   /* how many may be given besides --src and --tgt, ≤ CLI_MODEL_FLAGS_MAX */
    int n;                     /* how many were, sentences included */
    const char *key[CLI_MODEL_FLAGS_ROOM];    /* (n) as given, without "--" */
    const char *value[CLI_MODEL_FLAGS_ROOM];  /* (n) */
} ModelFlags;

/* Start f empty, accepting the n_names flags of names (which must outlive
 * f), at most cap of them given; own (n_own names) are the command's other
 * long options, offered when one is misspelled. */
void cli_model_flags_init(ModelFlags *f, const char *const *names, size_t n_names, const char *const *own,
                          size_t n_own, int cap);

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

/* Report arg, an option `traceformer COMMAND` does not have, and return 2
 * (bad usage):
 *   traceformer COMMAND: unknown option 'ARG'
 *   USAGE LINE              (the first line of usage, when usage is not NULL)
 *   hint: did you mean --NAME?    (the nearest of the command's options)
 *   hint: `traceformer COMMAND --help` describes the options    (else)
 * names and more (n and n_more of them; more may be NULL) are the
 * command's long options without "--"; a value after '=' in arg is not
 * compared. */
int cli_unknown_option(const char *command, const char *usage, const char *arg, const char *const *names,
                       size_t n, const char *const *more, size_t n_more);

/* argv[*i] is an option of `traceformer COMMAND` that is not a switch.
 * target: where the command keeps that option's value, or NULL when it is
 * none of the command's own, in which case it must be one of flags' model
 * flags and is collected into flags. Takes the value that follows
 * (*i moves on to it) and returns 0; else prints one of
 *   traceformer COMMAND: unknown option 'ARG' (cli_unknown_option)
 *   traceformer COMMAND: ARG needs a value
 *   traceformer COMMAND: --src holds a control character (\x1b) at byte 3
 *        (the words of --src, --tgt, --vocab and --tokens: text/printable.h)
 *   traceformer COMMAND: at most 64 sentences: --src is given more than 64 times
 *   traceformer COMMAND: too many model flags (at most CAP)   (--src and --tgt apart)
 * to stderr and returns 2, the exit code for bad usage. */
int cli_take_value(const char *command, int argc, char **argv, int *i, const char **target, ModelFlags *flags);

/* Set each collected flag on c in command-line order (config_set's rules:
 * sentences and tokens from flags replace those of the file, other flags
 * override single values); --vocab is the key "tokens". Errors name the
 * flag ("--heads"). */
Status cli_model_flags_apply(Config *c, const ModelFlags *flags, Error *err);

#endif

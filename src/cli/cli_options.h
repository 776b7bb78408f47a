/* cli_options.h — a subcommand's options as one table: each option's long
 * and short name, the name of its value, its help text and where its value
 * goes. One function parses argv against the table, and one prints the
 * --help page from it, so what a command takes and what its help lists
 * cannot drift apart. The model flags (--heads 4, --norm pre, ...) come
 * from the config key table (model/config.h), not from a list here. */
#ifndef TF_CLI_CLI_OPTIONS_H
#define TF_CLI_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "model/config.h"

typedef enum {
    OPT_TEXT,         /* no option: help text printed as it is (a heading, a note) */
    OPT_SWITCH,       /* --quiet: sets a bool */
    OPT_VALUE,        /* --output FILE: keeps the value, a const char * */
    OPT_COUNT,        /* --head H: a whole number 0..max, a long (cli_parse_count) */
    OPT_MODEL,        /* --src TEXT: one model flag, collected into ModelFlags, listed here */
    OPT_MODEL_FLAGS,  /* every other model flag the command takes, listed in one block */
} OptKind;

/* How often an option may be given: by default the last one counts. */
#define OPT_ONCE 1u  /* twice is bad usage: "--format given twice" */

typedef struct {
    OptKind kind;
    const char *name;   /* the long name without "--"; NULL for OPT_TEXT */
    char short_name;    /* 'o' for -o, or 0 */
    const char *arg;    /* the value's name in help, "FILE"; NULL for a switch */
    const char *help;   /* beside the option, a line per '\n' (the later ones
                           indented to the column); NULL: not listed (a text
                           entry describes it). OPT_TEXT: the text itself */
    size_t offset;      /* where the value goes in the command's arguments */
    unsigned rules;     /* OPT_ONCE */
    long max;           /* OPT_COUNT: the largest value */
} CliOption;

/* Table rows (designated, so every field not named is 0). */
#define CLI_TEXT(text_) {.kind = OPT_TEXT, .help = (text_)}
#define CLI_SWITCH(name_, short_, help_, offset_)                                                        \
    {.kind = OPT_SWITCH, .name = (name_), .short_name = (short_), .help = (help_), .offset = (offset_)}
#define CLI_VALUE(name_, short_, arg_, help_, offset_)                                                   \
    {.kind = OPT_VALUE, .name = (name_), .short_name = (short_), .arg = (arg_), .help = (help_),          \
     .offset = (offset_)}
#define CLI_VALUE_ONCE(name_, short_, arg_, help_, offset_)                                              \
    {.kind = OPT_VALUE, .name = (name_), .short_name = (short_), .arg = (arg_), .help = (help_),          \
     .offset = (offset_), .rules = OPT_ONCE}
#define CLI_COUNT(name_, arg_, help_, offset_, max_, rules_)                                             \
    {.kind = OPT_COUNT, .name = (name_), .arg = (arg_), .help = (help_), .offset = (offset_),             \
     .max = (max_), .rules = (rules_)}
#define CLI_MODEL(name_, arg_, help_) {.kind = OPT_MODEL, .name = (name_), .arg = (arg_), .help = (help_)}
#define CLI_MODEL_FLAGS() {.kind = OPT_MODEL_FLAGS}

/* The model flags a command was given, in command-line order, applied
 * after the config file (cli_model_flags_apply). */
#define CLI_MODEL_FLAGS_MAX 64
/* room for the model flags and, apart from them, the sentences: at most
 * CONFIG_MAX_SENTENCES of --src and as many of --tgt */
#define CLI_MODEL_FLAGS_ROOM (CLI_MODEL_FLAGS_MAX + 2 * CONFIG_MAX_SENTENCES)

typedef struct {
    int n;                                   /* how many were given, sentences included */
    int key[CLI_MODEL_FLAGS_ROOM];           /* (n) the config key (config_flag_info) */
    bool alias[CLI_MODEL_FLAGS_ROOM];        /* (n) given by its other name: --vocab */
    const char *value[CLI_MODEL_FLAGS_ROOM]; /* (n) */
} ModelFlags;

/* A command's arguments that are not options, in order, borrowed from
 * argv: the first (TRACE), then any number more (NAME...). */
typedef struct {
    const char *first;  /* NULL: none given */
    const char **rest;  /* (n_rest) room for argc (cli_arguments_init) */
    int n_rest;
} CliArguments;

/* Room in p for the arguments of argc; 1 after "out of memory", else 0. */
int cli_arguments_init(CliArguments *p, int argc);
void cli_arguments_free(CliArguments *p);

typedef struct {
    const char *name;           /* "plot" */
    const char *usage;          /* the help page above the options; its first line is the usage line */
    const char *epilog;         /* the help page below the options */
    const CliOption *options;   /* (n_options) in the order help lists them */
    size_t n_options;
    int column;                 /* where the help beside an option starts */
    bool usage_in_errors;       /* a usage error repeats the usage line and points to --help */
    ConfigFlagScope model;      /* the model flags taken: FLAG_ANY ones, or all (FLAG_RUN) */
    int model_cap;              /* how many model flags, --src and --tgt apart (≤ CLI_MODEL_FLAGS_MAX) */
    /* An argument that is not an option, in order; returns 0 or the exit
     * code. NULL: the command takes none, and one is an unknown option,
     * unless arguments says where to keep them. */
    int (*positional)(void *args, const char *arg);
    bool arguments;             /* every one kept in the CliArguments at arguments_at in args */
    size_t arguments_at;
} CliCommand;

/* Parse argv[1..argc-1] by c's table into args (the command's argument
 * struct, at the options' offsets) and model (NULL when c has no model
 * flags). Takes "--name VALUE", "--name=VALUE", "-o VALUE"; -h and --help
 * print the help page to stdout. Returns -1 after help, 0 when the
 * arguments are good, else the exit code after saying what is wrong:
 *   traceformer CMD: unknown option 'ARG'   (+ "did you mean", cli_unknown_option)
 *   traceformer CMD: ARG needs a value
 *   traceformer CMD: --NAME given twice     (an OPT_ONCE option)
 *   traceformer CMD: FLAG 'V': expected a whole number 0..MAX   (OPT_COUNT)
 *   and the model flags' own checks (cli_model_flag_take). */
int cli_options_parse(const CliCommand *c, int argc, char **argv, void *args, ModelFlags *model);

/* Say what is wrong with the command line, then the usage line (the first
 * line of usage) and where the rest is; returns 2. printf-style. */
int cli_usage_error(const char *command, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set each collected flag on c in command-line order (config_set's rules:
 * sentences and tokens from flags replace those of the file, other flags
 * override single values). Errors name the flag ("--heads"). */
Status cli_model_flags_apply(Config *c, const ModelFlags *flags, Error *err);

#endif

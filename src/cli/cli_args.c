/* cli_args.c — options with a value, and model flags, for run and train. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_args.h"

static int accepts(const ModelFlags *f, const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    for (size_t k = 0; k < f->n_names; k++)
        if (strcmp(arg + 2, f->names[k]) == 0)
            return 1;
    return 0;
}

void cli_model_flags_init(ModelFlags *f, const char *const *names, size_t n_names, int cap)
{
    memset(f, 0, sizeof *f);
    f->names = names;
    f->n_names = n_names;
    f->cap = cap < CLI_MODEL_FLAGS_MAX ? cap : CLI_MODEL_FLAGS_MAX;
}

int cli_take_value(const char *command, int argc, char **argv, int *i, const char **target, ModelFlags *flags)
{
    const char *arg = argv[*i];
    if (!target && !accepts(flags, arg)) {
        fprintf(stderr, "traceformer %s: unknown option '%s'\n", command, arg);
        fprintf(stderr, "hint: traceformer %s --help lists the options\n", command);
        return 2;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "traceformer %s: %s needs a value\n", command, arg);
        return 2;
    }
    const char *value = argv[++*i];
    if (target) {
        *target = value;
        return 0;
    }
    if (flags->n >= flags->cap) {
        fprintf(stderr, "traceformer %s: too many model flags (at most %d)\n", command, flags->cap);
        return 2;
    }
    flags->key[flags->n] = arg + 2;
    flags->value[flags->n++] = value;
    return 0;
}

Status cli_model_flags_apply(Config *c, const ModelFlags *flags, Error *err)
{
    for (int i = 0; i < flags->n; i++) {
        ConfigSource src = {{0}, 0, {0}};
        snprintf(src.key, sizeof src.key, "--%s", flags->key[i]);
        const char *key = strcmp(flags->key[i], "vocab") == 0 ? "tokens" : flags->key[i];
        Status st = config_set(c, key, flags->value[i], &src, err);
        if (st)
            return st;
    }
    return TF_OK;
}

/* cli_args.c — unknown options, output paths checked up front, and for
 * run and train options with a value and model flags. */
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_args.h"
#include "io/atomic_file.h"
#include "text/nearest.h"
#include "text/printable.h"

static int accepts(const ModelFlags *f, const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    for (size_t k = 0; k < f->n_names; k++)
        if (strcmp(arg + 2, f->names[k]) == 0)
            return 1;
    return 0;
}

void cli_model_flags_init(ModelFlags *f, const char *const *names, size_t n_names, const char *const *own,
                          size_t n_own, int cap)
{
    memset(f, 0, sizeof *f);
    f->names = names;
    f->n_names = n_names;
    f->own = own;
    f->n_own = n_own;
    f->cap = cap < CLI_MODEL_FLAGS_MAX ? cap : CLI_MODEL_FLAGS_MAX;
}

/* What io/atomic_file refuses (a socket, a block device, binary output to
 * a terminal) or cannot do (no such directory), said before any work. */
static int output_problem(const char *command, const char *flag, const char *path)
{
    Error err;
    Status s = atomic_file_check(path, false, &err);
    if (s == TF_OK)
        return 0;
    fprintf(stderr, "traceformer %s: %s %s\n", command, flag, err.msg);
    if (err.hint[0])
        fprintf(stderr, "hint: %s\n", err.hint);
    return (int)s;
}

int cli_check_output_file(const char *command, const char *flag, const char *path, const CliInput *inputs,
                          size_t n)
{
    struct stat out;
    const size_t len = strlen(path);
    if (strcmp(path, "-") == 0)  /* standard output: only a terminal is refused */
        return output_problem(command, flag, path);
    const bool exists = stat(path, &out) == 0;
    if ((exists && S_ISDIR(out.st_mode)) || (len > 0 && path[len - 1] == '/')) {
        fprintf(stderr, "traceformer %s: %s '%s' %s; %s names the file to write\n", command, flag, path,
                exists && S_ISDIR(out.st_mode) ? "is a directory" : "names a directory (it ends in '/')", flag);
        fprintf(stderr, "hint: give a file name, inside it if you like: %s %s%sFILE\n", flag, path,
                len > 0 && path[len - 1] == '/' ? "" : "/");
        return 2;
    }
    if (!exists)
        return output_problem(command, flag, path);
    /* Same device and inode: the same file under any name (./a, a link). */
    for (size_t k = 0; k < n; k++) {
        struct stat in;
        if (inputs[k].path && stat(inputs[k].path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
            fprintf(stderr, "traceformer %s: %s '%s' is the %s file ('%s'): writing it would replace what is read\n",
                    command, flag, path, inputs[k].flag, inputs[k].path);
            fprintf(stderr, "hint: give %s another file name\n", flag);
            return 2;
        }
    }
    return output_problem(command, flag, path);
}

bool cli_output_is_stdout(const char *path)
{
    if (!path)
        return false;
    if (strcmp(path, "-") == 0)
        return true;
    struct stat target, out;
    return stat(path, &target) == 0 && fstat(STDOUT_FILENO, &out) == 0 &&
           target.st_dev == out.st_dev && target.st_ino == out.st_ino;
}

int cli_check_output_dir(const char *command, const char *flag, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        fprintf(stderr, "traceformer %s: %s '-': standard output cannot hold a directory of files\n", command, flag);
        fprintf(stderr, "hint: give a directory (it is created when missing); ./- names one called '-'\n");
        return 2;
    }
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "traceformer %s: %s '%s' is not a directory; %s names a directory to write into\n", command, flag,
                path, flag);
        fprintf(stderr, "hint: give a directory (it is created when missing)\n");
        return 2;
    }
    return 0;
}

int cli_unknown_option(const char *command, const char *usage, const char *arg, const char *const *names,
                       size_t n, const char *const *more, size_t n_more)
{
    fprintf(stderr, "traceformer %s: unknown option '%s'\n", command, arg);
    if (usage) {
        const char *nl = strchr(usage, '\n');
        fprintf(stderr, "%.*s\n", nl ? (int)(nl - usage) : (int)strlen(usage), usage);
    }
    /* Compare names, not spellings of dashes: "-heads" and "--heads=4"
     * both mean --heads. One letter is too little to guess from. */
    char typed[64];
    const char *t = arg + strspn(arg, "-");
    snprintf(typed, sizeof typed, "%.*s", (int)strcspn(t, "="), t);
    Nearest near;
    nearest_init(&near, typed);
    if (strlen(typed) >= 2) {
        for (size_t k = 0; k < n; k++)
            nearest_offer(&near, names[k]);
        for (size_t k = 0; more && k < n_more; k++)
            nearest_offer(&near, more[k]);
    }
    if (near.n == 0) {
        fprintf(stderr, "hint: `traceformer %s --help` describes the options\n", command);
        return 2;
    }
    /* The closest names only, as tied as they come (--seed for --sed, not
     * every short option two edits away). */
    fprintf(stderr, "hint: did you mean --%s", near.name[0]);
    size_t shown = 1;
    for (; shown < near.n && near.score[shown] == near.score[0]; shown++)
        fprintf(stderr, "%s--%s", shown + 1 == near.n || near.score[shown + 1] != near.score[0] ? " or " : ", ",
                near.name[shown]);
    fprintf(stderr, "?\n");
    return 2;
}

/* The --src and --tgt flags collected so far: they have their own limit. */
static int count_sentences(const ModelFlags *f)
{
    int n = 0;
    for (int k = 0; k < f->n; k++)
        n += strcmp(f->key[k], "src") == 0 || strcmp(f->key[k], "tgt") == 0;
    return n;
}

int cli_take_value(const char *command, int argc, char **argv, int *i, const char **target, ModelFlags *flags)
{
    const char *arg = argv[*i];
    if (!target && !accepts(flags, arg))
        return cli_unknown_option(command, NULL, arg, flags->own, flags->n_own, flags->names, flags->n_names);
    if (*i + 1 >= argc) {
        fprintf(stderr, "traceformer %s: %s needs a value\n", command, arg);
        return 2;
    }
    const char *value = argv[++*i];
    if (target) {
        *target = value;
        return 0;
    }
    const char *key = arg + 2;
    const bool sentence = strcmp(key, "src") == 0 || strcmp(key, "tgt") == 0;
    if (sentence || strcmp(key, "vocab") == 0 || strcmp(key, "tokens") == 0) {
        /* Words become token labels, printed and plotted as they are: a
         * control, bidi or invisible character is refused now, before any
         * work, naming the flag. */
        size_t at;
        char esc[PRINTABLE_ESC_MAX];
        const char *why = printable_text_problem(value, strlen(value), &at, esc);
        if (why) {
            fprintf(stderr, "traceformer %s: %s holds %s (%s) at byte %zu\n", command, arg, why, esc, at);
            if (sentence)
                fprintf(stderr, "hint: write the words on one line, separated by spaces (each sentence its own %s)\n",
                        arg);
            else
                fprintf(stderr, "hint: write the tokens on one line, separated by spaces\n");
            return 2;
        }
    }
    int same = 0;  /* how many of this flag came before */
    for (int k = 0; k < flags->n; k++)
        same += strcmp(flags->key[k], key) == 0;
    if (sentence && same >= CONFIG_MAX_SENTENCES) {
        fprintf(stderr, "traceformer %s: at most %d sentences: %s is given more than %d times\n", command,
                CONFIG_MAX_SENTENCES, arg, CONFIG_MAX_SENTENCES);
        return 2;
    }
    if (!sentence && flags->n - count_sentences(flags) >= flags->cap) {
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

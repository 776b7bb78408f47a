/* cli_options.c — parsing a subcommand's arguments by its option table,
 * its --help page from the same table, and the model flags from the
 * config key table. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "text/nearest.h"
#include "text/printable.h"

/* The longest help line the model-flag block makes, in columns. */
#define HELP_WIDTH 79

int cli_usage_error(const char *command, const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "traceformer %s: ", command);
    printable_fputs(msg, stderr, false);  /* it may quote an error from a file */
    const char *nl = strchr(usage, '\n');
    fprintf(stderr, "\n%.*s\nhint: `traceformer %s --help` describes the options\n",
            nl ? (int)(nl - usage) : (int)strlen(usage), usage, command);
    return 2;
}

/* Parse a non-negative integer flag value (decimal, whole string, ≤ max);
 * on failure report "FLAG: ..." and return false. */
static bool cli_parse_count(const char *flag, const char *s, long max, long *out)
{
    Error err;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v < 0 || v > max) {
        error_set(&err, TF_ERR_INPUT, "%s '%s': expected a whole number 0..%ld", flag, s, max);
        cli_report(&err, TF_ERR_INPUT);
        return false;
    }
    *out = v;
    return true;
}

/* Report arg, an option `traceformer COMMAND` does not have, and return 2
 * (bad usage):
 *   traceformer COMMAND: unknown option 'ARG'
 *   USAGE LINE              (the first line of usage, when usage is not NULL)
 *   hint: did you mean --NAME?    (the nearest of names, n of them, without "--")
 *   hint: `traceformer COMMAND --help` describes the options    (else)
 * A value after '=' in arg is not compared. */
static int cli_unknown_option(const char *command, const char *usage, const char *arg,
                              const char *const *names, size_t n)
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
    if (strlen(typed) >= 2)
        for (size_t k = 0; k < n; k++)
            nearest_offer(&near, names[k]);
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

/* ---- the model flags ---- */

static bool key_is_sentence(int key)
{
    ConfigFlag cf;
    config_flag_info(key, &cf);
    return cf.input;
}

/* Collect model flag key (alias: given by its other name) with value,
 * after checking it: the words of --src, --tgt and --vocab hold no control
 * character, at most CONFIG_MAX_SENTENCES sentences of each, at most cap
 * other flags. Returns 0, or 2 after printing why to stderr. */
static int cli_model_flag_take(const char *command, ModelFlags *f, int cap, int key, bool alias, const char *value)
{
    ConfigFlag cf;
    config_flag_info(key, &cf);
    char flag[40];
    snprintf(flag, sizeof flag, "--%s", alias ? cf.alias : cf.flag);
    const bool sentence = cf.input;
    if (sentence || strcmp(cf.key, "tokens") == 0) {
        /* Words become token labels, printed and plotted as they are: a
         * control, bidi or invisible character is refused now, before any
         * work, naming the flag. */
        size_t at;
        char esc[PRINTABLE_ESC_MAX];
        const char *why = printable_text_problem(value, strlen(value), &at, esc);
        if (why) {
            fprintf(stderr, "traceformer %s: %s holds %s (%s) at byte %zu\n", command, flag, why, esc, at);
            if (sentence)
                fprintf(stderr, "hint: write the words on one line, separated by spaces (each sentence its own %s)\n",
                        flag);
            else
                fprintf(stderr, "hint: write the tokens on one line, separated by spaces\n");
            return 2;
        }
    }
    int same = 0, sentences = 0;  /* of this flag, and of --src and --tgt, given before */
    for (int k = 0; k < f->n; k++) {
        same += f->key[k] == key;
        sentences += key_is_sentence(f->key[k]);
    }
    if (sentence && same >= CONFIG_MAX_SENTENCES) {
        fprintf(stderr, "traceformer %s: at most %d sentences: %s is given more than %d times\n", command,
                CONFIG_MAX_SENTENCES, flag, CONFIG_MAX_SENTENCES);
        return 2;
    }
    if (cap > CLI_MODEL_FLAGS_MAX)
        cap = CLI_MODEL_FLAGS_MAX;
    if (!sentence && f->n - sentences >= cap) {
        fprintf(stderr, "traceformer %s: too many model flags (at most %d)\n", command, cap);
        return 2;
    }
    f->key[f->n] = key;
    f->alias[f->n] = alias;
    f->value[f->n++] = value;
    return 0;
}

Status cli_model_flags_apply(Config *c, const ModelFlags *flags, Error *err)
{
    for (int i = 0; i < flags->n; i++) {
        ConfigFlag cf;
        config_flag_info(flags->key[i], &cf);
        ConfigSource src = {{0}, 0, {0}};
        snprintf(src.key, sizeof src.key, "--%.29s", flags->alias[i] ? cf.alias : cf.flag);
        Status st = config_set(c, cf.key, flags->value[i], &src, err);
        if (st)
            return st;
    }
    return TF_OK;
}

/* ---- the table ---- */

static bool has_model_flags(const CliCommand *c)
{
    for (size_t k = 0; k < c->n_options; k++)
        if (c->options[k].kind == OPT_MODEL_FLAGS)
            return true;
    return false;
}

/* Whether the command takes config key cf as a flag. */
static bool takes_key(const CliCommand *c, const ConfigFlag *cf)
{
    for (size_t k = 0; k < c->n_options; k++)
        if (c->options[k].kind == OPT_MODEL && strcmp(c->options[k].name, cf->flag) == 0)
            return true;  /* listed on its own */
    return has_model_flags(c) && (cf->who == FLAG_ANY || c->model == FLAG_RUN);
}

/* The config key a long option of name (len bytes) sets, or -1; *alias
 * says it was named by its other name. */
static int find_model_flag(const CliCommand *c, const char *name, size_t len, bool *alias)
{
    for (int k = 0; k < config_flag_count(); k++) {
        ConfigFlag cf;
        config_flag_info(k, &cf);
        if (!takes_key(c, &cf))
            continue;
        *alias = cf.alias && strlen(cf.alias) == len && strncmp(cf.alias, name, len) == 0;
        if (*alias || (strlen(cf.flag) == len && strncmp(cf.flag, name, len) == 0))
            return k;
    }
    return -1;
}

/* The table's option that arg names, "--name", "--name=..." or "-x"; NULL
 * when none does. The table comes before the model flags: a command's own
 * option may share a key's name (train's --seed). */
static const CliOption *find_option(const CliCommand *c, const char *arg, size_t *name_len)
{
    for (size_t k = 0; k < c->n_options; k++) {
        const CliOption *o = &c->options[k];
        if (o->kind == OPT_TEXT || o->kind == OPT_MODEL_FLAGS)
            continue;
        if (o->short_name && arg[0] == '-' && arg[1] == o->short_name && arg[2] == '\0') {
            *name_len = 0;
            return o;
        }
        if (o->kind == OPT_MODEL || strncmp(arg, "--", 2) != 0)
            continue;  /* a model flag is found by its key (find_model_flag), even one listed here */
        size_t n = strlen(o->name);
        /* a switch takes no value: "--quiet=1" is none of the options */
        if (strncmp(arg + 2, o->name, n) == 0 && (arg[2 + n] == '\0' || (arg[2 + n] == '=' && o->kind != OPT_SWITCH))) {
            *name_len = n;
            return o;
        }
    }
    return NULL;
}

/* The long names, for "did you mean": the table's, the model flags', help. */
static int unknown(const CliCommand *c, const char *arg)
{
    const char *names[128];
    static char flags[64][32];  /* the model flags' names, made from the key table */
    size_t n = 0;
    for (size_t k = 0; k < c->n_options && n < 64; k++)
        if (c->options[k].name && c->options[k].kind != OPT_MODEL)
            names[n++] = c->options[k].name;
    int nf = 0;
    for (int k = 0; k < config_flag_count() && nf < 64 && n + 2 < 128; k++) {
        ConfigFlag cf;
        config_flag_info(k, &cf);
        if (!takes_key(c, &cf))
            continue;
        snprintf(flags[nf], sizeof flags[nf], "%s", cf.flag);
        names[n++] = flags[nf++];
        if (cf.alias)
            names[n++] = cf.alias;
    }
    names[n++] = "help";
    return cli_unknown_option(c->name, c->usage_in_errors ? c->usage : NULL, arg, names, n);
}

int cli_arguments_init(CliArguments *p, int argc)
{
    memset(p, 0, sizeof *p);
    p->rest = calloc(argc > 0 ? (size_t)argc : 1, sizeof *p->rest);
    if (!p->rest) {
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    return 0;
}

void cli_arguments_free(CliArguments *p)
{
    free(p->rest);
    p->rest = NULL;
}

static int keep_argument(CliArguments *p, const char *arg)
{
    if (!p->first)
        p->first = arg;
    else
        p->rest[p->n_rest++] = arg;  /* fewer than argc: room enough */
    return 0;
}

/* "traceformer CMD: MESSAGE", with the usage line when c asks for it. */
static int usage_error(const CliCommand *c, const char *what, const char *message)
{
    if (c->usage_in_errors)
        return cli_usage_error(c->name, c->usage, "%s %s", what, message);
    fprintf(stderr, "traceformer %s: %s %s\n", c->name, what, message);
    return 2;
}

static void cli_options_help(const CliCommand *c, FILE *f);

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_options_parse(const CliCommand *c, int argc, char **argv, void *args, ModelFlags *model)
{
    if (model)
        memset(model, 0, sizeof *model);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (is_help(arg)) {
            cli_options_help(c, stdout);
            return -1;
        }
        if ((c->positional || c->arguments) && (arg[0] != '-' || arg[1] == '\0')) {
            int rc = c->arguments ? keep_argument((CliArguments *)((char *)args + c->arguments_at), arg)
                                  : c->positional(args, arg);
            if (rc)
                return rc;
            continue;
        }
        size_t len = 0;
        const CliOption *o = find_option(c, arg, &len);
        int key = -1;
        bool alias = false;
        if (!o && model && strncmp(arg, "--", 2) == 0) {
            len = strcspn(arg + 2, "=");
            key = find_model_flag(c, arg + 2, len, &alias);
        }
        if (!o && key < 0)
            return unknown(c, arg);
        if (o && o->kind == OPT_SWITCH) {
            *(bool *)((char *)args + o->offset) = true;
            continue;
        }
        const char *value;
        if (len > 0 && arg[2 + len] == '=') {
            value = arg + 3 + len;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return usage_error(c, arg, "needs a value");
        }
        if (key >= 0) {
            int rc = cli_model_flag_take(c->name, model, c->model_cap, key, alias, value);
            if (rc)
                return rc;
            continue;
        }
        char flag[48];
        snprintf(flag, sizeof flag, "--%s", o->name);
        if (o->kind == OPT_COUNT) {
            long *n = (long *)((char *)args + o->offset);
            if ((o->rules & OPT_ONCE) && *n >= 0)
                return usage_error(c, flag, "given twice");
            if (!cli_parse_count(flag, value, o->max, n))
                return 2;
            continue;
        }
        const char **dest = (const char **)((char *)args + o->offset);
        if ((o->rules & OPT_ONCE) && *dest)
            return usage_error(c, flag, "given twice");
        *dest = value;
    }
    return 0;
}

/* ---- the help page ---- */

/* text's lines, the first after what is already on the line, the others
 * indented to column. */
static void put_beside(FILE *f, const char *text, int column)
{
    for (const char *line = text;;) {
        const char *nl = strchr(line, '\n');
        fprintf(f, "%.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
        if (!nl)
            return;
        line = nl + 1;
        fprintf(f, "%*s", column, "");
    }
}

/* The model flags c takes and does not list one by one, "--d-model N",
 * as many to a line as fit. */
static void put_model_flags(const CliCommand *c, FILE *f)
{
    int at = 0;  /* columns on the line so far */
    for (int k = 0; k < config_flag_count(); k++) {
        ConfigFlag cf;
        config_flag_info(k, &cf);
        bool listed = false;
        for (size_t j = 0; j < c->n_options; j++)
            listed |= c->options[j].kind == OPT_MODEL && strcmp(c->options[j].name, cf.flag) == 0;
        if (listed || !takes_key(c, &cf))
            continue;
        char item[96];
        int w = snprintf(item, sizeof item, "--%s %s", cf.alias ? cf.alias : cf.flag, cf.value);
        if (at > 0 && at + 3 + w > HELP_WIDTH) {
            fputc('\n', f);
            at = 0;
        }
        at += fprintf(f, "%s%s", at ? "   " : "  ", item);
    }
    if (at > 0)
        fputc('\n', f);
}

/* The help page: usage, then every listed option and text, then epilog. */
static void cli_options_help(const CliCommand *c, FILE *f)
{
    fputs(c->usage, f);
    for (size_t k = 0; k < c->n_options; k++) {
        const CliOption *o = &c->options[k];
        if (o->kind == OPT_MODEL_FLAGS) {
            put_model_flags(c, f);
            continue;
        }
        if (!o->help)
            continue;
        if (o->kind == OPT_TEXT) {
            fprintf(f, "%s\n", o->help);
            continue;
        }
        char label[96];
        int n = o->short_name ? snprintf(label, sizeof label, "-%c, ", o->short_name) : 0;
        snprintf(label + n, sizeof label - (size_t)n, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-*s ", c->column - 3, label);
        put_beside(f, o->help, c->column);
    }
    if (c->epilog)
        fputs(c->epilog, f);
}

/* test_cli_options.c — the option-table parser of the subcommands
 * (src/cli/cli_options.h): every argument form, a missing value, an
 * unknown option with its suggestion, the rules for an option given
 * twice, the model flags taken from the config key table, and the help
 * page printed from the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli_options.h"
#include "model/config.h"

/* ---- a command to parse with ---- */

typedef struct {
    const char *output, *format, *name;
    bool quiet;
    long head;  /* -1: not given */
    const char *positional[8];
    int n_positional;
} Args;

#define AT(field) offsetof(Args, field)
static const CliOption options[] = {
    CLI_TEXT("options:"),
    CLI_VALUE("output", 'o', "DIR", "where it goes\nsecond line", AT(output)),
    CLI_VALUE_ONCE("format", 0, "F", "png or svg", AT(format)),
    CLI_VALUE("name", 0, "NAME", NULL, AT(name)),  /* taken, not listed */
    CLI_SWITCH("quiet", 'q', "print nothing", AT(quiet)),
    CLI_COUNT("head", "H", "one head", AT(head), 9, OPT_ONCE),
    CLI_MODEL("src", "TEXT", "a sentence"),
    CLI_TEXT("model flags:"),
    CLI_MODEL_FLAGS(),
};
#undef AT

static int take(void *args, const char *arg)
{
    Args *a = args;
    if (a->n_positional == 8)
        return 2;
    a->positional[a->n_positional++] = arg;
    return 0;
}

static CliCommand command(bool usage_in_errors, ConfigFlagScope model, bool positional)
{
    return (CliCommand){
        .name = "demo",
        .usage = "usage: traceformer demo [options]\n\n",
        .epilog = "\nthe end\n",
        .options = options,
        .n_options = sizeof options / sizeof *options,
        .column = 16,
        .usage_in_errors = usage_in_errors,
        .model = model,
        .model_cap = 3,
        .positional = positional ? take : NULL,
    };
}

/* ---- running the parser with its stdout and stderr kept ---- */

typedef struct {
    int rc;
    Args a;
    ModelFlags model;
    char out[8192], err[4096];
} Parsed;

static void slurp(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* argv is NULL-terminated, without the command's name. */
static Parsed *parse(const CliCommand *c, const char *const *argv)
{
    static Parsed p;
    memset(&p, 0, sizeof p);
    p.a.head = -1;
    char *args[64] = {"demo"};
    int argc = 1;
    while (argv[argc - 1] && argc < 63) {
        args[argc] = (char *)argv[argc - 1];
        argc++;
    }
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    p.rc = cli_options_parse(c, argc, args, &p.a, &p.model);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    slurp(out, p.out, sizeof p.out);
    slurp(err, p.err, sizeof p.err);
    return &p;
}

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void assert_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("'%s' not in:\n%s", want, text);
}

/* ---- the forms of an argument ---- */

static void test_value_forms(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_RUN, true);
    const struct {
        const char *const *argv;
        const char *output;
    } cases[] = {
        {ARGV("--output", "a"), "a"},
        {ARGV("-o", "b"), "b"},
        {ARGV("--output=c"), "c"},
        {ARGV("--output="), ""},
        {ARGV("--output", "-"), "-"},      /* a value may look like an option */
        {ARGV("-o", "--quiet"), "--quiet"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        Parsed *p = parse(&c, cases[k].argv);
        assert_int_equal(p->rc, 0);
        assert_string_equal(p->a.output, cases[k].output);
        assert_false(p->a.quiet);
    }
    Parsed *p = parse(&c, ARGV("-q"));
    assert_int_equal(p->rc, 0);
    assert_true(p->a.quiet);
    p = parse(&c, ARGV("--quiet"));
    assert_true(p->a.quiet);
    p = parse(&c, ARGV("--head", "3"));
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->a.head, 3);
    p = parse(&c, ARGV("--head=7"));
    assert_int_equal(p->a.head, 7);
    p = parse(&c, ARGV("--name", "x"));  /* not listed in help, taken all the same */
    assert_string_equal(p->a.name, "x");
}

static void test_count_refused(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("--head", "10"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "--head '10': expected a whole number 0..9");
    p = parse(&c, ARGV("--head=x"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "--head 'x'");
}

/* A switch takes no value: "--quiet=1" is no option of the command. */
static void test_switch_with_value_is_unknown(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("--quiet=1"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "unknown option '--quiet=1'");
    assert_has(p->err, "did you mean --quiet?");
}

static void test_positional(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("t.trace", "-o", "d", "name", "-"));
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->a.n_positional, 3);
    assert_string_equal(p->a.positional[0], "t.trace");
    assert_string_equal(p->a.positional[1], "name");
    assert_string_equal(p->a.positional[2], "-");  /* "-" alone is an argument, not an option */
    /* a command without arguments calls one an unknown option */
    c = command(false, FLAG_RUN, false);
    p = parse(&c, ARGV("stray"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "traceformer demo: unknown option 'stray'");
}

/* A command that keeps its arguments in a CliArguments: the first, then the rest. */
static void test_arguments_kept(void **state)
{
    (void)state;
    typedef struct {
        const char *output;
        CliArguments args;
    } Kept;
    static const CliOption kept_options[] = {
        CLI_VALUE("output", 'o', "DIR", "where", offsetof(Kept, output)),
    };
    const CliCommand c = {
        .name = "demo",
        .usage = "usage: traceformer demo TRACE [NAME...]\n",
        .options = kept_options,
        .n_options = 1,
        .column = 16,
        .arguments = true,
        .arguments_at = offsetof(Kept, args),
    };
    char *argv[] = {"demo", "t.trace", "a", "-o", "d", "-", "b"};
    Kept k = {0};
    assert_int_equal(cli_arguments_init(&k.args, 7), 0);
    assert_int_equal(cli_options_parse(&c, 7, argv, &k, NULL), 0);
    assert_string_equal(k.output, "d");
    assert_string_equal(k.args.first, "t.trace");
    assert_int_equal(k.args.n_rest, 3);
    assert_string_equal(k.args.rest[0], "a");
    assert_string_equal(k.args.rest[1], "-");
    assert_string_equal(k.args.rest[2], "b");
    cli_arguments_free(&k.args);
}

/* ---- a missing value ---- */

static void test_missing_value(void **state)
{
    (void)state;
    CliCommand c = command(false, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("--output"));
    assert_int_equal(p->rc, 2);
    assert_string_equal(p->err, "traceformer demo: --output needs a value\n");
    p = parse(&c, ARGV("x", "-o"));
    assert_int_equal(p->rc, 2);
    assert_string_equal(p->err, "traceformer demo: -o needs a value\n");
    p = parse(&c, ARGV("--heads"));
    assert_int_equal(p->rc, 2);
    assert_string_equal(p->err, "traceformer demo: --heads needs a value\n");
    /* with the usage line, when the command repeats it in errors */
    c = command(true, FLAG_RUN, true);
    p = parse(&c, ARGV("--format"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "traceformer demo: --format needs a value\nusage: traceformer demo [options]\n");
    assert_has(p->err, "hint: `traceformer demo --help` describes the options");
}

/* ---- an unknown option, and the suggestion ---- */

static void test_unknown_suggests(void **state)
{
    (void)state;
    CliCommand c = command(false, FLAG_RUN, true);
    static const struct {
        const char *arg, *hint;
    } cases[] = {
        {"--outptu", "hint: did you mean --output?"},
        {"--fromat=png", "hint: did you mean --format?"},
        {"--heds", "hint: did you mean --heads?"},            /* a model flag, from the key table */
        {"--d_model", "hint: did you mean --d-model?"},
        {"--vocabb", "hint: did you mean --vocab?"},          /* a key's other name */
        {"--hlep", "hint: did you mean --help?"},
        {"-qiet", "hint: did you mean --quiet?"},
        {"--frobnicate", "hint: `traceformer demo --help` describes the options"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        Parsed *p = parse(&c, ARGV(cases[k].arg));
        assert_int_equal(p->rc, 2);
        char want[128];
        snprintf(want, sizeof want, "traceformer demo: unknown option '%s'\n", cases[k].arg);
        assert_has(p->err, want);
        assert_has(p->err, cases[k].hint);
        assert_null(strstr(p->err, "usage:"));  /* this command does not repeat it */
    }
    /* nothing guessed from one letter */
    Parsed *p = parse(&c, ARGV("-x"));
    assert_int_equal(p->rc, 2);
    assert_null(strstr(p->err, "did you mean"));
}

/* A command that takes only the FLAG_ANY keys (train) neither takes nor
 * suggests the others. */
static void test_model_scope(void **state)
{
    (void)state;
    CliCommand c = command(false, FLAG_ANY, true);
    Parsed *p = parse(&c, ARGV("--heads", "2", "--src", "a"));  /* --src: listed in the table */
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->model.n, 2);
    p = parse(&c, ARGV("--tgt", "a"));
    assert_int_equal(p->rc, 2);
    p = parse(&c, ARGV("--arch", "decoder-only"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "unknown option '--arch'");
    p = parse(&c, ARGV("--causal-msk", "off"));
    assert_int_equal(p->rc, 2);
    assert_null(strstr(p->err, "--causal-mask"));
    /* every key of the table is a flag of a FLAG_RUN command, by its name and by its other name */
    c = command(false, FLAG_RUN, true);
    for (int k = 0; k < config_flag_count(); k++) {
        ConfigFlag cf;
        config_flag_info(k, &cf);
        char flag[48];
        snprintf(flag, sizeof flag, "--%s", cf.flag);
        p = parse(&c, ARGV(flag, "1"));
        assert_int_equal(p->rc, 0);
        assert_int_equal(p->model.n, 1);
        assert_int_equal(p->model.key[0], k);
        if (cf.alias) {
            snprintf(flag, sizeof flag, "--%s", cf.alias);
            p = parse(&c, ARGV(flag, "1"));
            assert_int_equal(p->rc, 0);
            assert_true(p->model.alias[0]);
        }
    }
}

/* ---- an option given twice ---- */

static void test_repeated(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_RUN, true);
    /* by default the last one counts */
    Parsed *p = parse(&c, ARGV("-o", "a", "--output", "b"));
    assert_int_equal(p->rc, 0);
    assert_string_equal(p->a.output, "b");
    /* OPT_ONCE: twice is bad usage, named by its long name */
    p = parse(&c, ARGV("--format", "png", "--format=svg"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "traceformer demo: --format given twice\nusage: traceformer demo [options]\n");
    p = parse(&c, ARGV("--head", "1", "--head", "1"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "--head given twice");
    /* model flags are all kept, in order */
    p = parse(&c, ARGV("--heads", "2", "--src", "a b", "--heads=4", "--src", "c"));
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->model.n, 4);
    assert_string_equal(p->model.value[0], "2");
    assert_string_equal(p->model.value[1], "a b");
    assert_string_equal(p->model.value[2], "4");
    assert_string_equal(p->model.value[3], "c");
}

static void test_model_flag_limits(void **state)
{
    (void)state;
    CliCommand c = command(false, FLAG_RUN, true);
    /* at most model_cap (3) flags, sentences apart */
    Parsed *p = parse(&c, ARGV("--src", "a", "--heads", "1", "--src", "b", "--d-ff", "2", "--norm", "pre"));
    assert_int_equal(p->rc, 0);
    p = parse(&c, ARGV("--heads", "1", "--d-ff", "2", "--norm", "pre", "--seed", "3"));
    assert_int_equal(p->rc, 2);
    assert_string_equal(p->err, "traceformer demo: too many model flags (at most 3)\n");
    /* at most CONFIG_MAX_SENTENCES of --src */
    const char *argv[2 * CONFIG_MAX_SENTENCES + 3];
    int n = 0;
    for (int k = 0; k <= CONFIG_MAX_SENTENCES; k++) {
        argv[n++] = "--src";
        argv[n++] = "a";
    }
    argv[n] = NULL;
    char *args[2 * CONFIG_MAX_SENTENCES + 4] = {"demo"};
    for (int k = 0; k < n; k++)
        args[k + 1] = (char *)argv[k];
    Args a = {.head = -1};
    ModelFlags m;
    fflush(stderr);
    int saved = dup(2);
    FILE *err = tmpfile();
    dup2(fileno(err), 2);
    int rc = cli_options_parse(&c, n + 1, args, &a, &m);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[512];
    slurp(err, text, sizeof text);
    assert_int_equal(rc, 2);
    assert_has(text, "at most 64 sentences: --src is given more than 64 times");
    /* words with a control character, named by the flag as given */
    p = parse(&c, ARGV("--vocab", "a\x1b" "b"));
    assert_int_equal(p->rc, 2);
    assert_has(p->err, "traceformer demo: --vocab holds");
    assert_has(p->err, "at byte 1");
}

static void test_model_flags_apply(void **state)
{
    (void)state;
    CliCommand c = command(false, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("--heads", "2", "--vocab", "a b c", "--d-model=8", "--src", "a b"));
    assert_int_equal(p->rc, 0);
    Config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    Error err = {0};
    assert_int_equal(cli_model_flags_apply(cfg, &p->model, &err), TF_OK);
    assert_int_equal(cfg->heads, 2);
    assert_int_equal(cfg->d_model, 8);
    assert_int_equal(cfg->n_src, 1);
    assert_string_equal(config_where(cfg, "tokens")->key, "--vocab");
    assert_string_equal(config_where(cfg, "d_model")->key, "--d-model");
    /* a bad value is named by its flag */
    p = parse(&c, ARGV("--norm", "sideways"));
    assert_int_equal(cli_model_flags_apply(cfg, &p->model, &err), TF_ERR_INPUT);
    assert_has(err.msg, "--norm");
    free(cfg);
}

/* ---- the help page, printed from the table ---- */

static void test_help(void **state)
{
    (void)state;
    CliCommand c = command(true, FLAG_ANY, true);
    static const char *const asks[] = {"--help", "-h"};
    for (size_t k = 0; k < 2; k++) {
        Parsed *p = parse(&c, ARGV("-o", "x", asks[k], "--frobnicate"));
        assert_int_equal(p->rc, -1);  /* help, and nothing after it is read */
        assert_string_equal(p->err, "");
        assert_has(p->out, "usage: traceformer demo [options]\n\noptions:\n"
                           "  -o, --output DIR where it goes\n"
                           "                second line\n"
                           "  --format F    png or svg\n"
                           "  -q, --quiet   print nothing\n"
                           "  --head H      one head\n"
                           "  --src TEXT    a sentence\n"
                           "model flags:\n"
                           "  --d-model N   --heads N");
        assert_null(strstr(p->out, "--name"));   /* not listed */
        assert_null(strstr(p->out, "--arch"));   /* not a FLAG_ANY key */
        assert_has(p->out, "--ln-eps X");
        assert_has(p->out, "\nthe end\n");
        /* no line of the model-flag block is wider than a terminal */
        for (const char *line = p->out; *line;) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            assert_true(len <= 80);
            line += len + (nl != NULL);
        }
    }
    /* every model flag a FLAG_RUN command takes is listed once, --src apart
     * (listed on its own line) */
    c = command(true, FLAG_RUN, true);
    Parsed *p = parse(&c, ARGV("--help"));
    for (int k = 0; k < config_flag_count(); k++) {
        ConfigFlag cf;
        config_flag_info(k, &cf);
        char item[96];
        snprintf(item, sizeof item, "--%s %s", cf.alias ? cf.alias : cf.flag, cf.value);
        const char *at = strstr(p->out, item);
        if (!at)
            fail_msg("'%s' not in the help page:\n%s", item, p->out);
        assert_null(strstr(at + 1, item));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_forms),
        cmocka_unit_test(test_count_refused),
        cmocka_unit_test(test_switch_with_value_is_unknown),
        cmocka_unit_test(test_positional),
        cmocka_unit_test(test_arguments_kept),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_unknown_suggests),
        cmocka_unit_test(test_model_scope),
        cmocka_unit_test(test_repeated),
        cmocka_unit_test(test_model_flag_limits),
        cmocka_unit_test(test_model_flags_apply),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

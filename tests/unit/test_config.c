/* test_config.c — defaults, INI files, flags, validation, round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/config.h"

#include "../support/scratch.h"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    return scratch_dir_make(tmpdir, sizeof tmpdir, NULL, "tf_test_config_", SCRATCH_UNGUARDED);
}

static int remove_tmpdir(void **state)
{
    (void)state;
    return scratch_dir_remove(tmpdir);
}

/* Write text (len bytes, or strlen) to tmpdir/name; the path goes to path. */
static void write_file(const char *name, const char *text, size_t len, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", tmpdir, name);
    scratch_write(path, text, len);
}

/* Error messages name the file; tests write "F" for it. */
static void expect_msg(const char *got, const char *want_with_F, const char *path, const char *what)
{
    char want[1400];
    const char *f = strstr(want_with_F, "F:");
    if (f == want_with_F)
        snprintf(want, sizeof want, "%s%s", path, want_with_F + 1);
    else
        snprintf(want, sizeof want, "%s", want_with_F);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n  got  '%s'\n  want '%s'", what, got, want);
}

/* ---- bad files --------------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *ini;
    const char *msg;   /* "F:" stands for the file's path */
    const char *hint;  /* NULL: not checked */
} BadIni;

static void test_bad_ini_table(void **state)
{
    (void)state;
    static const BadIni cases[] = {
        {"typo in key", "[model]\nd_model = 32\n\n; note\n\nheads = 4\ndmodel = 32\n",
         "F:7: unknown key 'dmodel' in [model]", "did you mean 'd_model'?"},
        {"dash in key", "[model]\nd-model = 32\n", "F:2: unknown key 'd-model' in [model]",
         "did you mean 'd_model'?"},
        {"key in wrong section", "[vocab]\nsrc = a b\n", "F:2: unknown key 'src' in [vocab]",
         "'src' belongs in [input]"},
        {"unrelated key", "[model]\nflavour = 3\n", "F:2: unknown key 'flavour' in [model]", ""},
        {"typo in section", "[model]\nheads = 4\n[modle]\n", "F:3: unknown section [modle]",
         "did you mean [model]?"},
        {"unknown section", "[steps]\n", "F:1: unknown section [steps]",
         "the sections are [model], [vocab] and [input]"},
        {"key before any section", "d_model = 32\n", "F:1: 'd_model' comes before any [section]",
         "put it under [model]"},
        {"not a number", "[model]\nd_model = abc\n", "F:2: d_model = 'abc' is not a whole number", NULL},
        {"trailing junk", "[model]\nheads = 4x\n", "F:2: heads = '4x' is not a whole number", NULL},
        {"fraction", "[model]\nd_ff = 6.5\n", "F:2: d_ff = '6.5' is not a whole number", NULL},
        {"empty value", "[model]\nd_ff =\n", "F:2: d_ff = '' is not a whole number", NULL},
        {"overflow", "[model]\nd_model = 99999999999999999999\n",
         "F:2: d_model = 99999999999999999999 is out of range (1..4096)", NULL},
        {"too big", "[model]\nd_model = 5000\n", "F:2: d_model = 5000 is out of range (1..4096)", NULL},
        {"zero", "[model]\nd_model = 0\n", "F:2: d_model = 0 is out of range (1..4096)", NULL},
        {"negative", "[model]\nheads = -1\n", "F:2: heads = -1 is out of range (1..64)", NULL},
        {"too many heads", "[model]\nheads = 65\n", "F:2: heads = 65 is out of range (1..64)", NULL},
        {"d_ff too big", "[model]\nd_ff = 16385\n", "F:2: d_ff = 16385 is out of range (1..16384)", NULL},
        {"too many layers", "[model]\nlayers = 49\n", "F:2: layers = 49 is out of range (1..48)", NULL},
        {"zero layers", "[model]\nlayers = 0\n", "F:2: layers = 0 is out of range (1..48)", NULL},
        {"zero decoder", "[model]\ndecoder_layers = 0\n",
         "F:2: decoder_layers = 0 is out of range (1..48)", NULL},
        {"max_len too big", "[model]\nmax_len = 4097\n", "F:2: max_len = 4097 is out of range (1..4096)", NULL},
        {"bad choice", "[model]\nnorm = middle\n", "F:2: norm = 'middle' is not one of: post, pre", ""},
        {"near choice", "\n# comment\n[model]\n  arch = decoderonly\n",
         "F:4: arch = 'decoderonly' is not one of: encoder-decoder, decoder-only",
         "did you mean 'decoder-only'?"},
        {"bad activation", "[model]\nactivation = tanh\n",
         "F:2: activation = 'tanh' is not one of: relu, gelu", NULL},
        {"bad positions", "[model]\npositions = absolute\n",
         "F:2: positions = 'absolute' is not one of: sinusoidal, none, learned, relative, rope", NULL},
        {"bad bool", "[model]\nfinal_norm = maybe\n", "F:2: final_norm = 'maybe' is not yes or no", NULL},
        {"eps zero", "[model]\nln_eps = 0\n",
         "F:2: ln_eps = '0' is out of range (it must be > 0 and at most 1)", NULL},
        {"eps nan", "[model]\nln_eps = nan\n",
         "F:2: ln_eps = 'nan' is out of range (it must be > 0 and at most 1)", NULL},
        {"eps below float", "[model]\nln_eps = 1e-50\n",
         "F:2: ln_eps = '1e-50' is out of range (it must be > 0 and at most 1)", NULL},
        {"eps word", "[model]\nln_eps = small\n", "F:2: ln_eps = 'small' is not a number", NULL},
        {"negative seed", "[model]\nseed = -1\n",
         "F:2: seed = '-1' is not a whole number from 0 to 18446744073709551615", NULL},
        {"seed overflow", "[model]\nseed = 18446744073709551616\n",
         "F:2: seed = '18446744073709551616' is not a whole number from 0 to 18446744073709551615", NULL},
        {"duplicate key", "[model]\nd_model = 32\nheads = 4\nd_model = 64\n",
         "F:4: d_model is already set on line 2", NULL},
        {"no equals", "[model]\nd_model 32\n", "F:2: cannot read this line",
         "lines are '[section]', 'key = value', or comments starting with ';' or '#'"},
        {"unclosed section", "[model\nd_model = 32\n", "F:1: cannot read this line", NULL},
        /* a config file is plain UTF-8 text (text/printable.h), checked as a whole first */
        {"invalid UTF-8 in src", "[input]\nsrc = ok \xFF\n", "F:2: invalid UTF-8 \\xff at byte 10 of the line", NULL},
        {"invalid UTF-8 in tokens", "[vocab]\ntokens = \xE7\x8C\n", "F:2: invalid UTF-8 \\xe7 at byte 10 of the line",
         NULL},
        {"ESC in a value", "[model]\nnorm = pre\x1b[2K\n", "F:2: a control character \\x1b at byte 11 of the line",
         NULL},
        {"C1 in a comment", "; a\xC2\x9B comment\n[model]\n", "F:1: a control character \\u009b at byte 4 of the line",
         NULL},
        {"bidi override in src", "[input]\nsrc = a \xE2\x80\xAE b\n", "F:2: a bidi control \\u202e at byte 9 of the line",
         NULL},
        {"zero width space in tokens", "[vocab]\ntokens = a\xE2\x80\x8B\n",
         "F:2: an invisible character \\u200b at byte 11 of the line", NULL},
        {"empty src", "[input]\nsrc =\n", "F:2: src is empty", NULL},
        {"empty tgt", "[input]\ntgt = ; just a comment\n", "F:2: tgt is empty", NULL},
        {"CRLF lines count", "[model]\r\nheads = 4\r\nd_model = x\r\n",
         "F:3: d_model = 'x' is not a whole number", NULL},
        {"BOM then typo", "\xEF\xBB\xBF[modle]\n", "F:1: unknown section [modle]", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], name[32];
        snprintf(name, sizeof name, "bad%02zu.ini", i);
        write_file(name, cases[i].ini, strlen(cases[i].ini), path, sizeof path);
        Config c;
        Error e;
        config_defaults(&c);
        Status st = config_load_ini(&c, path, &e);
        if (st != TF_ERR_INPUT)
            fail_msg("case '%s': status %d, expected TF_ERR_INPUT", cases[i].what, st);
        expect_msg(e.msg, cases[i].msg, path, cases[i].what);
        if (cases[i].hint && strcmp(e.hint, cases[i].hint) != 0)
            fail_msg("case '%s': hint '%s', expected '%s'", cases[i].what, e.hint, cases[i].hint);
    }
}

/* Limits that need long files: too many sentences, too long a value or line. */
static void test_bad_ini_limits(void **state)
{
    (void)state;
    char path[512];
    Config c;
    Error e;
    size_t cap = 40000, n = 0;
    char *ini = malloc(cap);
    assert_non_null(ini);

    n = (size_t)snprintf(ini, cap, "[input]\n");
    for (int i = 0; i < CONFIG_MAX_SENTENCES + 1; i++)
        n += (size_t)snprintf(ini + n, cap - n, "src = s%d\n", i);
    write_file("many.ini", ini, n, path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:66: more than 64 src sentences", path, "too many sentences");

    n = (size_t)snprintf(ini, cap, "[input]\nsrc = ");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(ini + n, cap - n, "a ");
    ini[n - 1] = '\n';
    write_file("longsrc.ini", ini, n, path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:2: src is 599 bytes, longer than the limit of 511", path, "long sentence");

    n = (size_t)snprintf(ini, cap, "[vocab]\n");
    for (int line = 0; line < 3; line++) {
        n += (size_t)snprintf(ini + n, cap - n, "tokens =");
        for (int i = 0; i < 500; i++)
            n += (size_t)snprintf(ini + n, cap - n, " w%d", i);
        ini[n++] = '\n';
    }
    write_file("longvocab.ini", ini, n, path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:3: the vocabulary is longer than 4095 bytes", path, "long vocabulary");

    n = (size_t)snprintf(ini, cap, "[model]\n; ");
    memset(ini + n, 'x', 20000);
    n += 20000;
    ini[n++] = '\n';
    write_file("longline.ini", ini, n, path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:2: line longer than 12286 bytes", path, "long line");

    write_file("nul.ini", "[model]\nheads = 4\0\n", 19, path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:2: NUL byte in a text file", path, "NUL byte");

    snprintf(path, sizeof path, "%s/missing.ini", tmpdir);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F: cannot open: No such file or directory", path, "missing file");
    free(ini);
}

/* ---- a good file ----------------------------------------------------------------- */

static const char *good_ini =
    "; the demo model\n"                              /* 1 */
    "[model]\n"                                       /* 2 */
    "arch = encoder-decoder\n"                        /* 3 */
    "d_model = 64\n"                                  /* 4 */
    "heads = 8\n"                                     /* 5 */
    "d_ff = 128\n"                                    /* 6 */
    "layers = 3            ; both stacks\n"           /* 7 */
    "decoder_layers = 1\n"                            /* 8 */
    "max_len = 16\n"                                  /* 9 */
    "norm = pre\n"                                    /* 10 */
    "final_norm = yes\n"                              /* 11 */
    "activation = gelu\n"                             /* 12 */
    "positions = none\n"                              /* 13 */
    "ln_eps = 1e-6\n"                                 /* 14 */
    "seed = 7\n"                                      /* 15 */
    "[vocab]\n"                                       /* 16 */
    "tokens = \xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0\n" /* 17: 猫 追 老鼠 */
    "tokens = cat chases mouse\n"                     /* 18 */
    "[input]\n"                                       /* 19 */
    "src = \xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0        ; repeat for a batch\n" /* 20 */
    "src = \xE8\x80\x81\xE9\xBC\xA0 \xE8\xBF\xBD \xE7\x8C\xAB\n"   /* 21 */
    "tgt = <START> cat chases mouse\n"                /* 22 */
    "tgt = <START> mouse chases cat\n";               /* 23 */

static void test_good_ini(void **state)
{
    (void)state;
    char path[512];
    write_file("good.ini", good_ini, strlen(good_ini), path, sizeof path);
    Config c;
    Error e;
    config_defaults(&c);
    if (config_load_ini(&c, path, &e) != TF_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(config_validate(&c, &e), TF_OK);
    assert_int_equal(c.arch, ARCH_ENCODER_DECODER);
    assert_int_equal(c.d_model, 64);
    assert_int_equal(c.heads, 8);
    assert_int_equal(config_head_dim(&c), 8);
    assert_int_equal(c.d_ff, 128);
    assert_int_equal(c.enc_layers, 3);
    assert_int_equal(c.dec_layers, 1);
    assert_int_equal(c.max_len, 16);
    assert_int_equal(c.norm, NORM_PRE);
    assert_true(c.final_norm);
    assert_int_equal(c.activation, ACT_GELU);
    assert_int_equal(c.positions, POS_NONE);
    assert_true(c.ln_eps == 1e-6f);
    assert_true(c.seed == 7);
    assert_string_equal(c.vocab, "\xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0 cat chases mouse");
    assert_int_equal(c.n_src, 2);
    assert_int_equal(c.n_tgt, 2);
    assert_string_equal(c.src[0], "\xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0");
    assert_string_equal(c.src[1], "\xE8\x80\x81\xE9\xBC\xA0 \xE8\xBF\xBD \xE7\x8C\xAB");
    assert_string_equal(c.tgt[1], "<START> mouse chases cat");

    /* provenance */
    const ConfigSource *w = config_where(&c, "max_len");
    assert_non_null(w);
    assert_string_equal(w->file, path);
    assert_int_equal(w->line, 9);
    assert_string_equal(w->key, "max_len");
    w = config_where(&c, "--encoder-layers");
    assert_int_equal(w->line, 7);
    assert_string_equal(w->key, "layers");
    assert_null(config_where(&c, "colour"));
    char buf[600], want[600];
    config_sentence_where(&c, false, 1, buf, sizeof buf);
    snprintf(want, sizeof want, "%s:21", path);
    assert_string_equal(buf, want);
    config_sentence_where(&c, true, 0, buf, sizeof buf);
    snprintf(want, sizeof want, "%s:22", path);
    assert_string_equal(buf, want);

    /* an empty file changes nothing */
    write_file("empty.ini", "", 0, path, sizeof path);
    Config d = c;
    assert_int_equal(config_load_ini(&d, path, &e), TF_OK);
    assert_int_equal(memcmp(&c, &d, sizeof c), 0);
}

static void test_defaults(void **state)
{
    (void)state;
    Config c;
    Error e;
    config_defaults(&c);
    assert_int_equal(config_validate(&c, &e), TF_OK);
    assert_int_equal(c.arch, ARCH_ENCODER_DECODER);
    assert_int_equal(c.d_model, 32);
    assert_int_equal(c.heads, 4);
    assert_int_equal(c.d_ff, 64);
    assert_int_equal(c.enc_layers, 2);
    assert_int_equal(c.dec_layers, 2);
    assert_int_equal(c.max_len, 64);
    assert_int_equal(c.norm, NORM_POST);
    assert_true(c.final_norm);
    assert_int_equal(c.activation, ACT_RELU);
    assert_int_equal(c.positions, POS_SINUSOIDAL);
    assert_true(c.ln_eps == 1e-5f);
    assert_true(c.seed == 42);
    assert_string_equal(c.vocab, "");
    assert_int_equal(c.n_src, 0);
    assert_int_equal(c.n_tgt, 0);
    assert_string_equal(config_arch_name(c.arch), "encoder-decoder");
    assert_string_equal(config_norm_name(NORM_PRE), "pre");
    assert_string_equal(config_activation_name(ACT_GELU), "gelu");
    assert_string_equal(config_positions_name(POS_NONE), "none");
    assert_string_equal(config_where(&c, "d_model")->key, "");
}

/* A lesson.ini carries sections the config does not own. */
/* Indentation is not a continuation line: each line is its own key. */
static void test_indented_keys(void **state)
{
    (void)state;
    const char *ini = "[model]\n  heads = 2\n\td_model = 30\n[input]\n  src = a b\n    c d\n";
    char path[512];
    write_file("indent.ini", ini, strlen(ini), path, sizeof path);
    Config c;
    Error e;
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:6: cannot read this line", path, "indented text without a key");
    assert_int_equal(c.heads, 2);
    assert_int_equal(c.d_model, 30);
    assert_string_equal(c.src[0], "a b");
}

static void test_other_sections(void **state)
{
    (void)state;
    const char *ini = "[model]\nheads = 2\n[steps]\nshow = enc.0.attn.weights\n[claims]\n[input]\nsrc = a b\n";
    char path[512];
    write_file("lesson.ini", ini, strlen(ini), path, sizeof path);
    Config c;
    Error e;
    config_defaults(&c);
    static const char *const others[] = {"steps", "claims", NULL};
    if (config_load_ini_text_sections(&c, ini, "lesson.ini", others, &e) != TF_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(c.heads, 2);
    assert_int_equal(c.n_src, 1);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    expect_msg(e.msg, "F:3: unknown section [steps]", path, "strict loader");
}

/* ---- flags ------------------------------------------------------------------------- */

static void test_flags_override_file(void **state)
{
    (void)state;
    char path[512];
    write_file("flags.ini", good_ini, strlen(good_ini), path, sizeof path);
    Config c;
    Error e;
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_OK);

    assert_int_equal(config_set(&c, "d-model", "128", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "final_norm", "no", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "--norm", "post", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "seed", "18446744073709551615", NULL, &e), TF_OK);
    assert_int_equal(c.d_model, 128);
    assert_false(c.final_norm);
    assert_int_equal(c.norm, NORM_POST);
    assert_true(c.seed == UINT64_MAX);
    assert_string_equal(config_where(&c, "d_model")->key, "--d-model");
    assert_int_equal(config_where(&c, "d_model")->line, 0);
    assert_string_equal(config_where(&c, "final_norm")->key, "--final_norm");  /* as spelled */
    assert_int_equal(c.heads, 8);  /* untouched by flags: still the file's */

    /* --src replaces the file's sentences, then adds */
    assert_int_equal(config_set(&c, "src", "cat chases mouse", NULL, &e), TF_OK);
    assert_int_equal(c.n_src, 1);
    assert_int_equal(config_set(&c, "src", "mouse chases cat", NULL, &e), TF_OK);
    assert_int_equal(c.n_src, 2);
    assert_string_equal(c.src[0], "cat chases mouse");
    assert_int_equal(c.n_tgt, 2);  /* tgt still from the file */
    char buf[600];
    config_sentence_where(&c, false, 1, buf, sizeof buf);
    assert_string_equal(buf, "--src 2");
    assert_int_equal(config_set(&c, "tokens", "a b", NULL, &e), TF_OK);
    assert_string_equal(c.vocab, "a b");
    assert_int_equal(config_set(&c, "tokens", "c", NULL, &e), TF_OK);
    assert_string_equal(c.vocab, "a b c");
    assert_int_equal(config_validate(&c, &e), TF_OK);

    /* a file read after flags replaces their sentences in turn */
    assert_int_equal(config_load_ini(&c, path, &e), TF_OK);
    assert_int_equal(c.n_src, 2);
    assert_string_equal(c.src[0], "\xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0");
    /* and reading the same file twice does not double them */
    assert_int_equal(config_load_ini(&c, path, &e), TF_OK);
    assert_int_equal(c.n_src, 2);
    assert_int_equal(c.n_tgt, 2);

    /* a caller-named source */
    ConfigSource s = {.file = "", .line = 0, .key = "--width"};
    assert_int_equal(config_set(&c, "d_model", "x", &s, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--width: d_model = 'x' is not a whole number");
}

static void test_flag_errors(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value, *msg, *hint;
    } cases[] = {
        {"dmodel", "32", "unknown setting '--dmodel'", "did you mean --d-model?"},
        {"colour", "red", "unknown setting '--colour'", ""},
        {"d-model", "thirty", "--d-model: d_model = 'thirty' is not a whole number", ""},
        {"heads", "0", "--heads: heads = 0 is out of range (1..64)", ""},
        {"max-len", "1e3", "--max-len: max_len = '1e3' is not a whole number", ""},
        {"arch", "gpt", "--arch: arch = 'gpt' is not one of: encoder-decoder, decoder-only", ""},
        {"positions", "nonee",
         "--positions: positions = 'nonee' is not one of: sinusoidal, none, learned, relative, rope",
         "did you mean 'none'?"},
        {"src", "", "--src: src is empty", ""},
        {"tgt", "cat \xC3", "--tgt: tgt: invalid UTF-8 at byte 4", ""},
        {"d-model", NULL, "--d-model: needs a value", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Config c, before;
        Error e;
        config_defaults(&c);
        before = c;
        Status st = config_set(&c, cases[i].key, cases[i].value, NULL, &e);
        if (st != TF_ERR_INPUT || strcmp(e.msg, cases[i].msg) != 0 || strcmp(e.hint, cases[i].hint) != 0)
            fail_msg("--%s %s: status %d '%s' (hint '%s'), expected '%s' (hint '%s')", cases[i].key,
                     cases[i].value ? cases[i].value : "(null)", st, e.msg, e.hint, cases[i].msg,
                     cases[i].hint);
        assert_int_equal(memcmp(&c, &before, sizeof c), 0);  /* a refused value changes nothing */
    }
    Config c;
    Error e;
    config_defaults(&c);
    for (int i = 0; i < CONFIG_MAX_SENTENCES; i++)
        assert_int_equal(config_set(&c, "src", "a", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "src", "a", NULL, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--src: more than 64 src sentences");
}

/* ---- validation --------------------------------------------------------------------- */

static Status load_text(Config *c, const char *ini, char *path, Error *e)
{
    static int n;
    char name[32];
    snprintf(name, sizeof name, "v%d.ini", n++);
    write_file(name, ini, strlen(ini), path, 512);
    config_defaults(c);
    return config_load_ini(c, path, e);
}

static void test_validate_file(void **state)
{
    (void)state;
    static const struct {
        const char *what, *ini, *msg, *hint;
    } cases[] = {
        {"d_model set last", "[model]\nheads = 4\nd_model = 30\n",
         "F:3: d_model = 30 is not divisible by heads = 4",
         "each head gets d_model / heads columns: try d_model = 28 or 32, or heads = one of 1 2 3 5 6 10 15 30"},
        {"heads set last", "[model]\nd_model = 30\nheads = 4\n",
         "F:3: d_model = 30 is not divisible by heads = 4", NULL},
        {"heads alone", "[model]\nheads = 5\n", "F:2: d_model = 32 is not divisible by heads = 5", NULL},
        {"more heads than width", "[model]\nd_model = 2\nheads = 4\n",
         "F:3: d_model = 2 is not divisible by heads = 4",
         "each head gets d_model / heads columns: try d_model = 4, or heads = one of 1 2"},
        {"decoder-only with an encoder", "[model]\narch = decoder-only\nencoder_layers = 2\n",
         "F:3: encoder_layers = 2, but arch = decoder-only has no encoder",
         "remove encoder_layers, or set arch = encoder-decoder"},
        {"decoder-only after an encoder", "[model]\nencoder_layers = 1\narch = decoder-only\n",
         "F:2: encoder_layers = 1, but arch = decoder-only has no encoder", NULL},
        {"encoder-decoder without encoder", "[model]\nencoder_layers = 0\n",
         "F:2: encoder_layers = 0, but arch = encoder-decoder needs an encoder", NULL},
        {"pre-LN without final norm", "[model]\nnorm = pre\nfinal_norm = no\n",
         "F:3: norm = pre needs final_norm = yes", NULL},
        {"pre-LN set last", "[model]\nfinal_norm = no\nnorm = pre\n",
         "F:3: norm = pre needs final_norm = yes", NULL},
        {"batch mismatch", "[input]\nsrc = a\nsrc = b\ntgt = c\n", "F:4: 2 src sentences but 1 tgt sentence",
         "give one tgt per src, in the same order, or no tgt at all"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Config c;
        Error e;
        char path[512];
        if (load_text(&c, cases[i].ini, path, &e) != TF_OK)
            fail_msg("case '%s' did not load: %s", cases[i].what, e.msg);
        if (config_validate(&c, &e) != TF_ERR_INPUT)
            fail_msg("case '%s' passed validation", cases[i].what);
        expect_msg(e.msg, cases[i].msg, path, cases[i].what);
        if (cases[i].hint && strcmp(e.hint, cases[i].hint) != 0)
            fail_msg("case '%s': hint '%s', expected '%s'", cases[i].what, e.hint, cases[i].hint);
    }
}

static void test_validate_flags(void **state)
{
    (void)state;
    Config c;
    Error e;
    char path[512];

    config_defaults(&c);
    assert_int_equal(config_set(&c, "d-model", "30", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--d-model 30: d_model = 30 is not divisible by heads = 4");

    config_defaults(&c);
    assert_int_equal(config_set(&c, "heads", "5", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--heads 5: d_model = 32 is not divisible by heads = 5");

    /* the flag set after the file is blamed, not the file's line */
    assert_int_equal(load_text(&c, "[model]\nd_model = 48\nheads = 4\n", path, &e), TF_OK);
    assert_int_equal(config_set(&c, "heads", "5", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--heads 5: d_model = 48 is not divisible by heads = 5");
    assert_int_equal(config_set(&c, "d-model", "40", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_OK);

    config_defaults(&c);
    assert_int_equal(config_set(&c, "norm", "pre", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "final-norm", "no", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--final-norm no: norm = pre needs final_norm = yes");

    config_defaults(&c);
    assert_int_equal(config_set(&c, "arch", "decoder-only", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "encoder-layers", "3", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--encoder-layers 3: encoder_layers = 3, but arch = decoder-only has no encoder");

    /* values changed in code are checked too */
    config_defaults(&c);
    c.d_model = 8192;
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "config: d_model = 8192 is out of range (1..4096)");
    config_defaults(&c);
    c.ln_eps = -1.0f;
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "config: ln_eps = -1 is out of range (it must be > 0 and at most 1)");
    config_defaults(&c);
    assert_int_equal(config_set(&c, "src", "ok", NULL, &e), TF_OK);
    c.src[0][1] = (char)0xFF;
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--src 1: invalid UTF-8 at byte 1");
}

/* layers, encoder_layers and arch, in any order */
static void test_layers(void **state)
{
    (void)state;
    Config c;
    Error e;
    char path[512];
    assert_int_equal(load_text(&c, "[model]\nlayers = 3\narch = decoder-only\n", path, &e), TF_OK);
    assert_int_equal(c.enc_layers, 0);
    assert_int_equal(c.dec_layers, 3);
    assert_int_equal(config_validate(&c, &e), TF_OK);
    /* back to encoder-decoder: the encoder comes back with `layers` */
    assert_int_equal(config_set(&c, "arch", "encoder-decoder", NULL, &e), TF_OK);
    assert_int_equal(c.enc_layers, 3);
    assert_int_equal(config_validate(&c, &e), TF_OK);

    assert_int_equal(load_text(&c, "[model]\narch = decoder-only\nlayers = 4\n", path, &e), TF_OK);
    assert_int_equal(c.enc_layers, 0);
    assert_int_equal(c.dec_layers, 4);
    assert_int_equal(load_text(&c, "[model]\narch = decoder-only\nencoder_layers = 0\n", path, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_OK);

    assert_int_equal(load_text(&c, "[model]\nlayers = 3\nencoder_layers = 1\n", path, &e), TF_OK);
    assert_int_equal(c.enc_layers, 1);
    assert_int_equal(c.dec_layers, 3);
    assert_int_equal(load_text(&c, "[model]\nencoder_layers = 1\nlayers = 3\n", path, &e), TF_OK);
    assert_int_equal(c.enc_layers, 3);
    assert_int_equal(c.dec_layers, 3);
    /* the flag beats the file */
    assert_int_equal(config_set(&c, "layers", "5", NULL, &e), TF_OK);
    assert_int_equal(c.enc_layers, 5);
    assert_int_equal(c.dec_layers, 5);
    assert_string_equal(config_where(&c, "decoder_layers")->key, "--layers");
}

static void test_check_length(void **state)
{
    (void)state;
    Config c;
    Error e;
    char path[512], want[700];
    config_defaults(&c);
    assert_int_equal(config_check_length(&c, 64, "--src 1", &e), TF_OK);
    assert_int_equal(config_check_length(&c, 65, "--src 1", &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--src 1: 65 tokens, more than max_len = 64 (the default)");
    assert_string_equal(e.hint, "shorten the sentence, or raise max_len (at most 4096)");

    assert_int_equal(load_text(&c, "[model]\n\nmax_len = 5\n", path, &e), TF_OK);
    assert_int_equal(config_check_length(&c, 6, "lesson.ini:9", &e), TF_ERR_INPUT);
    snprintf(want, sizeof want, "lesson.ini:9: 6 tokens, more than max_len = 5 (set at %s:3)", path);
    assert_string_equal(e.msg, want);

    assert_int_equal(config_set(&c, "max-len", "4", NULL, &e), TF_OK);
    assert_int_equal(config_check_length(&c, 6, "--tgt 2", &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--tgt 2: 6 tokens, more than max_len = 4 (set by --max-len 4)");
}

/* ---- round trip ---------------------------------------------------------------------- */

static void assert_same_config(const Config *a, const Config *b)
{
    assert_int_equal(a->arch, b->arch);
    assert_int_equal(a->d_model, b->d_model);
    assert_int_equal(a->heads, b->heads);
    assert_int_equal(a->d_ff, b->d_ff);
    assert_int_equal(a->enc_layers, b->enc_layers);
    assert_int_equal(a->dec_layers, b->dec_layers);
    assert_int_equal(a->max_len, b->max_len);
    assert_int_equal(a->norm, b->norm);
    assert_int_equal(a->final_norm, b->final_norm);
    assert_int_equal(a->residual, b->residual);
    assert_int_equal(a->activation, b->activation);
    assert_int_equal(a->positions, b->positions);
    assert_memory_equal(&a->ln_eps, &b->ln_eps, sizeof a->ln_eps);  /* bit-exact */
    assert_true(a->seed == b->seed);
    assert_string_equal(a->vocab, b->vocab);
    assert_int_equal(a->n_src, b->n_src);
    assert_int_equal(a->n_tgt, b->n_tgt);
    for (int i = 0; i < a->n_src; i++)
        assert_string_equal(a->src[i], b->src[i]);
    for (int i = 0; i < a->n_tgt; i++)
        assert_string_equal(a->tgt[i], b->tgt[i]);
}

static void round_trip(const Config *a)
{
    Error e;
    int need = config_to_ini(a, NULL, 0);
    assert_true(need > 0);
    char *text = malloc((size_t)need + 1);
    assert_non_null(text);
    assert_int_equal(config_to_ini(a, text, need + 1), need);
    assert_int_equal((int)strlen(text), need);
    Config b;
    config_defaults(&b);
    if (config_load_ini_text(&b, text, "header", &e) != TF_OK)
        fail_msg("%s\n%s", e.msg, text);
    assert_int_equal(config_validate(&b, &e), TF_OK);
    assert_same_config(a, &b);
    /* and again: text → config → text is a fixed point */
    char *again = malloc((size_t)need + 1);
    assert_non_null(again);
    assert_int_equal(config_to_ini(&b, again, need + 1), need);
    assert_string_equal(text, again);
    free(again);
    free(text);
}

static void test_round_trip(void **state)
{
    (void)state;
    Config c;
    Error e;
    config_defaults(&c);
    round_trip(&c);

    char path[512];
    write_file("rt.ini", good_ini, strlen(good_ini), path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_OK);
    round_trip(&c);

    config_defaults(&c);
    static const char *const flags[][2] = {
        {"arch", "decoder-only"}, {"d-model", "4096"}, {"heads", "64"}, {"d-ff", "16384"},
        {"layers", "48"}, {"max-len", "4096"}, {"norm", "pre"}, {"activation", "gelu"},
        {"positions", "none"}, {"residual", "off"}, {"ln-eps", "3.14159e-7"}, {"seed", "18446744073709551615"},
        {"tgt", "<START> \xE7\x8C\xAB\xE3\x80\x80\xE8\xBF\xBD"}, {"tgt", "x y z"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        assert_int_equal(config_set(&c, flags[i][0], flags[i][1], NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_OK);
    round_trip(&c);

    /* a short buffer: truncated, terminated, and the needed length returned */
    char small[16];
    int need = config_to_ini(&c, small, sizeof small);
    assert_true(need > (int)sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(strncmp(small, "[model]\narch = ", 15), 0);
}

/* residual = on | off: on by default, from a file or a flag, written back,
 * and a bad value named with its line. */
static void test_residual(void **state)
{
    (void)state;
    Config c;
    Error e;
    char path[512];
    config_defaults(&c);
    assert_true(c.residual);
    static const char off[] = "[model]\nresidual = off\n";
    write_file("residual.ini", off, strlen(off), path, sizeof path);
    assert_int_equal(config_load_ini(&c, path, &e), TF_OK);
    assert_false(c.residual);
    assert_int_equal(config_validate(&c, &e), TF_OK);
    char text[2048];
    config_to_ini(&c, text, sizeof text);
    assert_non_null(strstr(text, "\nresidual = off\n"));
    assert_int_equal(config_set(&c, "--residual", "on", NULL, &e), TF_OK);
    assert_true(c.residual);
    config_to_ini(&c, text, sizeof text);
    assert_non_null(strstr(text, "\nresidual = on\n"));

    static const char bad[] = "[model]\nresidual = sometimes\n";
    write_file("residual_bad.ini", bad, strlen(bad), path, sizeof path);
    config_defaults(&c);
    assert_int_equal(config_load_ini(&c, path, &e), TF_ERR_INPUT);
    char want[600];
    snprintf(want, sizeof want, "%s:2: residual = 'sometimes' is not on or off", path);
    assert_string_equal(e.msg, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_residual),
        cmocka_unit_test(test_bad_ini_table),
        cmocka_unit_test(test_bad_ini_limits),
        cmocka_unit_test(test_good_ini),
        cmocka_unit_test(test_indented_keys),
        cmocka_unit_test(test_other_sections),
        cmocka_unit_test(test_flags_override_file),
        cmocka_unit_test(test_flag_errors),
        cmocka_unit_test(test_validate_file),
        cmocka_unit_test(test_validate_flags),
        cmocka_unit_test(test_layers),
        cmocka_unit_test(test_check_length),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

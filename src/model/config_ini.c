/* config_ini.c — INI text (through libinih) into a Config, and back.
 *
 * ---- README block: the lesson.ini / --config file format ----------------
 *
 *   [model]
 *   arch           = encoder-decoder | decoder-only
 *   d_model        = 32       model width d, 1..4096, divisible by heads
 *   heads          = 4        attention heads h, 1..64 (each d_model/heads wide)
 *   d_ff           = 64       feed-forward hidden width, 1..16384
 *   layers         = 2        sets both encoder_layers and decoder_layers, 1..48
 *   encoder_layers = 2        0..48; must be 0 (or unset) for decoder-only
 *   decoder_layers = 2        1..48
 *   max_len        = 64       longest sentence in tokens, 1..4096
 *   norm           = post | pre        LayerNorm after (paper) or before each sublayer
 *   final_norm     = yes | no          LayerNorm after each stack (pre needs yes)
 *   residual       = on | off          off: each sublayer's output replaces the stream
 *   causal_mask    = on | off          off: decoder self-attention may see the future
 *   padding_mask   = on | off          off: attention may look at <PAD> keys
 *   scale          = on | off          off: scores = Q·Kᵀ, not divided by sqrt(d_k)
 *   attn_temperature = 1      scores divided by T before the softmax, finite, > 0
 *   ablate_head    = none     heads whose output z is zeroed, comma-separated:
 *                             enc.L.H, dec.L.self.H, dec.L.cross.H (decoder-only
 *                             also dec.L.H), counting from 0
 *   activation     = relu | gelu
 *   positions      = sinusoidal | none | learned | relative | rope
 *   relative_buckets      = 32   positions = relative: T5 buckets, 4..1024
 *   relative_max_distance = 128  positions = relative: > relative_buckets / 2
 *   ln_eps         = 1e-5     LayerNorm epsilon, > 0 and at most 1
 *   seed           = 42       weight-initialisation seed, 0..18446744073709551615
 *   [vocab]
 *   tokens = 猫 追 老鼠 cat chases mouse    ; may repeat; lines are joined
 *   [input]
 *   src = 猫 追 老鼠          ; repeat the key once per sentence for a batch
 *   src = 老鼠 追 猫
 *   tgt = <START> cat chases mouse
 *
 * Comments start a line with ';' or '#', or follow a value after a space
 * and ';'. Every key is optional: the numbers shown are the defaults, and
 * of a choice the first one is. Without [vocab] the vocabulary is collected
 * from the input sentences. Tokens are separated by spaces (also tabs and
 * U+3000 IDEOGRAPHIC SPACE); the
 * special tokens <PAD> <START> <END> <UNK> may be written literally.
 * A token cannot begin with ';' in a file (it would read as a comment).
 *
 * Every command-line flag named after a key sets it, with '-' or '_':
 * --d-model 64, --final-norm no, --src "猫 追 老鼠". Flags override the file.
 * --src/--tgt/--tokens given on the command line replace the file's
 * sentences (or vocabulary) instead of adding to them, and repeat to build
 * a batch. Within one file a key other than tokens/src/tgt may appear only
 * once; unknown sections and keys are errors with a "did you mean" hint.
 * -------------------------------------------------------------------------
 *
 * The INI syntax is libinih's (Debian's build, which exposes its options
 * as variables). libinih does not pass line numbers to the handler, so the
 * reader below feeds it one line at a time and counts them; it also checks
 * section headers, since libinih never reports a section without keys. */
#include "model/config.h"
#include "model/config_keys.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io/ini_strict.h"
#include "io/regular_file.h"
#include "text/edit_distance.h"
#include "text/tokenizer.h"
#include "text/printable.h"
#include "text/utf8.h"

/* ---- INI files ----------------------------------------------------------- */

/* Longest line libinih is given; longer lines are refused by the reader.
 * It bounds a stack buffer inside libinih. */
enum { INI_LINE_MAX = 3 * CONFIG_TEXT_MAX };

typedef struct {
    Config *c;
    const char *name;     /* file name for messages */
    IniText in;           /* the whole file, and the line libinih is working on */
    const char *const *other_sections;  /* skipped: someone else reads them */
    int set_line[K_COUNT];              /* line each key was set on, in this file */
    Status st;
    Error *err;
} IniParse;

static bool is_other_section(const IniParse *p, const char *sec)
{
    for (const char *const *o = p->other_sections; o && *o; o++)
        if (strcmp(*o, sec) == 0)
            return true;
    return false;
}

static int section_lookup(const char *sec)
{
    for (int i = 0; i < SEC_COUNT; i++)
        if (strcmp(config_section_names[i], sec) == 0)
            return i;
    return -1;
}

/* A line that libinih will read as a section header: check its name. */
static void check_section_line(IniParse *p, const char *line)
{
    const char *s = line;
    if (p->in.line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;  /* the BOM libinih skips */
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    if (*s != '[')
        return;
    const char *close = strchr(s + 1, ']');
    if (!close)
        return;  /* libinih reports the syntax error */
    char sec[64];
    size_t n = (size_t)(close - (s + 1));
    if (n >= sizeof sec)
        n = sizeof sec - 1;
    memcpy(sec, s + 1, n);
    sec[n] = '\0';
    if (section_lookup(sec) >= 0 || is_other_section(p, sec))
        return;
    p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown section [%s]", p->name, p->in.line, sec);
    const char *near = config_closest(sec, config_section_names, SEC_COUNT);
    if (near)
        error_hint(p->err, "did you mean [%s]?", near);
    else
        error_hint(p->err, "the sections are [model], [vocab] and [input]");
}

/* fgets for libinih over the file in memory, counting lines. */
static char *ini_read_line(char *str, int num, void *stream)
{
    IniParse *p = stream;
    if (p->st != TF_OK)
        return NULL;
    switch (ini_text_next_line(&p->in, str, num)) {
    case INI_LINE_END:
        return NULL;
    case INI_LINE_TOO_LONG:
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: line longer than %d bytes", p->name, p->in.line,
                          num - 2);
        return NULL;
    case INI_LINE_NUL:
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: NUL byte in a text file", p->name, p->in.line);
        return NULL;
    case INI_LINE_OK:
        break;
    }
    check_section_line(p, str);
    return p->st == TF_OK ? str : NULL;
}

static int ini_on_value(void *user, const char *section, const char *name, const char *value)
{
    IniParse *p = user;
    if (p->st != TF_OK)
        return 0;
    if (is_other_section(p, section))
        return 1;
    int k = config_key_lookup(name);
    int sec = section_lookup(section);
    if (!section[0]) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: '%s' comes before any [section]", p->name,
                          p->in.line, name);
        if (k >= 0)
            error_hint(p->err, "put it under [%s]", config_section_names[config_keys[k].section]);
        return 0;
    }
    if (k < 0 || (int)config_keys[k].section != sec) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: unknown key '%s' in [%s]", p->name, p->in.line,
                          name, section);
        if (k >= 0) {
            error_hint(p->err, "'%s' belongs in [%s]", name, config_section_names[config_keys[k].section]);
        } else {
            int near = config_closest_key(name, sec);
            if (near < 0)
                near = config_closest_key(name, -1);
            if (near >= 0 && (int)config_keys[near].section == sec)
                error_hint(p->err, "did you mean '%s'?", config_keys[near].name);
            else if (near >= 0)
                error_hint(p->err, "did you mean '%s' in [%s]?", config_keys[near].name,
                           config_section_names[config_keys[near].section]);
        }
        return 0;
    }
    bool repeats = k == K_TOKENS || k == K_SRC || k == K_TGT;
    if (!repeats && p->set_line[k]) {
        p->st = error_set(p->err, TF_ERR_INPUT, "%s:%d: %s is already set on line %d", p->name,
                          p->in.line, name, p->set_line[k]);
        return 0;
    }
    p->set_line[k] = p->in.line;
    ConfigSource s;
    memset(&s, 0, sizeof s);
    snprintf(s.file, sizeof s.file, "%s", p->name);
    s.line = p->in.line;
    snprintf(s.key, sizeof s.key, "%s", name);
    p->st = config_set_key(p->c, k, value, &s, p->err);
    return p->st == TF_OK;
}

Status config_load_ini_text_sections(Config *c, const char *text, const char *name,
                                     const char *const *other_sections, Error *err)
{
    IniParse p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.name = name;
    p.in.text = text;
    p.in.len = strlen(text);
    p.other_sections = other_sections;
    p.err = err;

    int r = ini_parse_strict(ini_read_line, &p, ini_on_value, &p, INI_LINE_MAX);

    if (p.st != TF_OK)
        return p.st;
    if (r > 0) {
        error_set(err, TF_ERR_INPUT, "%s:%d: cannot read this line", name, r);
        error_hint(err, "lines are '[section]', 'key = value', or comments starting with ';' or '#'");
        return TF_ERR_INPUT;
    }
    if (r < 0)
        return error_set(err, TF_ERR_RUNTIME, "%s: libinih failed (%d)", name, r);
    return TF_OK;
}

Status config_load_ini_text(Config *c, const char *text, const char *name, Error *err)
{
    return config_load_ini_text_sections(c, text, name, NULL, err);
}

Status config_load_ini(Config *c, const char *path, Error *err)
{
    /* A lesson file is a few kilobytes; anything this big is a mistake. */
    enum { FILE_MAX = 4 << 20 };
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        Status st = error_set(err, TF_ERR_INPUT, "%s: is a directory, not a configuration file", path);
        error_hint(err, "give the .ini file itself (a lesson's is DIR/lesson.ini)");
        return st;
    }
    /* a FIFO or a device is refused, never waited on (io/regular_file.h) */
    FILE *f;
    Status opened = regular_fopen(path, &f, err);
    if (opened)
        return opened;
    char *buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, FILE_MAX + 1, f);
    int failed = ferror(f);
    fclose(f);
    Status st;
    if (failed) {
        st = error_set(err, TF_ERR_RUNTIME, "%s: read error", path);
    } else if (n > FILE_MAX) {
        st = error_set(err, TF_ERR_INPUT, "%s: larger than %d bytes; not a configuration file", path,
                       FILE_MAX);
    } else {
        buf[n] = '\0';
        size_t z = strlen(buf);
        if (z < n) {
            int line = 1;
            for (size_t i = 0; i < z; i++)
                line += buf[i] == '\n';
            st = error_set(err, TF_ERR_INPUT, "%s:%d: NUL byte in a text file", path, line);
        } else if ((st = printable_file_check(buf, n, path, err)) == TF_OK) {
            /* values reach terminals and traces: hidden characters are refused above */
            st = config_load_ini_text_sections(c, buf, path, NULL, err);
        }
    }
    free(buf);
    return st;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    char *buf;
    int cap;
    long len;  /* would-be length, may pass cap */
} Out;

static void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    long room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, (size_t)room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += n;
}

int config_to_ini(const Config *c, char *buf, int cap)
{
    Out o = {buf, cap > 0 ? cap : 0, 0};
    if (o.cap > 0)
        buf[0] = '\0';
    char v[64];
    out_printf(&o, "[model]\n");
    for (int k = 0; k < K_COUNT; k++) {
        if (config_keys[k].section != SEC_MODEL || k == K_LAYERS)
            continue;  /* encoder_layers and decoder_layers say it exactly */
        if (k == K_ENCODER_LAYERS && c->arch == ARCH_DECODER_ONLY && c->enc_layers == 0)
            continue;  /* implied by the architecture */
        if ((k == K_RELATIVE_BUCKETS || k == K_RELATIVE_MAX_DISTANCE) && c->positions != POS_RELATIVE)
            continue;  /* only relative positions use them */
        if ((k == K_SCALE && c->scale) || (k == K_ATTN_TEMPERATURE && c->attn_temperature == 1.0f) ||
            (k == K_ABLATE_HEAD && c->n_ablated == 0))
            continue;  /* switches are written only when flipped, so a run at the
                          defaults keeps the header it always had */
        config_value_text(c, k, v, sizeof v);
        out_printf(&o, "%s = %s\n", config_keys[k].name, v);
    }
    /* the tokenizer only when it is not the default words, so that a
     * word-level run keeps the header it always had */
    if (c->vocab[0] || c->tokenizer != TOKENIZER_WORDS)
        out_printf(&o, "\n[vocab]\n");
    if (c->tokenizer != TOKENIZER_WORDS)
        out_printf(&o, "tokenizer = %s\n", config_tokenizer_name(c->tokenizer));
    if (c->vocab[0])
        out_printf(&o, "tokens = %s\n", c->vocab);
    if (c->n_src > 0 || c->n_tgt > 0)
        out_printf(&o, "\n[input]\n");
    for (int i = 0; i < c->n_src && i < CONFIG_MAX_SENTENCES; i++)
        out_printf(&o, "src = %s\n", c->src[i]);
    for (int i = 0; i < c->n_tgt && i < CONFIG_MAX_SENTENCES; i++)
        out_printf(&o, "tgt = %s\n", c->tgt[i]);
    return o.len > INT_MAX ? -1 : (int)o.len;
}

/* cmd_ls.c — `traceformer ls TRACE`: one line per record, in execution
 * order: index, name, shape with dim names. Each record's description is
 * fetched (and so checked, its checksum included), which makes ls a quick
 * integrity check too; its data is not read (3.x files): listing a big
 * trace costs its records' descriptions, not its size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_options.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "model/weights_file.h"
#include "text/token_text.h"
#include "trace/export.h"

/* TRACE or MODEL.tfw: one only. */
static int take_path(void *args, const char *arg);

static const CliCommand command = {
    .name = "ls",
    .usage =
        "usage: traceformer ls TRACE | MODEL.tfw\n"
        "\n"
        "List the records of a trace, in execution order: index, name, and shape\n"
        "with the name of every axis, e.g.\n"
        "    12  enc.0.attn.weights  [head=4, query=3, key=3]\n"
        "\n"
        "Given a weight file (.tfw), describe the model: what it was trained on (the\n"
        "task and the lengths of its training sentences, or \"unknown\" for random or\n"
        "imported weights), its configuration and vocabulary size, then every tensor\n"
        "with its index, name and shape.\n"
        "\n"
        "A character-level model (tokenizer = chars) and its traces say so in a line\n"
        "\"tokenizer: characters\": its text is typed as written, without spaces\n"
        "(\"床前明月光，\" is six tokens).\n"
        "\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or a bad file\n",
    .usage_in_errors = true,
    .positional = take_path,
};

static int take_path(void *args, const char *arg)
{
    const char **path = args;
    if (*path)
        return cli_usage_error("ls", command.usage, "one TRACE only ('%s' is extra)", arg);
    *path = arg;
    return 0;
}

static int digits(uint32_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* Does path start like a .tfw file? (A trace, or anything else, goes to
 * the trace reader, whose messages say what is wrong with it.) */
static bool is_weight_file(const char *path)
{
    char magic[8];
    FILE *f = fopen(path, "rb");
    bool yes = f && fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TFWEIGHT", 8) == 0;
    if (f)
        fclose(f);
    return yes;
}

/* The line that tells a character-level model's user how to type text. */
static void say_tokenizer(TokenizerKind kind)
{
    if (kind == TOKENIZER_CHARS)
        printf("tokenizer: characters (type text without spaces)\n");
}

static int ls_model(const char *path)
{
    Model *m = malloc(sizeof *m);
    if (!m) {
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    Error err = {0};
    Status st = weights_load_tfw(m, path, NULL, &err);
    if (st) {
        free(m);
        return cli_report(&err, st);
    }
    const Config *c = &m->cfg;
    char trained[256];
    trained_on_describe(&m->trained, trained, sizeof trained);
    printf("trained on: %s\n", trained);
    printf("model: %s, d_model %d, %d heads, d_ff %d, %d+%d layers, %s-LN, %s, %s positions, max_len %d, "
           "seed %llu\n",
           config_arch_name(c->arch), c->d_model, c->heads, c->d_ff, c->enc_layers, c->dec_layers,
           config_norm_name(c->norm), config_activation_name(c->activation), config_positions_name(c->positions),
           c->max_len, (unsigned long long)c->seed);
    printf("vocabulary: %d tokens (4 special)\n", m->vocab.size);
    say_tokenizer(c->tokenizer);
    WeightEntry *e = NULL;
    int n = weights_entries(c, m->vocab.size, &m->w, &e);
    int name_w = 0;
    for (int i = 0; i < n; i++)
        if ((int)strlen(e[i].name) > name_w)
            name_w = (int)strlen(e[i].name);
    for (int i = 0; i < n; i++) {
        if (e[i].cols)
            printf("%4d  %-*s  [%d, %d]\n", i, name_w, e[i].name, e[i].rows, e[i].cols);
        else
            printf("%4d  %-*s  [%d]\n", i, name_w, e[i].name, e[i].rows);
    }
    free(e);
    model_free(m);
    free(m);
    if (n < 0) {
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "traceformer: ls: cannot write to standard output\n");
        return 1;
    }
    return 0;
}

int cmd_ls(int argc, char **argv)
{
    const char *path = NULL;
    int rc = cli_options_parse(&command, argc, argv, &path, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!path) {
        return cli_usage_error("ls", command.usage, "missing TRACE");
    }

    if (is_weight_file(path))
        return ls_model(path);
    TraceReader *r;
    int code = cli_open_trace(path, &r);
    if (code)
        return code;
    say_tokenizer(token_text_kind_of_meta(trace_reader_meta(r)));
    uint32_t n = trace_reader_count(r);
    /* Column widths from the index alone, so lines can stream out. */
    int index_w = n ? digits(n - 1) : 1, name_w = 0;
    if (index_w < 4)
        index_w = 4;
    for (uint32_t i = 0; i < n; i++) {
        int len = (int)strlen(trace_reader_name(r, i));
        if (len > name_w)
            name_w = len;
    }
    for (uint32_t i = 0; i < n && code == 0; i++) {
        TraceRecord tr;
        Error err;
        /* names and shapes only: the data is not read (FORMAT.md, Validation) */
        Status s = trace_reader_get_header(r, i, &tr, &err);
        if (s != TF_OK) {
            fflush(stdout);
            code = cli_report(&err, s);
            break;
        }
        char shape[160];
        export_shape_text(&tr.rec, shape, sizeof shape);
        printf("%*u  %-*s  %s\n", index_w, i, name_w, tr.rec.name, shape);
        trace_record_release(&tr);
    }
    trace_reader_close(r);
    if (code == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "traceformer: ls: cannot write to standard output\n");
        return 1;
    }
    return code;
}

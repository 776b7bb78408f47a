/* cmd_run.c — `traceformer run`: build or load a model, run it on the
 * input sentences, and record every intermediate into a trace file. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/paths.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/weights_file.h"
#include "trace/trace.h"

static const char usage[] =
    "usage: traceformer run [--lesson NAME | --config FILE] [--src TEXT]... [--tgt TEXT]...\n"
    "                       [--weights FILE|DIR] [-o FILE] [MODEL FLAGS]\n"
    "\n"
    "Run a transformer on the input sentences and record every intermediate\n"
    "(embeddings, Q, K, V per head, scores, masks, attention weights, residual\n"
    "sums, layer norms, feed-forward, logits) into a trace file.\n"
    "\n"
    "input:\n"
    "  --src TEXT           a source sentence, tokens separated by spaces (\"猫 追 老鼠\");\n"
    "                       repeat for a batch, padded with <PAD>\n"
    "  --tgt TEXT           the decoder's input for the matching --src (\"<START> cat chases\");\n"
    "                       without it the decoder reads \"<START>\"\n"
    "  --config FILE        an INI file with [model], [vocab] and [input] sections\n"
    "  --lesson NAME        the config of a shipped example or lesson (e.g. demo)\n"
    "  --weights FILE|DIR   a .tfw file, or a directory of PyTorch .npy files\n"
    "                       (state_dict names, vocab.txt, optional config.ini);\n"
    "                       without it the weights are seeded random (--seed)\n"
    "output:\n"
    "  -o, --output FILE    the trace (default: run.trace)\n"
    "  --save-weights FILE  also save the model as a .tfw file\n"
    "  --export-weights DIR also write the model as .npy files named like PyTorch's\n"
    "  -q, --quiet          print nothing but errors\n"
    "model flags (override the config):\n"
    "  --arch encoder-decoder|decoder-only   --d-model N   --heads N   --d-ff N\n"
    "  --layers N   --encoder-layers N   --decoder-layers N   --max-len N\n"
    "  --norm post|pre   --final-norm yes|no   --activation relu|gelu\n"
    "  --positions sinusoidal|none   --seed N   --vocab \"TOKENS...\"\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n";

/* Flags that set a config key, with the value that follows. */
static const char *const model_flags[] = {
    "arch", "d-model", "heads", "d-ff", "layers", "encoder-layers", "decoder-layers", "max-len",
    "norm", "final-norm", "activation", "positions", "seed", "vocab", "tokens", "ln-eps", "src", "tgt",
};

static int is_model_flag(const char *name)
{
    for (size_t i = 0; i < sizeof model_flags / sizeof *model_flags; i++)
        if (strcmp(name, model_flags[i]) == 0)
            return 1;
    return 0;
}

static void warn_token(void *ctx, const char *what, const char *token)
{
    int *quiet = ctx;
    if (!*quiet)
        fprintf(stderr, "traceformer: warning: %s: unknown token '%s' is read as <UNK>\n", what, token);
}

/* Find DATADIR/lessons/NAME.ini, or lesson.ini in a DATADIR/lessons/NAME... directory. */
static Status lesson_config(const char *name, char *path, size_t cap, Error *err)
{
    const char *dir = paths_data_dir();
    snprintf(path, cap, "%s/lessons/%s.ini", dir, name);
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return TF_OK;
    }
    char pattern[4096];
    snprintf(pattern, sizeof pattern, "%s/lessons/%s*/lesson.ini", dir, name);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc >= 1) {
        snprintf(path, cap, "%s", g.gl_pathv[0]);
        globfree(&g);
        return TF_OK;
    }
    globfree(&g);
    Status st = error_set(err, TF_ERR_INPUT, "no lesson or example named '%s' in %s/lessons", name, dir);
    error_hint(err, "set TRACEFORMER_DATA to the directory that holds lessons/ and viz/");
    return st;
}

typedef struct {
    const char *config_path, *lesson, *weights, *output, *save_weights, *export_weights;
    int quiet;
    /* model flags in command-line order, applied after the config file */
    int n_sets;
    const char *set_key[64], *set_value[64];
} RunArgs;

static int parse_args(RunArgs *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->output = "run.trace";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        const char **target = NULL;
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0)
            target = &a->output;
        else if (strcmp(arg, "--config") == 0)
            target = &a->config_path;
        else if (strcmp(arg, "--lesson") == 0)
            target = &a->lesson;
        else if (strcmp(arg, "--weights") == 0)
            target = &a->weights;
        else if (strcmp(arg, "--save-weights") == 0)
            target = &a->save_weights;
        else if (strcmp(arg, "--export-weights") == 0)
            target = &a->export_weights;
        if (!target && !(strncmp(arg, "--", 2) == 0 && is_model_flag(arg + 2))) {
            fprintf(stderr, "traceformer run: unknown option '%s'\n", arg);
            fprintf(stderr, "hint: traceformer run --help lists the options\n");
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "traceformer run: %s needs a value\n", arg);
            return 2;
        }
        if (target) {
            *target = argv[++i];
        } else {
            if (a->n_sets == 64) {
                fprintf(stderr, "traceformer run: too many model flags (at most 64)\n");
                return 2;
            }
            a->set_key[a->n_sets] = arg + 2;
            a->set_value[a->n_sets++] = argv[++i];
        }
    }
    if (a->config_path && a->lesson) {
        fprintf(stderr, "traceformer run: give --config or --lesson, not both\n");
        return 2;
    }
    return 0;
}

/* Build the config: defaults, then the file, then the flags. */
static Status build_config(Config *c, const RunArgs *a, Error *err)
{
    config_defaults(c);
    char lesson_path[4096];
    const char *file = a->config_path;
    if (a->lesson) {
        Status st = lesson_config(a->lesson, lesson_path, sizeof lesson_path, err);
        if (st)
            return st;
        file = lesson_path;
    }
    if (file) {
        Status st = config_load_ini(c, file, err);
        if (st)
            return st;
    }
    /* Sentences and tokens on the command line replace those of the file
     * (config_set's rule); other flags override single values. */
    for (int i = 0; i < a->n_sets; i++) {
        ConfigSource src = {{0}, 0, {0}};
        snprintf(src.key, sizeof src.key, "--%s", a->set_key[i]);
        const char *key = strcmp(a->set_key[i], "vocab") == 0 ? "tokens" : a->set_key[i];
        Status st = config_set(c, key, a->set_value[i], &src, err);
        if (st)
            return st;
    }
    return config_validate(c, err);
}

static Status write_trace(const Activations *acts, const char *path, const char *meta, uint64_t *bytes,
                          Error *err)
{
    TraceWriter *w;
    Status st = trace_writer_open(&w, path, meta, err);
    if (st)
        return st;
    for (int i = 0; i < acts->n_slots; i++) {
        Record rec;
        activations_record(acts, i, &rec);
        if ((st = trace_writer_add(w, &rec, err))) {
            trace_writer_abort(w);
            return st;
        }
    }
    *bytes = trace_writer_bytes(w);
    return trace_writer_finish(w, err);
}

static char *make_meta(const Model *m, const RunArgs *a, int argc, char **argv)
{
    size_t cap = 65536;
    char *meta = malloc(cap);
    if (!meta)
        return NULL;
    int n = snprintf(meta, cap, "program = traceformer 0.1.0\ncommand = traceformer");
    for (int i = 0; i < argc && n < (int)cap; i++)
        n += snprintf(meta + n, cap - (size_t)n, " %s", argv[i]);
    if (n < (int)cap)
        n += snprintf(meta + n, cap - (size_t)n, "\nweights = %s\n\n", a->weights ? a->weights : "seeded random");
    if (n < (int)cap)
        config_to_ini(&m->cfg, meta + n, (int)(cap - (size_t)n));
    return meta;
}

int cmd_run(int argc, char **argv)
{
    RunArgs a;
    int rc = parse_args(&a, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;

    Error err = {0};
    Config *cfg = malloc(sizeof *cfg);
    Model *m = malloc(sizeof *m);
    if (!cfg || !m) {
        free(cfg);
        free(m);
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    Batch batch = {0};
    Activations acts = {0};
    int have_model = 0, have_batch = 0, have_acts = 0;
    char *meta = NULL;
    Status st = build_config(cfg, &a, &err);
    if (st == TF_OK && (cfg->n_src == 0 && cfg->n_tgt == 0)) {
        st = error_set(&err, TF_ERR_INPUT, "no input sentence");
        error_hint(&err, "give one with --src \"猫 追 老鼠\", or a config with an [input] section");
    }
    if (st == TF_OK)
        st = a.weights ? weights_load(m, a.weights, cfg, &err) : model_init_random(m, cfg, &err);
    have_model = st == TF_OK;
    if (st == TF_OK)
        st = batch_build(&batch, &m->cfg, &m->vocab, warn_token, &a.quiet, &err);
    have_batch = st == TF_OK;
    if (st == TF_OK)
        st = activations_init(&acts, m, &batch, &err);
    have_acts = st == TF_OK;

    uint64_t bytes = 0;
    if (st == TF_OK) {
        model_forward(m, &batch, &acts);
        meta = make_meta(m, &a, argc, argv);
        st = write_trace(&acts, a.output, meta ? meta : "", &bytes, &err);
    }
    if (st == TF_OK && a.save_weights)
        st = weights_save_tfw(m, a.save_weights, &err);
    if (st == TF_OK && a.export_weights)
        st = weights_export_npy(m, a.export_weights, &err);
    if (st == TF_OK && !a.quiet)
        printf("wrote %s: %d records, %.1f KB (%s, d_model %d, %d heads, %d+%d layers, %d sentence%s)\n",
               a.output, acts.n_slots, (double)bytes / 1024.0, config_arch_name(m->cfg.arch),
               m->cfg.d_model, m->cfg.heads, m->cfg.enc_layers, m->cfg.dec_layers, batch.B,
               batch.B == 1 ? "" : "s");

    if (have_acts)
        activations_free(&acts);
    if (have_batch)
        batch_free(&batch);
    if (have_model)
        model_free(m);
    free(meta);
    free(m);
    free(cfg);
    return st == TF_OK ? 0 : cli_report(&err, st);
}

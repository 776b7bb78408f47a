/* cmd_run.c — `traceformer run`: build or load a model, run it on the
 * input sentences, and record every intermediate into a trace file. */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/paths.h"
#include "lesson/lesson.h"
#include "model/batch.h"
#include "model/generator.h"
#include "model/weights_file.h"
#include "run/run_trace.h"
#include "text/token_text.h"

typedef struct {
    const char *config_path, *lesson, *weights, *output, *save_weights, *export_weights;
    const char *lesson_file;  /* --lesson's file: lessons/NAME.ini, or a lesson's lesson.ini */
    bool quiet;
    /* generation: the flags as given (NULL when absent), then parsed */
    const char *generate, *temperature, *top_k, *sample_seed;
    bool no_cache;
    bool train_step;    /* --train-step: the gradients after the forward records */
    GenOptions gen;
    ModelFlags model;   /* in command-line order, applied after the config file */
} RunArgs;

#define AT(field) offsetof(RunArgs, field)
static const CliOption options[] = {
    CLI_TEXT("input:"),
    CLI_MODEL("src", "TEXT",
     "a source sentence, tokens separated by spaces (\"猫 追 老鼠\");\n"
     "repeat for a batch, padded with <PAD>; at most 511 bytes"),
    CLI_MODEL("tgt", "TEXT",
     "the output sentence for the matching --src (\"cat chases mouse\").\n"
     "Teacher forcing: the decoder reads <START> + target and should\n"
     "predict target + <END>; a leading <START> (\"<START> cat chases\")\n"
     "means the same. Without --tgt the decoder reads \"<START>\" alone.\n"
     "Decoder-only: the sequence, read as written; each position\n"
     "should predict the next token, the last one <END>."),
    CLI_VALUE("config", 0, "FILE", "an INI file with [model], [vocab] and [input] sections", AT(config_path)),
    CLI_VALUE("lesson", 0, "NAME",
     "a shipped example's config (e.g. demo), or a lesson's main\n"
     "run (e.g. 2) as the lesson defines it: its weights and its\n"
     "[run.main] generate, cache and train_step; the flags here win", AT(lesson)),
    CLI_VALUE("weights", 0, "FILE|DIR",
     "a .tfw file, or a directory of PyTorch .npy files\n"
     "(state_dict names, vocab.txt, and config.ini stating heads,\n"
     "norm, activation and positions, which shapes cannot tell);\n"
     "without it the weights are seeded random (--seed). The file\n"
     "decides the model: a setting that contradicts it (--heads,\n"
     "--d-model, --positions, --vocab, ...) is refused; the masks,\n"
     "--residual and --max-len (unless positions are learned) are\n"
     "yours to set. A sentence outside the lengths a trained\n"
     "model's file records (`traceformer ls FILE`) is warned\n"
     "about, on stderr and in the trace's meta", AT(weights)),
    CLI_TEXT("generation (one sentence):"),
    CLI_VALUE("generate", 0, "N",
     "decode autoregressively: from <START> + the target (a prompt,\n"
     "may be empty) one token per step, until <END> or N tokens\n"
     "(<PAD> and <START> are never chosen; <UNK> may be, except\n"
     "by a character-level model, where it stands for hundreds of\n"
     "rare characters at once);\n"
     "step S is traced as gen.S.* (the new query, the KV cache so\n"
     "far, attention over it, logits, the chosen token)", AT(generate)),
    CLI_VALUE("temperature", 0, "T",
     "sample from softmax(logits / T) instead of taking the most\n"
     "likely token (finite, T > 0; 0 = greedy, the default)", AT(temperature)),
    CLI_VALUE("top-k", 0, "K", "when sampling, only among the K most likely tokens", AT(top_k)),
    CLI_VALUE("sample-seed", 0, "S", "when sampling, the random seed (default 1): same seed, same tokens",
     AT(sample_seed)),
    CLI_SWITCH("no-cache", 0,
     "recompute the whole prefix at every step instead of reading\n"
     "the KV cache (same tokens; the work per step grows like n^2)", AT(no_cache)),
    CLI_TEXT("training (no update is made):"),
    CLI_SWITCH("train-step", 0,
     "record one teacher-forced training step: after the forward\n"
     "records and the loss, the gradient of the loss with respect to\n"
     "every weight (grad.<state_dict name>, the weight's shape), to the\n"
     "residual stream entering each layer (grad.enc.L.input, ...) and\n"
     "leaving each stack (grad.enc.output, grad.dec.output), and\n"
     "per-layer gradient norms (grad.norms.enc, grad.norms.dec);\n"
     "needs targets (--tgt for each --src, or decoder-only)", AT(train_step)),
    CLI_TEXT("output:"),
    CLI_VALUE("output", 'o', "FILE",
     "the trace (default: run.trace); '-' is standard output\n"
     "(not a terminal); a device or FIFO is written in place", AT(output)),
    CLI_VALUE("save-weights", 0, "FILE", "also save the model as a .tfw file (as -o: '-', FIFO)", AT(save_weights)),
    CLI_VALUE("export-weights", 0, "DIR",
     "also write the model as .npy files named like PyTorch's\n"
     "(all files or none; files of other names in DIR are kept)", AT(export_weights)),
    CLI_SWITCH("quiet", 'q', "print nothing but errors", AT(quiet)),
    CLI_TEXT("model flags (override the config):"),
    CLI_MODEL_FLAGS(),
    CLI_TEXT("  --residual off: each sublayer's output replaces the stream (no x + ...)\n"
                       "  --causal-mask off, --padding-mask off: the mask is all 0 (lessons show\n"
                       "                       what each mask prevents by turning it off)\n"
                       "  --relative-buckets, --relative-max-distance: for positions = relative\n"
                       "  --scale off: scores = Q K^T, not divided by sqrt(d_k); --attn-temperature T:\n"
                       "                       scores divided by T before the softmax (--temperature\n"
                       "                       samples the output instead)\n"
                       "  --ablate-head enc.0.1,dec.1.self.2,dec.0.cross.3: those heads' output z is\n"
                       "                       zeroed (layers and heads count from 0; decoder-only:\n"
                       "                       dec.L.H); a head the model lacks is refused\n"
                       "  --tokenizer chars: every character a token, so text is typed as written\n"
                       "                       (--tgt \"床前明月光，\"; --vocab \"床前明月光\" lists five);\n"
                       "                       sequences print without spaces; a weight file decides it"),
};
#undef AT

static const CliCommand command = {
    .name = "run",
    .usage =
        "usage: traceformer run [--lesson NAME | --config FILE] [--src TEXT]... [--tgt TEXT]...\n"
        "                       [--weights FILE|DIR] [-o FILE] [--generate N [SAMPLING] | --train-step]\n"
        "                       [MODEL FLAGS]\n"
        "\n"
        "Run a transformer on the input sentences and record every intermediate\n"
        "(embeddings, positions, Q, K, V per head, scores, masks, attention weights,\n"
        "residual sums, layer norms, feed-forward, logits, predictions, loss) into a\n"
        "trace file.\n"
        "\n",
    .epilog =
        "positions: sinusoidal and learned add a vector to each embedding (enc.pos, dec.pos);\n"
        "  relative adds a learned per-head bias to the self-attention scores by the bucket\n"
        "  of the distance j - i (T5: attn.bias, rel_buckets); rope rotates self-attention\n"
        "  queries and keys by position (attn.q_rot, attn.k_rot, rope_angles); none has none.\n"
        "\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 23,
    .model = FLAG_RUN,
    .model_cap = 64,
};

static void warn_token(void *ctx, const char *what, const char *token)
{
    const bool *quiet = ctx;
    if (!*quiet)
        fprintf(stderr, "traceformer: warning: %s: unknown token '%s' is read as <UNK>\n", what, token);
}

/* Find DATADIR/lessons/NAME.ini; or the lesson NAME names by number,
 * slug or directory ("1", "positional-encoding", "03-positional-encoding"),
 * as `traceformer lesson` finds it; or the one lesson directory NAME
 * begins. A number is never a prefix: "1" is lesson 1, not 10 or 11. */
static Status lesson_config(const char *name, char *path, size_t cap, Error *err)
{
    const char *dir = paths_data_dir();
    snprintf(path, cap, "%s/lessons/%s.ini", dir, name);
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return TF_OK;
    }
    char found[4096];
    Error ignored = {0};
    if (lesson_find(dir, name, found, sizeof found, &ignored) == TF_OK &&
        snprintf(path, cap, "%.4000s/lesson.ini", found) < (int)cap)
        return TF_OK;
    char pattern[4096];
    snprintf(pattern, sizeof pattern, "%s/lessons/%s*/lesson.ini", dir, name);
    glob_t g;
    size_t matches = glob(pattern, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
    if (matches == 1)
        snprintf(path, cap, "%s", g.gl_pathv[0]);
    globfree(&g);
    if (matches == 1)
        return TF_OK;
    if (matches > 1) {
        Status st = error_set(err, TF_ERR_INPUT, "'%s' begins the names of %zu lessons in %s/lessons", name, matches, dir);
        error_hint(err, "traceformer lesson --list shows the lessons; name one by its number or its whole name");
        return st;
    }
    Status st = error_set(err, TF_ERR_INPUT, "no lesson or example named '%s' in %s/lessons", name, dir);
    error_hint(err, "set TRACEFORMER_DATA to the directory that holds lessons/ and viz/");
    return st;
}

/* A whole-string integer, or report "FLAG VALUE: not a whole number". */
static int parse_long(const char *flag, const char *v, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE || x < INT_MIN || x > INT_MAX) {
        fprintf(stderr, "traceformer run: %s '%s' is not a whole number\n", flag, v);
        return 0;
    }
    *out = x;
    return 1;
}

/* The generation flags into a->gen. Their ranges against the model
 * (vocabulary size, max_len) are generator_check's. */
static int parse_generation(RunArgs *a)
{
    const char *orphan = a->temperature ? "--temperature" : a->top_k ? "--top-k"
                       : a->sample_seed ? "--sample-seed" : a->no_cache ? "--no-cache" : NULL;
    if (!a->generate) {
        if (orphan) {
            fprintf(stderr, "traceformer run: %s only applies to generation\n", orphan);
            fprintf(stderr, "hint: add --generate N to generate up to N tokens\n");
            return 2;
        }
        return 0;
    }
    long v;
    a->gen.use_cache = !a->no_cache;
    a->gen.sample_seed = 1;
    if (!parse_long("--generate", a->generate, &v))
        return 2;
    a->gen.max_new = (int)v;
    if (a->temperature) {
        char *end;
        errno = 0;
        double t = strtod(a->temperature, &end);
        if (end == a->temperature || *end != '\0') {
            fprintf(stderr, "traceformer run: --temperature '%s' is not a number\n", a->temperature);
            return 2;
        }
        if (!isfinite((float)t)) {  /* inf, nan, and beyond float's range (1e39) */
            fprintf(stderr, "traceformer run: --temperature '%s': the temperature must be finite: 0 (greedy) or "
                            "more\n", a->temperature);
            return 2;
        }
        a->gen.temperature = (float)t;  /* a value below float's range is 0: greedy, the limit */
    }
    if (a->top_k) {
        if (!parse_long("--top-k", a->top_k, &v))
            return 2;
        if (v == 0) {
            fprintf(stderr, "traceformer run: --top-k 0: keep at least 1 token\n");
            return 2;
        }
        a->gen.top_k = (int)v;
    }
    if (a->sample_seed) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(a->sample_seed, &end, 10);
        if (a->sample_seed[0] < '0' || a->sample_seed[0] > '9' || *end != '\0' || errno == ERANGE) {
            fprintf(stderr, "traceformer run: --sample-seed '%s' is not a whole number from 0 to 18446744073709551615\n",
                    a->sample_seed);
            return 2;
        }
        a->gen.sample_seed = (uint64_t)s;
    }
    if ((a->top_k || a->sample_seed) && a->gen.temperature == 0.0f) {
        fprintf(stderr, "traceformer run: %s applies to sampling, but decoding is greedy\n",
                a->top_k ? "--top-k" : "--sample-seed");
        fprintf(stderr, "hint: add --temperature T (T > 0, 1 samples from the model's own probabilities)\n");
        return 2;
    }
    return 0;
}

static int parse_args(RunArgs *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->output = "run.trace";
    int rc = cli_options_parse(&command, argc, argv, a, &a->model);
    if (rc)
        return rc;
    if (a->config_path && a->lesson) {
        fprintf(stderr, "traceformer run: give --config or --lesson, not both\n");
        return 2;
    }
    if (a->train_step && a->generate) {
        fprintf(stderr, "traceformer run: --train-step records a teacher-forced pass, --generate decodes "
                        "token by token: give one of them\n");
        return 2;
    }
    return 0;  /* the generation flags are parsed once a lesson had its say (cmd_run) */
}

/* Build the config: the lesson's main run (lo gets its options), or the
 * defaults and then the config file; then the flags. */
static Status build_config(Config *c, const RunArgs *a, const Lesson *l, LessonRunOptions *lo, Error *err)
{
    Status st = TF_OK;
    if (l) {
        st = lesson_run_settings(l, 0, c, lo, err);
        if (st == TF_OK && lo->train) {  /* its trace is a whole training, not one pass */
            st = error_set(err, TF_ERR_INPUT, "lesson %d's main run trains (train = %s): it is not one pass to run",
                           lesson_number(l), lo->train);
            error_hint(err, "`traceformer lesson %d --check --traces DIR` writes its training trace to DIR/main.trace",
                       lesson_number(l));
        }
    } else {
        config_defaults(c);
        const char *file = a->config_path ? a->config_path : a->lesson_file;
        if (file)
            st = config_load_ini(c, file, err);
    }
    if (st)
        return st;
    /* Sentences and tokens on the command line replace those of the file
     * (config_set's rule); other flags override single values. Validated
     * by cmd_run: alone, or as a weight file's settings. */
    return cli_model_flags_apply(c, &a->model, err);
}

/* A lesson's main run is traced as the lesson defines it ([lesson] weights,
 * [run.main] generate, cache, train_step, weights) unless the command line
 * says otherwise: --weights replaces the weights; --generate or
 * --train-step replaces the lesson's mode as a whole (its cache setting
 * goes with its generate). gen_buf holds the lesson's generate as text. */
static void merge_lesson_run(RunArgs *a, const LessonRunOptions *lo, char *gen_buf, size_t cap)
{
    if (!a->weights)
        a->weights = lo->weights;
    if (a->generate || a->train_step)
        return;
    a->train_step = lo->train_step;
    if (lo->generate > 0) {
        snprintf(gen_buf, cap, "%d", lo->generate);
        a->generate = gen_buf;
        if (!lo->cache)
            a->no_cache = 1;
    }
}

/* Meta text: program, command line, weights, generation settings and work
 * (when generating), a blank line, then the configuration as INI. */
static char *make_meta(const Model *m, const Batch *b, const RunArgs *a, const char *warnings, int argc,
                       char **argv)
{
    const int steps = a->generate ? generator_max_steps(b, &a->gen) : 0;
    size_t cap = 65536 + (size_t)steps * 2 * 24;
    char *meta = malloc(cap);
    if (!meta)
        return NULL;
    size_t n = 0;
#define PUT(...)                                                               \
    do {                                                                       \
        if (n < cap)                                                           \
            n += (size_t)snprintf(meta + n, cap - n, __VA_ARGS__);             \
    } while (0)
    PUT("program = traceformer 0.1.0\ncommand = traceformer");
    for (int i = 0; i < argc; i++)
        PUT(" %s", argv[i]);
    PUT("\nweights = %s\n", a->weights ? a->weights : "seeded random");
    if (a->weights) {
        char trained[256];
        trained_on_describe(&m->trained, trained, sizeof trained);
        PUT("trained_on = %s\n", trained);
    }
    /* the warnings about this input, for whoever opens the trace later */
    for (const char *w = warnings; *w;) {
        const char *nl = strchr(w, '\n');
        int len = nl ? (int)(nl - w) : (int)strlen(w);
        PUT("warning = %.*s\n", len, w);
        w += len + (nl != NULL);
    }
    if (a->train_step)
        PUT("train_step = yes\nlabel_smoothing = 0\n"
            "grad = gradients of the loss record, no update made (grad.* records)\n");
    if (a->generate) {
        const GenOptions *g = &a->gen;
        PUT("generate = %d\ndecoding = %s\n", g->max_new, g->temperature > 0 ? "sampling" : "greedy");
        if (g->temperature > 0)
            PUT("temperature = %g\ntop_k = %d\nsample_seed = %" PRIu64 "\n", (double)g->temperature, g->top_k,
                g->sample_seed);
        PUT("kv_cache = %s\n", g->use_cache ? "yes" : "no");
        PUT("work = multiply-adds of the decoder's matrix products in step S = 0, 1, ... "
            "(the steps taken are in gen.work)\n");
        for (int cached = 1; cached >= 0; cached--) {
            PUT("work.%s =", cached ? "cached" : "recomputed");
            uint64_t total = 0;
            for (int s = 0; s < steps; s++) {
                uint64_t w = generator_work(&m->cfg, m->vocab.size, b->Ts, s, cached);
                total += w;
                PUT(" %" PRIu64, w);
            }
            PUT("\nwork.%s.all_steps = %" PRIu64 "\n", cached ? "cached" : "recomputed", total);
        }
    }
    PUT("\n");
#undef PUT
    if (n < cap)
        config_to_ini(&m->cfg, meta + n, (int)(cap - n));
    return meta;
}

/* lead, then n token ids as the model's tokenizer prints a sequence
 * ("猫 追 老鼠", or "床前明月光，" for a character-level model). */
static void say_tokens(FILE *say, const char *lead, const Model *m, const int *ids, int n)
{
    const char **text = malloc((size_t)n * sizeof *text);
    const size_t cap = (size_t)n * (VOCAB_MAX_TOKEN_BYTES + 1) + 1;
    char *buf = malloc(cap);
    if (text && buf) {
        for (int t = 0; t < n; t++)
            text[t] = vocab_token(&m->vocab, ids[t]);
        token_text_join(m->cfg.tokenizer, buf, cap, text, n);
        fprintf(say, "%s%s", lead, buf);
    } else {
        fprintf(say, "%s(out of memory)", lead);
    }
    free(buf);
    free(text);
}

int cmd_run(int argc, char **argv)
{
    RunArgs a;
    int rc = parse_args(&a, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;

    Error err = {0};
    Status st = TF_OK;
    /* --lesson: a lesson directory's lesson.ini is loaded as a lesson, so
     * that its main run comes with its weights and [run.main] settings; a
     * plain config (lessons/demo.ini) is read like --config. */
    char lesson_path[4096];
    Lesson *lesson = NULL;
    if (a.lesson) {
        st = lesson_config(a.lesson, lesson_path, sizeof lesson_path, &err);
        size_t n = st == TF_OK ? strlen(lesson_path) : 0;
        if (n >= 10 && strcmp(lesson_path + n - 10, "lesson.ini") == 0)
            st = lesson_load(&lesson, paths_data_dir(), lesson_path, &err);
        if (st)
            return cli_report(&err, st);
        a.lesson_file = lesson_path;
    }
    /* Outputs checked before any work; a lesson directory's lesson.ini is
     * read, so -o may not replace it either. */
    const CliInput inputs[] = {
        {"--config", a.config_path}, {"--lesson", a.lesson_file}, {"--weights", a.weights}};
    const size_t n_inputs = sizeof inputs / sizeof *inputs;
    if (a.save_weights && strcmp(a.save_weights, a.output) == 0) {
        fprintf(stderr, "traceformer run: -o and --save-weights both name '%s': give each its own file\n", a.output);
        rc = 2;
    }
    if (!rc)
        rc = cli_check_output_file("run", "-o", a.output, inputs, n_inputs);
    if (!rc && a.save_weights)
        rc = cli_check_output_file("run", "--save-weights", a.save_weights, inputs, n_inputs);
    if (!rc && a.export_weights)
        rc = cli_check_output_dir("run", "--export-weights", a.export_weights);
    if (rc) {
        lesson_free(lesson);
        return rc;
    }

    Config *cfg = malloc(sizeof *cfg);
    Model *m = malloc(sizeof *m);
    if (!cfg || !m) {
        free(cfg);
        free(m);
        lesson_free(lesson);
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    Batch batch = {0};
    Generator gen;
    memset(&gen, 0, sizeof gen);
    int have_model = 0, have_batch = 0;
    char *meta = NULL;
    LessonRunOptions lo;
    char lesson_generate[16];
    st = build_config(cfg, &a, lesson, &lo, &err);
    if (st == TF_OK && lesson)
        merge_lesson_run(&a, &lo, lesson_generate, sizeof lesson_generate);
    /* Without weights the config is the model and is checked whole. With
     * weights the file's settings rule: weights_load holds the explicit ones
     * against them and checks the result, so that `--heads 3` on a 4-head
     * file is named as the contradiction it is, not measured against the
     * defaults' d_model. */
    if (st == TF_OK && !a.weights)
        st = config_validate(cfg, &err);
    if (st == TF_OK && (rc = parse_generation(&a)) != 0) {
        lesson_free(lesson);
        free(m);
        free(cfg);
        return rc;
    }
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
    /* run_trace checks the options too; here, before make_meta sizes the
     * meta by the steps they allow */
    if (st == TF_OK && a.generate)
        st = generator_check(m, &batch, &a.gen, &err);
    if (st == TF_OK && a.train_step && !batch.target) {
        st = error_set(&err, TF_ERR_INPUT, "--train-step: no targets, so there is no loss to take the gradient of");
        error_hint(&err, "give the output sentence of each --src with --tgt \"cat chases mouse\"");
    }
    /* An input outside the lengths the model was trained on gives outputs
     * that look as sure as any other: say so (exit 0 all the same). */
    char range_warnings[1400] = "";
    if (st == TF_OK) {
        trained_on_warnings(&m->trained, &batch, &m->cfg, a.generate != NULL, a.weights ? a.weights : "the model",
                            range_warnings, sizeof range_warnings);
        for (const char *w = range_warnings; *w && !a.quiet;) {
            const char *nl = strchr(w, '\n');
            int len = nl ? (int)(nl - w) : (int)strlen(w);
            fprintf(stderr, "traceformer: warning: %.*s\n", len, w);
            w += len + (nl != NULL);
        }
    }
    RunTraceSummary done = {0};
    if (st == TF_OK) {
        meta = make_meta(m, &batch, &a, range_warnings, argc, argv);
        RunSpec spec = {a.generate ? RUN_GENERATE : a.train_step ? RUN_TRAIN_STEP : RUN_TEACHER_FORCING, a.gen};
        st = run_trace(m, &batch, &spec, a.output, meta ? meta : "", &gen, &done, &err);
    }
    if (st == TF_OK && a.save_weights)
        st = weights_save_tfw(m, a.save_weights, &err);
    if (st == TF_OK && a.export_weights)
        st = weights_export_npy(m, a.export_weights, &err);
    /* an output on standard output (-o -, -o /dev/stdout, --save-weights -) sends the report to stderr */
    FILE *say = cli_output_is_stdout(a.output) || cli_output_is_stdout(a.save_weights) ? stderr : stdout;
    if (st == TF_OK && !a.quiet) {
        fprintf(say, "wrote %s: %u records, %.1f KB (%s, d_model %d, %d heads, %d+%d layers, %s positions, %d sentence%s)\n",
               strcmp(a.output, "-") == 0 ? "standard output" : a.output, done.records, (double)done.bytes / 1024.0, config_arch_name(m->cfg.arch), m->cfg.d_model,
               m->cfg.heads, m->cfg.enc_layers, m->cfg.dec_layers, config_positions_name(m->cfg.positions),
               batch.B, batch.B == 1 ? "" : "s");
        if (a.generate) {
            fprintf(say, "generated %d token%s in %d steps (%s, %s):", gen.generated, gen.generated == 1 ? "" : "s",
                   gen.step, a.gen.temperature > 0 ? "sampling" : "greedy",
                   a.gen.use_cache ? "KV cache" : "no cache");
            /* the prompt, a bar, then what was generated */
            if (gen.prompt_len > 0)
                say_tokens(say, " ", m, gen.seq, gen.prompt_len);
            if (gen.n_seq > gen.prompt_len)
                say_tokens(say, " | ", m, gen.seq + gen.prompt_len, gen.n_seq - gen.prompt_len);
            fprintf(say, "\n");
        }
        if (a.train_step)
            fprintf(say, "train step: loss %.6g; gradients of %d weight tensors, all together of L2 norm %.6g "
                   "(per layer: grad.norms.*); no update made\n",
                   (double)done.loss, done.n_weights, done.grad_norm);
    }

    generator_free(&gen);
    if (have_batch)
        batch_free(&batch);
    if (have_model)
        model_free(m);
    free(meta);
    free(m);
    free(cfg);
    lesson_free(lesson);
    return st == TF_OK ? 0 : cli_report(&err, st);
}

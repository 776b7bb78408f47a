/* cmd_train.c — `traceformer train`: train a small model on a toy task and
 * save it as a .tfw file, with a progress bar on a terminal. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/commands.h"
#include "io/atomic_file.h"
#include "model/weights_file.h"
#include "run/train_trace.h"
#include "text/printable.h"
#include "text/tokenizer.h"
#include "train/recombine.h"
#include "train/trainer.h"

typedef struct {
    const char *task, *output, *config_path, *init;
    const char *steps, *seed, *batch, *warmup, *lr_scale, *clip, *smoothing, *dropout, *net_dropout;
    const char *eval_every;
    const char *trace_every, *probe, *probe_tgt, *eval_lengths, *trace, *corpus, *recombine;
    bool quiet;
    ModelFlags model;  /* in command-line order, applied after --config */
} TrainArgs;

#define AT(field) offsetof(TrainArgs, field)
static const CliOption options[] = {
    CLI_TEXT("options:"),
    CLI_VALUE("task", 0, "NAME", "copy, reverse, sort, phrasebook or poems (required)", AT(task)),
    CLI_VALUE("corpus", 0, "FILE",
              "poems: the text to learn, UTF-8, a fortune file or poems\n"
              "separated by blank lines (default: tang300 of fortunes-zh,\n"
              "in $TRACEFORMER_FORTUNES_DIR or /usr/share/games/fortunes)", AT(corpus)),
    CLI_VALUE("recombine", 0, "N",
              "poems: add N training examples, each made of sentences of\n"
              "one shape (床前明月光，疑是地上霜。 is 5,5) drawn at random from\n"
              "different training poems: the form kept, the poems' order\n"
              "not there to learn by heart; the held-out poems untouched\n"
              "(default 4000; 0: the poems only)", AT(recombine)),
    CLI_VALUE("output", 'o', "FILE",
              "the trained model (.tfw), written only when training succeeds;\n"
              "'-' is standard output (not a terminal), a FIFO is written in place", AT(output)),
    CLI_VALUE("steps", 0, "N",
              "updates to make (default per task: copy 600, reverse 1500,\n"
              "sort 2000, phrasebook 600, poems 500)", AT(steps)),
    CLI_VALUE("seed", 0, "S",
              "the dataset, the initial weights and the order of the\n"
              "examples (default 1); the same seed gives the same model bit\n"
              "for bit. The model records it: `eval` uses it to find the\n"
              "held-out split", AT(seed)),
    CLI_VALUE("batch", 0, "N", "sentences per update (default 64; poems 32)", AT(batch)),
    CLI_VALUE("warmup", 0, "N", "learning-rate warm-up steps (default 200)", AT(warmup)),
    CLI_VALUE("lr-scale", 0, "X",
              "scale of the paper's schedule d_model^-0.5 * min(step^-0.5,\n"
              "step * warmup^-1.5) (default 0.5)", AT(lr_scale)),
    CLI_VALUE("clip", 0, "X", "clip the gradient's global norm to X (default 1)", AT(clip)),
    CLI_VALUE("label-smoothing", 0, "X", "in [0, 1) (default 0)", AT(smoothing)),
    CLI_VALUE("input-dropout", 0, "X",
              "read each input token as <UNK> with chance X in [0, 1), its\n"
              "target kept: less learning by heart (default 0)", AT(dropout)),
    CLI_VALUE("dropout", 0, "X",
              "dropout inside the network, in [0, 1): during training steps\n"
              "each sublayer's output (attention, feed-forward) and each\n"
              "stack's input (embeddings + positions) lose each element\n"
              "with chance X, the rest scaled by 1/(1-X) (default 0: off;\n"
              "poems 0.3); run, eval and tracing never drop", AT(net_dropout)),
    CLI_VALUE("init", 0, "FILE",
              "start from the weights of a .tfw file instead of random\n"
              "ones (its vocabulary must be the task's; a model flag that\n"
              "contradicts the file is refused, except --residual, and\n"
              "--max-len unless positions are learned)", AT(init)),
    CLI_VALUE("eval-every", 0, "N", "print the held-out loss and token accuracy every N steps", AT(eval_every)),
    CLI_TEXT("the training trace (what training does, step by step; traceformer view and plot read it):"),
    CLI_VALUE("trace-every", 0, "K",
              "also write a training trace: the loss, accuracy, learning\n"
              "rate and gradient norms of every update, and every K updates\n"
              "(and after the last) a held-out evaluation and a snapshot of\n"
              "the probe sentence's attention", AT(trace_every)),
    CLI_VALUE("probe", 0, "TEXT",
              "the sentence the snapshots record (default: the first\n"
              "held-out sentence); its target is the task's; for poems,\n"
              "text as written (床前明月光，疑是地上霜。)", AT(probe)),
    CLI_VALUE("probe-tgt", 0, "TEXT",
              "the probe's target, for a phrasebook sentence the grammar\n"
              "does not make", AT(probe_tgt)),
    CLI_VALUE("eval-lengths", 0, "A-B",
              "after training, held-out accuracy at each length A..B\n"
              "(copy, reverse, sort), lengths never trained on included:\n"
              "printed, and in the trace with --trace-every", AT(eval_lengths)),
    CLI_VALUE("trace", 0, "FILE",
              "where the training trace goes (default: the -o file with\n"
              ".tfw replaced by .train.trace)", AT(trace)),
    CLI_TEXT("settings:"),
    CLI_VALUE("config", 0, "FILE",
              "model settings from the [model] section of an INI file, as\n"
              "`run --config` reads it ([vocab] and [input] are ignored:\n"
              "the task gives the vocabulary and the sentences)", AT(config_path)),
    CLI_SWITCH("quiet", 'q', "print nothing but errors", AT(quiet)),
    CLI_TEXT("model flags (override the task's default model: d_model 64, 4 heads, d_ff 128,\n"
             "pre-LN, sinusoidal positions, 1+1 layers for copy, 2+2 otherwise, max_len 32;\n"
             "poems: decoder-only, d_model 128, 4 heads, d_ff 512, 2 layers, max_len 64):"),
    CLI_MODEL_FLAGS(),
};
#undef AT

static const CliCommand command = {
    .name = "train",
    .usage =
        "usage: traceformer train --task NAME -o FILE [--config FILE] [--steps N] [--seed S]\n"
        "                         [--batch N] [--warmup N] [--lr-scale X] [--clip X]\n"
        "                         [--label-smoothing X] [--input-dropout X] [--dropout X]\n"
        "                         [--init FILE]\n"
        "                         [--eval-every N] [-q] [--corpus FILE]\n"
        "                         [--trace-every K [--probe TEXT] [--trace FILE]]\n"
        "                         [--eval-lengths A-B] [MODEL FLAGS]\n"
        "\n"
        "Train a small encoder-decoder transformer on a toy task whose right attention\n"
        "pattern is known in advance, or a decoder-only one on real text (poems), and\n"
        "save it as a .tfw weight file that `traceformer run --weights FILE` and\n"
        "`traceformer eval FILE` read.\n"
        "\n"
        "tasks (generated from the seed, with a held-out split never trained on):\n"
        "  copy        a b c d -> a b c d      cross-attention on the diagonal\n"
        "  reverse     a b c d -> d c b a      on the anti-diagonal\n"
        "  sort        c a d a -> a a c d\n"
        "  phrasebook  猫 追 老鼠 -> cat chases mouse   a tiny Chinese -> English grammar\n"
        "  poems       床前明月光，疑是地上霜。  real text, one token per character: a\n"
        "              decoder-only model learns to continue the Tang poems (or --corpus),\n"
        "              a tenth of the poems held out whole; characters the training poems\n"
        "              hold once are <UNK>; examples are up to 62 characters cut at\n"
        "              sentence ends. Its figure is bits per character.\n"
        "lengths: copy, reverse and sort train on sentences of 3 to 9 symbols from a to j\n"
        "(targets as long); phrasebook on sentences of 3 to 5 words (targets 3 to 5).\n"
        "A model knows nothing outside them: the file records the task and the lengths\n"
        "(`traceformer ls FILE` prints them), and `run` and `eval` warn about a sentence\n"
        "outside them.\n"
        "\n",
    .epilog =
        "\n"
        "Progress goes to stderr: a bar redrawn in place on a terminal (step, loss,\n"
        "accuracy on the step's batch, tokens per second, time left), plain lines\n"
        "otherwise. At the end the held-out token accuracy and exact match (greedy\n"
        "decoding) are printed; for poems, the held-out bits per character instead of\n"
        "exact match. Training runs the BLAS on one thread, so that it is\n"
        "reproducible bit for bit.\n"
        "\n"
        "environment: TRACEFORMER_FORTUNES_DIR  where --task poems looks for tang300\n"
        "(default /usr/share/games/fortunes); without it, --task poems fails (exit 1)\n"
        "with the line that installs fortunes-zh.\n"
        "\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 23,
    .model = FLAG_ANY,
    .model_cap = 32,
};

static int parse_args(TrainArgs *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    int rc = cli_options_parse(&command, argc, argv, a, &a->model);
    if (rc)
        return rc;
    if (!a->task) {
        fprintf(stderr, "traceformer train: no task: give --task copy|reverse|sort|phrasebook|poems\n");
        return 2;
    }
    if ((a->corpus || a->recombine) && strcmp(a->task, "poems") != 0) {
        fprintf(stderr, "traceformer train: %s belongs to --task poems (task %s makes its own sentences)\n",
                a->corpus ? "--corpus" : "--recombine", a->task);
        return 2;
    }
    if (!a->output) {
        fprintf(stderr, "traceformer train: no output file: give -o FILE (e.g. -o %s.tfw)\n", a->task);
        return 2;
    }
    if (a->init && a->config_path) {
        fprintf(stderr, "traceformer train: --init takes the model's settings from its file: drop --config\n");
        return 2;
    }
    const CliInput inputs[] = {{"--config", a->config_path}, {"--init", a->init}, {"--corpus", a->corpus}};
    rc = cli_check_output_file("train", "-o", a->output, inputs, sizeof inputs / sizeof *inputs);
    if (rc)
        return rc;
    if (!a->trace_every && (a->probe || a->probe_tgt || a->trace)) {
        fprintf(stderr, "traceformer train: %s belongs to the training trace: give --trace-every K too\n",
                a->probe ? "--probe" : a->probe_tgt ? "--probe-tgt" : "--trace");
        return 2;
    }
    if (a->probe_tgt && !a->probe) {
        fprintf(stderr, "traceformer train: --probe-tgt without --probe: give the probe sentence too\n");
        return 2;
    }
    if (a->trace_every && !a->trace && cli_output_is_stdout(a->output)) {
        fprintf(stderr, "traceformer train: the model goes to standard output: name the training trace with "
                        "--trace FILE\n");
        return 2;
    }
    if (a->trace && strcmp(a->trace, a->output) == 0) {
        fprintf(stderr, "traceformer train: --trace and -o name the same file '%s': give the trace another name\n",
                a->trace);
        return 2;
    }
    if (a->trace) {
        const CliInput more[] = {{"--config", a->config_path}, {"--init", a->init}, {"-o", a->output},
                                 {"--corpus", a->corpus}};
        return cli_check_output_file("train", "--trace", a->trace, more, sizeof more / sizeof *more);
    }
    return 0;
}

/* The training trace's default name: the model's with .tfw replaced by
 * .train.trace (or .train.trace added). malloc'd. */
static char *default_trace_path(const char *output)
{
    size_t n = strlen(output);
    if (n > 4 && strcmp(output + n - 4, ".tfw") == 0)
        n -= 4;
    char *p = malloc(n + sizeof ".train.trace");
    if (p) {
        memcpy(p, output, n);
        memcpy(p + n, ".train.trace", sizeof ".train.trace");
    }
    return p;
}

/* A whole number in [lo, hi] from flag's value, or an error naming both. */
static Status parse_int(const char *flag, const char *v, long lo, long hi, const char *why, long *out, Error *err)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE)
        return error_set(err, TF_ERR_INPUT, "%s '%s' is not a whole number", flag, v);
    if (x < lo || x > hi)
        return error_set(err, TF_ERR_INPUT, "%s %ld: %s", flag, x, why);
    *out = x;
    return TF_OK;
}

static Status parse_real(const char *flag, const char *v, double lo, double hi, int lo_open, const char *why,
                         double *out, Error *err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || errno == ERANGE || !isfinite(x))
        return error_set(err, TF_ERR_INPUT, "%s '%s' is not a number", flag, v);
    if (x < lo || x >= hi || (lo_open && x == lo))
        return error_set(err, TF_ERR_INPUT, "%s %s: %s", flag, v, why);
    *out = x;
    return TF_OK;
}

static Status parse_options(const TrainArgs *a, TaskKind kind, TrainOptions *o, int *eval_every, int *trace_every,
                           int lengths[2], Error *err)
{
    train_options_default(o, kind);
    *eval_every = *trace_every = 0;
    lengths[0] = lengths[1] = 0;
    long v;
    double x;
    Status st;
    if (a->steps) {
        if ((st = parse_int("--steps", a->steps, 1, 100000000, "train for 1 to 100000000 steps", &v, err)))
            return st;
        o->steps = (int)v;
    }
    if (a->seed) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(a->seed, &end, 10);
        if (a->seed[0] < '0' || a->seed[0] > '9' || *end != '\0' || errno == ERANGE)
            return error_set(err, TF_ERR_INPUT, "--seed '%s' is not a whole number from 0 to 18446744073709551615",
                             a->seed);
        o->seed = (uint64_t)s;
    }
    if (a->batch) {
        if ((st = parse_int("--batch", a->batch, 1, 4096, "give 1 to 4096 sentences per step", &v, err)))
            return st;
        o->batch = (int)v;
    }
    if (a->warmup) {
        if ((st = parse_int("--warmup", a->warmup, 1, 100000000, "give at least 1 warm-up step", &v, err)))
            return st;
        o->warmup = (int)v;
    }
    if (a->eval_every) {
        if ((st = parse_int("--eval-every", a->eval_every, 1, 100000000, "give at least 1 step", &v, err)))
            return st;
        *eval_every = (int)v;
    }
    if (a->trace_every) {
        if ((st = parse_int("--trace-every", a->trace_every, 1, 100000000, "give at least 1 step", &v, err)))
            return st;
        *trace_every = (int)v;
    }
    if (a->eval_lengths) {
        int lo, hi, used = 0;
        if (sscanf(a->eval_lengths, "%d-%d%n", &lo, &hi, &used) != 2 || a->eval_lengths[used] != '\0' ||
            a->eval_lengths[0] < '0' || a->eval_lengths[0] > '9')
            return error_set(err, TF_ERR_INPUT, "--eval-lengths '%s': give two lengths, such as 3-20",
                             a->eval_lengths);
        if (lo < 1 || hi < lo || hi > TASK_MAX_LEN)
            return error_set(err, TF_ERR_INPUT, "--eval-lengths %s: give lengths from 1 to %d, the first not above "
                             "the last", a->eval_lengths, TASK_MAX_LEN);
        lengths[0] = lo;
        lengths[1] = hi;
    }
    if (a->lr_scale) {
        if ((st = parse_real("--lr-scale", a->lr_scale, 0, 1e6, 1, "give a positive scale below 1e6", &x, err)))
            return st;
        o->lr_scale = x;
    }
    if (a->clip) {
        if ((st = parse_real("--clip", a->clip, 0, 1e30, 1, "give a positive norm", &x, err)))
            return st;
        o->clip = x;
    }
    if (a->smoothing) {
        if ((st = parse_real("--label-smoothing", a->smoothing, 0, 1, 0, "give a number in [0, 1)", &x, err)))
            return st;
        o->label_smoothing = (float)x;
    }
    if (a->dropout) {
        if ((st = parse_real("--input-dropout", a->dropout, 0, 1, 0, "give a number in [0, 1)", &x, err)))
            return st;
        o->input_dropout = (float)x;
    }
    if (a->net_dropout) {
        if ((st = parse_real("--dropout", a->net_dropout, 0, 1, 0, "give a number in [0, 1)", &x, err)))
            return st;
        o->dropout = (float)x;
    }
    return TF_OK;
}

/* With --init: the flags must not ask for another model than the file's
 * (weights_apply_settings, the rule `run --weights` follows too); --residual
 * and a --max-len the positions do not depend on apply to the checkpoint. */
static Status check_init_flags(Model *m, const TrainArgs *a, Error *err)
{
    if (a->model.n == 0)
        return TF_OK;
    Config *want = malloc(sizeof *want);
    if (!want)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    *want = m->cfg;
    /* No config_validate(want): --heads 3 on a 64-wide file is the
     * contradiction it is, not a width that heads do not divide. What may
     * differ (residual, max_len) is range-checked as it is set. */
    Status st = cli_model_flags_apply(want, &a->model, err);
    if (st == TF_OK)
        st = weights_apply_settings(m, want, a->init, err);
    free(want);
    return st;
}

/* ---- progress --------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void format_eta(char *buf, size_t cap, double s)
{
    if (!(s >= 0) || s > 1e7)
        snprintf(buf, cap, "?");
    else if (s < 60)
        snprintf(buf, cap, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, cap, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

typedef struct {
    int tty;
    double start, last_draw;
    long last_line_step;
    double loss_sum;   /* since the last report */
    long correct, counted, n;
} Progress;

static void progress_report(Progress *p, const Trainer *t, int total, int final)
{
    const double now = now_s(), elapsed = now - p->start;
    const double loss = p->n ? p->loss_sum / (double)p->n : t->loss;
    const double acc = p->counted ? 100.0 * (double)p->correct / (double)p->counted : 0;
    const double tps = elapsed > 0 ? (double)t->tokens / elapsed : 0;
    char eta[32];
    format_eta(eta, sizeof eta, t->step ? elapsed / (double)t->step * (double)(total - t->step) : -1);
    if (p->tty) {
        /* The figures first, then as wide a bar as the terminal leaves room
         * for (at most 24), and never more than one line: a wrapped line
         * cannot be redrawn in place. */
        char text[200], bar[32];
        int n = snprintf(text, sizeof text, " %3.0f%% loss %.4f acc %5.1f%% %.1fk tok/s ETA %s",
                         100.0 * (double)t->step / total, loss, acc, tps / 1e3, final ? "0s" : eta);
        char head[64];
        int hn = snprintf(head, sizeof head, "step %*ld/%d", (int)snprintf(NULL, 0, "%d", total), t->step, total);
        struct winsize ws;
        int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
        int width = cols - 1 - hn - n - 3;
        width = width > 24 ? 24 : width;
        if (width >= 5) {
            int fill = (int)((double)width * (double)t->step / (double)total);
            for (int i = 0; i < width; i++)
                bar[i] = i < fill ? '#' : '.';
            bar[width] = '\0';
            fprintf(stderr, "\r\033[K%s [%s]%s", head, bar, text);
        } else {
            int room = cols - 1 - hn;
            fprintf(stderr, "\r\033[K%s%.*s", head, room > 0 ? room : 0, text);
        }
        if (final)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "step %ld/%d  loss %.4f  acc %.1f%%  %.0f tok/s  ETA %s\n", t->step, total, loss, acc, tps,
                final ? "0s" : eta);
    }
    fflush(stderr);
    p->last_draw = now;
    p->last_line_step = t->step;
    p->loss_sum = 0;
    p->correct = p->counted = p->n = 0;
}

static void progress_step(Progress *p, const Trainer *t, int total)
{
    p->loss_sum += t->loss;
    p->correct += t->correct;
    p->counted += t->counted;
    p->n++;
    if (t->step == total)
        return;
    if (p->tty) {
        /* the clock decides only when to redraw, never what is computed */
        if (now_s() - p->last_draw >= 0.1)
            progress_report(p, t, total, 0);
    } else {
        long every = total >= 10 ? total / 10 : 1;
        if (t->step - p->last_line_step >= every)
            progress_report(p, t, total, 0);
    }
}

/* ---- the training trace ----------------------------------------------- */

static void unknown_token(void *ctx, const char *what, const char *token)
{
    (void)what;
    char *first = ctx;
    if (!first[0])
        snprintf(first, 64, "%s", token);
}

/* The longest probe: a poems example (its characters). */
#define PROBE_MAX POEMS_MAX_CHUNK

/* One of the probe's sentences as ids of the task's vocabulary (words, or
 * characters for a decoder-only task); a token the task does not have is
 * an error naming it. */
static Status encode_probe(const Dataset *ds, const char *text, const char *flag, int *ids, int *n, Error *err)
{
    char unknown[64] = "";
    const TokenizerKind kind = task_decoder_only(ds->opt.kind) ? TOKENIZER_CHARS : TOKENIZER_WORDS;
    const int cap = kind == TOKENIZER_CHARS ? PROBE_MAX : TASK_MAX_LEN;
    Status st = tokenizer_encode_as(kind, &ds->vocab, text, flag, ids, cap, n, unknown_token, unknown, err);
    if (st)
        return st;
    if (unknown[0] && kind == TOKENIZER_CHARS) {
        /* real text: a character too rare for the vocabulary is <UNK>, as
         * in the corpus itself */
        char shown[64];
        fprintf(stderr, "traceformer train: warning: %s: '%s' is not in the vocabulary of task %s: it reads as <UNK>\n",
                flag, printable_copy(shown, sizeof shown, unknown), task_name(ds->opt.kind));
    } else if (unknown[0]) {
        error_set(err, TF_ERR_INPUT, "%s: '%s' is not a token of task %s", flag, unknown, task_name(ds->opt.kind));
        error_hint(err, "`traceformer train --help` lists what each task's sentences are made of");
        return TF_ERR_INPUT;
    }
    if (*n < 1)
        return error_set(err, TF_ERR_INPUT, "%s is empty: give a sentence", flag);
    return TF_OK;
}

/* The probe: --probe (its target the task's, or --probe-tgt), else the
 * first held-out example. */
static Status probe_ids(const TrainArgs *a, const Dataset *ds, int *src, int *n_src, int *tgt, int *n_tgt,
                        Error *err)
{
    if (task_decoder_only(ds->opt.kind)) {
        /* one sequence: the text as written (as the examples are), no source */
        *n_src = 0;
        if (a->probe_tgt)
            return error_set(err, TF_ERR_INPUT, "--probe-tgt: task %s has no targets; --probe is the text",
                             task_name(ds->opt.kind));
        if (!a->probe) {
            const Example *e = &ds->heldout[0];
            memcpy(tgt, e->tgt, (size_t)e->tgt_len * sizeof *tgt);
            *n_tgt = e->tgt_len;
            return TF_OK;
        }
        return encode_probe(ds, a->probe, "--probe", tgt, n_tgt, err);
    }
    if (!a->probe) {
        const Example *e = &ds->heldout[0];
        memcpy(src, e->src, (size_t)e->src_len * sizeof *src);
        memcpy(tgt, e->tgt, (size_t)e->tgt_len * sizeof *tgt);
        *n_src = e->src_len;
        *n_tgt = e->tgt_len;
        return TF_OK;
    }
    Status st = encode_probe(ds, a->probe, "--probe", src, n_src, err);
    if (st)
        return st;
    if (a->probe_tgt)
        return encode_probe(ds, a->probe_tgt, "--probe-tgt", tgt, n_tgt, err);
    st = task_target_of(ds, src, *n_src, tgt, TASK_MAX_LEN, n_tgt, err);
    if (st == TF_ERR_INPUT && ds->opt.kind == TASK_PHRASEBOOK)
        error_hint(err, "give it with --probe-tgt \"...\"");
    return st;
}

static char *command_meta(const Trainer *t, const TrainTraceOptions *o, int argc, char **argv)
{
    size_t n = sizeof "program = traceformer 0.1.0\ncommand = traceformer train\n";
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *head = malloc(n), *meta = NULL;
    if (!head)
        return NULL;
    size_t k = (size_t)snprintf(head, n, "program = traceformer 0.1.0\ncommand = traceformer");
    for (int i = 0; i < argc && k < n; i++)
        k += (size_t)snprintf(head + k, n - k, " %s", argv[i]);
    if (k < n)
        snprintf(head + k, n - k, "\n");
    meta = train_trace_meta(t, o, head);
    free(head);
    return meta;
}

/* --eval-lengths against the model, before training rather than after
 * (train_lengths_check), naming the flag. */
static Status check_lengths(const Model *m, const Dataset *ds, const int lengths[2], Error *err)
{
    Status st = train_lengths_check(m, ds, lengths[0], lengths[1], err);
    if (st == TF_OK)
        return st;
    Error inner = *err;
    error_set(err, st, "--eval-lengths %d-%d: %s", lengths[0], lengths[1], inner.msg);
    if (lengths[1] + 1 > m->cfg.max_len && ds->opt.kind != TASK_PHRASEBOOK)
        error_hint(err, "give --max-len %d", lengths[1] + 1);
    return st;
}

static void print_lengths(FILE *say, const Dataset *ds, const int lengths[2], const EvalResult *r)
{
    fprintf(say, "by length (trained on %d to %d; 100 held-out sentences each, fewer where fewer exist):\n",
            ds->opt.min_len, ds->opt.max_len);
    fprintf(say, "  length  sentences  token accuracy  exact match\n");
    for (int L = lengths[0]; L <= lengths[1]; L++) {
        const EvalResult *e = &r[L - lengths[0]];
        if (!e->sentences) {
            fprintf(say, "  %6d  %9d  %14s  %11s\n", L, 0, "-", "-");
            continue;
        }
        fprintf(say, "  %6d  %9d  %13.1f%%  %10.1f%%%s\n", L, e->sentences, 100 * e->token_accuracy,
                100 * e->exact_match, L < ds->opt.min_len || L > ds->opt.max_len ? "   never seen" : "");
    }
}

/* ---- the command ------------------------------------------------------ */

int cmd_train(int argc, char **argv)
{
    TrainArgs a;
    int rc = parse_args(&a, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;

    Error err = {0};
    TaskKind kind;
    TrainOptions o;
    int eval_every = 0, trace_every = 0, lengths[2];
    Status st = task_from_name(a.task, &kind, &err);
    if (st == TF_OK)
        st = parse_options(&a, kind, &o, &eval_every, &trace_every, lengths, &err);
    if (st)
        return cli_report(&err, st);

    Config *cfg = malloc(sizeof *cfg);
    Model *m = malloc(sizeof *m);
    Dataset ds;
    memset(&ds, 0, sizeof ds);
    int have_ds = 0, have_model = 0, have_trainer = 0;
    Trainer t;
    memset(&t, 0, sizeof t);
    TrainTrace *tt = NULL;
    TrainTraceSummary *summary = calloc(1, sizeof *summary);
    char *trace_path = NULL, *meta = NULL;
    int probe_src[PROBE_MAX + 1], probe_tgt[PROBE_MAX + 1];
    char corpus_path[PATH_MAX];
    if (!cfg || !m || !summary) {
        st = error_set(&err, TF_ERR_RUNTIME, "out of memory");
        goto done;
    }
    /* Find out now, not after training, whether the output can be written:
     * make its temporary file and remove it again (a FIFO is not opened). */
    if ((st = atomic_file_check(a.output, false, &err)))
        goto done;
    TaskOptions to;
    task_options_default(&to, kind, o.seed);
    if (a.corpus) {
        /* the model records the corpus by its full name, so that eval can
         * find it from another directory */
        to.corpus = realpath(a.corpus, corpus_path) ? corpus_path : a.corpus;
    }
    if (kind == TASK_POEMS) {
        to.recombine = POEMS_DEFAULT_RECOMBINE;
        if (a.recombine) {
            long v;
            if ((st = parse_int("--recombine", a.recombine, 0, RECOMBINE_MAX_EXAMPLES,
                                "give a number of examples, 0 for none", &v, &err)))
                goto done;
            to.recombine = (int)v;
        }
    }
    if ((st = task_dataset_generate(&ds, &to, &err)))
        goto done;
    have_ds = 1;

    if (a.init) {
        if ((st = weights_load_tfw(m, a.init, NULL, &err)))
            goto done;
        have_model = 1;
        if ((st = check_init_flags(m, &a, &err)) || (st = train_check_model(m, &ds, a.init, &err)))
            goto done;
        m->cfg.seed = o.seed;  /* the model records the seed of its training data */
    } else {
        train_config_default(cfg, kind);
        if (a.config_path) {
            if ((st = config_load_ini(cfg, a.config_path, &err)))
                goto done;
            if ((cfg->vocab[0] || cfg->n_src || cfg->n_tgt) && !a.quiet)
                fprintf(stderr, "traceformer train: note: %s: [vocab] and [input] are ignored; task %s gives the "
                                "vocabulary and the sentences\n",
                        a.config_path, a.task);
        }
        if ((st = cli_model_flags_apply(cfg, &a.model, &err)) || (st = train_config_fit(cfg, &ds, o.seed, &err)) ||
            (st = config_validate(cfg, &err)) || (st = train_model_init(m, cfg, &ds, &err)))
            goto done;
        have_model = 1;
    }

    /* the file says what the model learnt from (an --init file's record
     * gives way to this task's), so that run and eval can warn outside it */
    task_dataset_trained_on(&ds, &m->trained);
    if ((st = trainer_init(&t, m, &ds, &o, &err)))
        goto done;
    have_trainer = 1;
    if (!a.quiet)
        fprintf(stderr,
                "training %s: %d steps of %d sentences, seed %" PRIu64 "; d_model %d, %d heads, d_ff %d, "
                "%d+%d layers, %zu parameters; %d training and %d held-out examples\n",
                a.task, o.steps, o.batch, o.seed, m->cfg.d_model, m->cfg.heads, m->cfg.d_ff, m->cfg.enc_layers,
                m->cfg.dec_layers, m->w.params, ds.n_train, ds.n_heldout);
    if (!a.quiet && task_decoder_only(kind))
        fprintf(stderr, "corpus %s: %d poems to train on, %d held out; %d characters in the vocabulary; %d "
                        "recombined training examples\n",
                ds.corpus, ds.poems_train, ds.poems_heldout, ds.vocab.size - TOK_SPECIALS, ds.poems_recombined);
    if (lengths[1] && (st = check_lengths(m, &ds, lengths, &err)))
        goto done;
    if (trace_every) {
        TrainTraceOptions tto = {.every = trace_every, .len_lo = lengths[0], .len_hi = lengths[1]};
        if ((st = probe_ids(&a, &ds, probe_src, &tto.probe_src_len, probe_tgt, &tto.probe_tgt_len, &err)))
            goto done;
        tto.probe_src = probe_src;
        tto.probe_tgt = probe_tgt;
        trace_path = a.trace ? strdup(a.trace) : default_trace_path(a.output);
        if (!trace_path || !(meta = command_meta(&t, &tto, argc, argv))) {
            st = error_set(&err, TF_ERR_RUNTIME, "out of memory");
            goto done;
        }
        if ((st = train_trace_open(&tt, &t, &tto, trace_path, meta, &err)))
            goto done;
    }
    Progress p = {.tty = isatty(STDERR_FILENO), .start = now_s()};
    p.last_draw = p.start;
    for (int s = 0; s < o.steps; s++) {
        if ((st = trainer_step(&t, &err)))
            goto done;
        if (tt && (st = train_trace_step(tt, &t, &err)))
            goto done;
        if (!a.quiet)
            progress_step(&p, &t, o.steps);
        if (eval_every && t.step % eval_every == 0 && t.step < o.steps) {
            EvalResult r;
            if ((st = train_evaluate(m, ds.heldout, ds.n_heldout, false, &r, &err)))
                goto done;
            if (!a.quiet) {
                if (p.tty)
                    fprintf(stderr, "\r\033[K");
                fprintf(stderr, "step %ld: held-out loss %.4f (%.3f bits per token), token accuracy %.2f%%\n",
                        t.step, r.loss, r.bits, 100 * r.token_accuracy);
            }
        }
    }
    const double seconds = now_s() - p.start;
    if (!a.quiet)
        progress_report(&p, &t, o.steps, 1);

    EvalResult r;
    if ((st = train_evaluate(m, ds.heldout, ds.n_heldout, true, &r, &err)))
        goto done;
    if (tt) {
        st = train_trace_finish(tt, &t, summary, &err);
        tt = NULL;
        if (st)
            goto done;
    } else if (lengths[1] && (st = train_evaluate_lengths(m, &ds, lengths[0], lengths[1], 100, summary->lengths,
                                                          &err))) {
        goto done;
    }
    if ((st = weights_save_tfw(m, a.output, &err)))
        goto done;
    if (!a.quiet) {
        /* with -o - the model is on standard output: the report goes to stderr */
        FILE *say = cli_output_is_stdout(a.output) ? stderr : stdout;
        if (task_decoder_only(kind))
            fprintf(say, "trained %s in %.1f s (%.0f tokens/s): held-out loss %.4f = %.4f bits per character, token "
                    "accuracy %.2f%% (%ld/%ld); exact match does not apply (text to continue has no one right "
                    "answer)\n",
                    a.task, seconds, seconds > 0 ? (double)t.tokens / seconds : 0, r.loss, r.bits,
                    100 * r.token_accuracy, r.correct, r.tokens);
        else
            fprintf(say, "trained %s in %.1f s (%.0f tokens/s): held-out loss %.4f, token accuracy %.2f%% (%ld/%ld), "
                   "exact match %.2f%% (%d/%d, greedy)\n",
                   a.task, seconds, seconds > 0 ? (double)t.tokens / seconds : 0, r.loss, 100 * r.token_accuracy,
                   r.correct, r.tokens, 100 * r.exact_match, r.exact, r.sentences);
        if (lengths[1])
            print_lengths(say, &ds, lengths, summary->lengths);
        fprintf(say, "wrote %s\n", strcmp(a.output, "-") == 0 ? "standard output" : a.output);
        if (trace_path)
            fprintf(say, "wrote %s (%u records, %d snapshots)\n", trace_path, summary->records, summary->snapshots);
    }

done:
    if (tt)
        train_trace_abort(tt);
    free(trace_path);
    free(meta);
    free(summary);
    if (have_trainer)
        trainer_free(&t);
    if (have_model)
        model_free(m);
    if (have_ds)
        task_dataset_free(&ds);
    free(cfg);
    free(m);
    return st == TF_OK ? 0 : cli_report(&err, st);
}

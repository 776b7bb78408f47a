/* cmd_eval.c — `traceformer eval`: how well a trained model does on the
 * held-out split of its task. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "cli/eval_form.h"
#include "model/weights_file.h"
#include "train/baselines.h"
#include "train/trainer.h"

typedef struct {
    const char *path, *task, *seed, *split, *corpus;
    bool quiet;
    EvalFormArgs form;  /* --form N and its flags (eval_form.c) */
} EvalArgs;

#define AT(field) offsetof(EvalArgs, field)
static const CliOption options[] = {
    CLI_TEXT("options:"),
    CLI_VALUE("task", 0, "NAME",
              "copy, reverse, sort, phrasebook or poems (default: the task\n"
              "the model records, which `train` writes in the file)", AT(task)),
    CLI_VALUE("corpus", 0, "FILE",
              "poems: the corpus whose held-out poems to measure (default:\n"
              "the file the model records, else tang300)", AT(corpus)),
    CLI_VALUE("seed", 0, "S",
              "the dataset's seed (default: the seed the model was trained\n"
              "with, which `train --seed` records in the file, so that the\n"
              "held-out split is the one training never saw)", AT(seed)),
    CLI_VALUE("split", 0, "NAME", "heldout (default) or train", AT(split)),
    CLI_SWITCH("quiet", 'q',
               "print only the figures: token accuracy and exact match, as\n"
               "fractions, on one line (poems: token accuracy and bits per\n"
               "character; with --form: the rate, the lines in form and all lines)", AT(quiet)),
    CLI_TEXT("verse form (a decoder-only model; no --task):"),
    CLI_VALUE("form", 0, "N",
              "generate N samples (sample seeds 1..N; greedy: one) and count\n"
              "the lines of 5 or 7 characters closed by ， or 。 among the\n"
              "lines the model closed", AT(form.form)),
    CLI_VALUE("prompt", 0, "TEXT", "what the samples continue (default 床前明月光， for a\n"
              "character-level model; required otherwise)", AT(form.prompt)),
    CLI_VALUE("temperature", 0, "T", "sample from softmax(logits / T); 0 = greedy (default)", AT(form.temperature)),
    CLI_VALUE("top-k", 0, "K", "when sampling, only among the K most likely tokens", AT(form.top_k)),
    CLI_VALUE("generate", 0, "M", "tokens per sample at most (default 48)", AT(form.generate)),
    CLI_VALUE("ablate-head", 0, "SPEC", "zero those heads' output first (dec.L.H,...), as run's", AT(form.ablate_head)),
};
#undef AT

/* MODEL.tfw: one only. */
static int take_model(void *args, const char *arg)
{
    EvalArgs *a = args;
    if (a->path) {
        fprintf(stderr, "traceformer eval: one model at a time ('%s' and '%s')\n", a->path, arg);
        return 2;
    }
    a->path = arg;
    return 0;
}

static const CliCommand command = {
    .name = "eval",
    .usage =
        "usage: traceformer eval MODEL.tfw [--task NAME] [--seed S] [--split heldout|train]\n"
        "                        [--corpus FILE] [-q]\n"
        "       traceformer eval MODEL.tfw --form N [--prompt TEXT] [--temperature T] [--top-k K]\n"
        "                                 [--generate M] [--ablate-head SPEC] [-q]\n"
        "\n"
        "Measure a trained model on a task's held-out examples (sentences it was not\n"
        "trained on):\n"
        "  token accuracy   teacher forcing: the decoder reads the true target so far, and\n"
        "                   its most likely next token is compared with the right one at\n"
        "                   every position (<END> included, <PAD> not)\n"
        "  exact match      greedy decoding from <START>: the whole generated sentence,\n"
        "                   <END> included, equals the target\n"
        "  loss             mean cross-entropy per target token\n"
        "  bits per char    poems (decoder-only, one token per character): loss / ln 2,\n"
        "                   every predicted position counted, <END> included; exact\n"
        "                   match does not apply to text that has no one continuation\n"
        "\n",
    .epilog =
        "\n"
        "A warning goes to stderr when --task is not the task the model records, or when\n"
        "sentences of the split are outside the lengths it was trained on (`traceformer\n"
        "ls MODEL.tfw` prints both); the figures are measured all the same.\n"
        "\n"
        "exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input (a missing,\n"
        "corrupt or truncated model file, or one whose vocabulary is not the task's)\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 19,
    .positional = take_model,
};

int cmd_eval(int argc, char **argv)
{
    EvalArgs a = {.split = "heldout"};
    int rc = cli_options_parse(&command, argc, argv, &a, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *path = a.path, *task = a.task, *seed_arg = a.seed, *split = a.split;
    const bool quiet = a.quiet;
    if (!path) {
        fprintf(stderr, "traceformer eval: no model: give a .tfw file (traceformer train makes one)\n");
        return 2;
    }
    const EvalFormArgs *f = &a.form;
    if (f->form) {
        if (task || seed_arg || strcmp(split, "heldout") != 0) {
            fprintf(stderr, "traceformer eval: --form measures generated verse; --task, --seed and --split measure "
                            "a task's split: give one or the other\n");
            return 2;
        }
        a.form.quiet = quiet;
        return eval_form(path, &a.form);
    }
    const char *orphan = f->prompt ? "--prompt" : f->temperature ? "--temperature" : f->top_k ? "--top-k"
                       : f->generate ? "--generate" : f->ablate_head ? "--ablate-head" : NULL;
    if (orphan) {
        fprintf(stderr, "traceformer eval: %s only applies to --form N\n", orphan);
        return 2;
    }
    if (strcmp(split, "heldout") != 0 && strcmp(split, "train") != 0) {
        fprintf(stderr, "traceformer eval: --split '%s': give heldout or train\n", split);
        return 2;
    }

    Error err = {0};
    TaskKind kind = TASK_COPY;
    Status st = task ? task_from_name(task, &kind, &err) : TF_OK;
    if (st)
        return cli_report(&err, st);
    uint64_t seed = 0;
    if (seed_arg) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(seed_arg, &end, 10);
        if (seed_arg[0] < '0' || seed_arg[0] > '9' || *end != '\0' || errno == ERANGE) {
            fprintf(stderr, "traceformer eval: --seed '%s' is not a whole number from 0 to 18446744073709551615\n",
                    seed_arg);
            return 2;
        }
        seed = (uint64_t)s;
    }

    Model *m = malloc(sizeof *m);
    if (!m) {
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    Dataset ds;
    int have_ds = 0, have_model = 0;
    if ((st = weights_load_tfw(m, path, NULL, &err)))
        goto done;
    have_model = 1;
    if (!task) {
        /* the task the model records */
        if (!trained_on_known(&m->trained)) {
            st = error_set(&err, TF_ERR_INPUT, "%s records no task: give --task copy|reverse|sort|phrasebook|poems",
                           path);
            goto done;
        }
        task = m->trained.task;
        if ((st = task_from_name(task, &kind, &err)))
            goto done;
    }
    if (a.corpus && !task_decoder_only(kind)) {
        st = error_set(&err, TF_ERR_INPUT, "--corpus belongs to task poems, not %s", task);
        goto done;
    }
    if (!seed_arg)
        seed = m->cfg.seed;
    TaskOptions to;
    task_options_default(&to, kind, seed);
    if (task_decoder_only(kind))
        to.corpus = a.corpus ? a.corpus : m->trained.corpus[0] ? m->trained.corpus : NULL;
    if (task_decoder_only(kind) && !a.corpus && to.corpus && access(to.corpus, F_OK) != 0) {
        /* the corpus the model records is not on this machine */
        st = error_set(&err, TF_ERR_RUNTIME, "%s was trained on %s, which is not here", path, to.corpus);
        error_hint(&err, "give --corpus FILE; the Tang poems: sudo apt-get install fortunes-zh (or make deps)");
        goto done;
    }
    if ((st = task_dataset_generate(&ds, &to, &err)))
        goto done;
    have_ds = 1;
    if ((st = train_check_model(m, &ds, path, &err)))
        goto done;
    /* Figures of a model on what it was not taught are easy to misread:
     * say when the task or the sentences' lengths are not what it learnt
     * (stderr; the figures are measured all the same). */
    const int heldout = strcmp(split, "heldout") == 0;
    const Example *ex = heldout ? ds.heldout : ds.train;
    const int n_ex = heldout ? ds.n_heldout : ds.n_train;
    if (trained_on_known(&m->trained)) {
        if (strcmp(m->trained.task, task) != 0)
            fprintf(stderr, "traceformer: warning: %s was trained on task %s, not %s (these figures measure "
                            "something it was not taught)\n", path, m->trained.task, task);
        int outside = task_examples_outside(&m->trained, ex, n_ex);
        if (outside > 0) {
            char trained[256];
            trained_on_describe(&m->trained, trained, sizeof trained);
            fprintf(stderr, "traceformer: warning: %s was trained on %s; %d of the %d %s sentences are outside "
                            "that (outputs outside it are unreliable)\n", path, trained, outside, n_ex,
                    heldout ? "held-out" : "training");
        }
    }
    /* one BLAS thread, as in training: the same figures on every run */
    const int threads = train_blas_single();
    EvalResult r;
    st = train_evaluate(m, ex, n_ex, true, &r, &err);
    train_blas_restore(threads);
    if (st)
        goto done;
    if (quiet) {
        printf("%.6f %.6f\n", r.token_accuracy, task_decoder_only(kind) ? r.bits : r.exact_match);
    } else if (task_decoder_only(kind)) {
        printf("%s on task %s, %s split of seed %" PRIu64 " (%s: %d poems, %d examples):\n", path, task,
               heldout ? "held-out" : "training", seed, ds.corpus, heldout ? ds.poems_heldout : ds.poems_train,
               r.sentences);
        printf("  bits per char   %.4f   (loss / ln 2, every predicted position, <END> included)\n", r.bits);
        NgramBits base;
        if ((st = baselines_measure(&ds, heldout, &base, &err)) != TF_OK)
            goto done;
        printf("  unigram         %.4f   (counting characters: add-one, fitted on the training split)\n",
               base.unigram);
        printf("  bigram          %.4f   (counting pairs, interpolated with the unigram)\n", base.bigram);
        printf("  loss            %.4f   (mean cross-entropy per predicted token)\n", r.loss);
        printf("  token accuracy  %6.2f%%  (%ld of %ld tokens, teacher forcing)\n", 100 * r.token_accuracy,
               r.correct, r.tokens);
        printf("  exact match     does not apply (text to continue has no one right answer)\n");
    } else {
        printf("%s on task %s, %s split of seed %" PRIu64 " (%d sentences):\n", path, task,
               heldout ? "held-out" : "training", seed, r.sentences);
        printf("  token accuracy  %6.2f%%  (%ld of %ld target tokens, teacher forcing)\n", 100 * r.token_accuracy,
               r.correct, r.tokens);
        printf("  exact match     %6.2f%%  (%d of %d sentences, greedy decoding)\n", 100 * r.exact_match, r.exact,
               r.sentences);
        printf("  loss            %.4f   (mean cross-entropy per target token)\n", r.loss);
    }

done:
    if (have_ds)
        task_dataset_free(&ds);
    if (have_model)
        model_free(m);
    free(m);
    return st == TF_OK ? 0 : cli_report(&err, st);
}

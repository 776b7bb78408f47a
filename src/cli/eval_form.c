/* eval_form.c — the line-form rate of a model's generations (eval_form.h).
 *
 * N samples of up to M tokens each continue the prompt, drawn with sample
 * seeds 1 .. N (greedy decoding gives the same sample every time, so it
 * takes one). Each is measured by verse_form: the lines the model closed,
 * the prompt's unfinished line continued. Nothing is traced: the
 * generator runs alone, step after step, as `run --generate` would run
 * it. */
#include "cli/eval_form.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/generator.h"
#include "model/weights_file.h"
#include "text/tokenizer.h"
#include "text/verse_form.h"
#include "train/trainer.h"

#define DEFAULT_PROMPT "床前明月光，"
#define SHOWN_SAMPLES 3

static bool whole(const char *flag, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE || x < lo || x > hi) {
        fprintf(stderr, "traceformer eval: %s '%s': a whole number from %ld to %ld\n", flag, v, lo, hi);
        return false;
    }
    *out = x;
    return true;
}

/* The flags into o and *n_samples; 0 or the exit code. */
static int parse(const EvalFormArgs *a, GenOptions *o, long *n_samples)
{
    memset(o, 0, sizeof *o);
    o->use_cache = true;
    o->max_new = 48;
    long v;
    if (!whole("--form", a->form, 1, 100000, n_samples))
        return 2;
    if (a->generate) {
        if (!whole("--generate", a->generate, 1, 4096, &v))
            return 2;
        o->max_new = (int)v;
    }
    if (a->temperature) {
        char *end;
        double t = strtod(a->temperature, &end);
        if (end == a->temperature || *end != '\0' || !(t >= 0) || !isfinite((float)t)) {
            fprintf(stderr, "traceformer eval: --temperature '%s': a finite number, 0 (greedy) or more\n",
                    a->temperature);
            return 2;
        }
        o->temperature = (float)t;
    }
    if (a->top_k) {
        if (!whole("--top-k", a->top_k, 1, INT_MAX, &v))
            return 2;
        if (o->temperature == 0.0f) {
            fprintf(stderr, "traceformer eval: --top-k applies to sampling, but decoding is greedy\n");
            fprintf(stderr, "hint: add --temperature T (T > 0, 1 samples from the model's own probabilities)\n");
            return 2;
        }
        o->top_k = (int)v;
    }
    if (o->temperature == 0.0f)
        *n_samples = 1;  /* greedy: every seed gives the same sample */
    return 0;
}

/* The model, with the heads --ablate-head names zeroed. */
static Status load(Model *m, const char *path, const char *ablate, Error *err)
{
    Config *base = malloc(sizeof *base);
    if (!base)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    config_defaults(base);
    Status st = ablate ? config_set(base, "ablate-head", ablate, NULL, err) : TF_OK;
    if (st == TF_OK)
        st = ablate ? weights_load(m, path, base, err) : weights_load_tfw(m, path, NULL, err);
    free(base);
    return st;
}

/* One sample's text: the prompt, a bar, what followed; characters joined
 * as written (a character-level model), words by spaces. */
static void sample_text(const Model *m, const Generator *g, char *buf, size_t cap)
{
    const bool chars = m->cfg.tokenizer == TOKENIZER_CHARS;
    size_t n = 0;
    buf[0] = '\0';
    for (int t = 0; t < g->n_seq && n + 1 < cap; t++) {
        const char *tok = vocab_token(&m->vocab, g->seq[t]);
        if (strcmp(tok, TOKENIZER_SPACE) == 0 && chars)
            tok = " ";
        int w = snprintf(buf + n, cap - n, "%s%s%s", t == g->prompt_len && t > 0 ? (chars ? "|" : " |") : "",
                         t > 0 && !chars ? " " : "", tok);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* Generate sample `seed` from the batch and add it to f. */
static Status one_sample(const Model *m, const Batch *b, const GenOptions *o, VerseForm *f, char *text, size_t cap,
                         Error *err)
{
    Activations enc;
    Status st = activations_init_encoder(&enc, m, b, err);
    if (st)
        return st;
    model_encode(m, b, &enc);
    Generator g;
    memset(&g, 0, sizeof g);
    st = generator_init(&g, m, b, enc.enc_memory, o, err);
    while (st == TF_OK && !g.done && g.step < g.max_steps)
        st = generator_step(&g, err);
    if (st == TF_OK) {
        const char **labels = malloc((size_t)(g.n_seq ? g.n_seq : 1) * sizeof *labels);
        if (!labels)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory");
        for (int t = 0; labels && t < g.n_seq; t++)
            labels[t] = vocab_token(&m->vocab, g.seq[t]);
        if (labels)
            verse_form_add_tokens(f, labels, g.n_seq, g.prompt_len);
        free(labels);
        if (text)
            sample_text(m, &g, text, cap);
    }
    generator_free(&g);
    activations_free(&enc);
    return st;
}

static void quiet_warning(void *ctx, const char *what, const char *token)
{
    (void)ctx;
    fprintf(stderr, "traceformer: warning: %s: unknown token '%s' is read as <UNK>\n", what, token);
}

int eval_form(const char *path, const EvalFormArgs *a)
{
    GenOptions o;
    long n_samples;
    int rc = parse(a, &o, &n_samples);
    if (rc)
        return rc;
    Model *m = malloc(sizeof *m);
    if (!m) {
        fprintf(stderr, "traceformer: out of memory\n");
        return 1;
    }
    Error err = {0};
    Status st = load(m, path, a->ablate_head, &err);
    if (st) {
        free(m);
        return cli_report(&err, st);
    }
    const bool chars = m->cfg.tokenizer == TOKENIZER_CHARS;
    const char *prompt = a->prompt ? a->prompt : chars ? DEFAULT_PROMPT : NULL;
    if (m->cfg.arch != ARCH_DECODER_ONLY) {
        st = error_set(&err, TF_ERR_INPUT, "%s: --form measures a decoder-only model's verse; this one is %s", path,
                       config_arch_name(m->cfg.arch));
    } else if (!prompt) {
        st = error_set(&err, TF_ERR_INPUT, "%s reads words, not characters: give the prompt with --prompt TEXT",
                       path);
        error_hint(&err, "the default prompt, \"%s\", is for a character-level model", DEFAULT_PROMPT);
    }
    int ids[512], n_ids = 0;
    if (st == TF_OK)
        st = tokenizer_encode_as(m->cfg.tokenizer, &m->vocab, prompt, "--prompt", ids, 512, &n_ids, quiet_warning,
                                 NULL, &err);
    if (st == TF_OK && n_ids == 0)
        st = error_set(&err, TF_ERR_INPUT, "--prompt: no tokens to continue");
    Batch b;
    memset(&b, 0, sizeof b);
    bool have_batch = false;
    if (st == TF_OK) {
        const int *tgt[1] = {ids};
        st = batch_from_ids(&b, &m->cfg, &m->vocab, 1, NULL, NULL, tgt, &n_ids, 0, 0, &err);
        have_batch = st == TF_OK;
    }
    if (st == TF_OK)
        st = generator_check(m, &b, &o, &err);

    VerseForm f;
    verse_form_init(&f);
    char shown[SHOWN_SAMPLES][2048];
    /* one BLAS thread, as in training: the same figures on every run */
    const int threads = train_blas_single();
    for (long s = 1; st == TF_OK && s <= n_samples; s++) {
        o.sample_seed = (uint64_t)s;
        const bool show = s <= SHOWN_SAMPLES;
        st = one_sample(m, &b, &o, &f, show ? shown[s - 1] : NULL, sizeof shown[0], &err);
    }
    train_blas_restore(threads);

    if (st == TF_OK && a->quiet) {
        printf("%.6f %ld %ld\n", verse_form_rate(&f), f.in_form, f.lines);
    } else if (st == TF_OK) {
        printf("%s: %ld sample%s of up to %d tokens after \"%s\" (%s", path, n_samples, n_samples == 1 ? "" : "s",
               o.max_new, prompt, o.temperature > 0 ? "sampling" : "greedy");
        if (o.temperature > 0)
            printf(", temperature %g, sample seeds 1..%ld", (double)o.temperature, n_samples);
        if (o.top_k)
            printf(", top-k %d", o.top_k);
        printf(")");
        if (a->ablate_head)
            printf(", heads ablated: %s", a->ablate_head);
        printf("\n");
        printf("line form: %ld of %ld lines (%.1f%%) have 5 or 7 characters and end in ， or 。 "
               "(%ld have 5 or 7 characters)\n", f.in_form, f.lines, 100 * verse_form_rate(&f), f.right_length);
        printf("line lengths (characters before the mark):");
        for (int k = 0; k <= VERSE_FORM_LONG; k++)
            if (f.by_length[k])
                printf(" %s%d: %ld", k == VERSE_FORM_LONG ? ">=" : "", k, f.by_length[k]);
        printf("%s\n", f.lines ? "" : " none");
        for (long s = 1; s <= n_samples && s <= SHOWN_SAMPLES; s++)
            printf("sample %ld: %s\n", s, shown[s - 1]);
    }
    if (have_batch)
        batch_free(&b);
    model_free(m);
    free(m);
    return st == TF_OK ? 0 : cli_report(&err, st);
}

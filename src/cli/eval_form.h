/* eval_form.h — `traceformer eval MODEL --form N`: how often a model's
 * generated lines keep the form of regulated verse (text/verse_form.h).
 * cmd_eval.c parses the flags and hands them here. */
#ifndef TF_CLI_EVAL_FORM_H
#define TF_CLI_EVAL_FORM_H

#include <stdbool.h>

/* The flags as given (NULL when absent). */
typedef struct {
    const char *form;         /* N: samples */
    const char *prompt;       /* the text generation continues */
    const char *temperature;  /* T: 0 greedy (one sample) */
    const char *top_k;        /* K */
    const char *generate;     /* M: tokens per sample, default 48 */
    const char *ablate_head;  /* heads whose output is zeroed: dec.L.H,... */
    bool quiet;
} EvalFormArgs;

/* Generate, measure, print; returns the exit code (0, 1 runtime, 2 bad
 * usage or input). path: the model (.tfw). */
int eval_form(const char *path, const EvalFormArgs *a);

#endif

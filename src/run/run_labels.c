/* run_labels.c — token text for the tokens a pass computed. */
#include "run/run_labels.h"

#include <stdlib.h>

#include "text/vocab.h"

/* n labels of the token ids in ids (floats, as the slots hold them). */
static void label_ids(const char **text, const float *ids, size_t n, const Vocab *v)
{
    for (size_t i = 0; i < n; i++)
        text[i] = vocab_token(v, (int)ids[i]);
}

/* Labels wanted for stream s: how many, 0 when it has its labels already
 * or nothing to make them from. The computed streams have positions only
 * when the layout registered their slot (dec.predicted, token). */
static size_t wanted(const Activations *a, Stream s)
{
    const int computed = s == STREAM_PREDICTED || s == STREAM_CHOSEN;
    if (a->labels[s] || !(computed || a->ids[s]))
        return 0;
    return (size_t)a->B * (size_t)a->len[s];
}

Status run_labels_attach(RunLabels *rl, Activations *a, Error *err)
{
    size_t total = 0;
    for (int s = 0; s < STREAM_COUNT; s++)
        total += wanted(a, (Stream)s);  /* cannot overflow: the slots of these streams did not */
    rl->text = calloc(total + 1, sizeof *rl->text);
    if (!rl->text)
        return error_set(err, TF_ERR_RUNTIME, "out of memory labelling the tokens");
    const char **at = rl->text;
    for (int s = 0; s < STREAM_COUNT; s++) {
        const size_t n = wanted(a, (Stream)s);
        if (!n)
            continue;
        if (a->ids[s])
            for (size_t i = 0; i < n; i++)
                at[i] = vocab_token(a->vocab, a->ids[s][i]);
        else
            label_ids(at, s == STREAM_PREDICTED ? a->dec_predicted : a->gen_token, n, a->vocab);
        a->labels[s] = at;
        at += n;
    }
    return TF_OK;
}

void run_labels_free(RunLabels *rl)
{
    free(rl->text);
    rl->text = NULL;
}

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

Status run_labels_attach(RunLabels *rl, Activations *a, Error *err)
{
    const size_t n_pred = (size_t)a->B * (size_t)a->len[STREAM_PREDICTED];
    const size_t n_chosen = (size_t)a->B * (size_t)a->len[STREAM_CHOSEN];
    rl->text = calloc(n_pred + n_chosen + 1, sizeof *rl->text);
    if (!rl->text)
        return error_set(err, TF_ERR_RUNTIME, "out of memory labelling the predicted tokens");
    if (n_pred) {
        label_ids(rl->text, a->dec_predicted, n_pred, a->vocab);
        a->labels[STREAM_PREDICTED] = rl->text;
    }
    if (n_chosen) {
        label_ids(rl->text + n_pred, a->gen_token, n_chosen, a->vocab);
        a->labels[STREAM_CHOSEN] = rl->text + n_pred;
    }
    return TF_OK;
}

void run_labels_free(RunLabels *rl)
{
    free(rl->text);
    rl->text = NULL;
}

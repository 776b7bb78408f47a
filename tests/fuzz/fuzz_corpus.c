/* fuzz_corpus.c — the corpus reader on any bytes (what `train --task poems
 * --corpus FILE` reads), then the poems dataset built from it: every poem
 * it keeps is non-empty UTF-8 with no control byte, and every example is
 * ids of the vocabulary read as written (no <START>), within the chunk
 * size. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "text/utf8.h"
#include "train/corpus.h"
#include "train/tasks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Corpus c;
    Error err;
    if (corpus_parse(&c, (const char *)data, size, "fuzz.txt", &err) == TF_OK) {
        for (int i = 0; i < c.n; i++) {
            const char *t = c.poems[i].text;
            const size_t n = strlen(t);
            if (n == 0 || !utf8_valid(t, n, NULL) || c.poems[i].line < 1)
                abort();
            for (size_t k = 0; k < n; k++)
                if ((unsigned char)t[k] < 0x20 || t[k] == 0x7f)
                    abort();
        }
        corpus_free(&c);
    }
    /* The dataset from the same bytes as a file, with small chunks so that
     * long sentences are cut often. */
    TaskOptions o;
    task_options_default(&o, TASK_POEMS, size);
    o.corpus = fuzz_memfile(0, data, size);
    o.max_len = 1 + (int)(size % 16);
    o.min_count = 1 + (int)(size % 3);
    Dataset ds;
    if (task_dataset_generate(&ds, &o, &err) == TF_OK) {
        for (int k = 0; k < ds.n_train + ds.n_heldout; k++) {
            const Example *e = &ds.examples_[k];
            if (e->tgt_len < 1 || e->tgt_len > o.max_len || e->src_len != 0)
                abort();
            for (int t = 0; t < e->tgt_len; t++)
                if (e->tgt[t] < TOK_UNK || e->tgt[t] >= ds.vocab.size)
                    abort();
        }
        task_dataset_free(&ds);
    }
    return 0;
}

/* base.c — the paper's base model as the bench runs it, in memory and as
 * an INI file for the program. */
#include <stdio.h>

#include "bench.h"

/* A sentence of T tokens drawn from w0..w(V-1). */
static void sentence(char *out, size_t cap, int T, int V, int salt)
{
    size_t n = 0;
    out[0] = '\0';
    for (int t = 0; t < T && n < cap; t++)
        n += (size_t)snprintf(out + n, cap - n, "%sw%d", t ? " " : "", (t * 37 + salt * 11) % V);
}

void bench_input(Config *c, int T, int vocab)
{
    size_t n = 0;
    for (int i = 0; i < vocab; i++)
        n += (size_t)snprintf(c->vocab + n, sizeof c->vocab - n, "%sw%d", i ? " " : "", i);
    c->n_src = 1;
    sentence(c->src[0], sizeof c->src[0], T, vocab, 1);
    /* the decoder reads <START> + target: T positions in all */
    int k = snprintf(c->tgt[0], sizeof c->tgt[0], "<START> ");
    sentence(c->tgt[0] + k, sizeof c->tgt[0] - (size_t)k, T - 1, vocab, 2);
    c->n_tgt = 1;
    c->max_len = T;
}

void bench_base_config(Config *c, int T, int vocab)
{
    config_defaults(c);
    c->d_model = 512;
    c->heads = 8;
    c->d_ff = 2048;
    c->enc_layers = c->dec_layers = 6;
    bench_input(c, T, vocab);
}

int bench_write_base_ini(const char *path, int T, int vocab)
{
    static Config c;  /* large: its sentences and vocabulary are fixed arrays */
    bench_base_config(&c, T, vocab);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fprintf(f, "[model]\narch = encoder-decoder\nd_model = %d\nheads = %d\nd_ff = %d\nlayers = %d\nmax_len = %d\n"
               "seed = 1\n\n[vocab]\ntokens = %s\n\n[input]\nsrc = %s\ntgt = %s\n",
            c.d_model, c.heads, c.d_ff, c.enc_layers, c.max_len, c.vocab, c.src[0], c.tgt[0]);
    return fclose(f) == 0;
}

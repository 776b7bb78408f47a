/* tiny_model.c — a small seeded model and batch for test programs. */
#include "tiny_model.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "model/forward.h"
#include "train/trainer.h"

void tiny_config(Config *c, int d_model, int heads, int d_ff)
{
    config_defaults(c);
    c->d_model = d_model;
    c->heads = heads;
    c->d_ff = d_ff;
    c->enc_layers = 2;
    c->dec_layers = 2;
    snprintf(c->vocab, sizeof c->vocab, "%s", "猫 追 老鼠 我 爱 AI cat chases mouse I love");
}

void tiny_add_src(Config *c, const char *s) { snprintf(c->src[c->n_src++], sizeof c->src[0], "%s", s); }
void tiny_add_tgt(Config *c, const char *s) { snprintf(c->tgt[c->n_tgt++], sizeof c->tgt[0], "%s", s); }

void tiny_run_forward(TinyRun *r, const char *who)
{
    Error err = {{0}, {0}};
    if (config_validate(&r->cfg, &err) != TF_OK)
        fail_msg("%s: config: %s", who, err.msg);
    if (model_init_random(&r->m, &r->cfg, &err) != TF_OK)
        fail_msg("%s: model_init_random: %s", who, err.msg);
    if (batch_build(&r->b, &r->m.cfg, &r->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("%s: batch_build: %s", who, err.msg);
    if (activations_init(&r->a, &r->m, &r->b, &err) != TF_OK)
        fail_msg("%s: activations_init: %s", who, err.msg);
    model_forward(&r->m, &r->b, &r->a);
}

void tiny_run_free(TinyRun *r)
{
    activations_free(&r->a);
    batch_free(&r->b);
    model_free(&r->m);
}

void tiny_assert_same_bits(const TinyRun *one, const TinyRun *two, const char *one_is, const char *two_is)
{
    assert_int_equal(one->a.n_slots, two->a.n_slots);
    for (int i = 0; i < one->a.n_slots; i++) {
        const Slot *s = &one->a.slots[i];
        const float *x = one->a.arena + s->offset, *y = two->a.arena + s->offset;
        for (size_t j = 0; j < s->numel; j++) {
            uint32_t bx, by;
            memcpy(&bx, &x[j], sizeof bx);
            memcpy(&by, &y[j], sizeof by);
            if (bx != by)
                fail_msg("%s[%zu]: %.9g (0x%08x) %s, %.9g (0x%08x) %s", s->name, j, (double)x[j], (unsigned)bx,
                         one_is, (double)y[j], (unsigned)by, two_is);
        }
    }
}

const float *tiny_slot(const TinyRun *r, const char *name)
{
    int i = activations_find(&r->a, name);
    if (i < 0)
        fail_msg("no slot named %s", name);
    return r->a.arena + r->a.slots[i].offset;
}

void tiny_copy_model(Dataset *ds, Model *m, uint64_t seed, int d_model)
{
    Error err = {0};
    TaskOptions to;
    task_options_default(&to, TASK_COPY, seed);
    Config c;
    train_config_default(&c, TASK_COPY);
    c.d_model = d_model;
    c.heads = 2;
    c.d_ff = 2 * d_model;
    c.enc_layers = c.enc_layers_wanted = c.dec_layers = 1;
    const char *step = "dataset";
    Status st = task_dataset_generate(ds, &to, &err);
    if (st == TF_OK && (step = "fit", st = train_config_fit(&c, ds, seed, &err)) == TF_OK &&
        (step = "validate", st = config_validate(&c, &err)) == TF_OK)
        step = "model", st = model_init_random(m, &c, &err);
    if (st != TF_OK)
        fail_msg("tiny_copy_model: %s: %s", step, err.msg);
}

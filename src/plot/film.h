/* film.h — attention as a sequence of frames (private to src/plot/): one
 * attention block at chosen snapshots of a training trace
 * (train.S.<block>.weights: the film strip, or its GIF), or a generation
 * trace's decoding steps (gen.S.<block>.weights: a GIF in which the KV
 * cache grows a key a frame), gathered into one record [frame, query, key]
 * that viz/film.gp draws, every frame on one colour scale 0..1.
 *
 * A frame is one head (PlotOptions.head) or, by default, the mean of the
 * block's heads: a row of the mean still sums to 1, and it shows where the
 * block as a whole looks, which is what sharpens during training. */
#ifndef TF_PLOT_FILM_H
#define TF_PLOT_FILM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/record.h"
#include "plot/plot.h"
#include "trace/trace.h"

/* At most this many frames by default in a strip; a GIF takes every one. */
#define FILM_DEFAULT_FRAMES 8
#define FILM_MAX_FRAMES 256

typedef struct {
    Record rec;            /* [frame, query, key], kind weights */
    float *data;           /* (frames, queries, keys); NaN: nothing there (a key not yet cached) */
    long *steps;           /* (frames) S of each frame: updates made, or the decoding step */
    char **labels;         /* queries' labels of every set, then keys' (owned) */
    const char **row_ptrs, **col_ptrs;
    uint32_t frames, queries, keys, heads;
    uint32_t label_sets;   /* 1, or frames: a generation's frame S labels only what is there at S */
    bool generation;       /* frames of decoding steps (gen.S.*) */
    char block[96];        /* "dec.0.cross_attn": the image's name is film.BLOCK */
    char name[160], formula[200], description[400];
} Film;

/* The training snapshots' block o->block names ("dec.0.cross_attn", or
 * with ".weights"), or by default the first of dec.0.cross_attn,
 * dec.0.self_attn, enc.0.attn the snapshots hold, as the family of its
 * records into buf ("dec.0.cross_attn.weights"). TF_ERR_INPUT when r has
 * no snapshots (not a training trace: with a hint) or not that block (the
 * message names those it has). */
Status film_block(const TraceReader *r, const char *asked, char *buf, size_t cap, Error *err);

/* Gather the frames of a training trace: block o->block at the steps
 * o->at[0..n_at) (each must have a snapshot: TF_ERR_INPUT naming those
 * there are), or by default every snapshot when animate, else at most
 * FILM_DEFAULT_FRAMES of them evenly chosen, the first and the last
 * always; head o->head (out of range: TF_ERR_INPUT) or the mean. */
Status film_build_training(const TraceReader *r, const PlotOptions *o, bool animate, Film *f, Error *err);

/* Gather a generation trace's gen.S.<family> steps (family:
 * "dec.0.self_attn.weights") as frames: frame S holds the rows of steps
 * 0..S (what generation.gp draws in one figure), the later rows NaN;
 * head o->head or the mean. */
Status film_build_generation(const TraceReader *r, const char *family, const PlotOptions *o, Film *f,
                             Error *err);

void film_free(Film *f);

#endif

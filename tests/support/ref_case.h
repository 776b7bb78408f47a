/* ref_case.h — the PyTorch reference cases of tests/ref/cases, as the
 * parity tests read them.
 *
 * A case directory (written by tests/ref/gen_fixtures.py, `make ref`) holds
 * weights/ (the model as .npy files, vocab.txt, config.ini), input.ini (its
 * sentences), expected/ (one .npy per record) and grads/ (one .npy per
 * parameter: the gradient of the teacher-forcing loss). The cases are found
 * under $TF_SOURCE_DIR (set by tests/run_unit.sh), else the current
 * directory. */
#ifndef TF_TESTS_REF_CASE_H
#define TF_TESTS_REF_CASE_H

#include <stddef.h>

#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"

#define REF_MAX_CASES 64

/* The cases gen_fixtures.py writes: a missing one is a failure, not a skip. */
extern const char *const ref_required_cases[];
extern const size_t ref_n_required_cases;

typedef struct {
    char dir[4096];                       /* .../tests/ref/cases */
    char names[REF_MAX_CASES][256];       /* the case directories, sorted */
    int n;
} RefCases;

/* Every case directory, sorted by name so the order of runs is stable. */
void ref_cases_find(RefCases *rc);

/* Whether path is a directory. */
int ref_is_dir(const char *path);

/* One case loaded as `traceformer run --config input.ini --weights weights/`
 * loads it (weights_load: the import path users take), its sentences
 * tokenized and the whole forward pass run. */
typedef struct {
    char dir[4096 + 300];  /* the case's directory */
    Config *base;
    Model *m;
    Batch b;
    Activations a;
} RefRun;

/* Load and run the case `name` of rc; fails the current cmocka test with
 * `who: case NAME: message` on any error, or when a token is unknown. */
void ref_run(RefRun *r, const RefCases *rc, const char *name, const char *who);
void ref_run_free(RefRun *r);

/* What a tolerance of atol, or rtol·|want| where |want| > 1, allows near want. */
double ref_allowed(float want, double atol, double rtol);

/* "[1][0][2]" for flat index i of an array of these nd dims. */
void ref_format_index(char *buf, size_t cap, size_t i, const size_t *dims, int nd);

/* Both directions of "every fixture has its tensor": every file of dir
 * (dot files aside) must be <stem>.npy for a stem that known(stem, ctx)
 * accepts. Prints `who: case NAME: fixture DIR/FILE names no WHAT` for each
 * one that is not (or that dir cannot be opened) and returns how many. */
int ref_check_fixtures_named(const char *dir, const char *who, const char *case_name, const char *what,
                             int (*known)(const char *stem, const void *ctx), const void *ctx);

/* A test program's main: find the cases into rc, then run, as the cmocka
 * group `group`, present() (are the fixtures there?) and each(state) once
 * per case, its state the case's name. Returns cmocka's exit status. */
int ref_run_tests(const char *group, RefCases *rc, void (*present)(void **state), void (*each)(void **state));

#endif

/* lesson_internal.h — what a loaded lesson holds. Private to src/lesson;
 * everyone else goes through lesson.h. */
#ifndef TF_LESSON_LESSON_INTERNAL_H
#define TF_LESSON_LESSON_INTERNAL_H

#include "lesson/claims.h"
#include "lesson/lesson.h"
#include "lesson/lesson_chart.h"
#include "model/config.h"
#include "train/tasks.h"

#define LESSON_MAX_SETS 32

/* How a run's sentence follows the main run's (src_from = main ...). */
typedef enum { DERIVE_SAME, DERIVE_REVERSED, DERIVE_TWICE } LessonDerive;

/* train = TASK and its keys (lessons/README.md): a run that trains a
 * fresh model on a toy task, and whose trace is the training trace. A
 * 0 (or 0.0) option means the task's default (train_options_default). */
typedef struct {
    bool on;                             /* train = ... was given */
    TaskKind task;
    int line;                            /* of train = */
    int steps, batch, warmup;            /* train_steps, train_batch, train_warmup; 0: default */
    double lr_scale;                     /* train_lr_scale; 0: default */
    int every;                           /* trace_every = K; 0: once, after the last update */
    int len_lo, len_hi;                  /* eval_lengths = A-B; 0, 0: none */
    int key_line;                        /* the first train_* / trace_every / eval_lengths line */
    int warmup_line;                     /* of train_warmup, 0 when the run does not set it */
} LessonTrainSpec;

/* One run: the base config plus these settings. */
typedef struct {
    char name[32];
    int line;                            /* of its [run.NAME] header; 0 for main */
    int n_sets;                          /* config keys, applied in order */
    char set_key[LESSON_MAX_SETS][32];
    char set_value[LESSON_MAX_SETS][512];
    int set_line[LESSON_MAX_SETS];
    int generate;                        /* 0: teacher forcing; N: generate up to N tokens */
    int generate_line;
    bool no_cache;                       /* cache = no */
    /* temperature, top_k, sample_seed: sampling, with generate (the
     * rules of run's --temperature, --top-k, --sample-seed) */
    double temperature;                  /* 0: greedy */
    int top_k;                           /* 0: all tokens */
    unsigned long long sample_seed;      /* default 1 */
    bool has_top_k, has_sample_seed;
    int sampling_line;                   /* of the first of the three keys; 0: none */
    bool train_step;                     /* train_step = yes */
    char weights[LESSON_PATH_MAX];       /* resolved; "" for the lesson's (or seeded) */
    /* src_from / tgt_from = main [reversed | twice]: the sentence derived
     * from the main run's (the student's edit included), as it is, its
     * words in reverse order, or said twice in a row. */
    bool src_from, tgt_from;
    LessonDerive src_how, tgt_how;
    int src_from_line, tgt_from_line;
    LessonTrainSpec train;               /* train = TASK: the run trains a fresh model */
} LessonRunSpec;

#define LESSON_MAX_BREAKS 8
#define LESSON_MAX_CHANGES 16                /* a number question may change under every switch */

/* A switch at a value: what a claim declares breaks it, and a column of
 * the --breaks matrix. */
typedef struct {
    int sw;                              /* SwitchId (switches.h) */
    char value[64];                      /* the table's breaking value unless the claim names one */
} LessonBreak;

typedef struct {
    char id[64];
    char says[512], says_zh[512];
    char check[512];
    int line;                            /* of check */
    bool only_lesson_sentence;           /* only = lesson sentence: skipped on another one */
    Claim claim;
    bool fact;                           /* [fact.ID]: a sanity check no switch breaks */
    LessonBreak breaks[LESSON_MAX_BREAKS];  /* [claim.ID] breaks = ...: each must make it fail */
    int n_breaks;
    int breaks_line;
} LessonClaimSpec;

/* [question.ID] (question.c has the format): as read from lesson.ini. */
typedef struct {
    LessonQuestion pub;                  /* id, kind, step (resolved after the file), line */
    bool has_kind;
    char step_key[LESSON_NAME_MAX];      /* step = KEY, as in [steps] */
    int step_line;
    /* choices = a token record reference, or literal labels separated by ';' */
    bool has_choices, choices_ref;
    ClaimRef ref;
    int n_labels;
    char label[QUESTION_MAX_CHOICES][QUESTION_LABEL_MAX];
    int choices_line;
    /* answer = one expression (choose, number), or one per choice (order) */
    Claim answer[QUESTION_MAX_CHOICES];
    int n_answers;
    int answer_line;
    double within;                       /* number: the tolerance */
    bool has_within;
    int within_line;
    bool descending;                     /* order = descending */
    int order_line;
    LessonBreak sw;                      /* switch: the switch at its value */
    bool has_switch;
    int switch_line;
    LessonBreak changes[LESSON_MAX_CHANGES];  /* changes = the switches that change the answer */
    int n_changes;
    int changes_line;
} LessonQuestionSpec;

typedef struct {
    char *intro;                         /* malloc'd or NULL */
    char *step_text[LESSON_MAX_STEPS];   /* by step index, malloc'd or NULL */
    /* "## question.ID": the question, its "### hint", its "### explanation" */
    char *q_text[LESSON_MAX_QUESTIONS], *q_hint[LESSON_MAX_QUESTIONS], *q_expl[LESSON_MAX_QUESTIONS];
    bool present;                        /* the file exists */
} LessonNarration;

struct Lesson {
    int number;
    char slug[64];
    char dir[LESSON_PATH_MAX];
    char ini_path[LESSON_PATH_MAX];
    char title[256], title_zh[256];
    char weights[LESSON_PATH_MAX];       /* [lesson] weights, resolved; "" for seeded */
    int weights_line;
    Config *base;                        /* [model] [vocab] [input] */

    LessonStep steps[LESSON_MAX_STEPS];
    int n_steps;
    LessonFigure figures[LESSON_MAX_FIGURES];
    int n_figures;
    LessonRunSpec runs[LESSON_MAX_RUNS]; /* runs[0] is main */
    int n_runs;
    LessonClaimSpec claims[LESSON_MAX_CLAIMS];  /* claims and facts, in file order */
    int n_claims;
    LessonChart charts[LESSON_MAX_CHARTS];  /* [chart.NAME], in file order */
    int n_charts;
    LessonTry tries[LESSON_MAX_TRIES];   /* [try]: other sentences the claims hold for */
    int n_tries;
    LessonQuestionSpec questions[LESSON_MAX_QUESTIONS];  /* [question.ID], in file order */
    int n_questions;

    LessonNarration en, zh;
};

/* lesson_ini.c: read dir/lesson.ini into l (number and slug already set). */
Status lesson_read_ini(Lesson *l, Error *err);

/* narration.c: read dir/lesson.md (required) and dir/lesson.zh.md (optional). */
Status lesson_read_narration(Lesson *l, Error *err);
void lesson_narration_free(LessonNarration *n);

/* question_ini.c: [question.ID] sections. open: the section header (false
 * with why on a bad ID, a taken one, too many); key: one of its keys
 * (false with why); finish: after the whole file, the steps resolved and
 * every kind's keys there, each error naming lesson.ini:LINE. */
bool lesson_question_open(Lesson *l, const char *id, int line, LessonQuestionSpec **out, char *why, size_t cap);
bool lesson_question_key(LessonQuestionSpec *q, const char *name, const char *value, int line, char *why,
                         size_t cap);
Status lesson_questions_finish(Lesson *l, Error *err);
void lesson_questions_free(Lesson *l);
/* Call fn for every record reference of question i (its choices, its answers). */
void lesson_question_each_ref(const Lesson *l, int i, void (*fn)(void *ctx, const ClaimRef *ref), void *ctx);

/* lesson_run.c: the Config of run i with the overrides (NULL: none). */
Status lesson_run_config(const Lesson *l, int run, const LessonOverrides *o, Config *out, Error *err);

/* lesson_train.c: a training run (train = TASK). */
typedef struct LessonTrainRun LessonTrainRun;
/* Everything run i trains with, from its config cfg (lesson_run_config's,
 * overrides included) and the overrides o (the warmup switch; NULL:
 * none): the task's dataset, the model's config fitted to its
 * vocabulary, the options and the probe (the run's first sentence, in
 * the task's tokens). A probe token the task does not know is
 * TF_ERR_INPUT naming the sentence's line and the task's tokens. */
Status lesson_train_prepare(const Lesson *l, int run, const LessonOverrides *o, const Config *cfg,
                            LessonTrainRun **out, Error *err);
/* Train it, writing the training trace to path; head: the first lines of
 * its meta ("lesson = 99-training\nrun = main\n"), train_trace_meta adds
 * the task, the options, the probe and the configuration. */
Status lesson_train_run(LessonTrainRun *tr, const char *path, const char *head, Error *err);
void lesson_train_free(LessonTrainRun *tr);

/* lesson_check.c: evaluate one claim_parse_value expression on the
 * traces of t, with the reader claims use. */
Status lesson_eval_value(const Lesson *l, const LessonTraces *t, const Claim *value, double *out, Error *err);

/* Read SWITCH[=VALUE] (a claim's breaks =, a question's changes =): the
 * switch and its value (the table's breaking value when none is given),
 * checked as the lesson command would take it; false with why. */
bool lesson_parse_switch(const char *item, LessonBreak *out, char *why, size_t cap);

/* A run, claim, fact, chart or question ID: 1 to 31 letters, digits, _ and -. */
bool lesson_valid_id(const char *s);

/* Index of the run named name, or -1. */
int lesson_run_index(const Lesson *l, const char *name);

#endif

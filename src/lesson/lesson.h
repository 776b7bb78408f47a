/* lesson.h — lessons: guided walks through real traces, with claims the
 * program checks on the numbers (lessons/README.md is the format).
 *
 * A lesson lives in lessons/NN-slug/ and has
 *   lesson.ini     the model, the input, the runs, the steps, the figures
 *                  and the claims;
 *   lesson.md      English narration, one "## STEP" section per step;
 *   lesson.zh.md   the same in simplified Chinese (optional).
 *
 * What it does with them:
 *   lesson_load      read and check all three files (errors name file:line)
 *   lesson_run       compute every run of the lesson into trace files
 *   lesson_run_settings  one run's configuration, weights and mode
 *                    (what `traceformer run --lesson N` traces)
 *   lesson_validate  every step, figure and claim names records the traces have
 *   lesson_check     evaluate the claims on those traces
 *   lesson_narration the narration of a record, in "en" or "zh"
 *
 * Arrows point down: the command line uses this; this uses model, trace and
 * plot. The viewer never includes this header: it is handed the narration
 * as a ViewNarration callback (view/state.h), which lesson_narration fits
 * with a tiny adapter.
 *
 * Names in a lesson: a record reference is NAME[@RUN][[SLICES]] — NAME a
 * record name or a shell glob ("enc.*.attn.weights"), RUN one of the
 * lesson's runs ("main" when absent), SLICES an index by dim name
 * ("[batch=1, key=3:]"). Steps and figures use the same spelling. */
#ifndef TF_LESSON_LESSON_H
#define TF_LESSON_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "model/config.h"

#define LESSON_MAX_STEPS 128
#define LESSON_MAX_FIGURES 64
#define LESSON_MAX_CLAIMS 16
#define LESSON_MAX_RUNS 16
#define LESSON_MAX_TRIES 16
#define LESSON_NAME_MAX 160   /* a step key, figure key, run name, record pattern */
#define LESSON_PATH_MAX 4096

typedef struct Lesson Lesson;

/* ---- finding lessons ---- */

typedef struct {
    int number;                    /* 1 for lessons/01-self-attention */
    char slug[64];                 /* "self-attention" */
    char dir[LESSON_PATH_MAX];     /* ".../lessons/01-self-attention" */
    char title[256];               /* [lesson] title, "" when it cannot be read */
    char title_zh[256];            /* [lesson] title.zh, or "" */
} LessonInfo;

/* Every lessons/NN-slug/ directory under data_dir holding a lesson.ini,
 * sorted by number. *out is malloc'd (free with lesson_list_free); an empty
 * list is not an error. */
Status lesson_list(const char *data_dir, LessonInfo **out, int *n, Error *err);
void lesson_list_free(LessonInfo *list);

/* The directory of lesson `which` (number, slug or NN-slug) under
 * data_dir/lessons. TF_ERR_INPUT when there is none. */
Status lesson_find(const char *data_dir, const char *which, char *dir, size_t cap, Error *err);

/* Load a lesson by number ("1", "01"), slug ("self-attention") or
 * directory name ("01-self-attention") from data_dir/lessons, or by a path
 * to its directory or its lesson.ini (anything with a '/'). Reads
 * lesson.ini, lesson.md and lesson.zh.md and checks everything that can be
 * checked without running the model: the config, the runs, the syntax of
 * every record reference and claim, and that every narration section
 * names a step. Errors: TF_ERR_INPUT naming file:line. */
Status lesson_load(Lesson **out, const char *data_dir, const char *which, Error *err);
void lesson_free(Lesson *l);

/* ---- what a lesson holds ---- */

int lesson_number(const Lesson *l);
const char *lesson_slug(const Lesson *l);
/* Title in "en" or "zh" (falls back to English). */
const char *lesson_title(const Lesson *l, const char *lang);
/* The narration before the first step: what the lesson is about. NULL when none. */
const char *lesson_intro(const Lesson *l, const char *lang);

typedef struct {
    char key[LESSON_NAME_MAX];     /* as written in [steps], without " vs @RUN": "enc.0.attn.weights",
                                      "gen.*.dec.logits@gen"; its narration section is "## KEY" */
    char pattern[LESSON_NAME_MAX]; /* the record name or glob alone */
    char run[32];                  /* "main" unless key says @RUN: the run whose record the step shows */
    char compare[32];              /* "step = REF vs @RUN2 | note": the run shown beside it (A, B and
                                      A - B, rows and columns matched by token), or "" */
    char note[256];                /* the one-line note (English) */
    char note_zh[256];             /* the same in Chinese ("step.zh =" on the next line), or "" */
    int line;                      /* of lesson.ini */
} LessonStep;

int lesson_step_count(const Lesson *l);
const LessonStep *lesson_step(const Lesson *l, int i);  /* NULL when out of range */
/* Step i's one-line note in lang ("en" or "zh"; NULL means "en"), English
 * when the step has none in lang. NULL when i is out of range. */
const char *lesson_step_note(const Lesson *l, int i, const char *lang);

/* [try]: other sentences for the lesson, each a src (and, when the lesson
 * has a target, its tgt): `lesson N --check --src SRC --tgt TGT` re-runs
 * the lesson on one, and its claims hold there too (a claim declared
 * `only = lesson sentence` is skipped instead). */
typedef struct {
    char src[512];
    char tgt[512];
    bool has_tgt;         /* a tgt = line belongs to it ("" when it says tgt = with nothing) */
    int line;             /* of its src = line in lesson.ini */
} LessonTry;

int lesson_try_count(const Lesson *l);
const LessonTry *lesson_try(const Lesson *l, int i);  /* NULL when out of range */

/* The runs, in order; run 0 is always "main". */
int lesson_run_count(const Lesson *l);
const char *lesson_run_name(const Lesson *l, int i);

/* ---- narration ---- */

/* The narration of record_name (of the main run, or "NAME@RUN"), in lang
 * ("en" or "zh"; NULL means "en"): the section of the first step whose key
 * equals the name, else of the first step whose pattern matches it (glob).
 * NULL when no step covers the record or the language has no text for it.
 * The text lives as long as the lesson. */
const char *lesson_narration(const Lesson *l, const char *record_name, const char *lang);
/* The narration of step i. NULL when none. */
const char *lesson_step_narration(const Lesson *l, int i, const char *lang);

/* ---- running ---- */

/* Changes a student makes before re-running (the viewer's edits). Sentence
 * edits apply to the main run and to every run that does not set its own
 * sentence (a run whose sentence is derived from main's, src_from = main
 * reversed, follows the edit); in a batch (the lesson gives two or more
 * sentences) the edit replaces the first and the others stay. The toggles apply to every run that does not set that key
 * itself, so a run that exists to contrast (positions = none, say) keeps
 * its point. */
typedef struct {
    const char *src;      /* NULL: the lesson's source sentence(s); one sentence (the batch's first) */
    const char *tgt;      /* NULL: the lesson's target; "" for none */
    int causal_mask;      /* -1: the lesson's; 0 off; 1 on */
    int padding_mask;     /* -1: the lesson's; 0 off; 1 on */
    const char *positions;  /* NULL: the lesson's; else sinusoidal|none|learned|relative|rope */
    int residual;         /* -1: the lesson's; 0 off; 1 on (x + Sublayer(x) or Sublayer(x) alone) */
    int scale;            /* -1: the lesson's; 0 off (scores = raw); 1 on (raw / sqrt(d_k)) */
    const char *attn_temperature;  /* NULL: the lesson's; else T, finite and > 0 */
    const char *ablate_head;  /* NULL: the lesson's; else SPEC[,SPEC...] or none */
    int cache;            /* -1: each run's own cache setting; 0 off; 1 on, for every
                             generating run: this one wins over the run's */
    const char *heads;    /* NULL: the lesson's; else the number of heads */
    const char *norm;     /* NULL: the lesson's; else pre|post (where the layer norm sits).
                             heads and norm shape the model: where some run of the lesson
                             makes its own weights (seeded or trained by the run), they
                             reach those runs and not the runs that load a trained file */
    const char *warmup;   /* NULL: each training run's own; else its learning-rate warm-up
                             updates (train_warmup), for the training runs that do not set it */
} LessonOverrides;

void lesson_overrides_init(LessonOverrides *o);  /* everything "the lesson's" */

typedef struct {
    int n;                                          /* = lesson_run_count */
    int n_trained;                                  /* runs that trained (train = TASK) */
    double train_seconds;                           /* how long their training took, in all */
    char run[LESSON_MAX_RUNS][32];
    char path[LESSON_MAX_RUNS][LESSON_PATH_MAX];    /* out_dir/RUN.trace */
    bool edited[LESSON_MAX_RUNS];                   /* the run read other sentences than the lesson
                                                       gives it (a student's edit reached it) */
} LessonTraces;

/* Compute every run into out_dir/RUN.trace (out_dir is created when
 * missing). Each trace is written to a temporary name and renamed when
 * complete, so a reader never sees half a trace. A run with train = TASK
 * trains a fresh model (seconds, not milliseconds) and writes its
 * training trace; out->n_trained and out->train_seconds say how many and
 * how long. o may be NULL. Errors: TF_ERR_INPUT for an override the model
 * refuses (an unknown word is read as <UNK>, not refused; in a training
 * run's sentence, a token its task does not know is refused),
 * TF_ERR_RUNTIME when a file cannot be written. */
Status lesson_run(const Lesson *l, const LessonOverrides *o, const char *out_dir, LessonTraces *out,
                  Error *err);

/* How one run is traced, besides its configuration. */
typedef struct {
    const char *weights;  /* the run's `weights =`, else [lesson] weights, resolved against the
                             lesson's directory (lives as long as the lesson); NULL: seeded */
    int generate;         /* generate = N: decode up to N tokens; 0: teacher forcing */
    bool cache;           /* cache = yes | no, with generate (default yes) */
    bool train_step;      /* train_step = yes: record one training step's gradients */
    const char *train;    /* train = TASK: the task the run trains a fresh model on, and its
                             trace is the training trace ("copy"); NULL for none */
} LessonRunOptions;

/* Run `run` of l (0 is main) as lesson_run traces it without overrides:
 * *cfg its configuration ([model] [vocab] [input], then its [run.NAME]
 * keys, each naming its line of lesson.ini) and *opts the rest. This is
 * what `traceformer run --lesson N` traces, its own flags on top.
 * TF_ERR_INPUT for a run out of range or a configuration the model
 * refuses. */
Status lesson_run_settings(const Lesson *l, int run, Config *cfg, LessonRunOptions *opts, Error *err);

/* Path of run's trace in t, or NULL. */
const char *lesson_trace_path(const LessonTraces *t, const char *run);

/* Every step, figure and claim refers to records the traces have (a glob
 * must match at least one). TF_ERR_INPUT naming lesson.ini:LINE, the name,
 * and the closest record names. */
Status lesson_validate(const Lesson *l, const LessonTraces *t, Error *err);

/* ---- claims ---- */

typedef struct {
    bool fact;            /* a [fact.ID]: a sanity check, shown apart and never counted as a claim */
    char text[512];       /* the claim's sentence ([claim.ID] says), English */
    char text_zh[512];    /* its Chinese sentence, or "" */
    char id[64];          /* the ID of [claim.ID] */
    char check[512];      /* the expression, as written */
    bool pass;            /* true as well for a skipped claim */
    bool error;           /* it could not be evaluated (then pass is false) */
    bool skipped;         /* only = lesson sentence, and a run it reads has another sentence */
    char measured[256];   /* what was measured: "0 == 0", "3.2e-07 <= 1e-05", or "error: ..." */
    int line;             /* of the check in lesson.ini */
} ClaimResult;

/* Claims and facts, in file order. */
int lesson_claim_count(const Lesson *l);

/* Evaluate every claim on the traces of t. *results (lesson_claim_count
 * entries, malloc'd, free with free()) is filled even when claims fail;
 * the status is TF_OK then. A claim that cannot be evaluated (a record the
 * trace lacks, shapes that do not fit) fails with "error: ..." in measured.
 * A claim declared `only = lesson sentence` is not evaluated when a run it
 * reads was edited (t->edited): skipped, pass true, measured says why.
 * *n_failed counts the claims that did not pass. */
Status lesson_check(const Lesson *l, const LessonTraces *t, ClaimResult **results, int *n_failed,
                    Error *err);

/* ---- questions ----
 *
 * A lesson asks the student 3 to 6 questions, each at one of its steps,
 * before the numbers are shown ([question.ID] in lesson.ini: the step, the
 * kind, the choices and the expected answer as claim-language
 * expressions; "## question.ID" in lesson.md / lesson.zh.md: the question
 * text, then "### hint" and "### explanation" subsections). The expected
 * answer is measured on the traces the student is looking at, so it stays
 * right after the sentence is edited or a switch flipped. */

#define LESSON_MAX_QUESTIONS 8
#define QUESTION_MAX_CHOICES 32
#define QUESTION_LABEL_MAX 64

typedef enum {
    QUESTION_CHOOSE,  /* pick one choice: a token, a head, a layer ("which key does row 猫 attend to most?") */
    QUESTION_NUMBER,  /* type a number, right within a tolerance ("compute q·k for row 0, column 1") */
    QUESTION_ORDER,   /* put the choices in order ("rank the heads by entropy, lowest first") */
    QUESTION_SWITCH   /* which of the lesson's claims fail under a switch ("turn the causal mask off:
                         which claims fail?"); choices are the claims, the answer a set */
} QuestionKind;

typedef struct {
    char id[64];               /* [question.ID] */
    QuestionKind kind;
    int step;                  /* index of the step it is asked at (lesson_step) */
    int line;                  /* of its [question.ID] header in lesson.ini */
} LessonQuestion;

int lesson_question_count(const Lesson *l);
const LessonQuestion *lesson_question(const Lesson *l, int i);  /* NULL when out of range */
/* Index of the question asked at step `step`, or -1 (at most one per step). */
int lesson_question_at_step(const Lesson *l, int step);
/* The question's text, its hint and its explanation (shown after the
 * answer) in lang ("en" or "zh"; NULL means "en"), falling back to
 * English; NULL when out of range or (hint, explanation) absent. */
const char *lesson_question_text(const Lesson *l, int i, const char *lang);
const char *lesson_question_hint(const Lesson *l, int i, const char *lang);
const char *lesson_question_explanation(const Lesson *l, int i, const char *lang);

/* A question as asked on traces: its choices and its expected answer,
 * measured there. */
typedef struct {
    int n_choices;                                        /* 0 for NUMBER */
    char choice[QUESTION_MAX_CHOICES][QUESTION_LABEL_MAX];  /* labels as shown: "老鼠", "head 2", a claim's ID */
    int expected_choice;                                  /* CHOOSE: index into choice */
    double expected_value;                                /* NUMBER */
    double within;                                        /* NUMBER: the tolerance */
    int expected_order[QUESTION_MAX_CHOICES];             /* ORDER: choice indices, first to last */
    double value[QUESTION_MAX_CHOICES];                   /* ORDER: each choice's measured value */
    bool expected_set[QUESTION_MAX_CHOICES];              /* SWITCH: the claims that fail under it */
    char expected_text[256];                              /* the answer in words: "老鼠", "0.274",
                                                             "head 2, head 0, head 3, head 1", "none" */
    char changes[512];                                    /* the switches the lesson declares change the
                                                             answer, in words ("" for none) */
} QuestionAsked;

/* Measure question i on the traces of t (lesson_run's, with the overrides
 * o that made them; NULL: none). A SWITCH question runs the lesson again
 * with its switch into work_dir/question-ID (as --breaks runs a column).
 * TF_ERR_INPUT when the expected answer cannot be measured (a record the
 * trace lacks, a value that is not one number, an index out of the
 * choices), naming lesson.ini:LINE. */
Status lesson_question_ask(const Lesson *l, int i, const LessonTraces *t, const LessonOverrides *o,
                           const char *work_dir, const char *lang, QuestionAsked *out, Error *err);

typedef enum {
    ANSWER_CORRECT,
    ANSWER_WRONG,
    ANSWER_SKIPPED,     /* empty, "s" or "skip" */
    ANSWER_UNREADABLE   /* not an answer of this kind (why says so): ask again */
} AnswerGrade;

/* Grade a student's answer, as typed: CHOOSE a choice's label or its
 * letter (a, b, c, ...); NUMBER a number; ORDER labels or letters
 * separated by spaces or commas; SWITCH claim IDs or letters, or "none".
 * `said` gets the answer in words as understood ("老鼠", "b, a, c"). */
AnswerGrade lesson_question_grade(const Lesson *l, int i, const QuestionAsked *q, const char *answer, char *said,
                                  size_t said_cap, char *why, size_t why_cap);

/* ---- what breaks each claim ---- */

/* One column of the matrix: a switch at a value, applied as `traceformer
 * lesson N --check --SWITCH VALUE` applies it (to every run that does not
 * set that key itself). */
typedef enum {
    BREAKS_RAN,        /* the claims were checked on the runs with the switch */
    BREAKS_NO_EFFECT,  /* every trace came out as without it (a padding mask where nothing is padded) */
    BREAKS_REFUSED     /* the lesson's model refuses the value (why says so) */
} BreaksState;

typedef struct {
    int sw;               /* SwitchId (lesson/switches.h) */
    char value[64];
    bool declared_only;   /* named by a claim's breaks =, not the table's breaking value */
    BreaksState state;
    char why[320];        /* BREAKS_REFUSED: the model's message */
} BreaksColumn;

#define LESSON_MAX_BREAKS_COLUMNS 32

/* A question's expected answer in one column, against the lesson's own:
 * the same (choose: the same choice; number: within its tolerance; order:
 * the same order, ties within 1e-9 either way), different, or not
 * measurable. */
typedef enum { BREAKS_Q_SAME, BREAKS_Q_DIFFERS, BREAKS_Q_ERROR } BreaksQuestionCell;

typedef struct {
    int n_rows;           /* = lesson_claim_count: claims and facts */
    int n_cols;
    BreaksColumn cols[LESSON_MAX_BREAKS_COLUMNS];
    ClaimResult *base;    /* (n_rows) without any switch */
    ClaimResult *cells;   /* (n_rows × n_cols) row-major; a column not RAN holds base's results */
    bool *declared;       /* (n_rows × n_cols): the claim says this column breaks it */
    /* Cells that are not as declared: a claim that fails where it does not
     * say so, holds where it says it fails (or the switch has no effect or
     * is refused there), or cannot be evaluated; a fact that fails. */
    int n_differ;
    int n_errors;         /* cells (and base results) that could not be evaluated */
    int n_broken_claims;  /* claims some column breaks as declared */
    /* The questions' rows, after the claims': each question's expected
     * answer on the lesson's own runs, then in every column that ran, set
     * against its changes = (a SWITCH question is no row: its answer is
     * already what its own switch breaks, and it may not declare changes). */
    int n_qrows;
    int qrow[LESSON_MAX_QUESTIONS];                 /* the question (lesson_question) of each row */
    QuestionAsked *qbase;                           /* (n_qrows) on the lesson's own runs */
    BreaksQuestionCell qbase_cell[LESSON_MAX_QUESTIONS];  /* SAME, or ERROR when it cannot be measured */
    BreaksQuestionCell qcells[LESSON_MAX_QUESTIONS][LESSON_MAX_BREAKS_COLUMNS];  /* a column not RAN: SAME */
    bool qdeclared[LESSON_MAX_QUESTIONS][LESSON_MAX_BREAKS_COLUMNS];  /* changes = names the column */
    char qwhy[LESSON_MAX_QUESTIONS][320];           /* the first error of the row, "" for none */
} LessonBreaks;

/* The matrix claim × switch: the claims on the lesson's own runs (with o,
 * the student's sentence edits; NULL for none), then under each switch of
 * the table at its breaking value and at every other value a claim's
 * breaks = names, each column's traces in work_dir/COLUMN. Columns whose
 * traces equal the base traces record for record are BREAKS_NO_EFFECT.
 * TF_OK even when cells differ from the declarations (out says how); an
 * error only when a run cannot be computed for another reason than the
 * switch's value. Free with lesson_breaks_free. */
Status lesson_breaks(const Lesson *l, const LessonOverrides *o, const char *work_dir, LessonBreaks *out,
                     Error *err);
void lesson_breaks_free(LessonBreaks *b);

/* Does cell (row, col) differ from what the lesson declares? */
bool lesson_breaks_differs(const LessonBreaks *b, int row, int col);
/* Does question row qrow's cell in column col differ from its changes =
 * (differs where not declared, the same where declared, declared under a
 * column that did not run, or not measurable)? */
bool lesson_breaks_question_differs(const LessonBreaks *b, int qrow, int col);

/* ---- figures ---- */

/* Runs a training-curve figure may draw after its first two (PLOT_MAX_RUNS
 * in all). */
#define LESSON_FIGURE_MORE 6

typedef struct {
    char key[LESSON_NAME_MAX];     /* as written in [figures] */
    char pattern[LESSON_NAME_MAX]; /* record name, glob, "norms" or "gen.<family>" */
    char run[32];
    int head;                      /* -1: the plot's choice (every head in a grid) */
    int batch;                     /* -1: the plot's default (sentence 0) */
    char title[256];
    int line;
    char compare[32];              /* "figure = norms vs @off": the second run drawn on the
                                      same axes (the norms figure, a training curve), or "" */
    char more[LESSON_FIGURE_MORE][32];  /* "figure = loss@a vs @b vs @c": the runs after
                                      compare, drawn too (training curves only) */
    int n_more;
} LessonFigure;

/* Called once per image written by lesson_plot. */
typedef void (*LessonPlotDone)(void *ctx, const LessonFigure *f, const char *path);

/* Render every figure of the lesson from the traces of t into out_dir
 * with the gnuplot scripts in viz_dir, format "png" (NULL), "svg" or "pdf";
 * then every chart ([chart.NAME]: out_dir/NAME.FORMAT and its table
 * NAME.dat), its texts in lang ("en" or "zh"; NULL: "en"). A chart's
 * value that cannot be measured, or is not one number, is TF_ERR_INPUT
 * naming lesson.ini:LINE. */
Status lesson_plot(const Lesson *l, const LessonTraces *t, const char *viz_dir, const char *out_dir,
                   const char *format, const char *lang, LessonPlotDone done, void *ctx, Error *err);

#endif

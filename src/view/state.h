/* state.h — everything the viewer's screen shows, as plain data.
 *
 * The viewer follows ncdu's split: this state is the model; draw.h paints
 * it (view_draw(const ViewState *) never changes it) and keys.h changes it
 * (view_key never draws). Neither needs the other, and this file needs no
 * terminal at all, so the unit tests drive it directly: step, switch heads,
 * jump, resize, and check what the screen would show.
 *
 * Traces are read-only behind the reader API: the state holds record
 * indices, never pointers into records; the few records on screen live in
 * a small cache (cache.h) that view_sync fills after every change. */
#ifndef TF_VIEW_STATE_H
#define TF_VIEW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trace/trace.h"
#include "view/cache.h"
#include "view/compare.h"
#include "view/lineedit.h"
#include "view/palette.h"
#include "view/search.h"
#include "view/snapshots.h"
#include "view/tree.h"

#define VIEW_MIN_LINES 12
#define VIEW_MIN_COLS 44
#define VIEW_MAX_HEADS 64
#define VIEW_MAX_GUIDE 64      /* guided steps kept */
#define VIEW_GUIDE_NAME 128    /* bytes of a step's record name */

/* The language narration is shown in (the L key switches). */
typedef enum { VIEW_LANG_EN, VIEW_LANG_ZH } ViewLang;
#define VIEW_N_LANGS 2

/* One step of a guided walk (a lesson's ordered steps): the record it
 * shows, on which run, and a one-line note on what to look at. A walk may
 * span several runs of one model (a swapped sentence, positions off,
 * generation): each run is a trace of its own, and a step on run X shows
 * run X's record, with run X's outline, search and labels. */
typedef struct {
    const char *record;   /* a record name of the step's run */
    const char *note;     /* one line, or NULL */
    const char *key;      /* what narration is looked up by on this step (NULL: record) */
    const char *run;      /* the run whose trace holds the record (ViewNarration.run_trace);
                             NULL or "main": the trace the viewer opened on (or its re-run) */
    const char *compare;  /* another run shown beside it (A | B | A − B, the same record
                             name there), or NULL: only where the walk asks for it */
} ViewGuideStep;

/* A question the walk asks at one of its steps, before its numbers are
 * shown (a lesson's [question.ID]): the student answers, then sees the
 * matrix. The choices and the expected answer are measured on the run on
 * screen, so they follow the student's sentence and switches. */
typedef enum { VIEW_Q_CHOOSE, VIEW_Q_NUMBER, VIEW_Q_ORDER, VIEW_Q_SWITCH } ViewQuestionKind;
#define VIEW_Q_MAX_CHOICES 32
#define VIEW_Q_LABEL 64

typedef struct {
    ViewQuestionKind kind;
    const char *text;         /* the question (Markdown, as the pane flows it) */
    const char *hint;         /* or NULL */
    const char *explanation;  /* shown with the answer, or NULL */
    int n_choices;            /* 0 for NUMBER; CHOOSE / ORDER: labels; SWITCH: claim IDs */
    char choice[VIEW_Q_MAX_CHOICES][VIEW_Q_LABEL];
    char detail[VIEW_Q_MAX_CHOICES][200];  /* what a choice stands for, listed after it in the
                                              pane (SWITCH: the claim's sentence), or "" */
    char expected[256];       /* the expected answer in words, on the run on screen */
    char changes[256];        /* the switches under which the answer differs, in words, or "" */
    char unavailable[256];    /* why the answer cannot be measured on this run ("" when it can):
                                 the step is then shown without asking */
} ViewQuestion;

typedef enum {
    VIEW_ANSWER_NONE,        /* not answered yet */
    VIEW_ANSWER_CORRECT,
    VIEW_ANSWER_WRONG,
    VIEW_ANSWER_SKIPPED,
    VIEW_ANSWER_UNREADABLE,  /* not an answer of this kind: why says why, and the prompt stays */
} ViewAnswerGrade;

typedef struct {
    ViewAnswerGrade grade;
    char said[128];           /* the answer as understood ("老鼠", "b, a, c") */
    char why[256];            /* UNREADABLE: why */
    char expected[256];       /* the expected answer in words, on the run on screen */
    char changes[256];        /* the switches under which the answer differs, or "" */
} ViewAnswer;

/* Narration, when the trace belongs to a guided walk (a lesson). The
 * viewer knows nothing of lessons: it asks these callbacks, and every
 * string they return must stay valid while the viewer runs. lookup NULL:
 * no narration pane, and the screen is the plain viewer's.
 *   lookup   the text for a record name in lang, or NULL when there is
 *            none (the viewer then tries English); paragraphs are
 *            separated by newlines
 *   n_steps  how many ordered steps (NULL: none; keys N and P say so)
 *   step     step k (0-based) in lang; false when there is no such step
 *   title    one line for the title bar ("lesson 1: self-attention"), or NULL
 *   intro    the text before the first step, shown on the I key, or NULL */
typedef struct {
    const char *(*lookup)(void *ctx, const char *record_name, ViewLang lang);
    int (*n_steps)(void *ctx);
    bool (*step)(void *ctx, int k, ViewLang lang, ViewGuideStep *out);
    const char *(*title)(void *ctx, ViewLang lang);
    const char *(*intro)(void *ctx, ViewLang lang);  /* what the walk is about (key I), or NULL */
    void *ctx;
    /* The trace file of a run of the walk as it is now (a re-run makes new
     * files), or NULL when there is no such run; and the run in words for
     * titles ("run: swapped — 老鼠 追 猫"), or NULL. Both may be NULL: a
     * walk on one trace. */
    const char *(*run_trace)(void *ctx, const char *run);
    const char *(*run_label)(void *ctx, const char *run, ViewLang lang);
    /* For an exported image of run `run`: file-name words naming the run
     * and the switches changed ("swapped.padding-off": letters, digits,
     * '.', '_', '-'), and the switches in words for its title ("padding
     * mask off"); "" for none. May be NULL. */
    void (*run_switches)(void *ctx, const char *run, ViewLang lang, char *tag, size_t tag_cap, char *words,
                         size_t words_cap);
    int number;  /* the lesson's number, for presentation mode's status line; 0: none */
    /* Questions (NULL: the walk asks none). has_question: does guided step
     * k ask one (cheap: nothing measured). question: step k's question in
     * lang, measured on the run on screen (false when it asks none).
     * answer: grade what the student typed for step k's question on the
     * run on screen (CHOOSE: a choice's letter or label). */
    bool (*has_question)(void *ctx, int k);
    bool (*question)(void *ctx, int k, ViewLang lang, ViewQuestion *out);
    void (*answer)(void *ctx, int k, const char *typed, ViewLang lang, ViewAnswer *out);
} ViewNarration;

/* Re-running the model behind the trace with one thing changed (keys e E
 * M D T R S W A G H F U), and re-checking what the lesson claims about its numbers (C).
 * The caller runs the model (the viewer never does), writes a new trace
 * and says where; the viewer opens it in place of the old one. */
typedef enum {
    VIEW_EDIT_CHECK,       /* change nothing: check the claims on the current run */
    VIEW_EDIT_SOURCE,      /* text: the new source sentence */
    VIEW_EDIT_TARGET,      /* text: the new target sentence */
    VIEW_EDIT_CAUSAL,      /* the causal (look-ahead) mask on <-> off */
    VIEW_EDIT_PADDING,     /* the padding mask on <-> off */
    VIEW_EDIT_POSITIONS,   /* the next kind of positional encoding */
    VIEW_EDIT_RESIDUAL,    /* the residual connections on <-> off */
    VIEW_EDIT_SCALE,       /* the 1/sqrt(d_k) of the scores on <-> off */
    VIEW_EDIT_TEMPERATURE, /* the next attention temperature: 1, 2, 0.5, 1, ... */
    VIEW_EDIT_ABLATE,      /* text: the head on screen ("enc.0.2") silenced <-> back */
    VIEW_EDIT_CACHE,       /* the KV cache of generation on <-> off */
    VIEW_EDIT_HEADS,       /* one head <-> the lesson's heads */
    VIEW_EDIT_NORM,        /* the layer norm before <-> after each sublayer */
    VIEW_EDIT_WARMUP,      /* training runs: no learning-rate warm-up <-> their own */
} ViewEditKind;

typedef struct {
    ViewEditKind kind;
    const char *text;      /* SOURCE / TARGET: the sentence; ABLATE: the head; else NULL */
    ViewLang lang;         /* the viewer's language: the one an error is said in */
} ViewEdit;

#define VIEW_MAX_CLAIMS 16

typedef struct {
    bool pass;
    bool fact;             /* a sanity check, drawn after the claims and never counted as one */
    char text[VIEW_N_LANGS][256];  /* the statement, per language ("" when not translated) */
    char measured[128];    /* the value measured on this run */
} ViewClaim;

typedef struct {
    char trace[1024];      /* the new trace's path; "" when the trace is unchanged */
    char settings[320];    /* this run in one line: "causal mask off, padding mask on, ..." */
    char settings_zh[320]; /* the same in Chinese ("" when not given: settings is shown) */
    ViewClaim claims[VIEW_MAX_CLAIMS];  /* the claims, then the facts */
    int n_claims;          /* both */
} ViewRunResult;

/* run: do the edit; on success fill out (out arrives zeroed) and return
 * TF_OK; on failure return an error whose message the status line shows
 * ("unknown token 'dog'"), with nothing changed. text: the current source
 * or target sentence, where the editor starts (NULL: an empty line).
 * run NULL: the keys say re-running needs a lesson.
 * refuses: why this kind of edit cannot be made at all in this walk (a
 * trained model fixes its positional encoding, say), as one sentence for
 * the status line; NULL when it can (or when refuses is NULL). The viewer
 * asks before re-running, so a key the model would refuse says so plainly
 * instead of starting a run that errors, and its hint is dimmed. */
typedef struct {
    Status (*run)(void *ctx, const ViewEdit *edit, ViewRunResult *out, Error *err);
    const char *(*text)(void *ctx, ViewEditKind which);
    void *ctx;
    const char *(*refuses)(void *ctx, ViewEditKind which, ViewLang lang);
} ViewRerun;

/* What an exported image says about itself: where the matrix came from
 * and what changed it. */
typedef struct {
    const char *tag;      /* words for the file name ("swapped.padding-off"), or NULL */
    const char *title;    /* the figure's heading, or NULL: the record's name */
    const char *source;   /* the run in words, or NULL: the script's own */
    const Record *mask;   /* the block's mask record in the same run, or NULL: the
                             image marks the cells it hides, as the screen does */
    bool all_columns;     /* draw every column of the record given: the viewer has
                             chosen them (a vocabulary's top k, or all of it) */
} ViewExportInfo;

/* Image export of one matrix (the `x` key). The caller decides how (the
 * command line passes it through gnuplot); head and batch are the page on
 * screen, −1 for "the whole record" (the heads view). An image never
 * replaces a file. On success `written` names the file. NULL fn: the key
 * says export is unavailable.
 * model_view (the `X` key): the model view of trace r, every layer × every
 * head of one kind of attention block ("enc", "dec.self", "dec.cross"; NULL:
 * the trace's default) for sentence batch; info's mask is unused. NULL:
 * the key says it is unavailable. */
typedef struct {
    Status (*fn)(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info, char *written,
                 size_t cap, Error *err);
    void *ctx;
    Status (*model_view)(void *ctx, const TraceReader *r, const char *block, int batch, const ViewExportInfo *info,
                         char *written, size_t cap, Error *err);
} ViewExport;

typedef struct {
    bool color;  /* 256-colour heatmaps and role colours; false: monochrome */
    bool utf8;   /* UTF-8 glyphs and labels; false: ASCII */
} ViewTheme;

typedef struct {
    TraceReader *a;         /* the trace (required) */
    TraceReader *b;         /* --compare, or NULL */
    const char *start;      /* record to open at, or NULL for the first */
    ViewNarration narration;
    ViewLang lang;          /* narration's first language */
    ViewRerun rerun;
    const ViewRunResult *run;  /* the claims of the run on screen, when known; or NULL */
    ViewExport export;
    ViewTheme theme;
    bool present;           /* open in presentation mode (present.h); only with narration */
    int lines, cols;        /* screen size */
} ViewConfig;

typedef enum { FOCUS_MATRIX, FOCUS_STEPS } ViewFocus;
typedef enum { NUMBERS_AUTO, NUMBERS_ON, NUMBERS_OFF } NumberMode;
typedef enum { TREE_FOLLOW, TREE_ALL, TREE_MANUAL } TreeMode;
typedef enum { PENDING_NONE, PENDING_EXPORT, PENDING_RERUN, PENDING_MODEL_VIEW } ViewPending;
typedef enum { MSG_NONE, MSG_NOTICE, MSG_ERROR } MessageKind;

/* Per head of the record on screen (heads view). Entropy and distance
 * describe a probability distribution per row, so they are measured only
 * when every row of every head is one (attention weights); for anything
 * else (raw or scaled scores, Q, K, V) each head gets its range. */
typedef struct {
    bool distributions;     /* the rows are probabilities: entropy_bits and distance hold */
    double entropy_bits;    /* mean row entropy */
    double distance;        /* mean Σ w·|key position − query position| (core/row_stats.h) */
    float min, max;         /* finite values of the head's page (min > max: none) */
} HeadStats;

/* A record whose last axis is the vocabulary (dec.probs, gen.S.sampling)
 * is thousands of columns wide: by default the screen shows the k tokens
 * with the largest values in the cursor's row, best first, as a record of
 * its own (topk_view.c), and the t key shows every column instead. */
#define VIEW_TOPK_MAX 100

typedef struct {
    bool all;                       /* t: every column, scrolling (a preference kept
                                       from record to record) */
    bool active;                    /* the current record is shown as its top k */
    const TraceReader *reader;      /* the record shown: reader and index */
    uint32_t index;
    uint32_t k, n;                  /* columns shown, of n (the vocabulary) */
    uint32_t row;                   /* the row they are ranked by (the cursor's) */
    size_t page;                    /* of the page the cursor is on */
    uint32_t ranked;                /* ids holds this many columns of that row, best first */
    uint32_t ids[VIEW_TOPK_MAX];    /* the page's columns shown, best first */
    const char *labels[VIEW_TOPK_MAX];  /* their tokens (the record's own strings) */
    float *data;                    /* (pages, rows, k), owned */
    size_t data_cap;                /* floats data holds */
    long want_id;                   /* after t back to top k: the column to put the
                                       cursor on when it is shown, else −1 */
    /* The token the cursor's row should have predicted (dec.target) or
     * did choose (gen.S.token), when the trace says: its id, its rank in
     * the row (0 = best) and its value. */
    bool has_target;
    bool target_chosen;             /* gen.S.token: chosen, not a target */
    uint32_t target_id, target_rank;
    float target_value;
    CachedRecord shown;             /* what view_current hands out while active */
} TopkView;

typedef struct {
    /* what is open */
    TraceReader *a, *b;
    uint32_t count;                 /* records in a */
    StepTree tree;
    RecordCache cache;
    ViewTheme theme;
    ViewNarration narration;
    ViewRerun rerun;
    ViewExport export;
    TraceReader *origin;            /* the caller's trace (the run the viewer opened on) */
    TraceReader *owned;             /* a re-run's trace, opened and closed by the viewer */
    bool b_given;                   /* b came from the caller (--compare), not a re-run */
    TraceReader *run_a;             /* another run of the walk shown as a (opened by the
                                       viewer), or NULL when a is the main run's trace */
    char a_run[32];                 /* the run a shows: "" for the main run */
    char b_run[32];                 /* the run guide_b shows, when there is one */

    /* where we are */
    uint32_t cur;                   /* current record of a */
    long cur_b;                     /* record of b with the same name, or −1 */
    long mask_rec;                  /* the block's mask record in a, or −1 */
    long mask_rec_b;                /* the same in b, or −1 */
    long weights_rec;               /* the block's attention weights in a, or −1 */
    uint32_t head, batch;           /* wanted page; kept while stepping */
    uint32_t row, col;              /* cell cursor, data coordinates of the page */
    uint32_t top, left;             /* first visible pooled row / column */
    uint32_t pool_r, pool_c;        /* zoom out: cells averaged per drawn cell */

    /* how it is shown */
    NumberMode numbers;
    bool mask_overlay;
    bool stretch;                   /* colour weights by their own range, not 0…1 */
    bool compare;                   /* A | B | A − B */
    bool heads;                     /* every head of the block */
    bool help;
    int help_top;                   /* first help line shown */
    bool present;                   /* presentation mode (present.h): a lesson for a projector */
    ViewFocus focus;
    TreeMode tree_mode;
    uint32_t tree_node;             /* node of the steps cursor (focus steps) */
    uint32_t tree_top;              /* first visible row of the steps pane */
    bool searching;
    Search search;

    /* the guided walk (narration.n_steps / step) */
    int n_guide;
    char guide_rec[VIEW_MAX_GUIDE][VIEW_GUIDE_NAME];  /* the steps' record names */
    char guide_run[VIEW_MAX_GUIDE][32];  /* the steps' runs ("" for the main run) */
    long guide_idx[VIEW_MAX_GUIDE]; /* their records in a when the step is on a's run, else −1 */
    const TraceReader *guide_for;   /* the trace guide_idx was found in */
    TraceReader *guide_b;           /* a step's other trace (ViewGuideStep.trace), opened by the viewer */
    TraceReader *guide_saved_b;     /* b before it */
    bool guide_saved_compare;
    int guide_step;                 /* the step we are at or came from, −1 before the first */
    bool guide_on;                  /* the current record is that step's */
    ViewLang lang;
    bool show_intro;                /* the pane shows the introduction (I) until the record changes */
    int narr_top;                   /* first narration line shown */
    uint32_t narr_rec;              /* the record narr_top belongs to */

    /* re-running */
    bool editing;                   /* the line editor has the keys */
    ViewEditKind edit_kind;         /* what it edits (SOURCE / TARGET) */
    LineEdit edit;
    ViewEditKind rerun_kind;        /* the pending re-run */
    char rerun_text[LINEEDIT_CAP];
    ViewRunResult run;              /* settings and claims of the run on screen */
    bool have_run;                  /* run holds them (a re-run or a check) */
    bool claims;                    /* the claims panel is open */
    int claims_top;

    /* questions (quiz.c): per guided step, and the one on screen */
    bool quiz_ready;                /* quiz_has and quiz_n are known */
    bool quiz_has[VIEW_MAX_GUIDE];  /* the step asks a question */
    int quiz_n;                     /* how many steps do */
    struct {
        ViewAnswerGrade grade;      /* NONE until answered or skipped */
        bool hint;                  /* the hint is shown */
        char said[128];             /* the answer as understood */
    } quiz[VIEW_MAX_GUIDE];
    ViewQuestion question;          /* question_step's question, measured */
    int question_step;              /* −1: none fetched */
    ViewLang question_lang;
    char question_run[1024];        /* run.trace when it was measured (a re-run asks again) */
    bool asking;                    /* the answer prompt has the keys */
    int prompt_step;                /* the step the prompt last opened on by itself (−1) */
    int choice;                     /* CHOOSE: the selected choice */
    LineEdit answer;                /* NUMBER / ORDER / SWITCH: the typed answer */
    char actions[VIEW_MAX_GUIDE][16];  /* keys pressed on each step (action lines) */

    /* derived by view_sync */
    CompareStats cmp;               /* when compare and b has the record */
    AlignedRecord aligned;          /* b's record with its rows / columns put in a's token
                                       order, when they are a permutation of a's */
    CachedRecord aligned_b;         /* the same as view_current_b hands it out */
    TopkView topk;                  /* a vocabulary-wide record's top k columns */
    HeadStats head_stats[VIEW_MAX_HEADS];
    int n_head_stats;
    /* head_stats hold the heads of this fetch (CachedRecord.serial; 0: none)
     * and sentence: a key that keeps both keeps them, where measuring them
     * again takes ~25 ms on an 8 MB record (a log2 per weight) */
    uint64_t head_stats_serial;
    uint32_t head_stats_batch;
    int head_stats_n;
    uint64_t head_stats_passes;     /* times they were measured (tests) */
    SnapshotPlace snap;             /* the current record among the training snapshots
                                       of its family (step −1: not a snapshot) */

    int lines, cols;
    char msg[512];
    MessageKind msg_kind;
    ViewPending pending;
    bool quit;
} ViewState;

/* Build the state: the outline from a's index, then fetch the first record
 * (so a damaged trace is reported before the screen is taken). On failure
 * nothing needs freeing. */
Status view_init(ViewState *s, const ViewConfig *cfg, Error *err);
void view_free(ViewState *s);

/* Bring derived data up to date after any change: fetch the records on
 * screen, clamp the page, cursor and zoom, keep the cursor and the current
 * step in view. The key handlers call it; so may anyone who edits fields. */
void view_sync(ViewState *s);

/* ---- actions (the key handlers are thin wrappers around these) ---- */

void view_goto(ViewState *s, uint32_t index);   /* open record index */
void view_step(ViewState *s, int delta);        /* n / p: execution order */
void view_step_head(ViewState *s, int delta);   /* ] / [ : wraps around */
void view_step_batch(ViewState *s, int delta);  /* sentence of a batch */
/* } / { : the same record in the next / previous layer; on a training
 * snapshot (train.S.*), the same record at the next / previous snapshot,
 * head, cursor and scroll kept, as between layers. */
void view_step_layer(ViewState *s, int delta);
bool view_jump(ViewState *s, const char *name); /* exact name; false + message if absent */
void view_move(ViewState *s, int drow, int dcol);  /* cell cursor, in drawn cells */
void view_zoom(ViewState *s, int delta);        /* > 0 zoom in, < 0 out */
void view_zoom_fit(ViewState *s);               /* whole page / back to 1:1 */
void view_resize(ViewState *s, int lines, int cols);
void view_toggle_numbers(ViewState *s);
void view_toggle_mask(ViewState *s);
void view_toggle_stretch(ViewState *s);
void view_toggle_heads(ViewState *s);
void view_toggle_compare(ViewState *s);
void view_tree_move(ViewState *s, int delta);   /* steps cursor (focus steps) */
void view_tree_toggle(ViewState *s);            /* fold/unfold the group at the steps cursor */
void view_tree_cycle_mode(ViewState *s);        /* follow → all open → follow */
void view_request_export(ViewState *s);
void view_request_model_view(ViewState *s);
void view_perform_pending(ViewState *s);        /* runs the export or re-run; sets the message */
void view_perform_export(ViewState *s);         /* the pending export (image_export.c) */
void view_perform_model_view(ViewState *s);     /* the pending model view (image_export.c) */

/* t: a vocabulary-wide record's top-k tokens <-> every column (topk_view.c);
 * the cursor stays on its token. */
void view_toggle_all_columns(ViewState *s);
/* view_sync's part: (re)build the top-k view of the current record for
 * the cursor's row and the screen's width, or let it go. */
void view_topk_sync(ViewState *s);
/* Free the top-k view's values (view_drop_records). */
void view_topk_drop(ViewState *s);
/* Is the last axis of r the vocabulary? */
bool view_topk_vocab_axis(const Record *r);

/* ---- narration, guided steps, re-running (narrate.c) ---- */

void view_guide_step(ViewState *s, int delta);  /* N / P: the next / previous guided step */
void view_guide_leave(ViewState *s);            /* close a step's other trace, b as before */
void view_toggle_lang(ViewState *s);            /* L */
void view_toggle_intro(ViewState *s);           /* I */
void view_narration_scroll(ViewState *s, int delta);  /* J / K */
void view_edit_start(ViewState *s, ViewEditKind which);  /* e / E: open the line editor */
void view_edit_apply(ViewState *s);             /* Enter in the editor: request the re-run */
void view_edit_cancel(ViewState *s);            /* Esc in the editor */
void view_request_rerun(ViewState *s, ViewEditKind kind, const char *text);  /* M D T R S W G, and apply */
/* A: re-run with the head on screen silenced (or back, if it is already):
 * the current record must be a per-head record of an attention block. */
void view_request_ablate(ViewState *s);
/* Why an edit of this kind cannot be made in this walk (ViewRerun.refuses),
 * or NULL when it can. */
const char *view_rerun_refused(const ViewState *s, ViewEditKind kind);
void view_toggle_claims(ViewState *s);          /* C: show (checking first if need be) / hide */
void view_perform_rerun(ViewState *s);          /* the pending re-run (view_perform_pending) */
/* Open the trace at path in place of the current one, keeping the record
 * name, the head and the cursor where they still exist. False (and an
 * error message, nothing changed) when it cannot be opened. */
bool view_reopen(ViewState *s, const char *path);

/* The narration of the current record in the viewer's language (English
 * when there is none in it: *fallback true), or NULL. */
const char *view_narration_text(const ViewState *s, bool *fallback);
/* The guided step shown in the pane's title: s->guide_step's note. */
bool view_guide_current(const ViewState *s, ViewGuideStep *out);
/* Refresh guide_idx for the current trace; set guide_step / guide_on
 * from the current record (view_sync calls it). */
void view_guide_sync(ViewState *s);
/* Show run `run` of the walk ("" or "main": the main run) as a, at the
 * record of the same name when it has one. False (and a message, nothing
 * changed) when its trace cannot be opened. */
bool view_show_run(ViewState *s, const char *run);
/* Open step k's other run (ViewGuideStep.compare) as b, compare on. */
void view_guide_enter(ViewState *s, int k);
/* Let go of the records held and what was derived from them, before a
 * trace on screen closes. */
void view_drop_records(ViewState *s);
/* Claim i's statement in the viewer's language (English when untranslated). */
const char *view_claim_text(const ViewState *s, int i);
/* How many claims passed, and how many there are (facts not counted). */
int view_claims_passed(const ViewState *s);
int view_claims_total(const ViewState *s);
/* Is claim i the first of the facts (which the panel heads apart)? */
bool view_claim_starts_facts(const ViewState *s, int i);

void view_message(ViewState *s, MessageKind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- what is on screen (for drawing and tests) ---- */

/* The current record of a (never NULL after view_init; ok may be false). */
const CachedRecord *view_current(const ViewState *s);
/* The current record as the trace holds it, every column, even while
 * the screen shows its top k (never NULL after view_init). */
const CachedRecord *view_current_full(const ViewState *s);
/* The compared record of b, or NULL when not comparing or b lacks it. */
const CachedRecord *view_current_b(const ViewState *s);
/* The block's mask when fetched, else NULL. */
const CachedRecord *view_mask(const ViewState *s);

/* The page of a record that shows the wanted head and batch (clamped). */
size_t view_page(const ViewState *s, const Record *r, const RecordPages *pg);
size_t view_page_at(const Record *r, const RecordPages *pg, uint32_t head, uint32_t batch);
/* The leading axis named name ("head", "batch") of r, or −1. */
int view_axis(const Record *r, const RecordPages *pg, const char *name);
/* The current number display: AUTO resolved for this record. */
bool view_numbers_on(const ViewState *s);
/* The colour scale of a record (shared by every head): palette_scale_for,
 * or stretched to the values' own range (the s key). */
Scale view_scale(const ViewState *s, const CachedRecord *c);
Scale view_scale_range(const ViewState *s, RecordKind kind, float min, float max);
/* How a trace is named on screen: a walk's run in words ("run: swapped —
 * 老鼠 追 猫"), after a re-run "the re-run" and "the first run" (whose
 * files are temporary), else its path. */
const char *view_trace_label(const ViewState *s, const TraceReader *r);
/* The name of record i of a. */
const char *view_name(const ViewState *s, uint32_t i);
/* For the outline: the name of record i of the trace behind ctx (a reader). */
const char *view_tree_name(const void *ctx, uint32_t i);

#endif

/* state.h — everything the viewer's screen shows, as plain data.
 *
 * The viewer follows ncdu's split: this state is the model; draw.h paints
 * it (draw(const ViewState *) never changes it) and keys.h changes it
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
#include "view/palette.h"
#include "view/search.h"
#include "view/tree.h"

#define VIEW_MIN_LINES 12
#define VIEW_MIN_COLS 44
#define VIEW_MAX_HEADS 64

/* The lesson's narration for a step, when the trace belongs to a lesson.
 * lookup returns the text for a record name, or NULL when the lesson says
 * nothing there; the text must outlive the viewer. Lessons fill this in;
 * without one, lookup is NULL and the info pane has no narration line. */
typedef struct {
    const char *(*lookup)(void *ctx, const char *record_name);
    void *ctx;
} ViewNarration;

/* Image export of one record (the `x` key). The caller decides how (the
 * command line passes plot_record through gnuplot); head and batch are the
 * page on screen, −1 for "the whole record" (the heads view). On success
 * `written` names the file. NULL fn: the key says export is unavailable. */
typedef struct {
    Status (*fn)(void *ctx, const TraceReader *r, uint32_t index, int head, int batch, char *written,
                 size_t cap, Error *err);
    void *ctx;
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
    ViewExport export;
    ViewTheme theme;
    int lines, cols;        /* screen size */
} ViewConfig;

typedef enum { FOCUS_MATRIX, FOCUS_STEPS } ViewFocus;
typedef enum { NUMBERS_AUTO, NUMBERS_ON, NUMBERS_OFF } NumberMode;
typedef enum { TREE_FOLLOW, TREE_ALL, TREE_MANUAL } TreeMode;
typedef enum { PENDING_NONE, PENDING_EXPORT } ViewPending;
typedef enum { MSG_NONE, MSG_NOTICE, MSG_ERROR } MessageKind;

/* Per head, from the block's attention weights (heads view). */
typedef struct {
    double entropy_bits;    /* mean row entropy */
    double distance;        /* mean Σ w·|i − j| */
} HeadStats;

typedef struct {
    /* what is open */
    TraceReader *a, *b;
    uint32_t count;                 /* records in a */
    StepTree tree;
    RecordCache cache;
    ViewTheme theme;
    ViewNarration narration;
    ViewExport export;

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
    ViewFocus focus;
    TreeMode tree_mode;
    uint32_t tree_node;             /* node of the steps cursor (focus steps) */
    uint32_t tree_top;              /* first visible row of the steps pane */
    bool searching;
    Search search;

    /* derived by view_sync */
    CompareStats cmp;               /* when compare and b has the record */
    HeadStats head_stats[VIEW_MAX_HEADS];
    int n_head_stats;

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
void view_step_layer(ViewState *s, int delta);  /* } / { : same kind, next layer */
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
void view_perform_pending(ViewState *s);        /* runs the export; sets the message */

void view_message(ViewState *s, MessageKind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- what is on screen (for drawing and tests) ---- */

/* The current record of a (never NULL after view_init; ok may be false). */
const CachedRecord *view_current(const ViewState *s);
/* The compared record of b, or NULL when not comparing or b lacks it. */
const CachedRecord *view_current_b(const ViewState *s);
/* The block's mask / weights when fetched, else NULL. */
const CachedRecord *view_mask(const ViewState *s);
const CachedRecord *view_weights(const ViewState *s);

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
Scale view_scale_range(const ViewState *s, const char *kind, float min, float max);
/* The name of record i of a. */
const char *view_name(const ViewState *s, uint32_t i);
/* For the outline: the name of record i of the trace behind ctx (a reader). */
const char *view_tree_name(const void *ctx, uint32_t i);

#endif

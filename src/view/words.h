/* words.h — the viewer's own words in each language it speaks, and
 * those of the printed lesson walk (`lesson N --walk`, `--check`).
 *
 * When a lesson's narration is Chinese the frame around it is too: the
 * keys line, the pane titles, the info pane's headings, the claims panel.
 * One table holds every such word or sentence, keyed by Word, so a missing
 * translation is one empty cell to find, not a ternary in some draw
 * function. Chinese uses the terms of the lessons (词元, 因果掩码, 填充掩码,
 * 位置编码, 残差连接 ...).
 *
 * A few entries are printf formats (marked "fmt" below); both languages
 * take the same conversions in the same order (tests/unit/test_view_text.c
 * checks). */
#ifndef TF_VIEW_WORDS_H
#define TF_VIEW_WORDS_H

#include "view/state.h"

typedef enum {
    /* the narration pane */
    WORD_INTRO_TITLE,     /* " introduction (I: back to the step) " */
    WORD_NARRATION,       /* " narration " */
    WORD_LESSON_STEPS,    /* fmt %d: the lesson's step count */
    WORD_LESSON_STEP,     /* fmt %d %d: step, of steps */
    WORD_OFF_PATH,        /* fmt %d %d */
    WORD_NO_NARRATION,    /* fmt %s: record */
    WORD_NO_NARRATION_GUIDE, /* fmt %s %d: record, step */
    WORD_FALLBACK,        /* the narration is English for want of Chinese */
    WORD_MORE,            /* " J more " */
    WORD_BACK,            /* " K back " */
    WORD_CLAIMS_PASS_FOOT, /* fmt %d %d: passed, of */
    WORD_FOOT,            /* "C checks the claims · ..." */
    WORD_FOOT_FIXED,      /* the same when T is refused */
    /* the claims panel */
    WORD_CLAIMS_TITLE,    /* fmt %d %d: passed, of */
    WORD_PASS,            /* six columns */
    WORD_FAIL,            /* six columns */
    WORD_MEASURED,        /* fmt %s */
    WORD_CLAIMS_HINT,
    WORD_FACTS_HEADER,    /* above the facts in the claims panel */
    /* a lesson's questions (quiz.c): the pane, the prompt, the messages */
    WORD_Q_HEADING,       /* fmt %d %d: the question's number, of */
    WORD_Q_ANSWER_FIRST,
    WORD_Q_HOW_CHOOSE, WORD_Q_HOW_NUMBER, WORD_Q_HOW_ORDER, WORD_Q_HOW_SWITCH,
    WORD_Q_HINT,          /* fmt %s */
    WORD_Q_RIGHT, WORD_Q_WRONG, WORD_Q_SKIPPED,
    WORD_Q_YOU_SAID,      /* fmt %s */
    WORD_Q_EXPECTED,      /* fmt %s */
    WORD_Q_CHANGES,       /* fmt %s: the switches, in words */
    WORD_Q_WHY,
    WORD_Q_UNAVAILABLE,   /* fmt %s: why */
    WORD_Q_HIDDEN_TITLE,
    WORD_Q_HIDDEN,
    WORD_Q_PROMPT_CHOOSE, WORD_Q_PROMPT_NUMBER, WORD_Q_PROMPT_ORDER, WORD_Q_PROMPT_SWITCH,
    WORD_Q_KEYS_CHOOSE, WORD_Q_KEYS,
    WORD_Q_SCORE,         /* fmt %d %d: right, of */
    WORD_KEY_ANSWER,      /* the status line's "Enter" at a question waiting for its answer */
    WORD_MSG_Q_RIGHT,     /* fmt %s: the answer */
    WORD_MSG_Q_WRONG,     /* fmt %s %s: said, expected */
    WORD_MSG_Q_SKIPPED,   /* fmt %s: expected */
    WORD_MSG_Q_UNREADABLE,  /* fmt %s: why */
    WORD_MSG_Q_LATER,
    WORD_MSG_Q_NONE,
    WORD_MSG_Q_DONE,
    WORD_MSG_Q_NO_HINT,
    WORD_MSG_Q_FIRST,     /* an export asked for while the numbers wait for an answer */
    WORD_MSG_LESSON_END,  /* fmt %d %d %d %d: steps, right, questions, skipped */
    /* the status line */
    WORD_STATUS_HELP,
    WORD_STATUS_CLAIMS,
    WORD_RECORD_OF,       /* fmt %u %u: the title bar's record position */
    WORD_GREETING,        /* fmt %d %s: a lesson's first message: steps, WORD_GREETING_INTRO or "" */
    WORD_GREETING_INTRO,
    WORD_EDIT_SOURCE,     /* "source> " */
    WORD_EDIT_TARGET,
    WORD_EDIT_HINT,
    WORD_KEY_LESSON_STEP, WORD_KEY_EDIT, WORD_KEY_CAUSAL, WORD_KEY_RESIDUAL, WORD_KEY_CLAIMS,
    WORD_KEY_STEPS, WORD_KEY_FOLD, WORD_KEY_MATRIX, WORD_KEY_STEP, WORD_KEY_CELL, WORD_KEY_HEAD,
    WORD_KEY_LAYER, WORD_KEY_SENTENCE, WORD_KEY_FIND, WORD_KEY_ONE_HEAD, WORD_KEY_HEADS,
    WORD_KEY_ALL_COLUMNS, WORD_KEY_TOP_TOKENS,
    WORD_KEY_ONE_RUN, WORD_KEY_COMPARE, WORD_KEY_NUMBERS, WORD_KEY_MASK, WORD_KEY_EXPORT,
    WORD_KEY_HELP, WORD_KEY_QUIT,
    /* the info pane: headings (at most 8 columns) and its sentences */
    WORD_INFO, WORD_NAME, WORD_SHAPE, WORD_CURSOR, WORD_FORMULA, WORD_WHAT, WORD_VALUES,
    WORD_A_VS_B, WORD_SOURCE, WORD_RECORD, WORD_ERROR,
    WORD_EXEC_KIND,       /* fmt %u %s: "   exec index 3, kind weights" */
    WORD_SHOWING,         /* fmt %s */
    WORD_MIN_MAX_MEAN,    /* fmt %s %s %.4g */
    WORD_NO_FINITE,
    WORD_POOL_MEAN,       /* fmt %u %u %s */
    WORD_ROW_SUM,         /* fmt %.6g */
    WORD_QK_SOURCES,      /* fmt %s %s: queries from, keys and values from */
    WORD_B_MISSING,       /* fmt %s %s */
    WORD_B_UNREADABLE,    /* fmt %s */
    WORD_B_OTHER_SHAPE,   /* fmt %s %s: record, B's shape */
    WORD_B_IDENTICAL,
    WORD_B_DIFFER,        /* fmt %zu %zu %.4g */
    WORD_PAIRED,          /* the label: how B's cells were paired with A's */
    WORD_PAIRED_BOTH, WORD_PAIRED_ROWS, WORD_PAIRED_COLS,
    WORD_PAIRED_BY_POSITION,  /* fmt %s: why not by token */
    /* a run's settings line (the lesson adapter's describe) */
    WORD_CAUSAL_MASK, WORD_PADDING_MASK, WORD_POSITIONS, WORD_RESIDUAL, WORD_SOURCE_SENTENCE,
    WORD_TARGET_SENTENCE, WORD_ON, WORD_OFF, WORD_YOU_CHANGED, WORD_CHANGED_END, WORD_LIST_SEP,
    WORD_SETTING_SEP, WORD_SCALE, WORD_TEMPERATURE, WORD_ABLATED, WORD_KV_CACHE, WORD_HEAD_COUNT,
    WORD_NORM_PLACEMENT, WORD_WARMUP,
    /* the printed walk and check (`traceformer lesson N --walk|--check`) */
    WORD_WALK_TITLE,      /* fmt %d: "Lesson 3: " */
    WORD_CHECK_TITLE,     /* fmt %d: "lesson 3: " */
    WORD_WALK_STEP,       /* fmt %d %d: "── step 3 of 16: " */
    WORD_WALK_VS,         /* " vs @": the run a step compares with follows */
    WORD_WALK_SEE,        /* fmt %d %d: how to see the matrices, the lesson twice */
    WORD_WALK_CLAIMS,     /* "── claims" */
    WORD_VERDICT_PASS,    /* a claim's verdict and the space after it */
    WORD_VERDICT_FAIL,    /* the same width as WORD_VERDICT_PASS */
    WORD_VERDICT_INDENT,  /* spaces as wide as a verdict */
    WORD_WALK_MEASURED,   /* "measured: " */
    WORD_CLAIMS_HOLD,     /* fmt %d %d: held, of */
    /* the same for facts (sanity checks, never counted as claims) and for
     * claims skipped on a student's sentence */
    WORD_VERDICT_SKIP,    /* the width of WORD_VERDICT_PASS */
    WORD_WALK_FACTS,      /* the heading above the facts */
    WORD_FACTS_HOLD,      /* fmt %d %d: held, of */
    WORD_CLAIMS_HOLD_SKIPPED, /* fmt %d %d %d: held, of, skipped */
    WORD_FACTS_HOLD_SKIPPED,  /* fmt %d %d %d: held, of, skipped */
    WORD_ABOUT_OWN_SENTENCE,  /* why a claim was skipped */
    /* lesson N --breaks (cli/breaks_matrix.c) */
    WORD_BREAKS_SWITCHES,     /* the heading of the list of columns */
    WORD_BREAKS_NO_EFFECT,    /* a column whose traces came out as the lesson's */
    WORD_BREAKS_NA,           /* a column the model refuses: the reason follows */
    WORD_BREAKS_NAMED,        /* a column a claim's breaks = names */
    WORD_BREAKS_LESSON,       /* the column of the lesson's own runs */
    WORD_BREAKS_CLAIM,        /* a row: "claim ID" */
    WORD_BREAKS_FACT,         /* a row: "fact ID" */
    WORD_CELL_HOLDS,
    WORD_CELL_FAILS,
    WORD_CELL_ERROR,
    WORD_CELL_SKIP,
    WORD_CELL_NA,
    WORD_BREAKS_LEGEND,       /* what the cells and ! mean */
    WORD_BREAKS_SUMMARY,      /* fmt %d ×7 %s: lesson, claims, broken, facts, questions, differ, errors, then */
    WORD_BREAKS_OWN_FAIL,     /* that then: the lesson's own runs fail a claim */
    WORD_BREAKS_QUESTION,     /* a row: "question ID" */
    WORD_CELL_SAME,           /* a question's answer as on the lesson's runs */
    WORD_CELL_DIFFERS,        /* ... or another */
    WORD_CELL_MEASURED,       /* a question's answer measured on the lesson's runs */
    WORD_BREAKS_Q_LEGEND,     /* what a question's cells and ! mean */
    /* the help screen */
    WORD_STEPS_PANE,      /* fmt %u: the steps pane's title, its record count */
    WORD_HELP_TITLE, WORD_HELP_REFUSED, WORD_HELP_MOUSE, WORD_HELP_GLOSSARY,
    WORD_HELP_LINES,      /* fmt %d %d %d: first, last, of */
    /* the matrix pane's titles and legend; the status line's messages */
    WORD_MODE_HEADS,
    WORD_MODE_COMPARE,
    WORD_LEGEND_MASKED,
    WORD_LEGEND_HIDDEN,
    WORD_WIN_HEADS,  /* fmt %d %u %u %s */
    WORD_WIN_POOLED,
    WORD_WIN_MEAN,  /* fmt %u x8 */
    WORD_WIN_PART,  /* fmt %u x6 */
    WORD_WIN_ALL,  /* fmt %u %u */
    WORD_WIN_TOPK,  /* fmt %u %u %u %u %u: rows, then k of n tokens */
    WORD_TOPK_SHOWN,  /* fmt %u %u %u: k of n, ranked by row */
    WORD_TOPK_RANK,  /* fmt %u %u: id, rank (1 = best) */
    WORD_TOPK_SHOWN_ONE,  /* fmt %u %u: k of n, a record of one row */
    WORD_TARGET,          /* heading: the token a row should predict */
    WORD_CHOSEN,          /* heading: the token a generation step chose */
    WORD_TARGET_LINE,     /* fmt %s %u %u %u %s: token, id, rank, of n, value */
    WORD_MSG_ALL_COLUMNS,  /* fmt %u */
    WORD_MSG_TOPK,  /* fmt %u %u */
    WORD_MSG_TOPK_FITS,  /* fmt %u */
    WORD_MSG_TOPK_WHERE,
    WORD_HEAD_N,  /* fmt %d */
    WORD_HEAD_NO_FINITE,  /* fmt %d */
    WORD_HEAD_MIN_MAX,  /* fmt %d %.3g %.3g */
    WORD_HEAD_ENTROPY,  /* fmt %d %.2f %.2f */
    WORD_HEAD_ENTROPY_SHORT,  /* fmt %d %.2f %.2f */
    WORD_MSG_FIRST_RECORD,
    WORD_MSG_LAST_RECORD,  /* fmt %u */
    WORD_MSG_NO_LAYER,  /* fmt %s */
    WORD_MSG_LAYER_0,  /* fmt %s */
    WORD_MSG_NUMBERS,  /* fmt %s: on or off */
    WORD_MSG_MASK_OVERLAY,  /* fmt %s: WORD_MSG_MASK_ON or _OFF */
    WORD_MSG_MASK_ON,
    WORD_MSG_MASK_OFF,
    WORD_MSG_STRETCHED,
    WORD_MSG_UNIT_SCALE,
    WORD_MSG_LESSON_FIRST,
    WORD_MSG_LESSON_LAST,  /* fmt %d %s: steps, WORD_MSG_C_CHECKS or "" */
    WORD_MSG_C_CHECKS,
    WORD_MSG_PASSED_OVER,  /* fmt %d %s */
    WORD_MSG_NARRATION_IN,  /* fmt %s */
    WORD_MSG_NARR_END,
    WORD_MSG_NARR_START,
    WORD_MSG_EDIT_CANCELLED,
    WORD_MSG_UNCHANGED,
    WORD_MSG_CHECKING,
    WORD_MSG_RERUNNING,  /* fmt %s: one of WORD_WHAT_* */
    WORD_MSG_ABLATE_WHERE,
    WORD_MSG_NO_CLAIMS,
    WORD_MSG_CLAIMS_PASS,  /* fmt %d %d */
    WORD_MSG_RERAN,  /* fmt %s %s %d %d */
    WORD_MSG_COLON,
    WORD_WHAT_SOURCE,
    WORD_WHAT_TARGET,
    WORD_WHAT_CAUSAL,
    WORD_WHAT_PADDING,
    WORD_WHAT_POSITIONS,
    WORD_WHAT_RESIDUAL,
    WORD_WHAT_SCALE,
    WORD_WHAT_TEMPERATURE,
    WORD_WHAT_ABLATE,
    WORD_WHAT_CACHE,
    WORD_WHAT_HEADS,
    WORD_WHAT_NORM,
    WORD_WHAT_WARMUP,
    WORD_WHAT_NOTHING,
    WORD_MSG_NOT_A_KEY,  /* fmt %c */
    WORD_MSG_TOO_LONG,
    /* a lesson's re-runs (cli/lesson_view.c): the title, refusals, errors */
    WORD_LV_NO_GENERATION,
    WORD_LV_EMPTY,  /* fmt %s: WORD_LV_SOURCE or _TARGET */
    WORD_LV_NOT_UTF8,  /* fmt %s */
    WORD_LV_SOURCE,
    WORD_LV_TARGET,
    WORD_LV_UNKNOWN_ONE,  /* fmt %s */
    WORD_LV_UNKNOWN_MANY,  /* fmt %s */
    WORD_LV_IT_KNOWS,  /* fmt %.200s */
    WORD_LV_WHICH_HEAD,
    WORD_LV_POSITIONS_FIXED,  /* fmt %.100s %s %s: file, encoding, WORD_LV_POSITIONS_SUFFIX or "" */
    WORD_LV_NO_POSITIONS,
    WORD_LV_POSITIONS_SUFFIX,
    WORD_LV_NOT_CHECKED,
    /* more of the status line, the compare panes and the jump prompt */
    WORD_MSG_EXPORTING,  /* fmt %s */
    WORD_MSG_NO_EXPORT,
    WORD_MSG_EXPORT_UNREADABLE,
    WORD_MSG_WROTE,  /* fmt %s */
    WORD_MSG_EXPORT_FAILED,  /* fmt %s %s %s: message, separator, hint */
    WORD_MSG_STEPS_WIDER,  /* fmt %s: WORD_MSG_COLS_BESIDE or "80" */
    WORD_MSG_COLS_BESIDE,
    WORD_MSG_NO_COMPARE_RUN,  /* fmt %d %s */
    WORD_MSG_COMPARE_RUN_UNREADABLE,  /* fmt %d %s */
    WORD_MSG_NO_INTRO,
    WORD_MSG_NO_STEPS,
    WORD_MSG_RERUN_FAILED,
    WORD_MSG_NO_HEAD_AXIS,  /* fmt %s: the record */
    WORD_MSG_NO_BATCH_AXIS,  /* fmt %s: the record */
    WORD_MSG_LAST_LAYER,  /* fmt %s %ld */
    WORD_MSG_FIRST_LAYER,  /* fmt %s %ld */
    WORD_MSG_NO_RECORD_NEAR,  /* fmt %s %s */
    WORD_MSG_NO_RECORD,  /* fmt %s */
    WORD_MSG_HEADS_FIT,
    WORD_MSG_ALL_IN_VIEW_ZOOM,
    WORD_MSG_ONE_TO_ONE,
    WORD_MSG_ALL_IN_VIEW,
    WORD_MSG_NO_MASK,
    WORD_MSG_MASK_WHERE,
    WORD_MSG_NO_HEADS_VIEW,  /* fmt %s */
    WORD_MSG_NOT_IN_B,  /* fmt %s %s */
    WORD_MSG_TREE_ALL,
    WORD_MSG_TREE_FOLLOW,
    WORD_MSG_NO_RUN,  /* fmt %s */
    WORD_MSG_RUN_UNREADABLE,  /* fmt %s %s */
    WORD_MSG_NEW_RUN_UNREADABLE,  /* fmt %s */
    WORD_NOTE_UNREADABLE,
    WORD_NOTE_NOT_IN_B,
    WORD_NOTE_B_UNREADABLE,
    WORD_NOTE_NOTHING_TO_SUBTRACT,
    WORD_NOTE_SHAPES_DIFFER,  /* fmt %s %s */
    WORD_SEARCH_NONE,
    WORD_SEARCH_COUNT,  /* fmt %u %s: count, "es" or "" (English plural) */
    /* training traces: snapshots (} {) and curves */
    WORD_TRAIN_STEP_OF,  /* fmt %ld %ld: the title bar on a snapshot: S, the last S */
    WORD_KEY_SNAPSHOT,  /* the status line's "}/{" on a snapshot */
    WORD_MSG_LAST_SNAPSHOT,  /* fmt %s %ld: family, S */
    WORD_MSG_FIRST_SNAPSHOT,  /* fmt %s %ld: family, S */
    WORD_MSG_NO_SNAPSHOT,  /* fmt %s: the record */
    WORD_CURVE_TITLE,  /* fmt %s: a curve's panel title: its axis ("step") */
    WORD_WIN_ROWS,  /* fmt %u %u %u: a column curve's window: first, last row, rows */
    WORD_WIN_ROWS_MEAN,  /* fmt %u %u %u %u: the same, each row the mean of that many */
    /* presentation mode (present.h): its status line */
    WORD_PRESENT_LESSON,  /* fmt %d: "lesson 7" */
    WORD_PRESENT_STEP,    /* fmt %d %d: step, of steps */
    WORD_PRESENT_OFF,     /* fmt %d %d: the step left, of steps */
    WORD_PRESENT_STEPS,   /* fmt %d: steps (before the first) */
    WORD_PRESENT_INTRO,   /* the introduction is shown */
    WORD_PRESENT_NEXT,    /* after "N" */
    WORD_PRESENT_BACK,    /* after "P" */
    WORD_MSG_PRESENT_LESSON,  /* the key outside a lesson */
    WORD_COUNT
} Word;

/* The word in lang; English when lang has none. Never NULL. */
const char *view_word(ViewLang lang, Word w);

/* The language a --lang code names: "zh" is Chinese; anything else,
 * NULL included, English. */
ViewLang view_lang(const char *code);

/* snprintf into buf (cap bytes) with word w in lang as the format, for the
 * words marked "fmt" above; returns what snprintf returns. The compiler
 * cannot check a format chosen at run time, so this is the one place the
 * viewer formats with one: the arguments are those the word's comment
 * names, and test_view_text checks that every language's text takes the
 * same conversions in the same order. */
int view_format(char *buf, size_t cap, ViewLang lang, Word w, ...);

/* view_message with word w in the viewer's language as the format (the
 * arguments those the word's comment names). */
void view_say(ViewState *s, MessageKind kind, Word w, ...);

/* A positional encoding's configuration name ("sinusoidal") in lang. */
const char *view_word_positions(ViewLang lang, const char *name);

/* The settings line of the run on screen in the viewer's language. */
const char *view_run_settings(const ViewState *s);

#endif

/* lesson_view.h — a lesson in the viewer: `traceformer lesson N` in a
 * terminal.
 *
 * The viewer (src/view) knows nothing of lessons; this file is the adapter
 * between the two. It runs the lesson (lesson_run) into a private
 * temporary directory, opens the viewer on the main run's trace at the
 * lesson's first step, and hands the viewer
 *   - the narration (lesson.md / lesson.zh.md, reflowed into paragraphs),
 *     the ordered steps with their notes, and the title, in English or
 *     简体中文 (the viewer's L key switches);
 *   - a re-run hook: an edited source or target sentence, the causal or the
 *     padding mask toggled, the residual connections toggled, the next
 *     positional encoding — each runs the lesson again with that override
 *     (lesson_run), re-checks its claims (lesson_check) and gives the
 *     viewer the new trace and the results. In a lesson with trained
 *     weights the hook refuses the positional encoding up front (the
 *     weights were made with one), and the viewer says so without running.
 * The temporary directory is removed when the viewer closes. */
#ifndef TF_CLI_LESSON_VIEW_H
#define TF_CLI_LESSON_VIEW_H

#include "lesson/lesson.h"
#include "view/state.h"

/* Open lesson l in the viewer. lang is "en" or "zh" (NULL: "en"), the
 * narration's first language; plots_dir is where the viewer's x key writes
 * images (NULL: "plots"); present: open in presentation mode (view/present.h).
 *
 * Standard input and output must be a terminal: when they are not, this
 * says so on stderr (with a hint: `traceformer lesson N --check`, or
 * `--plot DIR`) and returns 2 without running anything. Errors go to
 * stderr as "traceformer: ..." lines. Returns the exit code: 0 after q,
 * 1 for a runtime failure, 2 for bad input, 128 + signal when a signal
 * ended the viewer.
 *
 * cmd_lesson.c calls it for `traceformer lesson N [--lang zh]` when
 * neither --list, --check nor --plot is given:
 *     return lesson_view_open(lesson, lang, NULL, present);   (then lesson_free) */
int lesson_view_open(const Lesson *l, const char *lang, const char *plots_dir, bool present);

/* The same without a terminal: run the lesson into its private directory
 * and fill *cfg for view_init / view_run (its traces, hooks and strings
 * live until lesson_view_free, which also removes the directory). The
 * tests walk every lesson through the state API with it. */
typedef struct LessonView LessonView;
Status lesson_view_prepare(LessonView **out, const Lesson *l, const char *lang, const char *plots_dir,
                           ViewConfig *cfg, Error *err);
void lesson_view_free(LessonView *lv);

#endif

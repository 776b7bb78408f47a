/* curve.h — a training curve on screen: a column, one row per step.
 *
 * A curve (kind curve, src/trace/FORMAT.md "Training": train.loss
 * [step=N] and the like, N up to thousands) has one axis. Read as every
 * record is read (its last axis across the screen) it would be a single
 * row thousands of cells wide: a strip of colour with no number in it,
 * eighty steps to a screen, its step labels running into each other. What
 * a student asks of a loss curve is its shape (does it fall, where does it
 * level off, does it jump) and its value at a given step. So the viewer
 * turns a one-axis curve on its side: a column with one row per step,
 * labelled with the step (the record's labels, "1", "2", ...), the value
 * printed in its cell and a bar as long as the value beside it. Reading
 * down the bars is reading along training; j, k and PgDn walk the steps
 * with the value under the cursor in the info pane; `-` and `z` average
 * runs of steps into one row (a mean, so the numbers go and the bars
 * stay), until the whole run fits one screen. A curve with a second axis
 * (train.grad_norm.parts [step, part]) already has a row per step and is
 * shown as any matrix is, with numbers whenever its columns fit.
 *
 * Only the viewer reads a curve this way: the record, its shape and its
 * exports are unchanged. */
#ifndef TF_VIEW_CURVE_H
#define TF_VIEW_CURVE_H

#include <stdbool.h>

#include "core/record.h"
#include "trace/export.h"
#include "trace/trace.h"
#include "view/numfmt.h"
#include "view/stats.h"

/* Is r a curve with one axis, shown as a column? */
bool curve_is_column(const Record *r);

/* Is r a curve (any number of axes): its rows are read one at a time, like
 * a table, so numbers are shown whenever its columns fit across? */
bool curve_is_curve(const Record *r);

/* The pages of r as the viewer shows them: export_pages_of, except that a
 * one-axis curve is one page of N rows and one column (row_axis and
 * col_axis both 0; its labels label the rows). The values' layout is the
 * same either way, so export_pages_data reads it unchanged. */
void curve_pages_of(const Record *r, RecordPages *pg);

/* The numbers of a column curve's cells. A column has room across, and a
 * curve is read for its values (a learning rate of 0.0013 must not read
 * 0.00): four significant digits of its largest magnitude, so every row
 * has the same decimals and the points line up; no decimals when every
 * value is whole (whole: train.eval.step's 0, 20, 40); beyond 9999 as
 * any record (numfmt_for). */
NumberFormat curve_numfmt(const ValueStats *st, bool whole);

/* Is every finite value of the n values x a whole number? */
bool curve_values_whole(const float *x, size_t n);

/* A training trace's curves carry no labels; FORMAT.md ("Training") says
 * what their index counts: index i of a `step` curve is update i + 1, an
 * `eval` curve's steps are the values of train.eval.step and a `length`
 * curve's lengths those of train.lengths.length. Shown as indices, the
 * loss of update 1 would sit on a row labelled 0 and the evaluation after
 * 40 updates on row 2; so the viewer labels the rows the way the format
 * reads them. For a curve r (one axis, or [step, part]) whose first axis
 * has no labels, that axis's labels as one allocation (the pointers, then
 * their text: one free), taken from reader's axis record where the axis
 * needs one; NULL when the axis has labels, r is no such curve, its axis
 * is another, or its axis record is missing or of another length (the
 * rows then show their indices). */
const char **curve_axis_labels(const TraceReader *reader, const Record *r);

/* The label of row i of a column curve (its step), or NULL. */
const char *curve_row_label(const Record *r, uint32_t i);

#endif

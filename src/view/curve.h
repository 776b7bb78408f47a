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

/* The label of row i of a column curve (its step), or NULL. */
const char *curve_row_label(const Record *r, uint32_t i);

#endif

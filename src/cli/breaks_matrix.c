/* breaks_matrix.c — printing `traceformer lesson N --breaks`: the matrix of
 * claims and facts × switches (lesson_breaks computes it), with every cell
 * that is not as the lesson declares marked, and the counts a reader (or a
 * test) needs.
 *
 *   lesson 7: The two masks: causal and padding
 *   switches (each as --check --SWITCH VALUE sets it: ...):
 *     1  causal-mask=off    decoder self-attention sees later positions
 *     ...
 *                          lesson  1      2      5
 *   claim padding_zero     holds   holds  FAILS  holds
 *   fact  rows_sum_to_one  holds   holds  holds  holds
 *
 * A column whose switch changed nothing, or which the model refuses, is
 * listed but not drawn, unless a claim declares it (then its cells say
 * "—" or "n/a", marked). */
#include <stdio.h>
#include <string.h>

#include "cli/breaks_matrix.h"
#include "lesson/switches.h"
#include "text/printable.h"

enum { CELL_WIDTH = 8 };

static bool drawn(const LessonBreaks *b, int col)
{
    if (b->cols[col].state == BREAKS_RAN)
        return true;
    for (int r = 0; r < b->n_rows; r++)
        if (b->declared[(size_t)r * (size_t)b->n_cols + (size_t)col])
            return true;
    return false;
}

static const char *cell_word(const LessonBreaks *b, int row, int col)
{
    const ClaimResult *c = &b->cells[(size_t)row * (size_t)b->n_cols + (size_t)col];
    if (b->cols[col].state == BREAKS_NO_EFFECT)
        return "—";
    if (b->cols[col].state == BREAKS_REFUSED)
        return "n/a";
    return c->skipped ? "skip" : c->error ? "error" : c->pass ? "holds" : "FAILS";
}

/* Print s and pad to width columns (s is ASCII or one "—"). */
static void cell(const char *s, bool mark, int width)
{
    int shown = strcmp(s, "—") == 0 ? 1 : (int)strlen(s);
    printf("%s%s", s, mark ? "!" : "");
    shown += mark;
    for (; shown < width; shown++)
        putchar(' ');
}

int breaks_matrix_print(const Lesson *l, const LessonBreaks *b)
{
    int id_width = 0;
    int n_facts = 0, n_claims = 0;
    for (int r = 0; r < b->n_rows; r++) {
        const int w = (int)strlen(b->base[r].id);
        id_width = w > id_width ? w : id_width;
        n_facts += b->base[r].fact;
        n_claims += !b->base[r].fact;
    }
    id_width += 6 + 2;  /* "claim " and a gap */

    puts("switches (each as --check --SWITCH VALUE sets it: for every run that does not set it itself):");
    for (int c = 0; c < b->n_cols; c++) {
        const BreaksColumn *col = &b->cols[c];
        char label[128];
        snprintf(label, sizeof label, "%s=%s", lesson_switches[col->sw].name, col->value);
        printf("  %2d  ", c + 1);
        printable_fputs(label, stdout, false);
        for (int w = (int)strlen(label); w < 28; w++)
            putchar(' ');
        if (col->state == BREAKS_NO_EFFECT)
            fputs("— no effect: every trace as without it", stdout);
        else if (col->state == BREAKS_REFUSED) {
            fputs("n/a: ", stdout);
            printable_fputs(col->why, stdout, false);
        } else if (col->declared_only)
            fputs("(named by a claim's breaks =)", stdout);
        else
            fputs(lesson_switches[col->sw].breaks, stdout);
        putchar('\n');
    }

    int last = -1;  /* the last column drawn: no padding after it */
    for (int c = 0; c < b->n_cols; c++)
        last = drawn(b, c) ? c : last;
    printf("\n%*s", id_width, "");
    cell("lesson", false, last < 0 ? 0 : CELL_WIDTH);
    for (int c = 0; c < b->n_cols; c++)
        if (drawn(b, c)) {
            char num[8];
            snprintf(num, sizeof num, "%d", c + 1);
            cell(num, false, c == last ? 0 : CELL_WIDTH);
        }
    putchar('\n');
    for (int r = 0; r < b->n_rows; r++) {
        const ClaimResult *base = &b->base[r];
        int w = printf("%s %s", base->fact ? "fact " : "claim", base->id);
        for (; w < id_width; w++)
            putchar(' ');
        cell(base->skipped ? "skip" : base->error ? "error" : base->pass ? "holds" : "FAILS", !base->pass,
             last < 0 ? 0 : CELL_WIDTH);
        for (int c = 0; c < b->n_cols; c++)
            if (drawn(b, c))
                cell(cell_word(b, r, c), lesson_breaks_differs(b, r, c), c == last ? 0 : CELL_WIDTH);
        putchar('\n');
    }

    int base_failed = 0;
    for (int r = 0; r < b->n_rows; r++)
        base_failed += !b->base[r].pass;
    printf("\nlesson: its own runs. FAILS: the claim fails under that switch. ! marks a cell not as declared:\n"
           "a claim fails only under the switches its breaks = names, a fact under none. skip: a claim about\n"
           "the lesson's own sentence, on another.\n");
    printf("lesson %d: %d claims, %d broken by a switch they declare; %d facts; %d cells not as declared; "
           "%d errors%s\n",
           lesson_number(l), n_claims, b->n_broken_claims, n_facts, b->n_differ + base_failed, b->n_errors,
           base_failed ? "; the lesson's own runs fail some" : "");
    return b->n_differ || b->n_errors || base_failed ? 1 : 0;
}

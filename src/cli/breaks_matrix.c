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
 *   question busiest_key   ok      same   differs same
 *
 * A column whose switch changed nothing, or which the model refuses, is
 * listed but not drawn, unless a claim declares it (then its cells say
 * "—" or "n/a", marked). */
#include <stdio.h>
#include <string.h>

#include "cli/breaks_matrix.h"
#include "lesson/switches.h"
#include "text/printable.h"
#include "text/utf8.h"
#include "view/words.h"

enum { CELL_MIN_WIDTH = 8 };

static bool drawn(const LessonBreaks *b, int col)
{
    if (b->cols[col].state == BREAKS_RAN)
        return true;
    for (int r = 0; r < b->n_rows; r++)
        if (b->declared[(size_t)r * (size_t)b->n_cols + (size_t)col])
            return true;
    return false;
}

/* A cell's word; "—" (no word in any language) where the switch changed nothing. */
static const char *cell_word(const LessonBreaks *b, int row, int col, ViewLang g)
{
    const ClaimResult *c = &b->cells[(size_t)row * (size_t)b->n_cols + (size_t)col];
    if (b->cols[col].state == BREAKS_NO_EFFECT)
        return "—";
    if (b->cols[col].state == BREAKS_REFUSED)
        return view_word(g, WORD_CELL_NA);
    return view_word(g, c->skipped ? WORD_CELL_SKIP : c->error ? WORD_CELL_ERROR
                        : c->pass  ? WORD_CELL_HOLDS : WORD_CELL_FAILS);
}

static Word verdict(const ClaimResult *r)
{
    return r->skipped ? WORD_CELL_SKIP : r->error ? WORD_CELL_ERROR : r->pass ? WORD_CELL_HOLDS : WORD_CELL_FAILS;
}

/* Print s, a mark when asked, and pad to width terminal columns (s's
 * own width counted as a terminal shows it: 成立 takes four). */
static void cell(const char *s, bool mark, int width)
{
    int shown = utf8_width(s);
    printf("%s%s", s, mark ? "!" : "");
    for (shown += mark; shown < width; shown++)
        putchar(' ');
}

int breaks_matrix_print(const Lesson *l, const LessonBreaks *b, const char *lang)
{
    const ViewLang g = view_lang(lang);
    int kind_width = utf8_width(view_word(g, WORD_BREAKS_CLAIM)) > utf8_width(view_word(g, WORD_BREAKS_FACT))
                         ? utf8_width(view_word(g, WORD_BREAKS_CLAIM))
                         : utf8_width(view_word(g, WORD_BREAKS_FACT));
    if (b->n_qrows && utf8_width(view_word(g, WORD_BREAKS_QUESTION)) > kind_width)
        kind_width = utf8_width(view_word(g, WORD_BREAKS_QUESTION));
    int id_width = 0;
    int n_facts = 0, n_claims = 0;
    for (int r = 0; r < b->n_rows; r++) {
        const int w = (int)strlen(b->base[r].id);
        id_width = w > id_width ? w : id_width;
        n_facts += b->base[r].fact;
        n_claims += !b->base[r].fact;
    }
    for (int r = 0; r < b->n_qrows; r++) {
        const int w = (int)strlen(lesson_question(l, b->qrow[r])->id);
        id_width = w > id_width ? w : id_width;
    }
    id_width += kind_width + 1 + 2;  /* "claim " and a gap */

    puts(view_word(g, WORD_BREAKS_SWITCHES));
    for (int c = 0; c < b->n_cols; c++) {
        const BreaksColumn *col = &b->cols[c];
        char label[128];
        snprintf(label, sizeof label, "%s=%s", lesson_switches[col->sw].name, col->value);
        printf("  %2d  ", c + 1);
        printable_fputs(label, stdout, false);
        for (int w = (int)strlen(label); w < 28; w++)
            putchar(' ');
        if (col->state == BREAKS_NO_EFFECT)
            fputs(view_word(g, WORD_BREAKS_NO_EFFECT), stdout);
        else if (col->state == BREAKS_REFUSED) {
            fputs(view_word(g, WORD_BREAKS_NA), stdout);
            printable_fputs(col->why, stdout, false);
        } else if (col->declared_only)
            fputs(view_word(g, WORD_BREAKS_NAMED), stdout);
        else
            fputs(g == VIEW_LANG_ZH ? lesson_switches[col->sw].breaks_zh : lesson_switches[col->sw].breaks, stdout);
        putchar('\n');
    }

    const int cell_width = CELL_MIN_WIDTH + (b->n_qrows > 0);  /* room for "differs!" and a gap */
    int last = -1;  /* the last column drawn: no padding after it */
    for (int c = 0; c < b->n_cols; c++)
        last = drawn(b, c) ? c : last;
    printf("\n%*s", id_width, "");
    cell(view_word(g, WORD_BREAKS_LESSON), false, last < 0 ? 0 : cell_width);
    for (int c = 0; c < b->n_cols; c++)
        if (drawn(b, c)) {
            char num[8];
            snprintf(num, sizeof num, "%d", c + 1);
            cell(num, false, c == last ? 0 : cell_width);
        }
    putchar('\n');
    for (int r = 0; r < b->n_rows; r++) {
        const ClaimResult *base = &b->base[r];
        const char *kind = view_word(g, base->fact ? WORD_BREAKS_FACT : WORD_BREAKS_CLAIM);
        printf("%s", kind);
        int w = utf8_width(kind);
        for (; w < kind_width + 1; w++)
            putchar(' ');
        w += printf("%s", base->id);
        for (; w < id_width; w++)
            putchar(' ');
        cell(view_word(g, verdict(base)), !base->pass, last < 0 ? 0 : cell_width);
        for (int c = 0; c < b->n_cols; c++)
            if (drawn(b, c))
                cell(cell_word(b, r, c, g), lesson_breaks_differs(b, r, c), c == last ? 0 : cell_width);
        putchar('\n');
    }
    for (int r = 0; r < b->n_qrows; r++) {
        const char *kind = view_word(g, WORD_BREAKS_QUESTION);
        printf("%s", kind);
        int w = utf8_width(kind);
        for (; w < kind_width + 1; w++)
            putchar(' ');
        w += printf("%s", lesson_question(l, b->qrow[r])->id);
        for (; w < id_width; w++)
            putchar(' ');
        const bool base_error = b->qbase_cell[r] == BREAKS_Q_ERROR;
        cell(view_word(g, base_error ? WORD_CELL_ERROR : WORD_CELL_MEASURED), base_error, last < 0 ? 0 : cell_width);
        for (int c = 0; c < b->n_cols; c++)
            if (drawn(b, c)) {
                const BreaksQuestionCell q = b->qcells[r][c];
                const char *word = b->cols[c].state == BREAKS_NO_EFFECT ? "—"
                                   : b->cols[c].state == BREAKS_REFUSED ? view_word(g, WORD_CELL_NA)
                                   : view_word(g, q == BREAKS_Q_ERROR     ? WORD_CELL_ERROR
                                                  : q == BREAKS_Q_DIFFERS ? WORD_CELL_DIFFERS
                                                                          : WORD_CELL_SAME);
                cell(word, lesson_breaks_question_differs(b, r, c), c == last ? 0 : cell_width);
            }
        putchar('\n');
        if (b->qwhy[r][0]) {
            fputs("  ", stdout);
            printable_fputs(b->qwhy[r], stdout, false);
            putchar('\n');
        }
    }

    int base_failed = 0;
    for (int r = 0; r < b->n_rows; r++)
        base_failed += !b->base[r].pass;
    putchar('\n');
    fputs(view_word(g, WORD_BREAKS_LEGEND), stdout);
    if (b->n_qrows)
        fputs(view_word(g, WORD_BREAKS_Q_LEGEND), stdout);
    char summary[400];
    view_format(summary, sizeof summary, g, WORD_BREAKS_SUMMARY, lesson_number(l), n_claims, b->n_broken_claims,
                n_facts, b->n_qrows, b->n_differ + base_failed, b->n_errors,
                base_failed ? view_word(g, WORD_BREAKS_OWN_FAIL) : "");
    fputs(summary, stdout);
    return b->n_differ || b->n_errors || base_failed ? 1 : 0;
}

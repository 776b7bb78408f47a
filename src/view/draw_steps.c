/* draw_steps.c — the steps pane: the outline of the trace, in execution
 * order, the current step marked, groups folded with ▸ and open with ▾. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view/draw.h"
#include "view/paint.h"
#include "view/text.h"
#include "view/words.h"

void draw_steps(const ViewState *s, const ScreenLayout *l)
{
    const Rect *r = &l->steps;
    const StepTree *t = &s->tree;
    bool focus = s->focus == FOCUS_STEPS;
    bool utf8 = s->theme.utf8;

    char title[64];
    view_format(title, sizeof title, s->lang, WORD_STEPS_PANE, s->count);
    paint_hline(s, ROLE_BORDER, r->y, r->x, r->w);
    paint_role(s, focus ? ROLE_FOCUS_TITLE : ROLE_PANE_TITLE);
    paint_text(s, r->y, r->x + 1, title, r->w - 2);

    int rows = layout_steps_rows(l);
    int idx_w = text_digits(s->count ? s->count - 1 : 0);
    uint32_t cur_row = tree_row_of_record(t, s->cur);
    uint32_t cursor_row = tree_row_of_node(t, s->tree_node);
    for (int k = 0; k < rows; k++) {
        uint32_t row = s->tree_top + (uint32_t)k;
        if (row >= t->n_visible)
            break;
        uint32_t node = t->visible[row];
        const TreeNode *n = &t->nodes[node];
        int y = r->y + 1 + k;
        char label[160], line[256];
        tree_label(t, node, view_tree_name, s->a, label, sizeof label);
        int indent = 1 + 2 * n->depth;
        if (n->group) {
            const char *arrow = n->collapsed ? (utf8 ? "\xe2\x96\xb8" : "+") : (utf8 ? "\xe2\x96\xbe" : "-");
            if (n->collapsed)
                snprintf(line, sizeof line, "%*s%s %s (%u)", indent, "", arrow, label, n->count);
            else
                snprintf(line, sizeof line, "%*s%s %s", indent, "", arrow, label);
        } else {
            bool here = n->first == s->cur;
            const char *mark = here ? (utf8 ? "\xe2\x96\xb6" : ">") : " ";
            snprintf(line, sizeof line, "%*s%s %*u %s", indent - 1, "", mark, idx_w, n->first, label);
        }
        Role role = n->group ? ROLE_GROUP : ROLE_NORMAL;
        if (row == cur_row)
            role = ROLE_CURRENT;  /* the current step, or the folded group that holds it */
        paint_role(s, role);
        if (role == ROLE_CURRENT)
            mvhline(y, r->x, ' ', r->w);
        if (focus && row == cursor_row && row != cur_row) {
            attr_on(A_REVERSE, NULL);
            mvhline(y, r->x, ' ', r->w);
        }
        if (!n->group && role != ROLE_CURRENT) {
            /* the index dim, the name plain */
            int pre = indent + idx_w + 2;
            paint_role(s, ROLE_DIM);
            if (focus && row == cursor_row)
                attr_on(A_REVERSE, NULL);
            char head[64];
            snprintf(head, sizeof head, "%.*s", pre, line);
            paint_text(s, y, r->x, head, pre < r->w ? pre : r->w);
            paint_role(s, ROLE_NORMAL);
            if (focus && row == cursor_row)
                attr_on(A_REVERSE, NULL);
            paint_text(s, y, r->x + pre, line + pre, r->w - pre);
        } else {
            paint_text(s, y, r->x, line, r->w);
        }
    }
    /* Where the window is, when the outline is longer than the pane. */
    if (t->n_visible > (uint32_t)rows && rows > 2) {
        char where[48];
        unsigned pct = (unsigned)(100.0 * (s->tree_top + (uint32_t)rows) / t->n_visible);
        snprintf(where, sizeof where, " %u%% ", pct > 100 ? 100 : pct);
        paint_role(s, ROLE_DIM);
        int ww = (int)strlen(where);
        paint_text(s, r->y, r->x + r->w - ww - 1, where, ww);
    }
}

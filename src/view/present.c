/* present.c — presentation mode's geometry and keys (present.h). */
#include "view/present.h"

#include <curses.h>
#include <string.h>

#include "view/markdown.h"
#include "view/text.h"
#include "view/words.h"

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

const char *present_heading(const ViewState *s)
{
    ViewGuideStep st;
    if (!s->show_intro && s->guide_on && view_guide_current(s, &st) && st.note && st.note[0])
        return st.note;
    const char *title = s->narration.title ? s->narration.title(s->narration.ctx, s->lang) : NULL;
    return title && title[0] ? title : NULL;
}

/* Lines the matrix pane needs to show rows × rh lines of cells: its title
 * line, the panel's title, the column labels, the rows and the legend. */
static int matrix_lines(int rows, int rh)
{
    return 4 + rows * rh;
}

void present_layout(const ViewState *s, ScreenLayout *l)
{
    const int W = s->cols, H = s->lines;
    const bool ascii = !s->theme.utf8;
    /* The heading takes a second line only when the note needs it and the
     * screen has lines to spare. */
    const char *head = present_heading(s);
    int hh = head && H >= 20 && text_lines(head, W - 2, ascii, NULL, 0) > 1 ? 2 : 1;
    l->title = (Rect){0, 0, hh, W};
    l->status = (Rect){H - 1, 0, 1, W};
    /* The body ends above the line kept for a prompt. */
    int body_y = hh, body_h = H - 2 - hh;
    /* The narration keeps at least two fifths of the body (less when it
     * is shorter); the matrix takes the rest, or less when its rows need
     * less: each row as tall as fits, up to an eighth of the body (2 lines
     * at 80×24, 5 at 160×45), so cells grow with the screen (a cell is
     * about as wide as twice its height) and the narration still gets
     * the lines it needs. */
    int narr_min = clampi(body_h * 2 / 5, 3, body_h);
    bool fb;
    const char *text = view_narration_text(s, &fb);
    int need = text ? markdown_lines(text, W - 2, ascii, NULL, 0, NULL, 0) + (fb ? 1 : 0) : 1;
    narr_min = clampi(need, 3, narr_min);  /* a short narration leaves the matrix more */
    int mat_max = body_h - narr_min;
    int mat_h = mat_max;
    const CachedRecord *c = view_current(s);
    bool one_panel = !s->heads && !(s->compare && s->b);
    if (c && c->ok && one_panel) {
        int rows = c->pg.rows > 0 && c->pg.rows < 100000 ? (int)c->pg.rows : 1;
        if (matrix_lines(rows, 1) <= mat_max) {
            int rh = clampi((mat_max - 4) / rows, 1, clampi(body_h / 8, 2, 6));
            mat_h = matrix_lines(rows, rh);
        }
    }
    l->matrix = (Rect){body_y, 0, mat_h, W};
    l->panels = (Rect){l->matrix.y + 1, l->matrix.x, l->matrix.h - 2, l->matrix.w};
    int rest = body_h - mat_h;
    /* a blank line between the matrix and the narration, when there is room */
    int gap = rest >= 8 || rest > need ? 1 : 0;
    l->narr = (Rect){body_y + mat_h + gap, 0, rest - gap, W};
}

void present_layout_narration(const ViewState *s, const ScreenLayout *l, NarrationGeometry *g)
{
    memset(g, 0, sizeof *g);
    g->foot_y = -1;
    const Rect *r = &l->narr;
    if (r->w <= 0 || r->h < 1)
        return;
    g->x = r->x + 1;
    g->w = r->w - 2;
    g->text_y = r->y;
    g->text_rows = r->h;
    bool fb;
    const char *text = view_narration_text(s, &fb);
    g->n_lines = text ? markdown_lines(text, g->w, !s->theme.utf8, NULL, 0, NULL, 0) + (fb ? 1 : 0) : 1;
}

void present_centre_panel(const ViewState *s, Panel *p)
{
    (void)s;
    if (p->bar_w > 0)
        return;  /* a column curve: its bar fills the width already */
    int used = (p->cx - p->r.x) + (int)p->vc * p->cw;
    int shift = (p->r.w - used) / 2;
    if (shift <= 0)
        return;
    p->r.x += shift;
    p->r.w -= shift;
    p->cx += shift;
}

void view_toggle_present(ViewState *s)
{
    if (!s->narration.lookup) {
        view_say(s, MSG_NOTICE, WORD_MSG_PRESENT_LESSON);
        return;
    }
    s->present = !s->present;
    s->focus = FOCUS_MATRIX;  /* the steps pane is hidden */
    s->narr_top = 0;          /* the narration's lines are others at another width */
    view_sync(s);
}

bool view_present_key(ViewState *s, int ch)
{
    switch (ch) {
    case KEY_RIGHT:
    case ' ':
    case KEY_NPAGE:
        view_guide_step(s, 1);
        return true;
    case KEY_LEFT:
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case KEY_PPAGE:
        view_guide_step(s, -1);
        return true;
    }
    return false;
}

/* paint.c — roles, colour pairs and text cutting on the ncurses screen. */
#include "view/paint.h"

#include <string.h>

#include "view/text.h"

/* Every colour a heatmap cell may use, foreground or background. */
#define MAX_CELL_COLORS 40
static short cell_colors[MAX_CELL_COLORS];
static int n_cell_colors;
static short color_slot[257];   /* xterm colour + 1 → index in cell_colors, −1 when none */
static bool have_pairs;

#define ROLE_PAIR(r) ((short)(1 + (r)))
#define CELL_PAIR_BASE (ROLE_PAIR(ROLE_COUNT) + 1)

static void add_color(int c)
{
    if (c < -1 || c > 255 || color_slot[c + 1] >= 0 || n_cell_colors >= MAX_CELL_COLORS)
        return;
    color_slot[c + 1] = (short)n_cell_colors;
    cell_colors[n_cell_colors++] = (short)c;
}

bool paint_init(void)
{
    memset(color_slot, 0xff, sizeof color_slot);
    n_cell_colors = 0;
    have_pairs = false;
    if (!has_colors() || COLORS < 256)
        return false;
    add_color(-1);
    add_color(16);
    add_color(231);
    Scale seq = palette_scale_for(RECORD_KIND_WEIGHTS, 0, 1), div = palette_scale_diverging(1);
    for (int l = 0; l < PALETTE_SEQ_LEVELS; l++)
        add_color(palette_color(&seq, l));
    for (int l = 0; l < PALETTE_DIV_LEVELS; l++)
        add_color(palette_color(&div, l));
    add_color(PALETTE_MASK_COLOR);
    add_color(PALETTE_POS_INF_COLOR);
    add_color(PALETTE_NAN_COLOR);
    add_color(PALETTE_CURSOR_COLOR);
    long need = CELL_PAIR_BASE + (long)n_cell_colors * n_cell_colors;
    if (need > COLOR_PAIRS || need > 32767)
        return false;
    for (int r = 0; r < ROLE_COUNT; r++)
        init_pair(ROLE_PAIR(r), palette_roles[r].fg, palette_roles[r].bg);
    for (int f = 0; f < n_cell_colors; f++)
        for (int b = 0; b < n_cell_colors; b++)
            init_pair((short)(CELL_PAIR_BASE + f * n_cell_colors + b), cell_colors[f], cell_colors[b]);
    have_pairs = true;
    return true;
}

void paint_role(const ViewState *s, Role r)
{
    if (s->theme.color && have_pairs)
        attr_set(palette_roles[r].attr, ROLE_PAIR(r), NULL);
    else
        attr_set(palette_roles[r].mono, 0, NULL);
}

void paint_colors(int fg, int bg, attr_t extra)
{
    if (!have_pairs) {
        attr_set(extra, 0, NULL);
        return;
    }
    int f = fg >= -1 && fg <= 255 ? color_slot[fg + 1] : -1;
    int b = bg >= -1 && bg <= 255 ? color_slot[bg + 1] : -1;
    if (f < 0)
        f = color_slot[0];
    if (b < 0)
        b = color_slot[0];
    attr_set(extra, (short)(CELL_PAIR_BASE + f * n_cell_colors + b), NULL);
}

int paint_text(const ViewState *s, int y, int x, const char *text, int max_cols)
{
    if (max_cols <= 0)
        return 0;
    char buf[1024];
    int w = text_fit(buf, sizeof buf, text, max_cols, !s->theme.utf8);
    mvaddstr(y, x, buf);
    return w;
}

void paint_cell_text(const ViewState *s, int y, int x, const char *text, int cols, int align)
{
    if (cols <= 0)
        return;
    char buf[1024];
    text_cell(buf, sizeof buf, text, cols, align, !s->theme.utf8);
    mvaddstr(y, x, buf);
}

void paint_fill(int y, int x, int n, const char *glyph)
{
    if (n <= 0)
        return;
    char buf[512];
    size_t gl = strlen(glyph), o = 0;
    move(y, x);
    for (int i = 0; i < n; i++) {
        if (o + gl + 1 > sizeof buf) {  /* a long line goes out in pieces */
            buf[o] = '\0';
            addstr(buf);
            o = 0;
        }
        memcpy(buf + o, glyph, gl);
        o += gl;
    }
    buf[o] = '\0';
    addstr(buf);
}

static chtype role_bits(const ViewState *s, Role r)
{
    if (s->theme.color && have_pairs)
        return palette_roles[r].attr | COLOR_PAIR(ROLE_PAIR(r));
    return palette_roles[r].mono;
}

/* Lines: Unicode box drawing in a UTF-8 locale (no charset switching,
 * which some terminals and multiplexers get wrong), ACS otherwise. */
void paint_hline(const ViewState *s, Role r, int y, int x, int n)
{
    if (n <= 0)
        return;
    if (s->theme.utf8) {
        paint_role(s, r);
        paint_fill(y, x, n, "\xe2\x94\x80");
    } else
        mvhline(y, x, ACS_HLINE | role_bits(s, r), n);
}

void paint_vline(const ViewState *s, Role r, int y, int x, int n)
{
    if (n <= 0)
        return;
    if (s->theme.utf8) {
        paint_role(s, r);
        for (int i = 0; i < n; i++)
            mvaddstr(y + i, x, "\xe2\x94\x82");
    } else
        mvvline(y, x, ACS_VLINE | role_bits(s, r), n);
}

void paint_box(const ViewState *s, int y0, int x0, int h, int w, const char *title)
{
    paint_role(s, ROLE_NORMAL);
    for (int y = y0; y < y0 + h; y++)
        mvhline(y, x0, ' ', w);
    paint_hline(s, ROLE_BORDER, y0, x0, w);
    paint_hline(s, ROLE_BORDER, y0 + h - 1, x0, w);
    paint_vline(s, ROLE_BORDER, y0, x0, h);
    paint_vline(s, ROLE_BORDER, y0, x0 + w - 1, h);
    paint_role(s, ROLE_FOCUS_TITLE);
    paint_text(s, y0, x0 + 2, title, w - 4);
}

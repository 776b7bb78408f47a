/* palette.c — colour scales, shading ramps and the role table. */
#include "view/palette.h"

#include <math.h>
#include <string.h>

/* Light to dark blue, in the xterm-256 colour cube: luminance falls
 * strictly from one level to the next (test_view_palette checks it). */
static const short seq_colors[PALETTE_SEQ_LEVELS] = {
    231, 195, 189, 153, 117, 111, 75, 69, 33, 26, 19, 17,
};

/* Dark blue (most negative) through white (0) to dark red (most positive). */
static const short div_colors[PALETTE_DIV_LEVELS] = {
    17, 19, 26, 69, 111, 153, 231, 224, 217, 210, 203, 160, 88,
};

Scale palette_scale_for(RecordKind kind, float min, float max)
{
    Scale s = {SCALE_SEQUENTIAL, 0.0f, 1.0f};
    if (record_kind_is_distribution(kind) || kind == RECORD_KIND_MASK)
        return s;
    if (!(min <= max))  /* nothing finite */
        return s;
    if (min >= 0.0f) {
        s.hi = max > 0.0f ? max : 1.0f;
        return s;
    }
    float m = fmaxf(fabsf(min), fabsf(max));
    return palette_scale_diverging(m);
}

Scale palette_scale_diverging(float max_abs)
{
    if (!(max_abs > 0.0f) || !isfinite(max_abs))
        max_abs = 1.0f;
    return (Scale){SCALE_DIVERGING, -max_abs, max_abs};
}

int palette_levels(const Scale *s)
{
    return s->kind == SCALE_SEQUENTIAL ? PALETTE_SEQ_LEVELS : PALETTE_DIV_LEVELS;
}

int palette_level(const Scale *s, float v)
{
    if (isnan(v))
        return PALETTE_NAN;
    if (isinf(v))
        return v < 0 ? PALETTE_MASKED : PALETTE_POS_INF;
    if (s->kind == SCALE_SEQUENTIAL) {
        double span = (double)s->hi - (double)s->lo;
        double t = span > 0 ? ((double)v - s->lo) / span : 0.0;
        if (t <= 0)
            return 0;
        int l = (int)(t * PALETTE_SEQ_LEVELS);
        return l >= PALETTE_SEQ_LEVELS ? PALETTE_SEQ_LEVELS - 1 : l;
    }
    int c = PALETTE_DIV_LEVELS / 2;
    double t = s->hi > 0 ? (double)v / s->hi : 0.0;
    t = t < -1 ? -1 : t > 1 ? 1 : t;
    return c + (int)lround(t * c);
}

int palette_color(const Scale *s, int level)
{
    switch (level) {
    case PALETTE_MASKED: return PALETTE_MASK_COLOR;
    case PALETTE_POS_INF: return PALETTE_POS_INF_COLOR;
    case PALETTE_NAN: return PALETTE_NAN_COLOR;
    }
    if (s->kind == SCALE_SEQUENTIAL)
        return seq_colors[level < 0 ? 0 : level >= PALETTE_SEQ_LEVELS ? PALETTE_SEQ_LEVELS - 1 : level];
    return div_colors[level < 0 ? 0 : level >= PALETTE_DIV_LEVELS ? PALETTE_DIV_LEVELS - 1 : level];
}

void palette_rgb(int color, int rgb[3])
{
    static const int sys[16][3] = {
        {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
        {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
        {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const int cube[6] = {0, 95, 135, 175, 215, 255};
    if (color < 0 || color > 255)
        color = 0;
    if (color < 16) {
        memcpy(rgb, sys[color], sizeof sys[0]);
    } else if (color < 232) {
        int c = color - 16;
        rgb[0] = cube[c / 36];
        rgb[1] = cube[(c / 6) % 6];
        rgb[2] = cube[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (color - 232);
    }
}

double palette_luminance(int color)
{
    int rgb[3];
    palette_rgb(color, rgb);
    double lin[3];
    for (int i = 0; i < 3; i++) {
        double c = rgb[i] / 255.0;
        lin[i] = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

int palette_ink(int color)
{
    return palette_luminance(color) > 0.3 ? 16 : 231;
}

const char *palette_glyph(const Scale *s, int level, bool utf8)
{
    static const char *const seq_u[] = {"\xc2\xb7", "\xe2\x96\x91", "\xe2\x96\x92", "\xe2\x96\x93",
                                        "\xe2\x96\x88"};            /* · ░ ▒ ▓ █ */
    static const char *const seq_a[] = {".", ":", "+", "#", "@"};
    static const char *const div_u[] = {"\xe2\x89\xa1", "=", "-", "\xc2\xb7", "+", "*", "#"};  /* ≡ = - · + * # */
    static const char *const div_a[] = {"=", "~", "-", ".", "+", "*", "#"};
    switch (level) {
    case PALETTE_MASKED: return utf8 ? "\xc3\x97" : "x";  /* × */
    case PALETTE_POS_INF: return "!";
    case PALETTE_NAN: return "?";
    }
    if (s->kind == SCALE_SEQUENTIAL) {
        int i = level * 5 / PALETTE_SEQ_LEVELS;
        i = i < 0 ? 0 : i > 4 ? 4 : i;
        return utf8 ? seq_u[i] : seq_a[i];
    }
    int c = PALETTE_DIV_LEVELS / 2;  /* 6 levels each side → 3 glyphs each side */
    int i = 3 + (int)lround((double)(level - c) * 3.0 / c);
    i = i < 0 ? 0 : i > 6 ? 6 : i;
    return utf8 ? div_u[i] : div_a[i];
}

const RoleStyle palette_roles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_TITLE] = {231, 24, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_STATUS] = {252, 236, A_NORMAL, A_REVERSE},
    [ROLE_KEY] = {222, 236, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_ERROR] = {231, 124, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_NOTICE] = {16, 150, A_NORMAL, A_REVERSE},
    [ROLE_BORDER] = {240, -1, A_NORMAL, A_NORMAL},
    [ROLE_PANE_TITLE] = {250, -1, A_BOLD, A_BOLD},
    [ROLE_FOCUS_TITLE] = {81, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [ROLE_CURRENT] = {16, 81, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_GROUP] = {110, -1, A_BOLD, A_BOLD},
    [ROLE_DIM] = {244, -1, A_NORMAL, A_DIM},
    [ROLE_LABEL] = {252, -1, A_NORMAL, A_NORMAL},
    [ROLE_CURSOR_LABEL] = {16, 208, A_BOLD, A_REVERSE},
    [ROLE_HEADING] = {110, -1, A_NORMAL, A_BOLD},
    [ROLE_VALUE] = {214, -1, A_BOLD, A_BOLD},
};

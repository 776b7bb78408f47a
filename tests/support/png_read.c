/* png_read.c — reading plotted images back in tests (png_read.h). */
#include "png_read.h"

#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scratch.h"

Image png_read(const char *path)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        fail_msg("%s: %s", path, im.message);
    im.format = PNG_FORMAT_RGB;
    Image out = {im.width, im.height, malloc(PNG_IMAGE_SIZE(im))};
    assert_non_null(out.px);
    if (!png_image_finish_read(&im, NULL, out.px, 0, NULL))
        fail_msg("%s: %s", path, im.message);
    return out;
}

const unsigned char *png_pixel(const Image *im, uint32_t x, uint32_t y)
{
    return im->px + ((size_t)y * im->w + x) * 3;
}

void png_mean_rgb(const Image *im, int x0, int y0, int x1, int y1, double rgb[3])
{
    double sum[3] = {0, 0, 0};
    size_t n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            const unsigned char *p = png_pixel(im, (uint32_t)x, (uint32_t)y);
            for (int c = 0; c < 3; c++)
                sum[c] += p[c];
            n++;
        }
    assert_true(n > 0);
    for (int c = 0; c < 3; c++)
        rgb[c] = sum[c] / (double)n;
}

void png_assert_rgb_near(const double rgb[3], unsigned hex, double tol, const char *what)
{
    double want[3] = {(hex >> 16) & 255, (hex >> 8) & 255, hex & 255};
    for (int c = 0; c < 3; c++)
        if (fabs(rgb[c] - want[c]) > tol)
            fail_msg("%s: colour (%.0f, %.0f, %.0f), expected #%06x", what, rgb[0], rgb[1], rgb[2], hex);
}

int png_read_panels(const char *geometry, Panel *p, int cap)
{
    unsigned char *text = scratch_read(geometry, NULL);
    int n = 0;
    for (const char *s = (const char *)text; s && *s; n++) {
        Panel q;
        if (sscanf(s, "panel %d %d %d %d %d", &q.page, &q.x0, &q.y0, &q.x1, &q.y1) != 5)
            fail_msg("bad geometry line: %s", s);
        if (n < cap)
            p[n] = q;
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    free(text);
    return n;
}

void png_cell_rgb(const Image *im, const Panel *p, int rows, int cols, int row, int col, double rgb[3])
{
    double cw = (double)(p->x1 - p->x0) / cols, ch = (double)(p->y1 - p->y0) / rows;
    int x0 = (int)(p->x0 + cw * (col + 0.1)), x1 = (int)(p->x0 + cw * (col + 0.28));
    int y0 = (int)(p->y0 + ch * (row + 0.1)), y1 = (int)(p->y0 + ch * (row + 0.28));
    png_mean_rgb(im, x0, y0, x1 > x0 ? x1 : x0 + 1, y1 > y0 ? y1 : y0 + 1, rgb);
}

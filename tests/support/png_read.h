/* png_read.h — reading plotted images back in tests: a PNG as RGB pixels
 * (libpng), the mean colour of a patch, a colour check with a tolerance,
 * and the panel rectangles a plot's geometry file lists ("panel PAGE X0
 * Y0 X1 Y1" a line, src/plot). Called from inside cmocka tests: a file
 * that cannot be read fails the running test. */
#ifndef TF_TESTS_PNG_READ_H
#define TF_TESTS_PNG_READ_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t w, h;
    unsigned char *px;  /* (h, w, 3) malloc'd; free() it */
} Image;

/* path as 8-bit RGB. */
Image png_read(const char *path);

/* The pixel at (x, y): its three bytes. */
const unsigned char *png_pixel(const Image *im, uint32_t x, uint32_t y);

/* Mean colour of the rectangle [x0, x1) × [y0, y1) (not empty). */
void png_mean_rgb(const Image *im, int x0, int y0, int x1, int y1, double rgb[3]);

/* Fail the test, naming what, unless every channel of rgb is within tol
 * of colour hex (0xRRGGBB). */
void png_assert_rgb_near(const double rgb[3], unsigned hex, double tol, const char *what);

typedef struct {
    int page, x0, y0, x1, y1;
} Panel;

/* Every panel line of a geometry file, in order, into p (at most cap);
 * returns how many lines there are. */
int png_read_panels(const char *geometry, Panel *p, int cap);

/* A patch of cell (row, col) of a panel of rows × cols cells, away from
 * its centre (where a value or a × is drawn) and its edges (grid lines):
 * its mean colour. */
void png_cell_rgb(const Image *im, const Panel *p, int rows, int cols, int row, int col, double rgb[3]);

#endif

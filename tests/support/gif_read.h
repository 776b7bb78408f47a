/* gif_read.h — reading an animated GIF back in tests: how many frames
 * (image descriptors) it holds and its screen size, by walking the GIF89a
 * block structure (header, logical screen descriptor, colour tables,
 * extension and image blocks and their data sub-blocks, trailer), not by
 * searching for bytes that could occur inside the image data. */
#ifndef TF_TESTS_GIF_READ_H
#define TF_TESTS_GIF_READ_H

#include <stdint.h>

typedef struct {
    uint32_t w, h;   /* the logical screen */
    int frames;      /* image descriptors (0x2C) */
    int loops;       /* 1 when a NETSCAPE2.0 looping extension is there */
} GifInfo;

/* path's frames and size; fails the running cmocka test when path is not
 * a GIF or its blocks do not end with the trailer (0x3B) within the file. */
GifInfo gif_read(const char *path);

#endif

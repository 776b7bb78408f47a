/* gif_read.c — counting the frames of a GIF (gif_read.h). */
#include "gif_read.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The byte at *at, failing the test past the end. */
static unsigned take(const unsigned char *b, size_t n, size_t *at, const char *path)
{
    if (*at >= n)
        fail_msg("%s: the GIF ends at byte %zu inside a block", path, n);
    return b[(*at)++];
}

/* Skip data sub-blocks: a length byte, that many bytes, until a 0. */
static void skip_sub_blocks(const unsigned char *b, size_t n, size_t *at, const char *path)
{
    for (unsigned len; (len = take(b, n, at, path)) != 0;)
        *at += len;
}

GifInfo gif_read(const char *path)
{
    GifInfo g = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot open", path);
    unsigned char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            unsigned char *nb = realloc(b, cap);
            if (!nb)
                fail_msg("out of memory");
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (n < 13 || (memcmp(b, "GIF89a", 6) != 0 && memcmp(b, "GIF87a", 6) != 0))
        fail_msg("%s: not a GIF (no GIF89a header)", path);
    g.w = b[6] | (uint32_t)b[7] << 8;
    g.h = b[8] | (uint32_t)b[9] << 8;
    size_t at = 13;
    if (b[10] & 0x80)  /* the global colour table */
        at += 3u << ((b[10] & 7) + 1);
    for (;;) {
        unsigned kind = take(b, n, &at, path);
        if (kind == 0x3B)
            break;
        if (kind == 0x21) {  /* extension: label, sub-blocks */
            unsigned label = take(b, n, &at, path);
            if (label == 0xFF && at + 12 <= n && memcmp(b + at, "\x0bNETSCAPE2.0", 12) == 0)
                g.loops = 1;
            skip_sub_blocks(b, n, &at, path);
        } else if (kind == 0x2C) {  /* image: descriptor, local table, LZW size, data */
            g.frames++;
            if (at + 9 > n)
                fail_msg("%s: image descriptor cut at byte %zu", path, at);
            unsigned flags = b[at + 8];
            at += 9;
            if (flags & 0x80)
                at += 3u << ((flags & 7) + 1);
            take(b, n, &at, path);  /* LZW minimum code size */
            skip_sub_blocks(b, n, &at, path);
        } else {
            fail_msg("%s: byte %zu: block 0x%02X is none of GIF's", path, at - 1, kind);
        }
    }
    free(b);
    return g;
}

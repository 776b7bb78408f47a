/* byte_cursor.c — a bounds-checked little-endian read cursor (byte_cursor.h). */
#include "io/byte_cursor.h"

#include <string.h>

ByteCursor byte_cursor_at(const void *data, size_t size, size_t pos)
{
    return (ByteCursor){.data = data, .size = size, .pos = pos};
}

size_t byte_cursor_left(const ByteCursor *c)
{
    /* Never size - pos with pos > size: that would wrap to a count that
     * every later bounds check passes. */
    return c->pos < c->size ? c->size - c->pos : 0;
}

const unsigned char *byte_cursor_bytes(ByteCursor *c, size_t n)
{
    /* Past the end, not even 0 bytes are there to point at. */
    if (c->pos > c->size || n > c->size - c->pos)
        return NULL;
    const unsigned char *p = c->data + c->pos;
    c->pos += n;
    return p;
}

bool byte_cursor_skip(ByteCursor *c, size_t n)
{
    return byte_cursor_bytes(c, n) != NULL;
}

/* The next n (1..8) bytes as a little-endian unsigned integer. */
static bool next_le(ByteCursor *c, size_t n, uint64_t *v)
{
    const unsigned char *p = byte_cursor_bytes(c, n);
    if (!p)
        return false;
    uint64_t x = 0;
    for (size_t i = n; i-- > 0;)
        x = x << 8 | p[i];
    *v = x;
    return true;
}

/* Each reader: the value through next_le, *v untouched when it fails. */
bool byte_cursor_u8(ByteCursor *c, uint8_t *v)
{
    uint64_t x;
    return next_le(c, 1, &x) ? (*v = (uint8_t)x, true) : false;
}

bool byte_cursor_u16(ByteCursor *c, uint16_t *v)
{
    uint64_t x;
    return next_le(c, 2, &x) ? (*v = (uint16_t)x, true) : false;
}

bool byte_cursor_u32(ByteCursor *c, uint32_t *v)
{
    uint64_t x;
    return next_le(c, 4, &x) ? (*v = (uint32_t)x, true) : false;
}

bool byte_cursor_u64(ByteCursor *c, uint64_t *v)
{
    return next_le(c, 8, v);
}

/* Floats: the bits of the same-sized integer (IEEE 754, and the host keeps
 * floats in the byte order of its integers). */
bool byte_cursor_f32(ByteCursor *c, float *v)
{
    uint32_t u;
    return byte_cursor_u32(c, &u) ? (memcpy(v, &u, sizeof *v), true) : false;
}

bool byte_cursor_f64(ByteCursor *c, double *v)
{
    uint64_t u;
    return byte_cursor_u64(c, &u) ? (memcpy(v, &u, sizeof *v), true) : false;
}

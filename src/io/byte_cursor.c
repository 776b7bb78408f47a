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

bool byte_cursor_u8(ByteCursor *c, uint8_t *v)
{
    const unsigned char *p = byte_cursor_bytes(c, 1);
    if (p)
        *v = p[0];
    return p != NULL;
}

bool byte_cursor_u16(ByteCursor *c, uint16_t *v)
{
    const unsigned char *p = byte_cursor_bytes(c, 2);
    if (p)
        *v = le_read16(p);
    return p != NULL;
}

bool byte_cursor_u32(ByteCursor *c, uint32_t *v)
{
    const unsigned char *p = byte_cursor_bytes(c, 4);
    if (p)
        *v = le_read32(p);
    return p != NULL;
}

bool byte_cursor_u64(ByteCursor *c, uint64_t *v)
{
    const unsigned char *p = byte_cursor_bytes(c, 8);
    if (p)
        *v = le_read64(p);
    return p != NULL;
}

bool byte_cursor_f32(ByteCursor *c, float *v)
{
    uint32_t u;
    if (!byte_cursor_u32(c, &u))
        return false;
    memcpy(v, &u, sizeof *v);
    return true;
}

bool byte_cursor_f64(ByteCursor *c, double *v)
{
    uint64_t u;
    if (!byte_cursor_u64(c, &u))
        return false;
    memcpy(v, &u, sizeof *v);
    return true;
}

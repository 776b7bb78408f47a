/* byte_cursor.h — reading little-endian binary files: the byte order
 * helpers and a bounds-checked cursor over a buffer.
 *
 * The three binary formats the project reads (trace files, .tfw weights,
 * .npy arrays) are little-endian and untrusted. Values are put together
 * from bytes here, whatever the host's order, and a ByteCursor walks a
 * buffer of `size` bytes from `pos` on: every read first compares what it
 * needs with byte_cursor_left(), which is computed so that it cannot wrap
 * around (a position past the end leaves 0 bytes, never a huge count), and
 * a read that does not fit fails without moving the cursor. The cursor
 * itself says nothing: each reader words its own message and names the
 * byte offset, which is `pos` (plus where the buffer starts in the file). */
#ifndef TF_IO_BYTE_CURSOR_H
#define TF_IO_BYTE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- little-endian values at p (no bounds: the caller checked them) ----
 * leN reads an N-bit value, putN writes one; the names the trace format
 * has always used for them. */

static inline uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t le64(const unsigned char *p)
{
    return le32(p) | ((uint64_t)le32(p + 4) << 32);
}
static inline void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static inline void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- the cursor ---- */

typedef struct {
    const unsigned char *data;  /* (size) */
    size_t size;
    size_t pos;                 /* next byte to read */
} ByteCursor;

/* A cursor over data[0, size), at pos (which may be past the end: then
 * nothing is left to read). */
ByteCursor byte_cursor_at(const void *data, size_t size, size_t pos);

/* Bytes from pos to the end: size - pos, or 0 when pos is past the end. */
size_t byte_cursor_left(const ByteCursor *c);

/* The next n bytes (a pointer into data), and the cursor past them; NULL,
 * the cursor unmoved, when fewer than n are left (n = 0: when pos is past
 * the end). */
const unsigned char *byte_cursor_bytes(ByteCursor *c, size_t n);

/* Move past n bytes; false, the cursor unmoved, when fewer are left. */
bool byte_cursor_skip(ByteCursor *c, size_t n);

/* The next little-endian value into *v, and the cursor past it; false, the
 * cursor and *v unmoved, when the buffer ends first. f32 and f64 are IEEE
 * 754 binary32 and binary64 bit patterns. */
bool byte_cursor_u8(ByteCursor *c, uint8_t *v);
bool byte_cursor_u16(ByteCursor *c, uint16_t *v);
bool byte_cursor_u32(ByteCursor *c, uint32_t *v);
bool byte_cursor_u64(ByteCursor *c, uint64_t *v);
bool byte_cursor_f32(ByteCursor *c, float *v);
bool byte_cursor_f64(ByteCursor *c, double *v);

#endif

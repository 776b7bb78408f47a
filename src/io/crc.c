/* crc.c — zlib's CRC-32 fed in chunks it can take (crc.h). */
#include "io/crc.h"

#include <limits.h>
#include <zlib.h>

_Static_assert(CRC_MAX_CHUNK <= UINT_MAX, "a chunk must fit zlib's uInt length");

uint32_t crc_update_chunked(uint32_t crc, const void *p, size_t n, size_t chunk)
{
    if (chunk == 0 || chunk > CRC_MAX_CHUNK)
        chunk = CRC_MAX_CHUNK;
    const unsigned char *b = p;
    uLong c = crc;
    while (n > 0) {
        size_t k = n < chunk ? n : chunk;
        c = crc32(c, b, (uInt)k);
        b += k;
        n -= k;
    }
    return (uint32_t)c;
}

uint32_t crc_update(uint32_t crc, const void *p, size_t n)
{
    return crc_update_chunked(crc, p, n, CRC_MAX_CHUNK);
}

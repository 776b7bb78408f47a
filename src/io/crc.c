/* crc.c — the CRC-32 of the binary files, by libdeflate (crc.h). */
#include "io/crc.h"

#include <libdeflate.h>

uint32_t crc_update(uint32_t crc, const void *p, size_t n)
{
    return n ? libdeflate_crc32(crc, p, n) : crc;
}

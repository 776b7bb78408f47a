/* crc.h — the CRC-32 of the binary files (trace files, .tfw weights), over
 * any length.
 *
 * zlib's crc32() takes its length as a uInt (32 bits), so a span of 4 GiB
 * or more handed to it in one call would be checked only in part: the
 * spans go to zlib in chunks of at most CRC_MAX_CHUNK bytes instead. */
#ifndef TF_IO_CRC_H
#define TF_IO_CRC_H

#include <stddef.h>
#include <stdint.h>

/* Largest span given to zlib in one call: its uInt's maximum. */
#define CRC_MAX_CHUNK ((size_t)0xFFFFFFFFu)

/* CRC-32 (zlib's, the one of gzip and PNG) of p[0, n), continuing from crc:
 * 0 to start, then the previous result to append more bytes. */
uint32_t crc_update(uint32_t crc, const void *p, size_t n);

/* The same in chunks of at most `chunk` bytes (1..CRC_MAX_CHUNK; other
 * values count as CRC_MAX_CHUNK): crc_update is crc_update_chunked with
 * CRC_MAX_CHUNK. Separate so that a test can check the chunking on a small
 * buffer. */
uint32_t crc_update_chunked(uint32_t crc, const void *p, size_t n, size_t chunk);

#endif

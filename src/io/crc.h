/* crc.h — the CRC-32 of the binary files (trace files, .tfw weights), over
 * any length.
 *
 * libdeflate computes it: the same CRC as zlib's crc32 (gzip, PNG), with
 * carry-less multiplication where the CPU has it — 5–6 GB/s against zlib
 * 1.2.13's 2.6 GB/s on the development machine, which a trace's writer and
 * every first look at a record pay. Its length is a size_t, so a span of
 * 4 GiB or more is checked whole (zlib's uInt length would need chunks). */
#ifndef TF_IO_CRC_H
#define TF_IO_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of p[0, n), continuing from crc: 0 to start, then the previous
 * result to append more bytes. */
uint32_t crc_update(uint32_t crc, const void *p, size_t n);

#endif

/* fuzz_tfw.c — the .tfw weight-file loader on any bytes.
 *
 * A .tfw ends with a CRC-32 of everything before it, checked before any
 * length is trusted, so random bytes stop at the checksum. Each input is
 * therefore loaded twice: as it is (the checksum check itself), and with
 * its last four bytes replaced by the right CRC, so the fuzzer reaches the
 * parser behind the check. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_support.h"
#include "model/weights_file.h"

static void load(const char *path)
{
    Model m;
    Error err;
    if (weights_load_tfw(&m, path, NULL, &err) == TF_OK)
        model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load(fuzz_memfile(0, data, size));
    if (size < 4)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        abort();
    memcpy(fixed, data, size);
    uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), fixed, (uInt)(size - 4));
    memcpy(fixed + size - 4, &crc, 4);  /* little-endian, as the file stores it */
    if (memcmp(fixed, data, size) != 0)
        load(fuzz_memfile(1, fixed, size));
    free(fixed);
    return 0;
}

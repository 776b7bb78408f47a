/* fuzz_ini.c — the INI reader on any bytes: libinih under the project's
 * strict options (src/io/ini_strict.c) with the line reader that counts
 * lines and refuses NUL bytes and long lines, then the configuration
 * reader on top of it (what `--config FILE` and a weight file's
 * configuration go through), and the check of the values it took. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "io/ini_strict.h"
#include "model/config.h"

typedef struct {
    IniText in;
    int stop;
    size_t seen;
} Raw;

static char *raw_line(char *str, int num, void *stream)
{
    Raw *r = stream;
    if (r->stop)
        return NULL;
    IniLine got = ini_text_next_line(&r->in, str, num);
    if (got != INI_LINE_OK) {
        r->stop = 1;
        return NULL;
    }
    return str;
}

static int raw_value(void *user, const char *section, const char *name, const char *value)
{
    Raw *r = user;
    r->seen += strlen(section) + strlen(name) + strlen(value);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* libinih alone, with a small line limit so long lines are met often. */
    Raw raw = {{(const char *)data, size, 0, 0}, 0, 0};
    ini_parse_strict(raw_line, &raw, raw_value, &raw, 64);

    /* The configuration reader: from a file as --config reads it (its size
     * and NUL checks) for one input in eight, since it takes a 4 MiB buffer
     * per file, which costs ASan milliseconds; else from the text up to
     * its first NUL, as a weight file's configuration is read. */
    Config c;
    config_defaults(&c);
    Error err;
    Status st;
    if (size % 8 == 0) {
        st = config_load_ini(&c, fuzz_memfile(0, data, size), &err);
    } else {
        char *text = fuzz_strndup(data, size);
        st = config_load_ini_text(&c, text, "fuzz.ini", &err);
        free(text);
    }
    if (st == TF_OK && config_validate(&c, &err) == TF_OK) {
        char text[8192];
        config_to_ini(&c, text, sizeof text);
    }
    return 0;
}

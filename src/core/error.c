#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

Status error_set(Error *e, Status code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->hint[0] = '\0';
    }
    return code;
}

void error_hint(Error *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}

void error_clear(Error *e)
{
    if (e) {
        e->msg[0] = '\0';
        e->hint[0] = '\0';
    }
}

/* ini_strict.c — one libinih parse under the project's options. */
#include "io/ini_strict.h"

#include <stdbool.h>
#include <string.h>

int ini_parse_strict(ini_reader reader, void *stream, ini_handler handler, void *user, int max_line)
{
    const bool ml = ini_allow_multiline, bom = ini_allow_bom, inl = ini_allow_inline_comments;
    const bool stack = ini_use_stack, stop = ini_stop_on_first_error, novalue = ini_allow_no_value;
    const int saved_max_line = ini_max_line;
    char *start_pfx = ini_start_comment_prefixes, *inline_pfx = ini_inline_comment_prefixes;

    ini_allow_multiline = false;
    ini_allow_bom = true;
    ini_allow_inline_comments = true;
    ini_use_stack = true;
    ini_stop_on_first_error = true;
    ini_allow_no_value = false;
    ini_max_line = max_line;
    ini_start_comment_prefixes = ";#";
    ini_inline_comment_prefixes = ";";

    int r = ini_parse_stream(reader, stream, handler, user);

    ini_allow_multiline = ml;
    ini_allow_bom = bom;
    ini_allow_inline_comments = inl;
    ini_use_stack = stack;
    ini_stop_on_first_error = stop;
    ini_allow_no_value = novalue;
    ini_max_line = saved_max_line;
    ini_start_comment_prefixes = start_pfx;
    ini_inline_comment_prefixes = inline_pfx;
    return r;
}

IniLine ini_text_next_line(IniText *t, char *str, int num)
{
    if (t->pos >= t->len)
        return INI_LINE_END;
    const char *s = t->text + t->pos;
    const size_t avail = t->len - t->pos;
    const char *nl = memchr(s, '\n', avail);
    const size_t n = nl ? (size_t)(nl - s) + 1 : avail;
    t->line++;
    if (num < 1 || n + 1 > (size_t)num)
        return INI_LINE_TOO_LONG;
    if (memchr(s, '\0', n))
        return INI_LINE_NUL;
    memcpy(str, s, n);
    str[n] = '\0';
    t->pos += n;
    return INI_LINE_OK;
}

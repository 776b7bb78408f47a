/* switches.c — the table of switches (switches.h) and setting them in a
 * LessonOverrides. */
#include "lesson/switches.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const SwitchInfo lesson_switches[SWITCH_COUNT] = {
#define X(id, name, values, def, broken, breaks, breaks_zh, key) {name, values, def, broken, breaks, breaks_zh, key},
    SWITCHES(X)
#undef X
};

/* Where each switch lives in LessonOverrides: an int (-1 the lesson's,
 * 0 off, 1 on) or a text (NULL the lesson's). */
static const struct {
    size_t offset;
    bool text;
} field[SWITCH_COUNT] = {
    [SWITCH_CAUSAL_MASK] = {offsetof(LessonOverrides, causal_mask), false},
    [SWITCH_PADDING_MASK] = {offsetof(LessonOverrides, padding_mask), false},
    [SWITCH_POSITIONS] = {offsetof(LessonOverrides, positions), true},
    [SWITCH_RESIDUAL] = {offsetof(LessonOverrides, residual), false},
    [SWITCH_SCALE] = {offsetof(LessonOverrides, scale), false},
    [SWITCH_ATTN_TEMPERATURE] = {offsetof(LessonOverrides, attn_temperature), true},
    [SWITCH_ABLATE_HEAD] = {offsetof(LessonOverrides, ablate_head), true},
    [SWITCH_CACHE] = {offsetof(LessonOverrides, cache), false},
    [SWITCH_HEADS] = {offsetof(LessonOverrides, heads), true},
    [SWITCH_NORM] = {offsetof(LessonOverrides, norm), true},
    [SWITCH_WARMUP] = {offsetof(LessonOverrides, warmup), true},
};

int lesson_switch_find(const char *name)
{
    for (int i = 0; i < SWITCH_COUNT; i++)
        if (strcmp(lesson_switches[i].name, name) == 0)
            return i;
    return -1;
}

Status lesson_switch_set(LessonOverrides *o, int sw, const char *value, Error *err)
{
    if (sw < 0 || sw >= SWITCH_COUNT)
        return error_set(err, TF_ERR_INPUT, "no switch %d", sw);
    char *at = (char *)o + field[sw].offset;
    if (sw == SWITCH_WARMUP) {  /* no config key checks it: it is a training option */
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (end == value || *end || errno || v < 1 || v > 100000)
            return error_set(err, TF_ERR_INPUT, "--warmup '%s': a whole number of warm-up updates from 1 to 100000",
                             value);
    }
    if (field[sw].text) {
        memcpy(at, &value, sizeof value);
        return TF_OK;
    }
    int v = strcmp(value, "on") == 0 ? 1 : strcmp(value, "off") == 0 ? 0 : -1;
    if (v < 0)
        return error_set(err, TF_ERR_INPUT, "--%s '%s': on or off", lesson_switches[sw].name, value);
    memcpy(at, &v, sizeof v);
    return TF_OK;
}

bool lesson_switch_is_default(const LessonOverrides *o, int sw)
{
    if (sw < 0 || sw >= SWITCH_COUNT)
        return true;
    const char *at = (const char *)o + field[sw].offset;
    if (field[sw].text) {
        const char *text;
        memcpy(&text, at, sizeof text);
        return text == NULL;
    }
    int v;
    memcpy(&v, at, sizeof v);
    return v < 0;
}

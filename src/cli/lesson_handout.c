/* lesson_handout.c — a lesson composed into a PDF (lesson_handout.h):
 * the figures drawn by src/plot into a scratch directory, the claims and
 * questions measured by src/lesson, the pages laid out by doc/pdf_doc. */
#include "cli/lesson_handout.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc/pdf_doc.h"
#include "io/atomic_file.h"
#include "io/file_kind.h"
#include "io/scratch_dir.h"
#include "plot/plot.h"
#include "trace/trace.h"
#include "view/words.h"

/* The handout's own words, English and Chinese. */
typedef enum {
    H_LESSON,        /* %d */
    H_MODEL,         /* the model line's label */
    H_SENTENCE,
    H_TARGET,
    H_SWITCHES,
    H_UNCHANGED,
    H_STEP,          /* %d %d */
    H_VS,
    H_NO_FIGURE,
    H_QUESTION_HERE, /* %d */
    H_FIGURE,        /* %d %d */
    H_CLAIMS,
    H_FACTS,
    H_QUESTIONS,
    H_QUESTION,      /* %d */
    H_AT_STEP,       /* %d */
    H_HINT,
    H_WITHIN,        /* %g */
    H_ORDER_HOW,
    H_SWITCH_HOW,    /* %s */
    H_ANSWERS,
    H_CHANGES,       /* %s */
    H_WORDS
} HandoutWord;

static const char *const words[H_WORDS][2] = {
    [H_LESSON] = {"Lesson %d", "第 %d 课"},
    [H_MODEL] = {"Model", "模型"},
    [H_SENTENCE] = {"Sentence", "句子"},
    [H_TARGET] = {"target", "目标"},
    [H_SWITCHES] = {"Switches changed", "改动的开关"},
    [H_UNCHANGED] = {"Switches as the lesson sets them.", "开关均按本课的设定。"},
    [H_STEP] = {"Step %d of %d", "第 %d 步，共 %d 步"},
    [H_VS] = {" compared with run ", "，对照运行 "},
    [H_NO_FIGURE] = {"(this record is not drawn as a figure: %s)", "（这个记录画不成图：%s）"},
    [H_QUESTION_HERE] = {"Question %d is asked at this step: answer it before you read on.",
                         "第 %d 题在这一步提问：先回答，再往下读。"},
    [H_FIGURE] = {"Figure %d of %d", "图 %d，共 %d 幅"},
    [H_CLAIMS] = {"Claims, checked on this run", "结论：在这次运行上检验"},
    [H_FACTS] = {"Facts: sanity checks, not claims (no switch should break them)",
                 "事实：常规检查，不算结论（任何开关都不应破坏它们）"},
    [H_QUESTIONS] = {"Questions", "问题"},
    [H_QUESTION] = {"Question %d", "第 %d 题"},
    [H_AT_STEP] = {"at step %d", "在第 %d 步"},
    [H_HINT] = {"Hint: ", "提示："},
    [H_WITHIN] = {"A number; right within ±%g.", "填一个数；误差不超过 ±%g 算对。"},
    [H_ORDER_HOW] = {"Put the choices in order (letters, first to last).", "把选项排好顺序（写字母，从第一个到最后一个）。"},
    [H_SWITCH_HOW] = {"Which claims fail with %s? (letters or IDs, or none)",
                      "改成 %s 后，哪些结论不成立？（写字母或编号，或“none”）"},
    [H_ANSWERS] = {"Answers", "答案"},
    [H_CHANGES] = {"With %s the answer differs.", "改成 %s 时，答案会不同。"},
};

static bool is_zh(const char *lang)
{
    return lang && strcmp(lang, "zh") == 0;
}

static const char *word(const char *lang, HandoutWord w)
{
    return words[w][is_zh(lang) ? 1 : 0];
}

/* word w formatted into buf. The formats are the table's, never input. */
static const char *fmt(char *buf, size_t cap, const char *lang, HandoutWord w, ...)
{
    va_list ap;
    va_start(ap, w);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(buf, cap, word(lang, w), ap);
#pragma GCC diagnostic pop
    va_end(ap);
    return buf;
}

Status lesson_handout_check(const char *path, Error *err)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return error_set(err, TF_ERR_INPUT, "--handout %s: %s, not a file to write the PDF to", path,
                             file_kind_name(st.st_mode));
        return TF_OK;
    }
    struct stat lst;
    if (lstat(path, &lst) == 0)  /* a link that names nothing */
        return error_set(err, TF_ERR_INPUT, "--handout %s: a symbolic link that names nothing", path);
    if (errno != ENOENT)
        return error_set(err, TF_ERR_INPUT, "--handout %s: %s", path, strerror(errno));
    return atomic_file_check(path, false, err);
}

/* ---- the figures, drawn into a scratch directory ---- */

typedef struct {
    char (*path)[LESSON_PATH_MAX + 256];
    char (*title)[256];
    int n, cap;
    bool failed;
} Images;

static void note_image(void *ctx, const LessonFigure *f, const char *path)
{
    Images *im = ctx;
    if (im->n == im->cap) {
        int cap = im->cap ? im->cap * 2 : 16;
        void *p = realloc(im->path, (size_t)cap * sizeof *im->path);
        if (p)
            im->path = p;
        void *t = realloc(im->title, (size_t)cap * sizeof *im->title);
        if (t)
            im->title = t;
        if (!p || !t) {
            im->failed = true;
            return;
        }
        im->cap = cap;
    }
    snprintf(im->path[im->n], sizeof im->path[0], "%s", path);
    snprintf(im->title[im->n], sizeof im->title[0], "%s", f->title[0] ? f->title : f->key);
    im->n++;
}

/* Step i's record (the first the step's pattern matches in its run) as a
 * PNG in dir/step-I; *written "" when the record is one gnuplot does not
 * draw (why says so). Only a missing gnuplot or a file that cannot be
 * written is an error. */
static Status plot_step(const Lesson *l, int i, const LessonTraces *t, const char *viz, const char *dir,
                        char *written, size_t cap, char *why, size_t why_cap, Error *err)
{
    written[0] = why[0] = '\0';
    const LessonStep *s = lesson_step(l, i);
    const char *path = lesson_trace_path(t, s->run);
    if (!path)
        return error_set(err, TF_ERR_INPUT, "%s:%d: no trace for run '%s'", lesson_slug(l), s->line, s->run);
    TraceReader *r;
    Status st = trace_reader_open(&r, path, err);
    if (st)
        return st;
    uint32_t idx = UINT32_MAX;
    for (uint32_t k = 0; k < trace_reader_count(r); k++)
        if (fnmatch(s->pattern, trace_reader_name(r, k), 0) == 0) {
            idx = k;
            break;
        }
    if (idx == UINT32_MAX) {
        snprintf(why, why_cap, "%s", s->pattern);
        trace_reader_close(r);
        return TF_OK;
    }
    char sub[LESSON_PATH_MAX + 32], source[128];
    snprintf(sub, sizeof sub, "%s/step-%d", dir, i + 1);
    snprintf(source, sizeof source, "lesson %d · run %s", lesson_number(l), s->run);
    PlotOptions o;
    plot_options_init(&o, viz, sub);
    o.source = source;
    Error perr = {0};
    st = plot_record(r, idx, &o, written, cap, &perr);
    trace_reader_close(r);
    if (st == TF_ERR_INPUT) {  /* a record gnuplot does not draw: the page says so */
        snprintf(why, why_cap, "%s", perr.msg);
        written[0] = '\0';
        return TF_OK;
    }
    if (st && err)
        *err = perr;
    return st;
}

/* ---- the pages ---- */

static bool write_file(void *ctx, const unsigned char *data, size_t len)
{
    AtomicFile *af = ctx;
    return fwrite(data, 1, len, af->f) == len;
}

static void title_page(PdfDoc *d, const Lesson *l, const LessonHandout *h)
{
    const char *lang = h->lang;
    char buf[1024];
    pdf_doc_page(d);
    pdf_doc_text(d, PDF_TEXT_H1, fmt(buf, sizeof buf, lang, H_LESSON, lesson_number(l)));
    pdf_doc_text(d, PDF_TEXT_TITLE, lesson_title(l, lang));
    const char *intro = lesson_intro(l, lang) ? lesson_intro(l, lang) : lesson_intro(l, "en");
    if (intro)
        pdf_doc_markdown(d, intro);
    pdf_doc_space(d, 6);

    /* the model and the sentence, in one line */
    Config cfg;
    LessonRunOptions ro;
    Error err = {0};
    if (lesson_run_settings(l, 0, &cfg, &ro, &err) == TF_OK) {
        const char *src = h->o && h->o->src ? h->o->src : cfg.n_src > 0 ? cfg.src[0] : "";
        const char *tgt = h->o && h->o->tgt ? h->o->tgt : cfg.n_tgt > 0 ? cfg.tgt[0] : "";
        char line[1400];
        int n = snprintf(line, sizeof line, "%s: %s, d_model %d, heads %d, layers %d/%d, %s · %s: %s",
                         word(lang, H_MODEL), config_arch_name(cfg.arch), cfg.d_model, cfg.heads, cfg.enc_layers,
                         cfg.dec_layers, config_positions_name(cfg.positions), word(lang, H_SENTENCE), src);
        if (tgt[0] && n > 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, " → %s: %s", word(lang, H_TARGET), tgt);
        pdf_doc_text(d, PDF_TEXT_MONO, line);
    }
    if (h->changes && h->changes[0]) {
        snprintf(buf, sizeof buf, "%s: %s", word(lang, H_SWITCHES), h->changes);
        pdf_doc_text(d, PDF_TEXT_BOLD, buf);
    } else {
        pdf_doc_text(d, PDF_TEXT_SMALL, word(lang, H_UNCHANGED));
    }
}

#define NARRATION_GAP 8.0
#define MIN_FIGURE_H 140.0

static Status step_page(PdfDoc *d, const Lesson *l, int i, const char *image, const char *why,
                        const LessonHandout *h, Error *err)
{
    const char *lang = h->lang;
    const LessonStep *s = lesson_step(l, i);
    char buf[1024];
    pdf_doc_page(d);
    fmt(buf, sizeof buf, lang, H_STEP, i + 1, lesson_step_count(l));
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof buf - n, " · %s%s%s", s->key, s->compare[0] ? word(lang, H_VS) : "",
             s->compare);
    pdf_doc_text(d, PDF_TEXT_H2, buf);
    pdf_doc_text(d, PDF_TEXT_BOLD, lesson_step_note(l, i, lang));
    const int q = lesson_question_at_step(l, i);
    if (q >= 0)
        pdf_doc_text(d, PDF_TEXT_SMALL, fmt(buf, sizeof buf, lang, H_QUESTION_HERE, q + 1));
    const char *text = lesson_step_narration(l, i, lang);
    if (!text)
        text = lesson_step_narration(l, i, "en");
    if (image[0]) {
        /* the figure takes what the narration leaves of the page */
        double room = pdf_doc_room(d) - (text ? pdf_doc_markdown_height(d, text) + NARRATION_GAP : 0);
        Status st = pdf_doc_image(d, image, room < MIN_FIGURE_H ? MIN_FIGURE_H : room, err);
        if (st)
            return st;
    } else if (why[0]) {
        pdf_doc_text(d, PDF_TEXT_SMALL, fmt(buf, sizeof buf, lang, H_NO_FIGURE, why));
    }
    if (text) {
        pdf_doc_space(d, NARRATION_GAP - 5);
        pdf_doc_markdown(d, text);
    }
    return TF_OK;
}

static Status figure_pages(PdfDoc *d, const Images *im, const char *lang, Error *err)
{
    char buf[512];
    for (int k = 0; k < im->n; k++) {
        pdf_doc_page(d);
        fmt(buf, sizeof buf, lang, H_FIGURE, k + 1, im->n);
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, ": %s", im->title[k]);
        pdf_doc_text(d, PDF_TEXT_H2, buf);
        Status st = pdf_doc_image(d, im->path[k], 0, err);
        if (st)
            return st;
    }
    return TF_OK;
}

static void claims_pages(PdfDoc *d, const Lesson *l, const ClaimResult *res, const char *lang)
{
    const ViewLang vl = view_lang(lang);
    char buf[1024];
    pdf_doc_page(d);
    pdf_doc_text(d, PDF_TEXT_H1, word(lang, H_CLAIMS));
    for (int pass = 0; pass < 2; pass++) {
        int n = 0, held = 0, seen = 0;
        for (int i = 0; i < lesson_claim_count(l); i++) {
            const ClaimResult *r = &res[i];
            if (r->fact != (pass == 1))
                continue;
            if (pass == 1 && seen++ == 0) {
                pdf_doc_space(d, 6);
                pdf_doc_text(d, PDF_TEXT_H2, word(lang, H_FACTS));
            }
            const char *verdict = view_word(vl, r->skipped ? WORD_VERDICT_SKIP
                                                : r->pass  ? WORD_VERDICT_PASS
                                                           : WORD_VERDICT_FAIL);
            snprintf(buf, sizeof buf, "%s%s", verdict, is_zh(lang) && r->text_zh[0] ? r->text_zh : r->text);
            pdf_doc_text(d, PDF_TEXT_BOLD_SMALL, buf);
            pdf_doc_text(d, PDF_TEXT_MONO_SMALL, r->check);
            if (r->skipped) {
                pdf_doc_text(d, PDF_TEXT_SMALL, view_word(vl, WORD_ABOUT_OWN_SENTENCE));
            } else {
                n++;
                held += r->pass;
                snprintf(buf, sizeof buf, "%s%s", view_word(vl, WORD_WALK_MEASURED), r->measured);
                pdf_doc_text(d, PDF_TEXT_MONO_SMALL, buf);
            }
            pdf_doc_space(d, 3);
        }
        if (pass == 0 || n > 0) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            snprintf(buf, sizeof buf, view_word(vl, pass == 0 ? WORD_CLAIMS_HOLD : WORD_FACTS_HOLD), held, n);
#pragma GCC diagnostic pop
            pdf_doc_text(d, PDF_TEXT_SMALL, buf);
        }
    }
}

/* "a) the   b) cat   c) that": the choices with the letters a student types. */
static void choices_line(PdfDoc *d, const QuestionAsked *q)
{
    char buf[QUESTION_MAX_CHOICES * (QUESTION_LABEL_MAX + 8)];
    size_t n = 0;
    buf[0] = '\0';
    for (int c = 0; c < q->n_choices && n < sizeof buf; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%c) %s", c ? "    " : "", 'a' + c, q->choice[c]);
    pdf_doc_text(d, PDF_TEXT_MONO, buf);
}

static Status questions_pages(PdfDoc *d, const Lesson *l, const LessonTraces *t, const LessonHandout *h,
                              Error *err)
{
    const int nq = lesson_question_count(l);
    if (nq == 0)
        return TF_OK;
    const char *lang = h->lang;
    QuestionAsked *asked = calloc((size_t)nq, sizeof *asked);
    if (!asked)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Status st = TF_OK;
    for (int i = 0; i < nq && st == TF_OK; i++)
        st = lesson_question_ask(l, i, t, h->o, h->work_dir, lang, &asked[i], err);
    if (st) {
        free(asked);
        return st;
    }
    char buf[1024], head[256];
    pdf_doc_page(d);
    pdf_doc_text(d, PDF_TEXT_H1, word(lang, H_QUESTIONS));
    for (int i = 0; i < nq; i++) {
        const LessonQuestion *lq = lesson_question(l, i);
        const QuestionAsked *q = &asked[i];
        fmt(head, sizeof head, lang, H_QUESTION, i + 1);
        size_t n = strlen(head);
        snprintf(head + n, sizeof head - n, " · ");
        n = strlen(head);
        fmt(head + n, sizeof head - n, lang, H_AT_STEP, lq->step + 1);
        n = strlen(head);
        snprintf(head + n, sizeof head - n, " (%s)", lesson_step(l, lq->step)->key);
        pdf_doc_text(d, PDF_TEXT_H2, head);
        const char *text = lesson_question_text(l, i, lang);
        if (text)
            pdf_doc_markdown(d, text);
        if (lq->kind == QUESTION_NUMBER)
            pdf_doc_text(d, PDF_TEXT_SMALL, fmt(buf, sizeof buf, lang, H_WITHIN, q->within));
        else if (lq->kind == QUESTION_ORDER)
            pdf_doc_text(d, PDF_TEXT_SMALL, word(lang, H_ORDER_HOW));
        if (q->n_choices > 0)
            choices_line(d, q);
        const char *hint = lesson_question_hint(l, i, lang);
        if (hint) {
            const size_t cap = strlen(word(lang, H_HINT)) + strlen(hint) + 1;
            char *both = malloc(cap);
            if (both) {
                snprintf(both, cap, "%s%s", word(lang, H_HINT), hint);
                pdf_doc_text(d, PDF_TEXT_SMALL, both);
                free(both);
            }
        }
        pdf_doc_space(d, 8);
    }
    pdf_doc_page(d);
    pdf_doc_text(d, PDF_TEXT_H1, word(lang, H_ANSWERS));
    for (int i = 0; i < nq; i++) {
        const QuestionAsked *q = &asked[i];
        fmt(head, sizeof head, lang, H_QUESTION, i + 1);
        size_t n = strlen(head);
        snprintf(head + n, sizeof head - n, ": %s", q->expected_text);
        pdf_doc_text(d, PDF_TEXT_H2, head);
        if (q->changes[0])
            pdf_doc_text(d, PDF_TEXT_SMALL, fmt(buf, sizeof buf, lang, H_CHANGES, q->changes));
        const char *ex = lesson_question_explanation(l, i, lang);
        if (ex)
            pdf_doc_markdown(d, ex);
        pdf_doc_space(d, 6);
    }
    free(asked);
    return TF_OK;
}

Status lesson_handout_write(const Lesson *l, const LessonTraces *t, const LessonHandout *h, int *pages,
                            Error *err)
{
    *pages = 0;
    Status st = plot_gnuplot_available(err);
    if (st)
        return st;
    ClaimResult *res = NULL;
    int failed = 0;
    if ((st = lesson_check(l, t, &res, &failed, err)))
        return st;
    char dir[LESSON_PATH_MAX];
    if (scratch_dir_make(dir, sizeof dir, NULL, "traceformer-handout-", SCRATCH_GUARDED) != 0) {
        free(res);
        return error_set(err, TF_ERR_RUNTIME, "cannot create a temporary directory: %s", strerror(errno));
    }
    AtomicFile af = {0};
    PdfDoc *d = NULL;
    Images im = {0};
    if ((st = atomic_file_open(&af, h->path, err)) == TF_OK)
        st = pdf_doc_open(&d, write_file, &af, h->lang, err);
    if (st == TF_OK) {
        title_page(d, l, h);
        for (int i = 0; st == TF_OK && i < lesson_step_count(l); i++) {
            char image[LESSON_PATH_MAX + 256], why[1100];
            st = plot_step(l, i, t, h->viz_dir, dir, image, sizeof image, why, sizeof why, err);
            if (st == TF_OK)
                st = step_page(d, l, i, image, why, h, err);
        }
    }
    if (st == TF_OK) {
        char figdir[LESSON_PATH_MAX + 16];
        snprintf(figdir, sizeof figdir, "%s/figures", dir);
        st = lesson_plot(l, t, h->viz_dir, figdir, "png", h->lang, note_image, &im, err);
        if (st == TF_OK && im.failed)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    if (st == TF_OK)
        st = figure_pages(d, &im, h->lang, err);
    if (st == TF_OK) {
        claims_pages(d, l, res, h->lang);
        st = questions_pages(d, l, t, h, err);
    }
    if (st == TF_OK) {
        *pages = pdf_doc_pages(d);
        st = pdf_doc_finish(d, err);
        d = NULL;
        if (st == TF_OK)
            st = atomic_file_commit(&af, err);
    }
    if (st) {
        pdf_doc_free(d);
        atomic_file_discard(&af);
        *pages = 0;
    }
    free(im.path);
    free(im.title);
    free(res);
    scratch_dir_remove(dir);
    return st;
}

void lesson_handout_release(void)
{
    pdf_doc_release_caches();
}

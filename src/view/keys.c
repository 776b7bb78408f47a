/* keys.c — the key table and the handlers that change the state. */
#include "view/keys.h"

#include <curses.h>
#include <string.h>

#include "view/glossary.h"
#include "view/layout.h"
#include "view/present.h"
#include "view/quiz.h"
#include "view/words.h"

#define ESC 27

static const KeyBinding step_keys[] = {
    {{'n', KEY_RIGHT}, "n \xe2\x86\x92", DO_NEXT, "next step, in execution order", "下一条记录（按执行顺序）"},
    {{'p', KEY_LEFT}, "p \xe2\x86\x90", DO_PREV, "previous step", "上一条记录"},
    {{KEY_HOME, '<'}, "Home <", DO_FIRST, "first step", "第一条记录"},
    {{KEY_END, '>'}, "End >", DO_LAST, "last step", "最后一条记录"},
    {{'}'}, "}", DO_LAYER_NEXT, "the same record in the next layer / training snapshot",
     "下一层 / 下一个训练快照的同名记录"},
    {{'{'}, "{", DO_LAYER_PREV, "the same record in the previous layer / snapshot", "上一层 / 上一个训练快照的同名记录"},
    {{']'}, "]", DO_HEAD_NEXT, "next head (attention records)", "下一个头（注意力记录）"},
    {{'['}, "[", DO_HEAD_PREV, "previous head", "上一个头"},
    {{'b'}, "b", DO_BATCH_NEXT, "next sentence of a batch", "批次中的下一个句子"},
    {{'B'}, "B", DO_BATCH_PREV, "previous sentence of a batch", "批次中的上一个句子"},
    {{'/', 'g'}, "/ g", DO_SEARCH, "jump to a record by name (Tab completes)", "按名称跳到一条记录（Tab 补全）"},
};

static const KeyBinding cursor_keys[] = {
    {{'k', KEY_UP}, "k \xe2\x86\x91", DO_UP, "cursor up a row", "光标上移一行"},
    {{'j', KEY_DOWN}, "j \xe2\x86\x93", DO_DOWN, "cursor down a row", "光标下移一行"},
    {{'h', KEY_SLEFT}, "h S-\xe2\x86\x90", DO_LEFT, "cursor left a column", "光标左移一列"},
    {{'l', KEY_SRIGHT}, "l S-\xe2\x86\x92", DO_RIGHT, "cursor right a column", "光标右移一列"},
    {{KEY_PPAGE, KEY_CTRL('b')}, "PgUp", DO_PAGE_UP, "cursor up a screen", "光标上移一屏"},
    {{KEY_NPAGE, KEY_CTRL('f')}, "PgDn", DO_PAGE_DOWN, "cursor down a screen", "光标下移一屏"},
    {{'0', '^'}, "0", DO_ROW_START, "cursor to the first column", "光标到第一列"},
    {{'$'}, "$", DO_ROW_END, "cursor to the last column", "光标到最后一列"},
    {{'-', '_'}, "-", DO_ZOOM_OUT, "zoom out: each cell the mean of 2x2 more values", "缩小：每格显示 2x2 倍多个值的均值"},
    {{'+', '='}, "+", DO_ZOOM_IN, "zoom back in", "放大回来"},
    {{'z'}, "z", DO_ZOOM_FIT, "fit the whole matrix on screen / back to 1:1", "整个矩阵放进屏幕 / 回到 1:1"},
};

static const KeyBinding view_keys[] = {
    {{'a'}, "a", DO_HEADS, "heads view: every head of the block on one scale", "多头视图：这个模块的所有头用同一色标"},
    {{'c'}, "c", DO_COMPARE, "compare: A, B and A-B (view A --compare B)", "对比：A、B 和 A-B（view A --compare B）"},
    {{'t'}, "t", DO_ALL_COLUMNS, "a vocabulary-wide record: its top tokens in the cursor's row / every column",
     "词表那么宽的记录：光标所在行值最高的词元 / 全部列"},
    {{'v'}, "v", DO_NUMBERS, "numbers in the cells on / off", "格中显示数值：开 / 关"},
    {{'m'}, "m", DO_MASK, "mask overlay: mark the cells the block's mask hides", "掩码叠加：标出被注意力掩码遮住的格"},
    {{'s'}, "s", DO_STRETCH, "colours: weights on 0..1 / stretched to their own range", "颜色：权重按 0..1 / 拉伸到自身范围"},
    {{'x'}, "x", DO_EXPORT, "export this view as an image (gnuplot)", "把当前视图导出为图片（gnuplot）"},
    {{'X'}, "X", DO_MODEL_VIEW, "export the model view: every layer x head of this block",
     "导出模型视图：这个模块的每一层 × 每一个头"},
};

static const KeyBinding lesson_keys[] = {
    {{'N'}, "N", DO_GUIDE_NEXT, "next step of the lesson (its own order)", "课程的下一步（按课程顺序）"},
    {{'P'}, "P", DO_GUIDE_PREV, "previous step of the lesson", "课程的上一步"},
    {{'I'}, "I", DO_INTRO, "the lesson's introduction (I again: back to the step)", "课程简介（再按 I：回到这一步）"},
    {{'L'}, "L", DO_LANG, "narration in English / \xe7\xae\x80\xe4\xbd\x93\xe4\xb8\xad\xe6\x96\x87",
     "讲解：English / 简体中文"},
    {{'J'}, "J", DO_NARR_DOWN, "scroll the narration down", "讲解往下滚动"},
    {{'K'}, "K", DO_NARR_UP, "scroll the narration up", "讲解往上滚动"},
    {{'e'}, "e", DO_EDIT_SOURCE, "edit the source sentence and re-run (Enter; Esc cancels)", "编辑源句并重新运行（Enter；Esc 取消）"},
    {{'E'}, "E", DO_EDIT_TARGET, "edit the target sentence and re-run", "编辑目标句并重新运行"},
    {{'M'}, "M", DO_CAUSAL, "re-run with the causal mask on / off", "打开 / 关闭因果掩码，重新运行"},
    {{'D'}, "D", DO_PADDING, "re-run with the padding mask on / off", "打开 / 关闭填充掩码，重新运行"},
    {{'T'}, "T", DO_POSITIONS, "re-run with the next positional encoding", "换下一种位置编码，重新运行"},
    {{'R'}, "R", DO_RESIDUAL, "re-run with the residual connections on / off", "打开 / 关闭残差连接，重新运行"},
    {{'S'}, "S", DO_SCALE, "re-run with the scores' 1/sqrt(d_k) scaling on / off", "打开 / 关闭分数的 1/√d_k 缩放，重新运行"},
    {{'W'}, "W", DO_TEMPERATURE, "re-run with the next attention temperature: 1, 2, 0.5", "换下一个注意力温度（1、2、0.5），重新运行"},
    {{'A'}, "A", DO_ABLATE, "re-run with the head on screen silenced (its z zeroed) / back", "把屏幕上的头输出置零（z 为 0）/ 恢复，重新运行"},
    {{'G'}, "G", DO_CACHE, "re-run generation with the KV cache on / off", "打开 / 关闭 KV 缓存，重新运行生成"},
    {{'H'}, "H", DO_HEAD_COUNT, "re-run with one head instead of several / back", "改成只有一个头 / 恢复，重新运行"},
    {{'F'}, "F", DO_NORM, "re-run with the layer norm moved: pre-LN <-> post-LN", "把层归一化换个位置（pre-LN ↔ post-LN），重新运行"},
    {{'U'}, "U", DO_WARMUP, "re-run training without learning-rate warm-up / back", "去掉 / 恢复学习率预热，重新训练"},
    {{'C'}, "C", DO_CLAIMS, "the lesson's claims on this run: PASS / FAIL, measured", "本课的结论在这次运行上：成立 / 不成立，测得值"},
    {{'f', KEY_F(5)}, "f F5", DO_PRESENT, "presentation mode: a big matrix, the narration beneath",
     "演示模式：大矩阵，讲解在下方"},
    /* no keys of their own: in presentation mode these go to N and P (view_present_key) */
    {{0}, "\xe2\x86\x92 Space PgDn", DO_GUIDE_NEXT, "in presentation mode: the lesson's next step",
     "演示模式中：课程的下一步"},
    {{0}, "\xe2\x86\x90 Bksp PgUp", DO_GUIDE_PREV, "in presentation mode: its previous step", "演示模式中：课程的上一步"},
};

/* A question's prompt has the keys of its own (quiz.h): ←/→ or a letter
 * choose, typed answers go to its line editor, and these. Enter is the
 * steps pane's fold key everywhere else, so its entry here has no key of
 * its own: keys.c opens the prompt on Enter at a question step first. */
static const KeyBinding quiz_keys[] = {
    {{0}, "Enter", DO_QUIZ_ANSWER, "at a question: answer it in the prompt (\xe2\x86\x90/\xe2\x86\x92 or a letter chooses)",
     "在问题这一步：在提示行作答（\xe2\x86\x90/\xe2\x86\x92 或字母选择）"},
    {{KEY_CTRL('t')}, "Ctrl-T", DO_QUIZ_HINT, "at a question: show its hint", "在问题这一步：显示提示"},
    {{KEY_CTRL('x')}, "Ctrl-X", DO_QUIZ_SKIP, "at a question: skip it (the answer and the numbers are shown)",
     "在问题这一步：跳过（显示答案和数值）"},
};

static const KeyBinding pane_keys[] = {
    {{'\t'}, "Tab", DO_FOCUS, "keys to the steps pane and back", "按键转到步骤栏 / 转回来"},
    {{'\n', '\r', KEY_ENTER, ' ', 'o'}, "Enter Space o", DO_FOLD, "fold / unfold the group at the steps cursor", "折叠 / 展开步骤栏光标处的组"},
    {{'O'}, "O", DO_TREE_MODE, "steps: follow the current step / open every group", "步骤栏：跟随当前记录 / 展开所有组"},
};

static const KeyBinding other_keys[] = {
    {{'?', KEY_F(1)}, "?", DO_HELP, "this help", "本帮助"},
    {{ESC}, "Esc", DO_BACK, "back: close help, the prompt, heads, compare or presentation",
     "返回：关闭帮助、提示行、多头视图、对比或演示模式"},
    {{KEY_CTRL('l')}, "Ctrl-L", DO_REDRAW, "repaint the screen", "重画屏幕"},
    {{'q', 'Q'}, "q", DO_QUIT, "quit", "退出"},
};

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const KeySection sections[] = {
    {"Steps", "记录", step_keys, LEN(step_keys)},
    {"Cell cursor and zoom", "单元格光标与缩放", cursor_keys, LEN(cursor_keys)},
    {"Views", "视图", view_keys, LEN(view_keys)},
    {"Lesson (traceformer lesson N)", "课程（traceformer lesson N）", lesson_keys, LEN(lesson_keys)},
    {"Questions (a lesson asks before it shows)", "问题（课程先提问，再显示）", quiz_keys, LEN(quiz_keys)},
    {"Steps pane", "步骤栏", pane_keys, LEN(pane_keys)},
    {"Other", "其他", other_keys, LEN(other_keys)},
};

const KeySection *keys_sections(int *n)
{
    *n = LEN(sections);
    return sections;
}

/* The help screen's line where the glossary's title is (g in help jumps
 * there). */
static int keys_help_glossary_line(void)
{
    int n = 2;  /* the mouse line and a blank */
    for (int i = 0; i < LEN(sections); i++)
        n += sections[i].n + 2;  /* title, keys, blank */
    return n;
}

int keys_help_lines(void)
{
    int terms;
    glossary_entries(&terms);
    return keys_help_glossary_line() + 1 + terms;  /* its title, a line a term */
}

/* The action of a key in the main view (not in help or the prompt). */
static Action keys_action(int ch)
{
    for (int s = 0; s < LEN(sections); s++)
        for (int k = 0; k < sections[s].n; k++)
            for (int i = 0; i < 6 && sections[s].keys[k].keys[i]; i++)
                if (sections[s].keys[k].keys[i] == ch)
                    return sections[s].keys[k].action;
    return DO_NONE;
}

/* ---- the prompt ---- */

static void search_key(ViewState *s, int ch)
{
    Search *q = &s->search;
    switch (ch) {
    case ESC:
        s->searching = false;
        return;
    case '\n':
    case '\r':
    case KEY_ENTER: {
        long i = search_target(q, s->a);
        s->searching = false;
        if (q->len == 0)
            return;
        if (i < 0) {
            view_jump(s, q->text);  /* says "no record named ..." with a suggestion */
            return;
        }
        s->focus = FOCUS_MATRIX;
        view_goto(s, (uint32_t)i);
        return;
    }
    case '\t':
        search_complete(q, s->a);
        return;
    case KEY_BTAB:
    case KEY_UP:
        search_select(q, -1);
        return;
    case KEY_DOWN:
        search_select(q, 1);
        return;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (q->len == 0)
            s->searching = false;  /* backspace on an empty prompt leaves it, as in less */
        else
            search_backspace(q, s->a);
        return;
    case KEY_CTRL('u'):
        search_clear(q);
        search_update(q, s->a);
        return;
    }
    if (ch >= 0x20 && ch < 0x7F) {
        char c = (char)ch;
        search_append(q, s->a, &c, 1);
    }
}

static void help_key(ViewState *s, int ch)
{
    int n = keys_help_lines();
    switch (ch) {
    case 'j':
    case KEY_DOWN:
        s->help_top++;
        break;
    case 'k':
    case KEY_UP:
        s->help_top--;
        break;
    case KEY_NPAGE:
    case ' ':
        s->help_top += 10;
        break;
    case KEY_PPAGE:
        s->help_top -= 10;
        break;
    case 'g':  /* the glossary, and back to the keys */
        s->help_top = s->help_top == keys_help_glossary_line() ? 0 : keys_help_glossary_line();
        break;
    default:
        s->help = false;  /* any other key closes help, as less does */
        return;
    }
    if (s->help_top > n - 1)
        s->help_top = n - 1;
    if (s->help_top < 0)
        s->help_top = 0;
}

/* ---- the line editor and the claims panel ---- */

static void edit_key(ViewState *s, int ch)
{
    LineEdit *e = &s->edit;
    switch (ch) {
    case ESC: view_edit_cancel(s); return;
    case '\n':
    case '\r':
    case KEY_ENTER: view_edit_apply(s); return;
    }
    view_lineedit_key(e, ch);
}

bool view_lineedit_key(LineEdit *e, int ch)
{
    switch (ch) {
    case KEY_LEFT: lineedit_left(e); return true;
    case KEY_RIGHT: lineedit_right(e); return true;
    case KEY_HOME:
    case KEY_CTRL('a'): lineedit_home(e); return true;
    case KEY_END:
    case KEY_CTRL('e'): lineedit_end(e); return true;
    case KEY_BACKSPACE:
    case 127:
    case 8: lineedit_backspace(e); return true;
    case KEY_DC:
    case KEY_CTRL('d'): lineedit_delete(e); return true;
    case KEY_CTRL('u'): lineedit_clear(e); return true;
    }
    if (ch >= 0x20 && ch < 0x7F)
        return lineedit_insert(e, (uint32_t)ch);
    return true;
}

void view_input_char(ViewState *s, uint32_t cp)
{
    if (s->asking && !s->editing && !s->searching && !s->help) {
        if (s->msg_kind != MSG_NONE) {
            s->msg[0] = '\0';
            s->msg_kind = MSG_NONE;
        }
        view_quiz_char(s, cp);
        return;
    }
    if (!s->editing)
        return;
    if (s->msg_kind != MSG_NONE) {
        s->msg[0] = '\0';
        s->msg_kind = MSG_NONE;
    }
    if (!lineedit_insert(&s->edit, cp))
        view_say(s, MSG_NOTICE, WORD_MSG_TOO_LONG);
}

/* Keys while the claims panel is open: j/k scroll it, C, Esc, q and Enter
 * close it; any other key closes it and does its usual work. */
static bool claims_key(ViewState *s, int ch)
{
    switch (ch) {
    case 'j':
    case KEY_DOWN: {
        ClaimsGeometry g;
        layout_claims(s, &g);
        if (s->claims_top < g.max_top)
            s->claims_top++;
        return true;
    }
    case 'k':
    case KEY_UP:
        if (s->claims_top > 0)
            s->claims_top--;
        return true;
    case 'C':
    case ESC:
    case 'q':
    case '\n':
    case '\r':
    case KEY_ENTER:
    case ' ': s->claims = false; return true;
    }
    s->claims = false;
    return false;
}

/* ---- the main view ---- */

static void page_move(ViewState *s, int dir)
{
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    int n = layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    int step = n > 0 && p[0].cap_r > 1 ? (int)p[0].cap_r - 1 : 1;
    view_move(s, dir * step, 0);
}

void view_key(ViewState *s, int ch)
{
    if (s->msg_kind != MSG_NONE) {
        s->msg[0] = '\0';
        s->msg_kind = MSG_NONE;
    }
    if (s->searching) {
        search_key(s, ch);
        return;
    }
    if (s->editing) {
        edit_key(s, ch);
        return;
    }
    if (s->help) {
        help_key(s, ch);
        return;
    }
    if (s->asking) {  /* a question's prompt */
        view_quiz_key(s, ch);
        return;
    }
    if (s->claims && claims_key(s, ch))
        return;
    if (s->present && view_present_key(s, ch))
        return;
    bool steps = s->focus == FOCUS_STEPS;
    view_action_pressed(s, ch);  /* "> try M: ..." is done once M is pressed on its step */
    if (!steps && (ch == '\n' || ch == '\r' || ch == KEY_ENTER) && view_quiz_hides(s)) {
        view_quiz_open(s);
        return;
    }
    switch (keys_action(ch)) {
    case DO_NONE:
        if (ch >= 0x20 && ch < 0x7F)
            view_say(s, MSG_NOTICE, WORD_MSG_NOT_A_KEY, ch);
        return;
    case DO_NEXT: view_step(s, 1); break;
    case DO_PREV: view_step(s, -1); break;
    case DO_FIRST: view_goto(s, 0); break;
    case DO_LAST: view_goto(s, s->count - 1); break;
    case DO_UP:
        if (steps)
            view_tree_move(s, -1);
        else
            view_move(s, -1, 0);
        break;
    case DO_DOWN:
        if (steps)
            view_tree_move(s, 1);
        else
            view_move(s, 1, 0);
        break;
    case DO_LEFT:
        if (steps) {
            const TreeNode *n = &s->tree.nodes[s->tree_node];
            if (!(n->group && n->collapsed))
                view_tree_toggle(s);
        } else
            view_move(s, 0, -1);
        break;
    case DO_RIGHT:
        if (steps) {
            const TreeNode *n = &s->tree.nodes[s->tree_node];
            if (n->group && n->collapsed)
                view_tree_toggle(s);
        } else
            view_move(s, 0, 1);
        break;
    case DO_PAGE_UP:
        if (steps)
            view_tree_move(s, -10);
        else
            page_move(s, -1);
        break;
    case DO_PAGE_DOWN:
        if (steps)
            view_tree_move(s, 10);
        else
            page_move(s, 1);
        break;
    case DO_ROW_START: view_move(s, 0, -1000000); break;
    case DO_ROW_END: view_move(s, 0, 1000000); break;
    case DO_HEAD_NEXT: view_step_head(s, 1); break;
    case DO_HEAD_PREV: view_step_head(s, -1); break;
    case DO_LAYER_NEXT: view_step_layer(s, 1); break;
    case DO_LAYER_PREV: view_step_layer(s, -1); break;
    case DO_BATCH_NEXT: view_step_batch(s, 1); break;
    case DO_BATCH_PREV: view_step_batch(s, -1); break;
    case DO_SEARCH:
        s->searching = true;
        search_clear(&s->search);
        search_update(&s->search, s->a);
        break;
    case DO_HEADS: view_toggle_heads(s); break;
    case DO_COMPARE: view_toggle_compare(s); break;
    case DO_ALL_COLUMNS: view_toggle_all_columns(s); break;
    case DO_NUMBERS: view_toggle_numbers(s); break;
    case DO_MASK: view_toggle_mask(s); break;
    case DO_STRETCH: view_toggle_stretch(s); break;
    case DO_ZOOM_OUT: view_zoom(s, -1); break;
    case DO_ZOOM_IN: view_zoom(s, 1); break;
    case DO_ZOOM_FIT: view_zoom_fit(s); break;
    case DO_FOCUS:
        s->focus = steps ? FOCUS_MATRIX : FOCUS_STEPS;
        {
            ScreenLayout l;
            layout_screen(s, &l);
            if (s->focus == FOCUS_STEPS && l.steps.w == 0) {
                s->focus = FOCUS_MATRIX;
                view_say(s, MSG_NOTICE, WORD_MSG_STEPS_WIDER,
                         s->narration.lookup ? view_word(s->lang, WORD_MSG_COLS_BESIDE) : "80");
            }
        }
        view_sync(s);
        break;
    case DO_FOLD: view_tree_toggle(s); break;
    case DO_TREE_MODE: view_tree_cycle_mode(s); break;
    case DO_EXPORT:
    case DO_MODEL_VIEW:
        if (view_quiz_hides(s))  /* no numbers before the answer, not even in a file */
            view_say(s, MSG_NOTICE, WORD_MSG_Q_FIRST);
        else if (keys_action(ch) == DO_EXPORT)
            view_request_export(s);
        else
            view_request_model_view(s);
        break;
    case DO_HELP:
        s->help = true;
        s->help_top = 0;
        break;
    case DO_BACK:
        if (s->heads)
            view_toggle_heads(s);
        else if (s->compare)
            view_toggle_compare(s);
        else if (steps) {
            s->focus = FOCUS_MATRIX;
            view_sync(s);
        } else if (s->present)
            view_toggle_present(s);  /* a remote's "stop" sends Esc */
        break;
    case DO_REDRAW: break;
    case DO_QUIT: s->quit = true; break;
    case DO_GUIDE_NEXT: view_guide_step(s, 1); break;
    case DO_GUIDE_PREV: view_guide_step(s, -1); break;
    case DO_INTRO: view_toggle_intro(s); break;
    case DO_LANG: view_toggle_lang(s); break;
    case DO_NARR_DOWN: view_narration_scroll(s, 3); break;
    case DO_NARR_UP: view_narration_scroll(s, -3); break;
    case DO_EDIT_SOURCE: view_edit_start(s, VIEW_EDIT_SOURCE); break;
    case DO_EDIT_TARGET: view_edit_start(s, VIEW_EDIT_TARGET); break;
    case DO_CAUSAL: view_request_rerun(s, VIEW_EDIT_CAUSAL, NULL); break;
    case DO_PADDING: view_request_rerun(s, VIEW_EDIT_PADDING, NULL); break;
    case DO_POSITIONS: view_request_rerun(s, VIEW_EDIT_POSITIONS, NULL); break;
    case DO_RESIDUAL: view_request_rerun(s, VIEW_EDIT_RESIDUAL, NULL); break;
    case DO_SCALE: view_request_rerun(s, VIEW_EDIT_SCALE, NULL); break;
    case DO_TEMPERATURE: view_request_rerun(s, VIEW_EDIT_TEMPERATURE, NULL); break;
    case DO_ABLATE: view_request_ablate(s); break;
    case DO_CACHE: view_request_rerun(s, VIEW_EDIT_CACHE, NULL); break;
    case DO_HEAD_COUNT: view_request_rerun(s, VIEW_EDIT_HEADS, NULL); break;
    case DO_NORM: view_request_rerun(s, VIEW_EDIT_NORM, NULL); break;
    case DO_WARMUP: view_request_rerun(s, VIEW_EDIT_WARMUP, NULL); break;
    case DO_CLAIMS: view_toggle_claims(s); break;
    case DO_PRESENT: view_toggle_present(s); break;
    case DO_QUIZ_ANSWER: view_quiz_open(s); break;
    case DO_QUIZ_HINT: view_quiz_hint(s); break;
    case DO_QUIZ_SKIP: view_quiz_skip(s); break;
    }
}

/* ---- the mouse ---- */

static bool in_rect(const Rect *r, int y, int x)
{
    return r->w > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

void view_click(ViewState *s, int y, int x)
{
    ScreenLayout l;
    layout_screen(s, &l);
    if (l.too_small || s->help || s->searching || s->editing || s->asking)
        return;
    if (in_rect(&l.steps, y, x)) {
        uint32_t row = s->tree_top + (uint32_t)(y - l.steps.y - 1);
        if (y == l.steps.y || row >= s->tree.n_visible)
            return;
        uint32_t node = s->tree.visible[row];
        s->tree_node = node;
        if (s->tree.nodes[node].group) {
            s->focus = FOCUS_STEPS;
            view_tree_toggle(s);
        } else {
            s->cur = s->tree.nodes[node].first;
            view_sync(s);
        }
        return;
    }
    Panel p[LAYOUT_MAX_PANELS];
    int n = layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    for (int i = 0; i < n; i++) {
        uint32_t row, col;
        if (!layout_hit(&p[i], y, x, &row, &col))
            continue;
        /* Half blocks hold two rows: a second click on the same spot
         * selects the lower one. */
        if (p[i].half && s->row == row && s->col == col && row + p[i].pr < p[i].rows)
            row += p[i].pr;
        s->row = row;
        s->col = col;
        if (p[i].head >= 0)
            s->head = (uint32_t)p[i].head;
        s->focus = FOCUS_MATRIX;
        view_sync(s);
        return;
    }
}

void view_wheel(ViewState *s, int y, int x, int dir)
{
    ScreenLayout l;
    layout_screen(s, &l);
    if (l.too_small)
        return;
    if (s->help) {
        help_key(s, dir < 0 ? KEY_UP : KEY_DOWN);
        return;
    }
    if (in_rect(&l.steps, y, x))
        view_step(s, dir);
    else if (in_rect(&l.narr, y, x))
        view_narration_scroll(s, dir * 3);
    else
        view_move(s, dir * 3, 0);
}

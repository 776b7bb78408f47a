/* words.c — the viewer's own words, English and Chinese (words.h). */
#include "view/words.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const words[WORD_COUNT][VIEW_N_LANGS] = {
    [WORD_INTRO_TITLE] = {" introduction (I: back to the step) ", " 课程简介（I：回到这一步） "},
    [WORD_NARRATION] = {" narration ", " 讲解 "},
    [WORD_LESSON_STEPS] = {" lesson: %d steps, N starts ", " 本课共 %d 步，按 N 开始 "},
    [WORD_LESSON_STEP] = {" lesson step %d of %d ", " 课程第 %d 步，共 %d 步 "},
    [WORD_OFF_PATH] = {" off the lesson path (step %d of %d) ", " 已离开课程路线（第 %d 步，共 %d 步） "},
    [WORD_NO_NARRATION] = {"No narration for %s.", "%s 没有讲解。"},
    [WORD_NO_NARRATION_GUIDE] = {"No narration for %s. N goes on with the lesson, P goes back to step %d.",
                                 "%s 没有讲解。按 N 继续本课，按 P 回到第 %d 步。"},
    [WORD_FALLBACK] = {"(English: no 中文 text here yet)", "（这一步还没有中文讲解，下面是英文）"},
    [WORD_MORE] = {" J more ", " J 往下 "},
    [WORD_BACK] = {" K back ", " K 往上 "},
    [WORD_CLAIMS_PASS_FOOT] = {"claims %d/%d pass (C)", "结论 %d/%d 成立（C）"},
    [WORD_FOOT] = {"C checks the claims · e edits the sentence · M D T R re-run",
                   "C 检查结论 · e 编辑句子 · M D T R 重新运行"},
    [WORD_FOOT_FIXED] = {"T: positions fixed by the trained model · C checks the claims · e edits the sentence "
                         "· M D R re-run",
                         "T：位置编码由训练好的模型固定 · C 检查结论 · e 编辑句子 · M D R 重新运行"},
    [WORD_CLAIMS_TITLE] = {" claims: %d of %d pass ", " 结论：%d 条成立，共 %d 条 "},
    [WORD_PASS] = {" PASS ", " 成立 "},
    [WORD_FAIL] = {" FAIL ", "不成立"},
    [WORD_MEASURED] = {"measured: %s", "测得：%s"},
    [WORD_CLAIMS_HINT] = {" C or Esc closes  j/k scroll ", " C 或 Esc 关闭  j/k 滚动 "},
    [WORD_FACTS_HEADER] = {"facts: sanity checks, not claims (no switch should break them)",
                           "事实：健全性检查，不算结论（任何开关都不应推翻它们）"},
    [WORD_STATUS_HELP] = {"help: j/k scroll, g the glossary, any other key closes it",
                         "帮助：j/k 滚动，g 术语表，其他任意键关闭"},
    [WORD_STATUS_CLAIMS] = {"claims: j/k scroll, C or Esc closes, other keys close it and act",
                            "结论：j/k 滚动，C 或 Esc 关闭，其他键关闭面板并照常生效"},
    [WORD_RECORD_OF] = {"step %u of %u ", "第 %u 条记录，共 %u 条 "},
    [WORD_GREETING] = {"N and P walk the lesson's %d steps%s; ? lists every key",
                       "N 和 P 逐步走过本课的 %d 步%s；? 列出所有按键"},
    [WORD_GREETING_INTRO] = {", I shows what it is about", "，I 显示本课简介"},
    [WORD_EDIT_SOURCE] = {"source> ", "源句> "},
    [WORD_EDIT_TARGET] = {"target> ", "目标句> "},
    [WORD_EDIT_HINT] = {"  Enter re-runs  Esc cancels ", "  Enter 重新运行  Esc 取消 "},
    [WORD_KEY_LESSON_STEP] = {"lesson step", "课程步骤"},
    [WORD_KEY_EDIT] = {"edit", "编辑"},
    [WORD_KEY_CAUSAL] = {"causal", "因果掩码"},
    [WORD_KEY_RESIDUAL] = {"residual", "残差连接"},
    [WORD_KEY_CLAIMS] = {"claims", "结论"},
    [WORD_KEY_STEPS] = {"steps", "步骤"},
    [WORD_KEY_FOLD] = {"fold", "折叠"},
    [WORD_KEY_MATRIX] = {"matrix", "矩阵"},
    [WORD_KEY_STEP] = {"step", "记录"},
    [WORD_KEY_CELL] = {"cell", "单元格"},
    [WORD_KEY_HEAD] = {"head", "头"},
    [WORD_KEY_LAYER] = {"layer", "层"},
    [WORD_KEY_SENTENCE] = {"sentence", "句子"},
    [WORD_KEY_FIND] = {"find", "查找"},
    [WORD_KEY_ONE_HEAD] = {"one head", "单个头"},
    [WORD_KEY_HEADS] = {"heads", "所有头"},
    [WORD_KEY_ONE_RUN] = {"one run", "单次运行"},
    [WORD_KEY_COMPARE] = {"compare", "对比"},
    [WORD_KEY_NUMBERS] = {"numbers", "数值"},
    [WORD_KEY_MASK] = {"mask", "掩码"},
    [WORD_KEY_EXPORT] = {"export", "导出"},
    [WORD_KEY_HELP] = {"help", "帮助"},
    [WORD_KEY_QUIT] = {"quit", "退出"},
    [WORD_INFO] = {" info ", " 信息 "},
    [WORD_NAME] = {"name", "名称"},
    [WORD_SHAPE] = {"shape", "形状"},
    [WORD_CURSOR] = {"cursor", "光标"},
    [WORD_FORMULA] = {"formula", "公式"},
    [WORD_WHAT] = {"what", "含义"},
    [WORD_VALUES] = {"values", "数值"},
    [WORD_A_VS_B] = {"A vs B", "A 与 B"},
    [WORD_SOURCE] = {"source", "来源"},
    [WORD_RECORD] = {"record", "记录"},
    [WORD_ERROR] = {"error", "错误"},
    [WORD_EXEC_KIND] = {"   exec index %u, kind %s", "   执行序号 %u，类型 %s"},
    [WORD_SHOWING] = {"   showing %s", "   显示 %s"},
    [WORD_MIN_MAX_MEAN] = {"min %s  max %s  mean %.4g", "最小 %s  最大 %s  均值 %.4g"},
    [WORD_NO_FINITE] = {"no finite values", "没有有限值"},
    [WORD_POOL_MEAN] = {"; the cell shows the mean of %ux%u, %s", "；格中是 %ux%u 个值的均值 %s"},
    [WORD_ROW_SUM] = {"   row sum %.6g", "   行和 %.6g"},
    [WORD_QK_SOURCES] = {"queries from %s; keys and values from %s", "查询来自 %s；键和值来自 %s"},
    [WORD_B_MISSING] = {"B (%s) has no %s", "B（%s）没有 %s"},
    [WORD_B_UNREADABLE] = {"B cannot be read: %s", "B 无法读取：%s"},
    [WORD_B_OTHER_SHAPE] = {"B's %s is %s, another shape: not compared, A alone",
                            "B 的 %s 是 %s，形状不同：不作比较，只显示 A"},
    [WORD_B_IDENTICAL] = {"A and B are identical here", "A 和 B 在这里完全相同"},
    [WORD_B_DIFFER] = {"%zu of %zu values differ, max |A-B| %.4g", "%zu / %zu 个值不同，最大 |A-B| %.4g"},
    [WORD_PAIRED] = {"paired", "对齐"},
    [WORD_PAIRED_BOTH] = {"B's rows and columns put in A's token order (matched by token)",
                          "B 的行和列按 A 的词元顺序排好（按词元对齐）"},
    [WORD_PAIRED_ROWS] = {"B's rows put in A's token order (matched by token)", "B 的行按 A 的词元顺序排好（按词元对齐）"},
    [WORD_PAIRED_COLS] = {"B's columns put in A's token order (matched by token)",
                          "B 的列按 A 的词元顺序排好（按词元对齐）"},
    [WORD_PAIRED_BY_POSITION] = {"compared position by position: %s", "按位置逐个比较：%s"},
    [WORD_CAUSAL_MASK] = {"causal mask", "因果掩码"},
    [WORD_PADDING_MASK] = {"padding mask", "填充掩码"},
    [WORD_POSITIONS] = {"positions", "位置编码"},
    [WORD_RESIDUAL] = {"residual", "残差连接"},
    [WORD_SOURCE_SENTENCE] = {"source", "源句"},
    [WORD_TARGET_SENTENCE] = {"target", "目标句"},
    [WORD_ON] = {"on", "开"},
    [WORD_OFF] = {"off", "关"},
    [WORD_YOU_CHANGED] = {" (you changed: ", "（你改动了："},
    [WORD_CHANGED_END] = {")", "）"},
    [WORD_LIST_SEP] = {", ", "、"},
    [WORD_SETTING_SEP] = {", ", "，"},
    [WORD_SCALE] = {"scale 1/sqrt(d_k)", "缩放 1/√d_k"},
    [WORD_TEMPERATURE] = {"attention temperature", "注意力温度"},
    [WORD_ABLATED] = {"heads silenced", "输出置零的头"},
    [WORD_KV_CACHE] = {"KV cache", "KV 缓存"},
    [WORD_HEAD_COUNT] = {"heads", "头数"},
    [WORD_NORM_PLACEMENT] = {"layer norm placement", "层归一化的位置"},
    [WORD_WARMUP] = {"learning-rate warm-up", "学习率预热"},
    [WORD_WALK_TITLE] = {"Lesson %d: ", "第 %d 课："},
    [WORD_CHECK_TITLE] = {"lesson %d: ", "第 %d 课："},
    [WORD_WALK_STEP] = {"── step %d of %d: ", "── 第 %d 步，共 %d 步："},
    [WORD_WALK_VS] = {" vs @", " 对比 @"},
    [WORD_WALK_SEE] = {"(to see the matrices: traceformer lesson %d --traces DIR, then traceformer show DIR/main.trace "
                       "NAME, or traceformer lesson %d in a terminal)",
                       "（要看矩阵：traceformer lesson %d --traces DIR，再用 traceformer show DIR/main.trace "
                       "记录名；或在终端里运行 traceformer lesson %d）"},
    [WORD_WALK_CLAIMS] = {"── claims", "── 结论"},
    [WORD_VERDICT_PASS] = {"PASS  ", "成立    "},
    [WORD_VERDICT_FAIL] = {"FAIL  ", "不成立  "},
    [WORD_VERDICT_INDENT] = {"      ", "        "},
    [WORD_WALK_MEASURED] = {"measured: ", "测得："},
    [WORD_CLAIMS_HOLD] = {"%d of %d claims hold", "%d 条结论成立，共 %d 条"},
    [WORD_VERDICT_SKIP] = {"SKIP  ", "跳过    "},
    [WORD_WALK_FACTS] = {"── facts: sanity checks, not claims (no switch should break them)",
                         "── 事实：健全性检查，不算结论（任何开关都不应推翻它们）"},
    [WORD_FACTS_HOLD] = {"%d of %d facts hold", "%d 条事实成立，共 %d 条"},
    [WORD_CLAIMS_HOLD_SKIPPED] = {"%d of %d claims hold, %d skipped", "%d 条结论成立，共 %d 条，跳过 %d 条"},
    [WORD_FACTS_HOLD_SKIPPED] = {"%d of %d facts hold, %d skipped", "%d 条事实成立，共 %d 条，跳过 %d 条"},
    [WORD_ABOUT_OWN_SENTENCE] = {"(about the lesson's own sentence)", "（这条结论只关于本课自己的句子）"},
    [WORD_BREAKS_SWITCHES] = {"switches (each as --check --SWITCH VALUE sets it: for every run that does not set it itself):",
                              "开关（每个都像 --check --开关 值 那样设置：作用于每个没有自己设置它的运行）："},
    [WORD_BREAKS_NO_EFFECT] = {"— no effect: every trace as without it", "— 没有影响：每个轨迹都和不设它时一样"},
    [WORD_BREAKS_NA] = {"n/a: ", "不适用："},
    [WORD_BREAKS_NAMED] = {"(named by a claim's breaks =)", "（由某条结论的 breaks = 指定）"},
    [WORD_BREAKS_LESSON] = {"lesson", "本课"},
    [WORD_BREAKS_CLAIM] = {"claim", "结论"},
    [WORD_BREAKS_FACT] = {"fact", "事实"},
    [WORD_CELL_HOLDS] = {"holds", "成立"},
    [WORD_CELL_FAILS] = {"FAILS", "不成立"},
    [WORD_CELL_ERROR] = {"error", "出错"},
    [WORD_CELL_SKIP] = {"skip", "跳过"},
    [WORD_CELL_NA] = {"n/a", "不适用"},
    [WORD_BREAKS_LEGEND] = {"lesson: its own runs. FAILS: the claim fails under that switch. ! marks a cell not as declared:\n"
                            "a claim fails only under the switches its breaks = names, a fact under none. skip: a claim about\n"
                            "the lesson's own sentence, on another.\n",
                            "本课：本课自己的运行。不成立：这条结论在这个开关下不成立。! 标出与声明不符的格：\n"
                            "一条结论只应在它的 breaks = 列出的开关下不成立，一条事实在任何开关下都成立。跳过：\n"
                            "只关于本课自己句子的结论，换了句子时跳过。\n"},
    [WORD_BREAKS_SUMMARY] = {"lesson %d: %d claims, %d broken by a switch they declare; %d facts; %d cells not as declared; "
                             "%d errors%s\n",
                             "第 %d 课：%d 条结论，其中 %d 条被它们声明的开关推翻；%d 条事实；%d 格与声明不符；%d 处出错%s\n"},
    [WORD_BREAKS_OWN_FAIL] = {"; the lesson's own runs fail some", "；本课自己的运行就有不成立的"},
    [WORD_STEPS_PANE] = {" steps (%u) ", " 记录（%u） "},
    [WORD_HELP_TITLE] = {" traceformer view: keys ", " traceformer 查看器：按键 "},
    [WORD_HELP_REFUSED] = {"not in this lesson: ", "本课不可用："},
    [WORD_HELP_MOUSE] = {"Mouse: a click selects a cell or a step; the wheel scrolls.",
                         "鼠标：单击选中一个单元格或一条记录；滚轮滚动。"},
    [WORD_HELP_GLOSSARY] = {"Glossary (English / 中文)", "术语表（English / 中文）"},
    [WORD_HELP_LINES] = {" %d-%d of %d ", " 第 %d-%d 行，共 %d 行 "},
    [WORD_MODE_HEADS] = {"  heads", "  多头"},
    [WORD_MODE_COMPARE] = {"  compare", "  对比"},
    [WORD_LEGEND_MASKED] = {" -inf (masked)", " -inf（被掩码遮住）"},
    [WORD_LEGEND_HIDDEN] = {" -inf / hidden by mask", " -inf / 被掩码遮住"},
    [WORD_WIN_HEADS] = {"%d heads, each %ux%u%s", "%d 个头，各 %ux%u%s"},
    [WORD_WIN_POOLED] = {" pooled to fit", "，缩小以适应屏幕"},
    [WORD_WIN_MEAN] = {"rows %u-%u of %u  cols %u-%u of %u  mean of %ux%u", "行 %u-%u/%u  列 %u-%u/%u  %ux%u 均值"},
    [WORD_WIN_PART] = {"rows %u-%u of %u  cols %u-%u of %u", "行 %u-%u/%u  列 %u-%u/%u"},
    [WORD_WIN_ALL] = {"all %ux%u", "全部 %ux%u"},
    [WORD_HEAD_N] = {"head %d", "头 %d"},
    [WORD_HEAD_NO_FINITE] = {"head %d  no finite values", "头 %d  没有有限值"},
    [WORD_HEAD_MIN_MAX] = {"head %d  min %.3g  max %.3g", "头 %d  最小 %.3g  最大 %.3g"},
    [WORD_HEAD_ENTROPY] = {"head %d  entropy %.2f bits  distance %.2f", "头 %d  熵 %.2f 比特  距离 %.2f"},
    [WORD_HEAD_ENTROPY_SHORT] = {"head %d  H %.2f bits  d %.2f", "头 %d  H %.2f 比特  d %.2f"},
    [WORD_MSG_FIRST_RECORD] = {"this is the first step", "这是第一条记录"},
    [WORD_MSG_LAST_RECORD] = {"this is the last step (%u records)", "这是最后一条记录（共 %u 条）"},
    [WORD_MSG_NO_LAYER] = {"%s is not inside a layer: } and { move between layers", "%s 不在某一层里：} 和 { 在层之间移动"},
    [WORD_MSG_LAYER_0] = {"%s is already in layer 0", "%s 已经在第 0 层"},
    [WORD_MSG_NUMBERS] = {"numbers %s", "格中数值：%s"},
    [WORD_MSG_MASK_OVERLAY] = {"mask overlay %s", "掩码叠加%s"},
    [WORD_MSG_MASK_ON] = {"on: × marks what the mask hides", "已打开：× 标出被掩码遮住的格"},
    [WORD_MSG_MASK_OFF] = {"off", "已关闭"},
    [WORD_MSG_STRETCHED] = {"colours stretched to this record's own range", "颜色拉伸到这条记录自身的范围"},
    [WORD_MSG_UNIT_SCALE] = {"weights and probabilities coloured on 0 to 1", "权重和概率按 0 到 1 着色"},
    [WORD_MSG_LESSON_FIRST] = {"this is the lesson's first step: N goes on", "这是本课的第一步：按 N 继续"},
    [WORD_MSG_LESSON_LAST] = {"this is the lesson's last step (%d)%s", "这是本课的最后一步（第 %d 步）%s"},
    [WORD_MSG_C_CHECKS] = {": C checks its claims", "：按 C 检查本课的结论"},
    [WORD_MSG_PASSED_OVER] = {"step %d (%s) is not in this run: passed over", "第 %d 步（%s）不在这次运行里：已跳过"},
    [WORD_MSG_NARRATION_IN] = {"narration in %s", "讲解语言：%s"},
    [WORD_MSG_NARR_END] = {"the end of this step's narration", "这一步的讲解到底了"},
    [WORD_MSG_NARR_START] = {"the start of this step's narration", "这一步的讲解已在开头"},
    [WORD_MSG_EDIT_CANCELLED] = {"edit cancelled: the run is unchanged", "已取消编辑：运行没有改变"},
    [WORD_MSG_UNCHANGED] = {"the sentence is unchanged: nothing to re-run", "句子没有改动：不需要重新运行"},
    [WORD_MSG_CHECKING] = {"checking the claims...", "正在检查结论……"},
    [WORD_MSG_RERUNNING] = {"re-running with %s...", "正在重新运行：%s……"},
    [WORD_MSG_ABLATE_WHERE] = {"A silences the head on screen: go to a record of an attention block with one page per head (its weights, say)", "A 把屏幕上的头输出置零：先到一个注意力模块里每个头一页的记录（比如它的权重）"},
    [WORD_MSG_NO_CLAIMS] = {"this lesson makes no claims to check", "本课没有要检查的结论"},
    [WORD_MSG_CLAIMS_PASS] = {"claims: %d of %d pass", "结论：%d 条成立，共 %d 条"},
    [WORD_MSG_RERAN] = {"re-ran%s%s; claims: %d of %d pass", "已重新运行%s%s；结论：%d 条成立，共 %d 条"},
    [WORD_MSG_COLON] = {": ", "："},
    [WORD_WHAT_SOURCE] = {"the new source sentence", "新的源句"},
    [WORD_WHAT_TARGET] = {"the new target sentence", "新的目标句"},
    [WORD_WHAT_CAUSAL] = {"the causal mask toggled", "切换因果掩码"},
    [WORD_WHAT_PADDING] = {"the padding mask toggled", "切换填充掩码"},
    [WORD_WHAT_POSITIONS] = {"the next positional encoding", "换下一种位置编码"},
    [WORD_WHAT_RESIDUAL] = {"the residual connections toggled", "切换残差连接"},
    [WORD_WHAT_SCALE] = {"the 1/sqrt(d_k) scaling toggled", "切换 1/√d_k 缩放"},
    [WORD_WHAT_TEMPERATURE] = {"the next attention temperature", "换下一个注意力温度"},
    [WORD_WHAT_ABLATE] = {"the head silenced or back", "头输出置零 / 恢复"},
    [WORD_WHAT_CACHE] = {"the KV cache toggled", "切换 KV 缓存"},
    [WORD_WHAT_HEADS] = {"one head or the lesson's heads", "一个头 / 本课的头数"},
    [WORD_WHAT_NORM] = {"the layer norm moved", "层归一化换位置"},
    [WORD_WHAT_WARMUP] = {"the warm-up toggled", "切换学习率预热"},
    [WORD_WHAT_NOTHING] = {"nothing changed", "没有改动"},
    [WORD_MSG_NOT_A_KEY] = {"'%c' is not a key here: ? lists the keys", "“%c” 在这里不是按键：? 列出所有按键"},
    [WORD_MSG_TOO_LONG] = {"the sentence cannot grow longer here", "句子在这里不能再长了"},
    [WORD_LV_NO_GENERATION] = {"this lesson generates nothing, so the KV cache plays no part (G works in lesson 4)", "本课不生成任何内容，所以 KV 缓存不起作用（G 在第 4 课里有用）"},
    [WORD_LV_EMPTY] = {"the %s is empty: type at least one word", "%s是空的：至少输入一个词"},
    [WORD_LV_NOT_UTF8] = {"the %s is not valid UTF-8", "%s不是有效的 UTF-8"},
    [WORD_LV_SOURCE] = {"source sentence", "源句"},
    [WORD_LV_TARGET] = {"target sentence", "目标句"},
    [WORD_LV_UNKNOWN_ONE] = {"%s is not in this lesson's vocabulary", "%s 不在本课的词表里"},
    [WORD_LV_UNKNOWN_MANY] = {"%s are not in this lesson's vocabulary", "%s 不在本课的词表里"},
    [WORD_LV_IT_KNOWS] = {"it knows: %.200s", "本课认识的词元：%.200s"},
    [WORD_LV_WHICH_HEAD] = {"which head? go to an attention block's record first", "哪个头？先到一个注意力模块的记录上"},
    [WORD_LV_POSITIONS_FIXED] = {"this lesson's trained model (%.100s) was made with %s%s; positions cannot change here (T works in the lessons with seeded models)", "本课训练好的模型（%.100s）是用%s%s训练的；这里不能换位置编码（T 在使用随机初始化模型的课里有用）"},
    [WORD_LV_NO_POSITIONS] = {"no positional encoding", "无位置编码"},
    [WORD_LV_POSITIONS_SUFFIX] = {" positions", "位置编码"},
    [WORD_LV_NOT_CHECKED] = {"the claims could not be checked", "无法检查结论"},
    [WORD_MSG_EXPORTING] = {"exporting %s through gnuplot...", "正在用 gnuplot 导出 %s……"},
    [WORD_MSG_NO_EXPORT] = {"image export is not available in this build", "这个版本不能导出图片"},
    [WORD_MSG_EXPORT_UNREADABLE] = {"export failed: this record cannot be read", "导出失败：这条记录无法读取"},
    [WORD_MSG_WROTE] = {"wrote %s", "已写出 %s"},
    [WORD_MSG_EXPORT_FAILED] = {"export failed: %s%s%s", "导出失败：%s%s%s"},
    [WORD_MSG_STEPS_WIDER] = {"the steps pane needs a wider screen (%s columns)", "步骤栏需要更宽的屏幕（%s 列）"},
    [WORD_MSG_COLS_BESIDE] = {"116, beside the narration,", "116，放在讲解旁边时"},
    [WORD_MSG_NO_COMPARE_RUN] = {"step %d compares with run %s, which this walk does not have", "第 %d 步要与运行 %s 对比，但这次没有这个运行"},
    [WORD_MSG_COMPARE_RUN_UNREADABLE] = {"step %d's other run cannot be opened: %s", "第 %d 步的另一个运行无法打开：%s"},
    [WORD_MSG_NO_INTRO] = {"this lesson has no introduction", "本课没有简介"},
    [WORD_MSG_NO_STEPS] = {"this walk has no ordered steps: n and p step through every record", "这次浏览没有排好的步骤：n 和 p 逐条走过每条记录"},
    [WORD_MSG_RERUN_FAILED] = {"the re-run failed", "重新运行失败"},
    [WORD_MSG_NO_HEAD_AXIS] = {"%s has no head axis: heads belong to attention records (q k v raw scores masked weights z)", "%s 没有头这一维：头属于注意力记录（q k v raw scores masked weights z）"},
    [WORD_MSG_NO_BATCH_AXIS] = {"%s has no batch axis: this run has one sentence", "%s 没有批次这一维：这次运行只有一个句子"},
    [WORD_MSG_LAST_LAYER] = {"no %s: layer %ld is the last one", "没有 %s：第 %ld 层是最后一层"},
    [WORD_MSG_FIRST_LAYER] = {"no %s: layer %ld is the first one", "没有 %s：第 %ld 层是第一层"},
    [WORD_MSG_NO_RECORD_NEAR] = {"no record named '%s' (did you mean %s?)", "没有名为“%s”的记录（是不是 %s？）"},
    [WORD_MSG_NO_RECORD] = {"no record named '%s'", "没有名为“%s”的记录"},
    [WORD_MSG_HEADS_FIT] = {"the heads view always fits each head; a leaves it", "多头视图总是让每个头放得下；按 a 离开"},
    [WORD_MSG_ALL_IN_VIEW_ZOOM] = {"the whole matrix is in view; + zooms back in", "整个矩阵都在屏幕上了；按 + 放大回来"},
    [WORD_MSG_ONE_TO_ONE] = {"already 1:1 (every cell one value)", "已经是 1:1（每格一个值）"},
    [WORD_MSG_ALL_IN_VIEW] = {"the whole matrix is already in view", "整个矩阵已经在屏幕上了"},
    [WORD_MSG_NO_MASK] = {"no mask here: the overlay shows an attention block's mask on its [query, key] records", "这里没有注意力掩码：叠加显示的是注意力模块的掩码，在它的 [query, key] 记录上"},
    [WORD_MSG_MASK_WHERE] = {"the mask is [query, key]: step to raw, scores, masked or weights to overlay it", "注意力掩码是 [query, key]：到 raw、scores、masked 或 weights 上才能叠加"},
    [WORD_MSG_NO_HEADS_VIEW] = {"%s is not in an attention block: the heads view needs one", "%s 不在注意力模块里：多头视图需要一个注意力模块"},
    [WORD_MSG_NOT_IN_B] = {"%s is not in %s", "%s 不在 %s 里"},
    [WORD_MSG_TREE_ALL] = {"steps: every group open (O again: follow the current step)", "步骤栏：所有组都已展开（再按 O：跟随当前记录）"},
    [WORD_MSG_TREE_FOLLOW] = {"steps: only the current step's groups open", "步骤栏：只展开当前记录所在的组"},
    [WORD_MSG_NO_RUN] = {"this walk has no run '%s'", "这次没有运行“%s”"},
    [WORD_MSG_RUN_UNREADABLE] = {"run %s cannot be opened: %s", "运行 %s 无法打开：%s"},
    [WORD_MSG_NEW_RUN_UNREADABLE] = {"the new run cannot be opened: %s", "新的运行无法打开：%s"},
    [WORD_NOTE_UNREADABLE] = {"this record cannot be read:", "这条记录无法读取："},
    [WORD_NOTE_NOT_IN_B] = {"no record of this name in B", "B 里没有同名的记录"},
    [WORD_NOTE_B_UNREADABLE] = {"B cannot be read:", "B 无法读取："},
    [WORD_NOTE_NOTHING_TO_SUBTRACT] = {"nothing to subtract: B has no such record", "无法相减：B 没有这条记录"},
    [WORD_NOTE_SHAPES_DIFFER] = {"the shapes differ, so there is no difference to show: A %s, B %s", "形状不同，没有差可显示：A %s，B %s"},
    [WORD_SEARCH_NONE] = {" no match ", " 没有匹配 "},
    [WORD_SEARCH_COUNT] = {" %u match%s  Tab completes  Enter opens  Esc cancels ", " %u 个匹配%s  Tab 补全  Enter 打开  Esc 取消 "},
};

const char *view_word(ViewLang lang, Word w)
{
    if (w < 0 || w >= WORD_COUNT)
        return "";
    const char *t = (unsigned)lang < VIEW_N_LANGS ? words[w][lang] : NULL;
    return t && t[0] ? t : words[w][VIEW_LANG_EN] ? words[w][VIEW_LANG_EN] : "";
}

int view_format(char *buf, size_t cap, ViewLang lang, Word w, ...)
{
    va_list ap;
    va_start(ap, w);
    int n = vsnprintf(buf, cap, view_word(lang, w), ap);
    va_end(ap);
    return n;
}

void view_say(ViewState *s, MessageKind kind, Word w, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, w);
    vsnprintf(buf, sizeof buf, view_word(s->lang, w), ap);
    va_end(ap);
    view_message(s, kind, "%s", buf);
}

const char *view_run_settings(const ViewState *s)
{
    return s->lang == VIEW_LANG_ZH && s->run.settings_zh[0] ? s->run.settings_zh : s->run.settings;
}

const char *view_word_positions(ViewLang lang, const char *name)
{
    static const char *const names[][VIEW_N_LANGS] = {
        {"sinusoidal", "正弦"}, {"none", "无"}, {"learned", "可学习"}, {"relative", "相对位置偏置"}, {"rope", "RoPE"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i][0]) == 0)
            return (unsigned)lang < VIEW_N_LANGS ? names[i][lang] : name;
    return name;
}

ViewLang view_lang(const char *code)
{
    return code && strcmp(code, "zh") == 0 ? VIEW_LANG_ZH : VIEW_LANG_EN;
}

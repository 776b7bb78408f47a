/* glossary.c — the bilingual glossary's one table (glossary.h). Meanings
 * fit the help screen at 80 columns: at most 39 columns each. */
#include "view/glossary.h"

static const GlossaryEntry entries[] = {
    {{"token", "词元"}, {"a unit of the input: a word or a piece", "输入的一个单位：一个词或词的一部分"}},
    {{"embedding", "词嵌入"}, {"the learned vector of each token", "每个词元对应的学到的向量"}},
    {{"positional encoding", "位置编码"}, {"what tells the model where a token is", "告诉模型词元在第几个位置"}},
    {{"attention", "注意力"}, {"each token takes a weighted mix of V", "每个词元取所有值向量的加权混合"}},
    {{"self-attention", "自注意力"}, {"Q, K and V all from the same sequence", "Q、K、V 来自同一个序列"}},
    {{"query / key / value", "查询/键/值"}, {"what a token seeks / shows / hands over", "词元要找的 / 用来匹配的 / 交出的"}},
    {{"attention score", "注意力分数"}, {"Q·Kᵀ/√d_k: how well a query fits a key", "Q·Kᵀ/√d_k：查询与键有多匹配"}},
    {{"attention weights", "注意力权重"}, {"softmax of the scores: rows sum to 1", "分数的 softmax；每行之和为 1"}},
    {{"multi-head attention", "多头注意力"}, {"several attentions side by side", "几个注意力并排计算，各看各的"}},
    {{"head", "头"}, {"one of them, with its own W_Q, W_K, W_V", "其中一个，有自己的 W_Q、W_K、W_V"}},
    {{"attention mask", "注意力掩码"}, {"added to the scores: 0 or −∞ (hidden)", "加到分数上：0 或 −∞（遮住）"}},
    {{"causal mask", "因果掩码"}, {"hides the positions after the query", "遮住查询之后的位置"}},
    {{"padding mask", "填充掩码"}, {"hides the keys that are only padding", "遮住只是填充的键"}},
    {{"residual connection", "残差连接"}, {"x + Sublayer(x): the input added back", "x + Sublayer(x)：把输入加回来"}},
    {{"LayerNorm", "层归一化"}, {"each row to mean 0, variance 1, γ and β", "每行减均值、除以标准差，再乘 γ 加 β"}},
    {{"feed-forward network", "前馈网络"}, {"two linear layers, per token", "两层线性变换，每个词元各自计算"}},
    {{"encoder", "编码器"}, {"reads the source sentence", "读入源句"}},
    {{"decoder", "解码器"}, {"produces the target, token by token", "逐个词元地产生目标句"}},
    {{"cross-attention", "交叉注意力"}, {"Q from decoder, K/V from encoder", "Q 来自解码器，K/V 来自编码器"}},
    {{"autoregressive", "自回归"}, {"each output is fed back as input", "每个输出作为下一步的输入喂回去"}},
    {{"inference", "推理"}, {"using the trained model: generating", "使用训练好的模型：生成输出"}},
    {{"teacher forcing", "教师强制"}, {"training on the true previous tokens", "训练时输入真实的前面词元"}},
    {{"KV cache", "KV 缓存"}, {"keys and values kept from earlier steps", "保存前面各步的键和值，不再重算"}},
    {{"logits", "logits"}, {"one score per vocabulary entry", "词表中每个词元一个分数"}},
    {{"loss", "损失"}, {"how surprised the model is by answers", "正确答案让模型有多意外"}},
    {{"gradient", "梯度"}, {"how the loss changes with each number", "损失随每个数值变化的快慢"}},
    {{"claim", "结论"}, {"a statement checked on the run", "程序在这次运行上检查的一条陈述"}},
};

const GlossaryEntry *glossary_entries(int *n)
{
    *n = (int)(sizeof entries / sizeof entries[0]);
    return entries;
}

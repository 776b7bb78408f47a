#!/usr/bin/python3
"""gen_fixtures.py — reference fixtures from PyTorch's nn.Transformer.

Run with Debian's python3-torch and python3-numpy (`make deps-ref`, then
`make ref`). For every case below this script

  1. builds a PyTorch model with seeded random weights (torch.manual_seed):
     nn.Transformer (or, decoder-only, nn.TransformerEncoder layers under a
     causal mask), plus the parts outside it: src_embedding / tgt_embedding
     (nn.Embedding) and generator (nn.Linear(d_model, V));
  2. writes the weights as .npy files named by their state_dict keys, with
     vocab.txt and config.ini, into tests/ref/cases/<case>/weights/ — the
     directory `traceformer run --weights DIR` reads;
  3. writes the sentences into tests/ref/cases/<case>/input.ini ([input]);
  4. runs one forward pass and writes every intermediate Traceformer records,
     under its record name and with its shape, into
     tests/ref/cases/<case>/expected/<record>.npy (float32). A batch of more
     than one sentence adds a leading batch dim to every record except
     enc.pos / dec.pos; masks are (query, key) per sentence;
  5. computes the teacher-forcing loss (F.cross_entropy of the logits
     against the targets, ignore_index = <PAD>, mean over the real targets
     of the batch: the "loss" record), calls backward on the float64 model,
     and writes the gradient of every parameter into
     tests/ref/cases/<case>/grads/<state_dict key>.npy (float32, the names
     and shapes of weights/), what model_backward must reproduce.

nn.Transformer does not expose most intermediates (Q, K, V per head, raw,
scaled and masked scores, per-head outputs, residual sums, ...), so they
are recomputed here, layer by layer, with plain torch ops from the modules'
own weights, LayerNorms and activation functions. To tie these numbers to
PyTorch's own implementation, the script asserts that
  - every attention block's output and per-head weights equal what that
    nn.MultiheadAttention module returns for the same inputs and masks,
  - every layer's output equals what that layer module returns,
  - the encoder memory and the final decoder output equal what the whole
    nn.Transformer (or nn.TransformerEncoder) returns,
both with the model in float64 (to 1e-10: the same arithmetic) and with
the model as trained, in float32 (to 2e-5: float32 rounding only).

Precision: the weights are float32 (what is saved and what Traceformer
loads). Embedding, positional table and their sum are computed in float32,
exactly as the C engine does (the positional table in double, rounded once).
Everything after that is computed in float64 from those float32 values and
rounded to float32 only when saved: the fixtures are the exact answer for
the saved weights, not one float32 implementation's rounding, and they do
not depend on which BLAS kernel this machine's PyTorch picks, so `make ref`
writes the same bytes again (np.save is deterministic; nothing here
depends on time or dict order).

Options nn.Transformer does not have — residual = off, relative (T5) and
rotary positions — are computed by the same recomputation, with the
modules' own weights: each attention block is still checked against its
nn.MultiheadAttention where the positions leave attention alone, and the
layers and the whole model wherever their computation is PyTorch's
(learned positions and final_norm = no are, through nn.Transformer with
its final norms removed). Their gradients come from autograd through the
recomputation in float64 instead of through the modules.

Autograd stays enabled while the modules run: in eval mode without it,
PyTorch 1.13 takes a fast path (nested tensors) that returns zeros at padded
positions, where Traceformer (and PyTorch's ordinary path) computes padded
query rows like any other row.
"""
import copy
import math
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")

SPECIALS = ["<PAD>", "<START>", "<END>", "<UNK>"]
TOKENS = "猫 追 老鼠 我 爱 AI cat chases mouse I love".split()
VOCAB = SPECIALS + TOKENS
PAD = 0
END = 2

# Each case: the model's shape and options, and its sentences. Layer counts
# are (encoder, decoder); decoder-only models have no encoder.
CASES = [
    dict(name="post_ln_relu", seed=1, arch="encoder-decoder", d_model=32, heads=4, d_ff=64,
         layers=(2, 2), norm="post", activation="relu", positions="sinusoidal",
         src=["猫 追 老鼠"], tgt=["<START> cat chases mouse"]),
    dict(name="pre_ln_gelu", seed=2, arch="encoder-decoder", d_model=32, heads=4, d_ff=64,
         layers=(2, 2), norm="pre", activation="gelu", positions="sinusoidal",
         src=["我 爱 AI"], tgt=["<START> I love AI"]),
    dict(name="odd_geometry", seed=3, arch="encoder-decoder", d_model=48, heads=3, d_ff=80,
         layers=(1, 3), norm="post", activation="relu", positions="sinusoidal",
         src=["我 爱 猫"], tgt=["<START> I love cat"]),
    dict(name="batch_padding", seed=4, arch="encoder-decoder", d_model=24, heads=3, d_ff=40,
         layers=(2, 2), norm="post", activation="relu", positions="sinusoidal",
         src=["猫 追 老鼠", "我 爱 AI 猫 追"],
         tgt=["<START> cat chases mouse", "<START> I love"]),
    dict(name="decoder_only", seed=5, arch="decoder-only", d_model=32, heads=4, d_ff=64,
         layers=(0, 3), norm="post", activation="relu", positions="sinusoidal",
         src=[], tgt=["<START> 我 爱 AI cat chases mouse"]),
    dict(name="positions_off", seed=6, arch="encoder-decoder", d_model=24, heads=2, d_ff=48,
         layers=(2, 2), norm="post", activation="relu", positions="none",
         src=["老鼠 追 猫 追"], tgt=["<START> mouse chases cat"]),
    # The options beyond nn.Transformer's defaults, one small model each.
    dict(name="residual_off", seed=7, arch="encoder-decoder", d_model=16, heads=2, d_ff=32,
         layers=(1, 1), norm="post", activation="relu", positions="sinusoidal", residual=False,
         src=["猫 追 老鼠"], tgt=["<START> cat chases"]),
    dict(name="final_norm_off", seed=8, arch="encoder-decoder", d_model=16, heads=2, d_ff=32,
         layers=(1, 1), norm="post", activation="gelu", positions="sinusoidal", final_norm=False,
         src=["我 爱 猫"], tgt=["<START> I love"]),
    dict(name="learned_positions", seed=9, arch="encoder-decoder", d_model=16, heads=2, d_ff=32,
         layers=(1, 1), norm="post", activation="relu", positions="learned",
         src=["老鼠 追 猫"], tgt=["<START> mouse chases"]),
    dict(name="relative_positions", seed=10, arch="encoder-decoder", d_model=16, heads=2, d_ff=32,
         layers=(1, 1), norm="pre", activation="gelu", positions="relative", rel_buckets=8,
         rel_max_distance=20, src=["我 爱 AI 猫 追 老鼠"], tgt=["<START> I love cat chases mouse"]),
    dict(name="rope_positions", seed=11, arch="encoder-decoder", d_model=16, heads=2, d_ff=32,
         layers=(1, 1), norm="post", activation="relu", positions="rope",
         src=["猫 追 老鼠 AI"], tgt=["<START> cat chases mouse"]),
]

MAX_LEN = 16  # config.ini's max_len: the rows of a learned position table

TOL64 = 1e-10  # recomputation vs PyTorch's modules in float64: same arithmetic
TOL32 = 2e-5   # vs PyTorch's float32 model: float32 rounding only


def residual(case):
    return case.get("residual", True)


def final_norm(case):
    return case.get("final_norm", True)


def modules_compute_it(case):
    """Whether PyTorch's layers compute what the case does (else only the
    recomputation does, and only attention blocks without positions inside
    them are checked against their modules)."""
    return residual(case) and case["positions"] in ("sinusoidal", "none", "learned")


def check(what, mine, theirs, tol):
    if tol is None:  # the pass autograd runs through: nothing to compare
        return 0.0
    diff = (mine.double() - theirs.double()).abs().max().item()
    if not diff <= tol:
        sys.exit(f"gen_fixtures: {what}: recomputation differs from PyTorch by {diff:.3g} (> {tol:g})")
    return diff


def tokenize(sentence):
    ids = []
    for tok in sentence.split():
        if tok not in VOCAB:
            sys.exit(f"gen_fixtures: token '{tok}' is not in the vocabulary")
        ids.append(VOCAB.index(tok))
    return ids


def pad_batch(sentences):
    """(B, T) ids padded with <PAD>, and (B, T) bool: True where padding."""
    ids = [tokenize(s) for s in sentences]
    T = max(len(x) for x in ids)
    out = torch.full((len(ids), T), PAD, dtype=torch.long)
    pad = torch.ones((len(ids), T), dtype=torch.bool)
    for b, x in enumerate(ids):
        out[b, :len(x)] = torch.tensor(x)
        pad[b, :len(x)] = False
    return out, pad


def sinusoidal(T, d):
    """The positional table as src/model/positions.c computes it: in double,
    rounded to float32 once."""
    pe = np.zeros((T, d), dtype=np.float64)
    for pos in range(T):
        for i in range((d + 1) // 2):
            angle = pos / math.pow(10000.0, (2.0 * i) / d)
            pe[pos, 2 * i] = math.sin(angle)
            if 2 * i + 1 < d:
                pe[pos, 2 * i + 1] = math.cos(angle)
    return torch.from_numpy(pe.astype(np.float32))


def rope_angles(T, dk):
    """(T, dk/2) float64: the angle of pair i at position pos, pos·10000^(−2i/dk),
    computed as src/model/positions.c computes it."""
    return torch.tensor([[pos * math.pow(10000.0, -2.0 * i / dk) for i in range(dk // 2)]
                         for pos in range(T)], dtype=torch.float64)


def rope_rotate(x, angles):
    """Rotate each pair (2i, 2i+1) of x (B, h, T, dk) by angles (T, dk/2)."""
    c, s = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x0 * c - x1 * s
    out[..., 1::2] = x0 * s + x1 * c
    return out


def relative_bucket(rel, bidirectional, num_buckets, max_distance):
    """T5's bucket of a key at offset rel (key − query), as T5's code and
    src/model/positions.c compute it: the log in float32, truncated."""
    bucket = 0
    if bidirectional:
        num_buckets //= 2
        if rel > 0:
            bucket += num_buckets
        n = abs(rel)
    else:
        n = -rel if rel < 0 else 0
    max_exact = num_buckets // 2
    if n < max_exact:
        return bucket + n
    f32 = np.float32
    far = f32(np.log(f32(f32(n) / f32(max_exact)))) / f32(math.log(max_distance / max_exact)) * \
        f32(num_buckets - max_exact)
    return bucket + min(max_exact + int(far), num_buckets - 1)


def relative_buckets(Tq, Tk, bidirectional, case):
    """(Tq, Tk) long: the bucket of every (query, key) pair."""
    return torch.tensor([[relative_bucket(j - i, bidirectional, case["rel_buckets"], case["rel_max_distance"])
                          for j in range(Tk)] for i in range(Tq)], dtype=torch.long)


def additive_mask(key_pad, Tq, causal):
    """(B, Tq, Tk) float64: 0 where a query may attend, -inf where the key
    is padding or (causal) in the future."""
    B, Tk = key_pad.shape
    blocked = key_pad[:, None, :].expand(B, Tq, Tk).clone()
    if causal:
        blocked |= torch.ones(Tq, Tk, dtype=torch.bool).triu(1)
    return torch.zeros(B, Tq, Tk, dtype=torch.float64).masked_fill(blocked, float("-inf"))


def causal_attn_mask(T, dtype):
    """The float causal mask nn.Transformer.generate_square_subsequent_mask makes."""
    return torch.triu(torch.full((T, T), float("-inf"), dtype=dtype), diagonal=1)


class Recorder:
    def __init__(self):
        self.records = {}

    def __setitem__(self, name, tensor):
        if name in self.records:
            sys.exit(f"gen_fixtures: record {name} written twice")
        self.records[name] = tensor.detach()


def attention(rec, prefix, mha, xq, xkv, mask, pos=None):
    """Multi-head attention, every intermediate recorded. pos (self-attention
    only): dict(rope=angles (T, dk/2) or None, buckets=(Tq, Tk) or None,
    table=(buckets, h) or None): the rotation of Q and K, or T5's bias.

    Recomputed from mha's own in_proj/out_proj weights (nn.MultiheadAttention
    returns only its output and the weights). Traceformer records Q·Kᵀ and
    then divides by √d_k; PyTorch divides q by √d_k first — the same number
    up to rounding."""
    B, Tq, d = xq.shape
    Tk = xkv.shape[1]
    h = mha.num_heads
    dk = d // h
    W, b = mha.in_proj_weight, mha.in_proj_bias

    def split_heads(x, T):  # (B, T, d) -> (B, h, T, dk)
        return x.reshape(B, T, h, dk).transpose(1, 2)

    q = split_heads(F.linear(xq, W[:d], b[:d]), Tq)
    k = split_heads(F.linear(xkv, W[d:2 * d], b[d:2 * d]), Tk)
    v = split_heads(F.linear(xkv, W[2 * d:], b[2 * d:]), Tk)
    steps = [("q", q), ("k", k), ("v", v)]
    if pos is not None and pos["rope"] is not None:
        q = rope_rotate(q, pos["rope"][:Tq])
        k = rope_rotate(k, pos["rope"][:Tk])
        steps += [("q_rot", q), ("k_rot", k)]
    raw = q @ k.transpose(-1, -2)
    scores = raw / math.sqrt(dk)
    steps += [("raw", raw), ("scores", scores)]
    masked = scores
    if pos is not None and pos["buckets"] is not None:
        # (Tq, Tk, h) -> (1, h, Tq, Tk): T5 adds it to the scores, before the mask
        bias = pos["table"][pos["buckets"]].permute(2, 0, 1)[None].to(scores.dtype)
        masked = masked + bias
        steps += [("bias", bias)]
    masked = masked + mask[:, None]
    weights = torch.softmax(masked, dim=-1)
    z = weights @ v
    concat = z.transpose(1, 2).reshape(B, Tq, d)
    out = mha.out_proj(concat)
    steps += [("mask", mask), ("masked", masked), ("weights", weights), ("z", z),
              ("concat", concat), ("out", out)]
    for name, t in steps:
        rec[f"{prefix}.{name}"] = t
    return out, weights


def check_attention(what, mha, xq, xkv, attn_mask, key_pad, out, weights, tol, pos=None):
    """The block against nn.MultiheadAttention itself, same inputs and masks
    (not with positions inside attention: the module has none)."""
    if tol is None or (pos is not None and (pos["rope"] is not None or pos["buckets"] is not None)):
        return
    ref_out, ref_w = mha(xq, xkv, xkv, attn_mask=attn_mask, key_padding_mask=key_pad,
                         need_weights=True, average_attn_weights=False)
    check(what + " out", out, ref_out, tol)
    check(what + " weights", weights, ref_w, tol)


def ffn(rec, prefix, layer, x):
    hidden = layer.activation(layer.linear1(x))  # the layer's own F.relu / F.gelu
    out = layer.linear2(hidden)
    rec[prefix + ".ffn.hidden"] = hidden
    rec[prefix + ".ffn.out"] = out
    return out


def encoder_layer(rec, l, layer, x, mask, key_pad, tol, opt):
    """One nn.TransformerEncoderLayer, recorded as enc.L.*. opt: the case's
    residual flag (add), the positions inside self-attention (pos), and
    whether the module computes what the case does (modules)."""
    p = f"enc.{l}"
    add, pos = opt["add"], opt["pos"]
    if layer.norm_first:
        ln1 = layer.norm1(x)
        rec[p + ".ln1"] = ln1
        a, w = attention(rec, p + ".attn", layer.self_attn, ln1, ln1, mask, pos)
        check_attention(p + ".attn", layer.self_attn, ln1, ln1, None, key_pad, a, w, tol, pos)
        resid_mid = add(x, a)
        ln2 = layer.norm2(resid_mid)
        rec[p + ".resid_mid"] = resid_mid
        rec[p + ".ln2"] = ln2
        resid_post = add(resid_mid, ffn(rec, p, layer, ln2))
        rec[p + ".resid_post"] = resid_post
        y = resid_post
    else:
        a, w = attention(rec, p + ".attn", layer.self_attn, x, x, mask, pos)
        check_attention(p + ".attn", layer.self_attn, x, x, None, key_pad, a, w, tol, pos)
        resid_mid = add(x, a)
        ln1 = layer.norm1(resid_mid)
        rec[p + ".resid_mid"] = resid_mid
        rec[p + ".ln1"] = ln1
        resid_post = add(ln1, ffn(rec, p, layer, ln1))
        ln2 = layer.norm2(resid_post)
        rec[p + ".resid_post"] = resid_post
        rec[p + ".ln2"] = ln2
        y = ln2
    if opt["modules"]:
        check(p + " output", y, layer(x, src_key_padding_mask=key_pad), tol)
    return y


def decoder_layer(rec, l, layer, x, memory, self_mask, cross_mask, tgt_pad, src_pad, tol, opt):
    """One nn.TransformerDecoderLayer, recorded as dec.L.* (opt: see encoder_layer)."""
    p = f"dec.{l}"
    add, pos = opt["add"], opt["pos"]
    causal = causal_attn_mask(x.shape[1], x.dtype)
    if layer.norm_first:
        ln1 = layer.norm1(x)
        rec[p + ".ln1"] = ln1
        a, w = attention(rec, p + ".self_attn", layer.self_attn, ln1, ln1, self_mask, pos)
        check_attention(p + ".self_attn", layer.self_attn, ln1, ln1, causal, tgt_pad, a, w, tol, pos)
        resid_self = add(x, a)
        ln2 = layer.norm2(resid_self)
        rec[p + ".resid_self"] = resid_self
        rec[p + ".ln2"] = ln2
        c, w = attention(rec, p + ".cross_attn", layer.multihead_attn, ln2, memory, cross_mask)
        check_attention(p + ".cross_attn", layer.multihead_attn, ln2, memory, None, src_pad, c, w, tol)
        resid_cross = add(resid_self, c)
        ln3 = layer.norm3(resid_cross)
        rec[p + ".resid_cross"] = resid_cross
        rec[p + ".ln3"] = ln3
        resid_post = add(resid_cross, ffn(rec, p, layer, ln3))
        rec[p + ".resid_post"] = resid_post
        y = resid_post
    else:
        a, w = attention(rec, p + ".self_attn", layer.self_attn, x, x, self_mask, pos)
        check_attention(p + ".self_attn", layer.self_attn, x, x, causal, tgt_pad, a, w, tol, pos)
        resid_self = add(x, a)
        ln1 = layer.norm1(resid_self)
        rec[p + ".resid_self"] = resid_self
        rec[p + ".ln1"] = ln1
        c, w = attention(rec, p + ".cross_attn", layer.multihead_attn, ln1, memory, cross_mask)
        check_attention(p + ".cross_attn", layer.multihead_attn, ln1, memory, None, src_pad, c, w, tol)
        resid_cross = add(ln1, c)
        ln2 = layer.norm2(resid_cross)
        rec[p + ".resid_cross"] = resid_cross
        rec[p + ".ln2"] = ln2
        resid_post = add(ln2, ffn(rec, p, layer, ln2))
        ln3 = layer.norm3(resid_post)
        rec[p + ".resid_post"] = resid_post
        rec[p + ".ln3"] = ln3
        y = ln3
    if opt["modules"]:
        ref = layer(x, memory, tgt_mask=causal, tgt_key_padding_mask=tgt_pad,
                    memory_key_padding_mask=src_pad)
        check(p + " output", y, ref, tol)
    return y


def gpt_layer(rec, l, layer, x, mask, tgt_pad, tol, opt):
    """Decoder-only: one nn.TransformerEncoderLayer under a causal mask,
    recorded as dec.L.* (self_attn, then the feed-forward; norm1 belongs to
    the attention, norm2 to the feed-forward; opt: see encoder_layer)."""
    p = f"dec.{l}"
    add, pos = opt["add"], opt["pos"]
    causal = causal_attn_mask(x.shape[1], x.dtype)
    if layer.norm_first:
        ln1 = layer.norm1(x)
        rec[p + ".ln1"] = ln1
        a, w = attention(rec, p + ".self_attn", layer.self_attn, ln1, ln1, mask, pos)
        check_attention(p + ".self_attn", layer.self_attn, ln1, ln1, causal, tgt_pad, a, w, tol, pos)
        resid_self = add(x, a)
        ln2 = layer.norm2(resid_self)
        rec[p + ".resid_self"] = resid_self
        rec[p + ".ln2"] = ln2
        resid_post = add(resid_self, ffn(rec, p, layer, ln2))
        rec[p + ".resid_post"] = resid_post
        y = resid_post
    else:
        a, w = attention(rec, p + ".self_attn", layer.self_attn, x, x, mask, pos)
        check_attention(p + ".self_attn", layer.self_attn, x, x, causal, tgt_pad, a, w, tol, pos)
        resid_self = add(x, a)
        ln1 = layer.norm1(resid_self)
        rec[p + ".resid_self"] = resid_self
        rec[p + ".ln1"] = ln1
        resid_post = add(ln1, ffn(rec, p, layer, ln1))
        ln2 = layer.norm2(resid_post)
        rec[p + ".resid_post"] = resid_post
        rec[p + ".ln2"] = ln2
        y = ln2
    if opt["modules"]:
        check(p + " output", y, layer(x, src_mask=causal, src_key_padding_mask=tgt_pad), tol)
    return y


def embed(table, ids, d):
    """E[token] · √d_model in float32, as the C engine computes it."""
    return F.embedding(ids, table) * torch.tensor(math.sqrt(d), dtype=torch.float32)


def build(case):
    """The seeded PyTorch modules of a case, in float32 and in eval mode."""
    torch.manual_seed(case["seed"])
    d, h, ff = case["d_model"], case["heads"], case["d_ff"]
    n_enc, n_dec = case["layers"]
    opts = dict(dropout=0.0, activation=case["activation"], batch_first=True,
                norm_first=case["norm"] == "pre")
    if case["arch"] == "encoder-decoder":
        core = nn.Transformer(d, h, n_enc, n_dec, ff, **opts)
        core.encoder.enable_nested_tensor = False
    else:
        layer = nn.TransformerEncoderLayer(d, h, ff, **opts)
        core = nn.TransformerEncoder(layer, n_dec, norm=nn.LayerNorm(d),
                                     enable_nested_tensor=False)
    if not final_norm(case):  # final_norm = no: the stacks end with their last layer
        if case["arch"] == "encoder-decoder":
            core.encoder.norm = None
            core.decoder.norm = None
        else:
            core.norm = None
    V = len(VOCAB)
    parts = dict(src_embedding=nn.Embedding(V, d), tgt_embedding=nn.Embedding(V, d),
                 generator=nn.Linear(d, V))
    # Position tables, under the names Traceformer imports them by (EXTRA_NAMES).
    if case["positions"] == "learned":
        parts.update(src_pos_embedding=nn.Embedding(MAX_LEN, d), tgt_pos_embedding=nn.Embedding(MAX_LEN, d))
    elif case["positions"] == "relative":
        parts.update(enc_relative_bias=nn.Embedding(case["rel_buckets"], h),
                     dec_relative_bias=nn.Embedding(case["rel_buckets"], h))
    extra = nn.ModuleDict(parts)
    with torch.no_grad():
        # nn.Transformer starts with zero attention biases and unit LayerNorm
        # gains; random ones make the test see every bias and gain.
        for name, p in core.named_parameters():
            if name.endswith("norm1.weight") or name.endswith("norm2.weight") or \
               name.endswith("norm3.weight") or name.endswith("norm.weight"):
                p.normal_(1.0, 0.1)
            elif name.endswith("bias"):
                p.normal_(0.0, 0.1)
        # Embeddings ~ N(0, 1/d), so that E · √d is of unit size.
        for emb in (extra["src_embedding"], extra["tgt_embedding"]):
            emb.weight.normal_(0.0, d ** -0.5)
    core.eval()
    extra.eval()
    return core, extra


# The relative-bias tables' names in Traceformer (a module name cannot hold a dot).
EXTRA_NAMES = {"enc_relative_bias.weight": "encoder.relative_attention_bias.weight",
               "dec_relative_bias.weight": "decoder.relative_attention_bias.weight"}


def extra_name(case, k):
    """The name Traceformer imports extra's tensor k by, or None (a
    decoder-only model has no source side)."""
    if case["arch"] == "decoder-only" and (k.startswith("src_") or k.startswith("enc_")):
        return None
    return EXTRA_NAMES.get(k, k)


def state_dict(case, core, extra):
    """Every parameter under the name Traceformer imports it by."""
    out = {}
    for k, v in core.state_dict().items():
        if case["arch"] == "decoder-only":
            k = "decoder." + k  # layers.L.* -> decoder.layers.L.*, norm.* -> decoder.norm.*
        out[k] = v
    for k, v in extra.state_dict().items():
        if extra_name(case, k):
            out[extra_name(case, k)] = v
    return out


def positions_in(rec, case, extra, stack, e, T, dtype):
    """stack.pos added to e (sinusoidal, learned), or what positions inside
    self-attention need (rotary angles, relative buckets) recorded and
    returned as attention's pos; returns (input, pos)."""
    d, dk = case["d_model"], case["d_model"] // case["heads"]
    kind = case["positions"]
    pos = None
    if kind == "sinusoidal":
        pe = sinusoidal(T, d)
    elif kind == "learned":
        pe = extra[("src" if stack == "enc" else "tgt") + "_pos_embedding"].weight[:T]
    if kind in ("sinusoidal", "learned"):
        rec[stack + ".pos"] = pe
        e = e + pe
    elif kind == "rope":
        angles = rope_angles(T, dk)
        rec[stack + ".rope_angles"] = angles.float()
        pos = dict(rope=angles, buckets=None, table=None)
    elif kind == "relative":
        buckets = relative_buckets(T, T, stack == "enc", case)
        rec[stack + ".rel_buckets"] = buckets.float()
        table = extra[stack + "_relative_bias"].weight
        pos = dict(rope=None, buckets=buckets, table=table if table.dtype == dtype else table.to(dtype))
    return e, pos


def forward(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad, dtype, tol, grad=False):
    """Every record of one forward pass, the modules in `dtype`; returns the
    records, the largest difference from PyTorch's own outputs and the loss.
    grad: core and extra are already in float64 and are used as they are
    (no copies, no checks, the embeddings in float64 too), so that autograd
    can run back from the loss to their parameters."""
    rec = Recorder()
    d = case["d_model"]
    if not grad:
        core = copy.deepcopy(core).to(dtype)
    gen = extra["generator"] if grad else copy.deepcopy(extra["generator"]).to(dtype)
    modules = modules_compute_it(case) and not grad
    opt = dict(add=(lambda x, s: x + s) if residual(case) else (lambda x, s: s), modules=modules)
    worst = 0.0
    memory = None
    if case["arch"] == "encoder-decoder":
        Ts = src_ids.shape[1]
        rec["src.tokens"] = src_ids.float()
        e = embed(extra["src_embedding"].weight, src_ids, d)
        rec["enc.embed"] = e
        e, opt["pos"] = positions_in(rec, case, extra, "enc", e, Ts, dtype)
        rec["enc.input"] = e
        enc_in = e.to(dtype)
        x = enc_in
        mask = additive_mask(src_pad, Ts, causal=False).to(dtype)
        for l, layer in enumerate(core.encoder.layers):
            x = encoder_layer(rec, l, layer, x, mask, src_pad, tol, opt)
        if core.encoder.norm is not None:
            x = core.encoder.norm(x)
            rec["enc.norm"] = x
        rec["enc.memory"] = x
        memory = x
        if modules:
            worst = max(worst, check("enc.memory", memory, core.encoder(enc_in, src_key_padding_mask=src_pad), tol))

    Tt = tgt_ids.shape[1]
    rec["tgt.tokens"] = tgt_ids.float()
    e = embed(extra["tgt_embedding"].weight, tgt_ids, d)
    rec["dec.embed"] = e
    e, opt["pos"] = positions_in(rec, case, extra, "dec", e, Tt, dtype)
    rec["dec.input"] = e
    dec_in = e.to(dtype)
    y = dec_in
    self_mask = additive_mask(tgt_pad, Tt, causal=True).to(dtype)
    causal = causal_attn_mask(Tt, dtype)
    if memory is not None:
        cross_mask = additive_mask(src_pad, Tt, causal=False).to(dtype)
        for l, layer in enumerate(core.decoder.layers):
            y = decoder_layer(rec, l, layer, y, memory, self_mask, cross_mask, tgt_pad, src_pad, tol, opt)
        if core.decoder.norm is not None:
            y = core.decoder.norm(y)
            rec["dec.norm"] = y
        # The whole nn.Transformer, as a user would call it.
        if modules:
            theirs = core(enc_in, dec_in, tgt_mask=causal, src_key_padding_mask=src_pad,
                          tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad)
    else:
        for l, layer in enumerate(core.layers):
            y = gpt_layer(rec, l, layer, y, self_mask, tgt_pad, tol, opt)
        if core.norm is not None:
            y = core.norm(y)
            rec["dec.norm"] = y
        if modules:
            theirs = core(dec_in, mask=causal, src_key_padding_mask=tgt_pad)
    if modules:
        worst = max(worst, check("final output", y, theirs, tol))
    logits = gen(y)
    rec["dec.logits"] = logits
    rec["dec.probs"] = torch.softmax(logits, dim=-1)
    # Teacher forcing: every row predicts the next token of the decoder's
    # input, the last real one predicts <END>; <PAD> rows predict <PAD>.
    # The per-row loss is F.cross_entropy with ignore_index=<PAD> (0 there),
    # and "loss" its mean over the real rows of the whole batch.
    target = torch.full_like(tgt_ids, PAD)
    for b in range(tgt_ids.shape[0]):
        n = int((~tgt_pad[b]).sum())
        target[b, :n - 1] = tgt_ids[b, 1:n]
        target[b, n - 1] = END
    flat = logits.reshape(-1, logits.shape[-1])
    per_row = F.cross_entropy(flat, target.reshape(-1), ignore_index=PAD, reduction="none")
    rec["dec.predicted"] = logits.argmax(dim=-1).float()
    rec["dec.target"] = target.float()
    rec["dec.loss"] = per_row.reshape(target.shape)
    loss = F.cross_entropy(flat, target.reshape(-1), ignore_index=PAD).reshape(1)
    rec["loss"] = loss
    return rec.records, worst, loss


def teacher_targets(tgt_ids, tgt_pad):
    """(B, T): every row predicts the next token of the decoder's input, the
    last real one <END>, <PAD> rows <PAD> (ignored by the loss)."""
    target = torch.full_like(tgt_ids, PAD)
    for b in range(tgt_ids.shape[0]):
        n = int((~tgt_pad[b]).sum())
        target[b, :n - 1] = tgt_ids[b, 1:n]
        target[b, n - 1] = END
    return target


def named_params(case, core, extra):
    """Every parameter module, under its state_dict() name (see state_dict)."""
    out = {}
    for k, p in core.named_parameters():
        out[("decoder." + k) if case["arch"] == "decoder-only" else k] = p
    for k, p in extra.named_parameters():
        if extra_name(case, k):
            out[extra_name(case, k)] = p
    return out


def gradients(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad):
    """d loss / d parameter by PyTorch's autograd, the whole model (the
    embeddings and generator too) in float64, through nn.Transformer's own
    modules as a user would call them. The loss is F.cross_entropy over the
    batch, ignore_index = <PAD>: the "loss" record."""
    core = copy.deepcopy(core).to(torch.float64)
    extra = copy.deepcopy(extra).to(torch.float64)
    if not modules_compute_it(case):
        # Options nn.Transformer lacks: autograd through the recomputation.
        _, _, loss = forward(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad, torch.float64, None,
                             grad=True)
        return collect_gradients(case, core, extra, loss)
    d = case["d_model"]
    sinus = case["positions"] == "sinusoidal"

    def inputs(table, ids, side):
        e = F.embedding(ids, table) * math.sqrt(d)
        if case["positions"] == "learned":
            return e + extra[side + "_pos_embedding"].weight[:ids.shape[1]]
        return e + sinusoidal(ids.shape[1], d).double() if sinus else e

    Tt = tgt_ids.shape[1]
    causal = causal_attn_mask(Tt, torch.float64)
    dec_in = inputs(extra["tgt_embedding"].weight, tgt_ids, "tgt")
    if case["arch"] == "encoder-decoder":
        enc_in = inputs(extra["src_embedding"].weight, src_ids, "src")
        y = core(enc_in, dec_in, tgt_mask=causal, src_key_padding_mask=src_pad,
                 tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad)
    else:
        y = core(dec_in, mask=causal, src_key_padding_mask=tgt_pad)
    logits = extra["generator"](y)
    target = teacher_targets(tgt_ids, tgt_pad)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=PAD)
    return collect_gradients(case, core, extra, loss)


def collect_gradients(case, core, extra, loss):
    """Run autograd back from loss; every parameter's gradient, by name."""
    loss.backward()
    grads = {}
    for name, p in named_params(case, core, extra).items():
        if p.grad is None:
            sys.exit(f"gen_fixtures: {case['name']}: parameter {name} got no gradient")
        grads[name] = p.grad.detach()
    return grads, loss.item()


# Records with one copy for every sentence: no batch dim to drop.
UNBATCHED = ("enc.pos", "dec.pos", "enc.rope_angles", "dec.rope_angles", "enc.rel_buckets", "dec.rel_buckets",
             "loss")


def save_npy(path, tensor):
    np.save(path, np.ascontiguousarray(tensor.detach().numpy().astype("<f4")))


def config_ini(case):
    return "\n".join([
        "; Written by tests/ref/gen_fixtures.py: what the tensors' shapes cannot tell.",
        "[model]",
        f"arch = {case['arch']}",
        f"heads = {case['heads']}",
        f"norm = {case['norm']}",
        f"activation = {case['activation']}",
        f"positions = {case['positions']}",
    ] + ([f"relative_max_distance = {case['rel_max_distance']}"] if case["positions"] == "relative" else [])
      + ([] if residual(case) else ["residual = off"]) + [
        f"max_len = {MAX_LEN}",
        "ln_eps = 1e-5",
        "",
    ])


def input_ini(case):
    lines = ["; Written by tests/ref/gen_fixtures.py: the sentences of this case.", "[input]"]
    lines += [f"src = {s}" for s in case["src"]]
    lines += [f"tgt = {s}" for s in case["tgt"]]
    return "\n".join(lines) + "\n"


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(case):
    core, extra = build(case)
    if case["arch"] == "encoder-decoder":
        src_ids, src_pad = pad_batch(case["src"])
    else:
        src_ids = src_pad = None
    tgt_ids, tgt_pad = pad_batch(case["tgt"])

    # The fixtures: the modules in float64 (same arithmetic as PyTorch's).
    records, d64, _ = forward(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad, torch.float64, TOL64)
    # The model as it is, float32: PyTorch's float32 answer is within rounding.
    rec32, d32, _ = forward(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad, torch.float32, TOL32)
    assert list(rec32) == list(records)

    out = os.path.join(CASES_DIR, case["name"])
    wdir, edir = os.path.join(out, "weights"), os.path.join(out, "expected")
    os.makedirs(wdir)
    os.makedirs(edir)
    for key, tensor in sorted(state_dict(case, core, extra).items()):
        save_npy(os.path.join(wdir, key + ".npy"), tensor)
    write_text(os.path.join(wdir, "vocab.txt"), "".join(t + "\n" for t in VOCAB))
    write_text(os.path.join(wdir, "config.ini"), config_ini(case))
    write_text(os.path.join(out, "input.ini"), input_ini(case))

    batched = len(case["tgt"]) > 1
    for name, t in records.items():
        # One sentence: no batch dim. The position tables never have one.
        if not batched and name not in UNBATCHED:
            t = t[0]
        save_npy(os.path.join(edir, name + ".npy"), t)

    # The gradients of the loss, by autograd, under the weights' names.
    grads, loss = gradients(case, core, extra, src_ids, src_pad, tgt_ids, tgt_pad)
    weights = state_dict(case, core, extra)
    if sorted(grads) != sorted(weights):
        sys.exit(f"gen_fixtures: {case['name']}: gradients and weights name different tensors")
    # (The records embed in float32, as the engine does; here all is float64.)
    if abs(loss - records["loss"].item()) > 1e-6 * abs(loss):
        sys.exit(f"gen_fixtures: {case['name']}: autograd's loss {loss} differs from the loss record")
    gdir = os.path.join(out, "grads")
    os.makedirs(gdir)
    for key, g in sorted(grads.items()):
        if tuple(g.shape) != tuple(weights[key].shape):
            sys.exit(f"gen_fixtures: {case['name']}: gradient of {key} has shape {tuple(g.shape)}")
        save_npy(os.path.join(gdir, key + ".npy"), g)
    against = (f"recomputation vs nn.Transformer: float64 {d64:.1e}, float32 {d32:.1e}"
               if modules_compute_it(case) else "recomputation (attention without positions checked by module)")
    print(f"{case['name']}: {len(records)} records; {against}; {len(grads)} gradients, loss {loss:.6f}")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if os.path.isdir(CASES_DIR):
        shutil.rmtree(CASES_DIR)
    for case in CASES:
        generate(case)
    total = sum(os.path.getsize(os.path.join(dp, f))
                for dp, _, fs in os.walk(CASES_DIR) for f in fs)
    print(f"fixtures: {len(CASES)} cases, {total / 1024:.0f} KB in {os.path.relpath(CASES_DIR)}")


if __name__ == "__main__":
    main()

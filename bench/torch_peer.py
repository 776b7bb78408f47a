"""PyTorch's side of `make bench`'s comparisons, as a peer process.

bench (bench/peer.c) starts this script once per thread count as
`torch_peer.py BLAS_THREADS TORCH_THREADS`, with OPENBLAS_NUM_THREADS already
set to BLAS_THREADS in its environment: OpenBLAS reads it when it loads, and
torch.set_num_threads (TORCH_THREADS, its own intra-op pool) does not reach
a pthread build of it. On two cores PyTorch is fastest with OpenBLAS's two
threads and one of its own (the base forward: 50 ms, against 78 ms with
the two the other way round and 90–230 ms with two of each, whose four
threads fight over the two cores), so that is what bench runs. The script builds the same base model as the bench (nn.Transformer,
6 + 6 layers, d_model 512, 8 heads, d_ff 2048, vocabulary 500, source and
target of 64 tokens, batch 1, dropout off, no autograd; embeddings and the
output projection and softmax included, as Traceformer's forward computes),
says what it runs on, then answers one command per line on stdin, so that
bench can interleave its own runs with these:

    forward N    N forward passes; prints their times in ms
    generate N   one greedy generation of N tokens with a key/value cache
                 (the encoder run once before, not timed); prints the
                 mean time per token in ms

Optional: bench runs it only when Debian's python3-torch is installed."""
import ctypes
import math
import os
import sys
import time

import torch
import torch.nn.functional as F


def blas_facts():
    """The OpenBLAS this process loaded: threads it will use, kernel it chose."""
    for line in open("/proc/self/maps"):
        path = line.split()[-1]
        if "libopenblas" in os.path.basename(path):
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_num_threads(), lib.openblas_get_corename().decode()
    return 0, "not OpenBLAS"


torch_threads = int(sys.argv[2])
torch.manual_seed(0)
torch.set_num_threads(torch_threads)
d, H, V, T = 512, 8, 500, 64
dk = d // H
model = torch.nn.Transformer(d_model=d, nhead=H, num_encoder_layers=6, num_decoder_layers=6,
                             dim_feedforward=2048, dropout=0.0, batch_first=True).eval()
src_embed, tgt_embed = torch.nn.Embedding(V, d), torch.nn.Embedding(V, d)
generator = torch.nn.Linear(d, V)
src = torch.randint(4, V, (1, T))
tgt = torch.randint(4, V, (1, T))
causal = model.generate_square_subsequent_mask(T)
positions = torch.zeros(T, d)
angle = torch.arange(T).unsqueeze(1) / torch.pow(10000.0, torch.arange(0, d, 2) / d)
positions[:, 0::2], positions[:, 1::2] = torch.sin(angle), torch.cos(angle)


def forward():
    with torch.no_grad():
        x = src_embed(src) * d ** 0.5 + positions
        y = tgt_embed(tgt) * d ** 0.5 + positions
        h = model(x, y, tgt_mask=causal)
        return torch.softmax(generator(h), dim=-1)


def heads(x):  # (n, d) -> (H, n, dk)
    return x.view(-1, H, dk).transpose(0, 1)


def generate(n):
    """Greedy decoding with a cache: each step runs one new row through the
    decoder, appends its keys and values to preallocated tensors and attends
    over the rows so far; the cross-attention's keys and values of the
    encoder's memory are computed once."""
    with torch.no_grad():
        memory = model.encoder(src_embed(src) * d ** 0.5 + positions)[0]  # (T, d)
        layers = model.decoder.layers
        cross = []
        for layer in layers:
            w, b = layer.multihead_attn.in_proj_weight, layer.multihead_attn.in_proj_bias
            k = F.linear(memory, w[d:2 * d], b[d:2 * d])
            v = F.linear(memory, w[2 * d:], b[2 * d:])
            cross.append((heads(k), heads(v)))
        cache_k = [torch.zeros(H, n, dk) for _ in layers]
        cache_v = [torch.zeros(H, n, dk) for _ in layers]
        token = 1
        t0 = time.perf_counter()
        for s in range(n):
            x = tgt_embed.weight[token].unsqueeze(0) * d ** 0.5 + positions[s]  # (1, d)
            for i, layer in enumerate(layers):
                sa = layer.self_attn
                q, k, v = F.linear(x, sa.in_proj_weight, sa.in_proj_bias).chunk(3, dim=-1)
                cache_k[i][:, s] = heads(k)[:, 0]
                cache_v[i][:, s] = heads(v)[:, 0]
                w = torch.softmax(heads(q) @ cache_k[i][:, :s + 1].transpose(1, 2) / math.sqrt(dk), dim=-1)
                a = (w @ cache_v[i][:, :s + 1]).transpose(0, 1).reshape(1, d)
                x = layer.norm1(x + sa.out_proj(a))
                ca = layer.multihead_attn
                q = F.linear(x, ca.in_proj_weight[:d], ca.in_proj_bias[:d])
                ck, cv = cross[i]
                w = torch.softmax(heads(q) @ ck.transpose(1, 2) / math.sqrt(dk), dim=-1)
                a = (w @ cv).transpose(0, 1).reshape(1, d)
                x = layer.norm2(x + ca.out_proj(a))
                x = layer.norm3(x + layer.linear2(F.relu(layer.linear1(x))))
            probs = torch.softmax(generator(model.decoder.norm(x)), dim=-1)
            token = int(torch.argmax(probs[0, 4:])) + 4  # never a special token: all n steps run
        return (time.perf_counter() - t0) * 1e3 / n


def timed(f):
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1e3


forward()
generate(4)
blas_threads, core = blas_facts()
print(f"ready torch {torch.__version__}, {torch.get_num_threads()} torch threads, "
      f"{blas_threads} OpenBLAS threads, kernel {core}", flush=True)
for line in sys.stdin:
    words = line.split()
    if len(words) != 2:
        break
    n = int(words[1])
    if words[0] == "forward":
        print(" ".join(f"{timed(forward):.4f}" for _ in range(n)), flush=True)
    elif words[0] == "generate":
        print(f"{generate(n):.4f}", flush=True)
    else:
        break

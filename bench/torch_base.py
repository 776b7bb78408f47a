"""The same base forward pass in PyTorch, for a ratio in `make bench`.

nn.Transformer (6 + 6 layers, d_model 512, 8 heads, d_ff 2048), source and
target length 64, batch 1, dropout off, no autograd; with embeddings and
the output projection, as Traceformer's forward computes. Prints one
"name: value unit" line. Optional: `make bench` runs it only when Debian's
python3-torch is installed."""
import statistics
import sys
import time

import torch

torch.manual_seed(0)
threads = int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads()
torch.set_num_threads(threads)
d, V, T = 512, 500, 64
model = torch.nn.Transformer(d_model=d, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                             dim_feedforward=2048, dropout=0.0, batch_first=True).eval()
src_embed, tgt_embed = torch.nn.Embedding(V, d), torch.nn.Embedding(V, d)
generator = torch.nn.Linear(d, V)
src = torch.randint(4, V, (1, T))
tgt = torch.randint(4, V, (1, T))
causal = model.generate_square_subsequent_mask(T)


def forward():
    with torch.no_grad():
        x = src_embed(src) * d ** 0.5
        y = tgt_embed(tgt) * d ** 0.5
        h = model(x, y, tgt_mask=causal)
        return torch.softmax(generator(h), dim=-1)


forward()
times = []
for _ in range(11):
    t0 = time.perf_counter()
    forward()
    times.append((time.perf_counter() - t0) * 1e3)
print(f"pytorch.base.forward: {statistics.median(times):.2f} ms "
      f"(median of 11, torch {torch.__version__}, {threads} threads)")

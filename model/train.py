#!/usr/bin/python3
"""Train the playground's character-level language model and export it to ONNX.

Corpus: the `fortunes` Debian package (fortune-mod, BSD licence; see
model/README.md), read from /usr/share/games/fortunes. Every 25th fortune goes
to the validation split; the rest train. Characters outside printable ASCII
and newline drop their whole fortune, so the vocabulary is fixed and small.

The model is a 4-layer pre-LayerNorm GPT with learned positions and a separate
LM head (with bias). Its ONNX export returns two outputs:
  logits                [B, T, V]     the LM head applied to the last layer
  normed_hidden_states  [L+1, B, T, d] the residual stream after the embedding
                        and after each layer, each passed through the final
                        LayerNorm: the logit lens is then lm_head(state), which
                        the page computes with logitkit's `linear`.

Reproducible: fixed seeds, deterministic algorithms, a fixed thread count.
Writes data/model/ (served by the demo as /model/):{charlm.onnx, charlm.json, lm-head.bin, valid.txt}.

Run:  apt-get install python3-torch python3-onnx fortunes && /usr/bin/python3 model/train.py
"""
import json
import math
import os
import random
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CORPUS_DIR = "/usr/share/games/fortunes"
CORPUS_FILES = [
    "computers", "cookie", "debian", "definitions", "education", "food", "fortunes",
    "goedel", "humorists", "kids", "law", "linux", "linuxcookie", "literature", "magic",
    "medicine", "miscellaneous", "news", "paradoxum", "people", "perl", "pets",
    "platitudes", "riddles", "science", "songs-poems", "sports", "startrek", "tao",
    "wisdom", "work", "zippy",
]
CONFIG = dict(context=128, d_model=96, layers=4, heads=4, d_ff=384)
TRAIN = dict(steps=int(os.environ.get("CHARLM_STEPS", 1600)), batch=32, lr=3e-3, warmup=100,
             weight_decay=0.05, clip=1.0, seed=1234, threads=2, eval_every=100)
VALID_EVERY = 25
VALID_MAX_CHARS = 32 * 1024
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "model")


def load_corpus():
    fortunes = []
    for name in CORPUS_FILES:
        with open(os.path.join(CORPUS_DIR, name), encoding="utf-8", errors="replace") as f:
            for text in f.read().split("\n%\n"):
                text = text.strip("\n%").replace("\t", "    ")
                if text and all(c == "\n" or " " <= c <= "~" for c in text):
                    fortunes.append(text + "\n\n")
    train, valid = [], []
    for i, text in enumerate(fortunes):
        (valid if i % VALID_EVERY == 0 else train).append(text)
    valid_text = "".join(valid)[:VALID_MAX_CHARS]
    return "".join(train), valid_text


class Block(nn.Module):
    def __init__(self, d, heads, d_ff, context):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, d_ff)
        self.ff2 = nn.Linear(d_ff, d)
        self.register_buffer("mask", torch.tril(torch.ones(context, context, dtype=torch.bool)), persistent=False)

    def forward(self, x):
        B, T, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.reshape(B, T, h, d // h).transpose(1, 2)
        k = k.reshape(B, T, h, d // h).transpose(1, 2)
        v = v.reshape(B, T, h, d // h).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // h))
        att = att.masked_fill(~self.mask[:T, :T], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.proj(y)
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class CharLM(nn.Module):
    def __init__(self, vocab, context, d_model, layers, heads, d_ff):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(context, d_model)
        self.blocks = nn.ModuleList(Block(d_model, heads, d_ff, context) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab)

    def forward(self, ids, lens=False):
        """Logits [B, T, V]; with lens=True also every layer's normed state [L+1, B, T, d]."""
        T = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(T, device=ids.device))
        states = [x]
        for block in self.blocks:
            x = block(x)
            states.append(x)
        if not lens:
            return self.lm_head(self.ln_f(x)), None
        normed = torch.stack([self.ln_f(s) for s in states])
        return self.lm_head(normed[-1]), normed


class ExportedCharLM(nn.Module):
    """The ONNX graph: logits and the logit-lens states."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids):
        return self.model(ids, lens=True)


def windows(data, context):
    """Non-overlapping (input, target) windows: the evaluation the tests repeat."""
    n = (len(data) - 1) // context
    x = torch.stack([data[i * context:(i + 1) * context] for i in range(n)])
    y = torch.stack([data[i * context + 1:(i + 1) * context + 1] for i in range(n)])
    return x, y


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(x), 64):
        logits, _ = model(x[i:i + 64])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[i:i + 64].reshape(-1), reduction="sum").item()
        count += y[i:i + 64].numel()
    model.train()
    return total / count


def main():
    torch.manual_seed(TRAIN["seed"])
    random.seed(TRAIN["seed"])
    torch.set_num_threads(TRAIN["threads"])
    torch.use_deterministic_algorithms(True)
    train_text, valid_text = load_corpus()
    chars = sorted(set(train_text) | set(valid_text))
    stoi = {c: i for i, c in enumerate(chars)}
    encode = lambda s: torch.tensor([stoi[c] for c in s], dtype=torch.long)
    train, valid = encode(train_text), encode(valid_text)
    ctx = CONFIG["context"]
    vx, vy = windows(valid, ctx)
    model = CharLM(len(chars), **CONFIG)
    params = sum(p.numel() for p in model.parameters())
    print(f"corpus: train {len(train_text)} chars, valid {len(valid_text)} chars, vocab {len(chars)}, params {params}")

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "tok" not in n and "pos" not in n]
    other = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "tok" not in n and "pos" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": TRAIN["weight_decay"]},
                             {"params": other, "weight_decay": 0.0}], lr=TRAIN["lr"], betas=(0.9, 0.98))
    steps, gen = TRAIN["steps"], torch.Generator().manual_seed(TRAIN["seed"])
    curve, train_loss = [], None
    t0 = time.time()
    for step in range(steps + 1):
        if step % TRAIN["eval_every"] == 0 or step == steps:
            v = evaluate(model, vx, vy)
            curve.append({"step": step, "train_loss": None if step == 0 else round(train_loss, 4), "valid_loss": round(v, 4)})
            print(f"step {step:5d}  valid loss {v:.4f}  ({time.time() - t0:.0f} s)", flush=True)
        if step == steps:
            break
        lr = TRAIN["lr"] * min(1.0, (step + 1) / TRAIN["warmup"]) * 0.5 * (1 + math.cos(math.pi * step / steps))
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, len(train) - ctx - 1, (TRAIN["batch"],), generator=gen)
        xb = torch.stack([train[s:s + ctx] for s in starts])
        yb = torch.stack([train[s + 1:s + ctx + 1] for s in starts])
        logits, _ = model(xb)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), TRAIN["clip"])
        opt.step()
        train_loss = loss.item() if step == 0 else 0.98 * train_loss + 0.02 * loss.item()  # smoothed
    valid_loss = evaluate(model, vx, vy)

    os.makedirs(OUT, exist_ok=True)
    model.eval()
    torch.onnx.export(ExportedCharLM(model), (vx[:2],), os.path.join(OUT, "charlm.onnx"),
                      input_names=["input_ids"], output_names=["logits", "normed_hidden_states"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"},
                                    "normed_hidden_states": {1: "batch", 2: "seq"}},
                      opset_version=14, do_constant_folding=True)
    with open(os.path.join(OUT, "lm-head.bin"), "wb") as f:
        f.write(model.lm_head.weight.detach().contiguous().numpy().astype("<f4").tobytes())
        f.write(model.lm_head.bias.detach().contiguous().numpy().astype("<f4").tobytes())
    with open(os.path.join(OUT, "valid.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write(valid_text)
    meta = {
        "vocab": chars, "config": CONFIG, "train": TRAIN, "params": params,
        "corpus": {"package": "fortunes (fortune-mod 1.99.1)", "licence": "BSD (see model/README.md)",
                   "files": CORPUS_FILES, "train_chars": len(train_text), "valid_chars": len(valid_text),
                   "valid_every": VALID_EVERY},
        "evaluation": "mean cross-entropy (nats/char) over non-overlapping windows of `context` characters of valid.txt: "
                      "window i reads chars [i*ctx, (i+1)*ctx) and predicts chars [i*ctx+1, (i+1)*ctx+1)",
        "valid_windows": int(len(vx)),
        "valid_loss": valid_loss, "valid_perplexity": math.exp(valid_loss),
        "curve": curve, "seconds": round(time.time() - t0),
        "torch": torch.__version__,
        "lm_head": "lm-head.bin: float32 little-endian, weight [vocab x d_model] row-major, then bias [vocab]",
    }
    with open(os.path.join(OUT, "charlm.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"valid loss {valid_loss:.4f} nats/char, perplexity {math.exp(valid_loss):.3f}; wrote {OUT}")


if __name__ == "__main__":
    sys.exit(main())

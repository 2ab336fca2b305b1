#!/usr/bin/env python3
"""Reference Llama/Mistral decoder in PyTorch with Hugging Face semantics, for conformance tests and benchmarks.

It reads the same HF folder the Java engine reads (config.json + safetensors, sharded or not) without the
`transformers` or `safetensors` packages, which cannot be installed here, and mirrors transformers' modeling code:
rotate-half RoPE with llama3 scaling, repeat_kv GQA, eager attention with a causal (+ sliding window) mask, SwiGLU.

  hf_reference.py logits DIR --ids 1,2,3 --out FILE.json      logits of every position (float32)
  hf_reference.py bench DIR --prefill N --decode M --threads 2  prefill and decode tokens/s
"""
import argparse, json, math, os, struct, sys, time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[b:e]
        if info["dtype"] == "BF16":
            u16 = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            arr = u16.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[info["dtype"]]).astype(np.float32)
        out[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return out


def load(folder):
    cfg = json.load(open(os.path.join(folder, "config.json")))
    index = os.path.join(folder, "model.safetensors.index.json")
    w = {}
    if os.path.exists(index):
        for shard in sorted(set(json.load(open(index))["weight_map"].values())):
            w.update(read_safetensors(os.path.join(folder, shard)))
    else:
        w.update(read_safetensors(os.path.join(folder, "model.safetensors")))
    return cfg, w


class Decoder:
    def __init__(self, cfg, w):
        self.cfg, self.w = cfg, w
        self.d = cfg["hidden_size"]
        self.h = cfg["num_attention_heads"]
        self.kv = cfg.get("num_key_value_heads") or self.h
        self.hd = cfg.get("head_dim") or self.d // self.h
        self.L = cfg["num_hidden_layers"]
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.window = cfg.get("sliding_window") if cfg["model_type"] == "mistral" else None
        self.lm = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
        self.inv_freq = self._inv_freq(cfg)

    def _inv_freq(self, cfg):
        base, dim = cfg.get("rope_theta", 10000.0), self.hd
        inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        rs = cfg.get("rope_scaling")
        if rs:  # transformers' _compute_llama3_parameters
            factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
            lo_w, hi_w = old / lo, old / hi
            wavelen = 2 * math.pi / inv
            inv_l = torch.where(wavelen > lo_w, inv / factor, inv)
            smooth = (old / wavelen - lo) / (hi - lo)
            smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
            medium = ~(wavelen < hi_w) * ~(wavelen > lo_w)
            inv = torch.where(medium, smoothed, inv_l)
        return inv

    def rms(self, x, g):
        var = x.pow(2).mean(-1, keepdim=True)
        return g * (x * torch.rsqrt(var + self.eps))

    @staticmethod
    def rotate_half(x):
        x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
        return torch.cat((-x2, x1), dim=-1)

    def rope(self, pos):
        freqs = pos.float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    def layer(self, i, x, cos, sin, cache, start):
        p, w = f"model.layers.{i}.", self.w
        T = x.shape[0]
        h = self.rms(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, self.h, self.hd).transpose(0, 1)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, self.kv, self.hd).transpose(0, 1)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, self.kv, self.hd).transpose(0, 1)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        if cache is not None:
            if i in cache:
                k = torch.cat([cache[i][0], k], dim=1)
                v = torch.cat([cache[i][1], v], dim=1)
            cache[i] = (k, v)
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, dim=0)
        v = v.repeat_interleave(rep, dim=0)
        S = k.shape[1]
        att = (q @ k.transpose(1, 2)) * (self.hd ** -0.5)
        qi = torch.arange(start, start + T)[:, None]
        kj = torch.arange(S)[None, :]
        masked = kj > qi
        if self.window:
            masked = masked | (kj <= qi - self.window)
        att = att.masked_fill(masked, torch.finfo(torch.float32).min)
        att = torch.softmax(att, dim=-1, dtype=torch.float32)
        o = (att @ v).transpose(0, 1).reshape(T, self.h * self.hd)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = self.rms(x, w[p + "post_attention_layernorm.weight"])
        g = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T)
        u = h @ w[p + "mlp.up_proj.weight"].T
        return x + (g * u) @ w[p + "mlp.down_proj.weight"].T

    @torch.no_grad()
    def forward(self, ids, cache=None, start=0, last_only=False):
        x = self.w["model.embed_tokens.weight"][torch.tensor(ids)]
        cos, sin = self.rope(torch.arange(start, start + len(ids)))
        for i in range(self.L):
            x = self.layer(i, x, cos, sin, cache, start)
        x = self.rms(x, self.w["model.norm.weight"])
        if last_only:
            x = x[-1:]
        return x @ self.lm.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["logits", "bench"])
    ap.add_argument("dir")
    ap.add_argument("--ids")
    ap.add_argument("--out")
    ap.add_argument("--prefill", type=int, default=128)
    ap.add_argument("--decode", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg, w = load(a.dir)
    m = Decoder(cfg, w)
    if a.cmd == "logits":
        ids = [int(t) for t in a.ids.split(",")]
        logits = m.forward(ids)
        json.dump({"ids": ids, "logits": logits.tolist()}, open(a.out, "w"))
        return
    # bench: prefill of a.prefill tokens, then greedy decode of a.decode tokens with a KV cache; best of repeats.
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, cfg["vocab_size"], (a.prefill,), generator=g).tolist()
    best_p, best_d = float("inf"), float("inf")
    for _ in range(a.repeats + 1):  # the first round warms up
        cache = {}
        t0 = time.perf_counter()
        logits = m.forward(ids, cache, 0, last_only=True)
        t1 = time.perf_counter()
        tok = int(logits[-1].argmax())
        for s in range(a.decode):
            logits = m.forward([tok], cache, a.prefill + s, last_only=True)
            tok = int(logits[-1].argmax())
        t2 = time.perf_counter()
        best_p, best_d = min(best_p, t1 - t0), min(best_d, t2 - t1)
    print(json.dumps({"prefill_tok_s": a.prefill / best_p, "decode_tok_s": a.decode / best_d, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    main()

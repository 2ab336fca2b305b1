#!/usr/bin/env python3
"""Reference Llama/Mistral decoder in PyTorch with Hugging Face semantics, for conformance tests and benchmarks.

It reads the same HF folder the Java engine reads (config.json + safetensors, sharded or not) without the
`transformers` or `safetensors` packages, which cannot be installed here, and mirrors transformers' modeling code:
rotate-half RoPE with llama3 scaling, repeat_kv GQA, eager attention with a causal (+ sliding window) mask, SwiGLU.

  hf_reference.py logits DIR --ids 1,2,3 --out FILE.json      logits of every position (float32)
  hf_reference.py bench DIR --prefill N --decode M --configs 2x2,2x1  prefill and decode tokens/s per configuration
  hf_reference.py train-bench DIR --batch B --seq T             full-parameter training tokens/s (forward, backward, AdamW)
  hf_reference.py svd-bench DIR / svf-bench DIR                 numpy's SVD, one SVF iteration

The bench commands time every configuration in --configs (TORCHxBLAS: torch's intra-op threads and the BLAS
library's own threads) and print each one's figures: which one is best differs by step on the same machine
(OpenBLAS's pthreads contend with torch's pool), so the caller picks the best per figure. The BLAS thread counts are
interleaved round by round in one process; each torch thread count runs in a process of its own, because changing
torch's threads at run time slows what follows.
  hf_reference.py blas .                                        which BLAS torch runs on and its sgemm GFLOP/s
  hf_reference.py openblas-info LIBFILE                         an OpenBLAS library's build configuration and core
"""
import argparse, json, math, os, re, statistics, struct, sys, time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    # Mapped, not read: a 2.5 GB bf16 file then costs only its float32 tensors, one at a time.
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[b:e]
        if info["dtype"] == "BF16":
            u16 = raw.view(np.uint16).astype(np.uint32) << 16
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

    def weight(self, name):
        return self.w[name]

    def layer(self, i, x, cos, sin, cache, start):
        """x: [B, T, d]. Keys/values of earlier tokens come from cache[i] when given."""
        p, W = f"model.layers.{i}.", self.weight
        B, T, _ = x.shape
        h = self.rms(x, W(p + "input_layernorm.weight"))
        q = (h @ W(p + "self_attn.q_proj.weight").T).view(B, T, self.h, self.hd).transpose(1, 2)
        k = (h @ W(p + "self_attn.k_proj.weight").T).view(B, T, self.kv, self.hd).transpose(1, 2)
        v = (h @ W(p + "self_attn.v_proj.weight").T).view(B, T, self.kv, self.hd).transpose(1, 2)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        if cache is not None:
            if i in cache:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        S = k.shape[2]
        att = (q @ k.transpose(2, 3)) * (self.hd ** -0.5)
        qi = torch.arange(start, start + T)[:, None]
        kj = torch.arange(S)[None, :]
        masked = kj > qi
        if self.window:
            masked = masked | (kj <= qi - self.window)
        att = att.masked_fill(masked, torch.finfo(torch.float32).min)
        att = torch.softmax(att, dim=-1, dtype=torch.float32)
        o = (att @ v).transpose(1, 2).reshape(B, T, self.h * self.hd)
        x = x + o @ W(p + "self_attn.o_proj.weight").T
        h = self.rms(x, W(p + "post_attention_layernorm.weight"))
        g = torch.nn.functional.silu(h @ W(p + "mlp.gate_proj.weight").T)
        u = h @ W(p + "mlp.up_proj.weight").T
        return x + (g * u) @ W(p + "mlp.down_proj.weight").T

    def forward(self, ids, cache=None, start=0, last_only=False):
        """ids: [B, T] (or a flat list for one row); returns logits [B, T or 1, V]."""
        ids = torch.as_tensor(ids)
        if ids.dim() == 1:
            ids = ids[None]
        x = self.w["model.embed_tokens.weight"][ids]
        cos, sin = self.rope(torch.arange(start, start + ids.shape[1]))
        for i in range(self.L):
            x = self.layer(i, x, cos, sin, cache, start)
        x = self.rms(x, self.w["model.norm.weight"])
        if last_only:
            x = x[:, -1:]
        return x @ self.lm.T


class SvfDecoder(Decoder):
    """The decoder with MLP weights W' = U diag(σ ⊙ sigmoid(z) · Σσ/Σ(σ⊙sigmoid(z))) Vᵀ and z trainable: the released code's SVF."""

    def __init__(self, cfg, w):
        super().__init__(cfg, w)
        self.svd, self.z = {}, {}
        for name in w:
            if ".mlp." in name:
                U, S, Vh = torch.linalg.svd(w[name], full_matrices=False)
                self.svd[name] = (U, S, Vh)
                self.z[name] = torch.full_like(S, 0.1).requires_grad_(True)
        self.composed = {}

    def compose(self):
        for name, (U, S, Vh) in self.svd.items():
            m = torch.sigmoid(self.z[name])
            s = S * m * (S.sum() / (S * m).sum())
            self.composed[name] = (U * s) @ Vh

    def weight(self, name):
        return self.composed.get(name, self.w[name])


def svf_iteration(m, prompts, new_tokens):
    """One REINFORCE iteration as the released code runs it: compose, greedy rollouts with a KV cache, then
    loss = -sum(r * log p(completion)) / B and its gradient w.r.t. z."""
    with torch.no_grad():
        m.compose()
        cache = {}
        logits = m.forward(prompts, cache, 0, last_only=True)
        tok = logits[:, -1].argmax(-1, keepdim=True)
        outs = [tok]
        for s in range(new_tokens - 1):
            logits = m.forward(tok, cache, prompts.shape[1] + s, last_only=True)
            tok = logits[:, -1].argmax(-1, keepdim=True)
            outs.append(tok)
        completion = torch.cat(outs, dim=1)
    rewards = torch.tensor([1.0 if i % 2 == 0 else -1.0 for i in range(prompts.shape[0])])
    m.compose()
    seq = torch.cat([prompts, completion], dim=1)
    logp = torch.log_softmax(m.forward(seq[:, :-1]), dim=-1)
    P = prompts.shape[1]
    tok_lp = logp[:, P - 1:].gather(-1, seq[:, P:, None]).squeeze(-1).sum(-1)
    loss = -(rewards * tok_lp).sum() / prompts.shape[0]
    for z in m.z.values():
        z.grad = None
    loss.backward()
    return float(loss)
def openblas_library():
    """The loaded BLAS library that can change its thread count at run time (OpenBLAS), or None (netlib, MKL...)."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "/" in line})
    except OSError:
        return None
    for path in paths:
        if "blas" in os.path.basename(path) or "lapack" in os.path.basename(path):
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
                lib.openblas_get_num_threads.restype = ctypes.c_int
                return lib
            except (OSError, AttributeError):
                continue
    return None


class Configs:
    """The thread configurations a bench times in this process: (torch threads, BLAS threads) pairs with one torch
    thread count, the BLAS's threads switched between rounds (see main for several torch thread counts).

    Without OpenBLAS the BLAS's threads cannot be set; configurations then differ only by torch's threads."""

    def __init__(self, spec):
        torch.zeros(4, 4) @ torch.zeros(4, 4)  # loads the BLAS library
        self.lib = openblas_library()
        pairs = []
        for t, b in parse_configs(spec):
            pair = (t, b if self.lib else None)
            if pair not in pairs:
                pairs.append(pair)
        if len({t for t, _ in pairs}) != 1:
            raise ValueError("--configs: one torch thread count per process, got %s" % spec)
        self.pairs = pairs

    def use(self, pair):
        # torch.set_num_threads, even to the count it has, slowed the next forward passes 2-8x on torch 1.13 (its
        # pool is rebuilt); the torch count is set once, before anything is timed.
        if torch.get_num_threads() != pair[0]:
            torch.set_num_threads(pair[0])
        if self.lib:
            self.lib.openblas_set_num_threads(pair[1])
        seen = (torch.get_num_threads(), self.lib.openblas_get_num_threads() if self.lib else None)
        if seen != pair:  # a configuration that did not take would be timed under the wrong name
            sys.exit("thread configuration %sx%s did not take: torch and the BLAS report %s" % (pair + (seen,)))

    def rounds(self, n):
        """n rounds of every configuration, interleaved, the order rotated each round so no configuration always
        follows the same one: yields (round, index of the configuration)."""
        k = len(self.pairs)
        for r in range(n):
            for j in range(k):
                i = (j + r) % k
                self.use(self.pairs[i])
                yield r, i

    def results(self, figures):
        """figures[i]: a dict of configuration i's figures; returns the 'configs' list the caller chooses from."""
        return [dict(torch_threads=t, blas_threads=b, **f) for (t, b), f in zip(self.pairs, figures)]

    def report(self):
        """blas_report in the configuration with the most BLAS threads: the library's sgemm at its best."""
        pair = max(self.pairs, key=lambda p: (p[1] or 0, p[0]))
        self.use(pair)
        return dict(blas_report(pair[0]), blas_threads=pair[1])


def parse_configs(spec):
    """'2x2,2x1,1x1' -> [(2, 2), (2, 1), (1, 1)]: torch threads x BLAS threads."""
    out = []
    for item in spec.split(","):
        t, sep, b = item.strip().partition("x")
        if not sep or not t.isdigit() or not b.isdigit() or int(t) < 1 or int(b) < 1:
            raise SystemExit("--configs: '%s' is not TORCHxBLAS thread counts (e.g. 2x1)" % item)
        out.append((int(t), int(b)))
    return out


def fan_out(argv, spec):
    """Runs this script once per torch thread count in spec (each process interleaves its BLAS thread counts) and
    merges their 'configs' lists; the BLAS report is the first process's (the first torch count in spec)."""
    import subprocess
    counts = []
    for t, _ in parse_configs(spec):
        if t not in counts:
            counts.append(t)
    at = argv.index("--configs")
    merged = None
    for t in counts:
        sub = ",".join("%dx%d" % p for p in parse_configs(spec) if p[0] == t)
        r = subprocess.run([sys.executable, os.path.abspath(__file__)] + argv[:at + 1] + [sub] + argv[at + 2:],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("configuration %s failed: %s%s" % (sub, r.stdout, r.stderr))
        j = json.loads(r.stdout.strip().splitlines()[-1])
        if merged is None:
            merged = j
        else:
            merged["configs"] += j["configs"]
    print(json.dumps(merged))


def blas_report(threads):
    """Which BLAS this torch really runs on, how fast its sgemm is, and the environment that steers it: printed with
    every benchmark so a ratio against a crippled reference cannot pass unnoticed."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if "/" in line else ""
                base = os.path.basename(path)
                if "blas" in base or "mkl" in base or "lapack" in base:
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    import re
    info = " ".join(m.group(0) for m in re.finditer(r"\b(BLAS_INFO|LAPACK_INFO)=[^,\s]+", torch.__config__.show()))
    n = 512
    a, b = torch.randn(n, n), torch.randn(n, n)
    best = float("inf")
    for _ in range(4):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ}
    return {"torch": torch.__version__, "threads": threads, "libraries": sorted(libs), "config": info.strip(),
            "gemm_gflops": 2 * n ** 3 / best / 1e9, "env": env}


def train_step(m, params, opt, batch):
    """One full-parameter step: next-token cross-entropy over the whole sequences, backward, global-norm clip 1, AdamW."""
    logits = m.forward(batch[:, :-1])
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return float(loss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["logits", "bench", "svd-bench", "svf-bench", "train-bench", "blas", "openblas-info"])
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("dir")
    ap.add_argument("--ids")
    ap.add_argument("--out")
    ap.add_argument("--prefill", type=int, default=128)
    ap.add_argument("--decode", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="logits, blas: torch's threads")
    ap.add_argument("--configs", default="2x2,2x1", help="benches: TORCHxBLAS thread pairs to time, comma-separated")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--only", default="", help="svd-bench: only the MLP matrices whose name matches this regex")
    a = ap.parse_args()
    if a.cmd in ("bench", "svd-bench", "svf-bench", "train-bench"):
        torch_counts = {t for t, _ in parse_configs(a.configs)}
        if len(torch_counts) > 1:
            return fan_out(sys.argv[1:], a.configs)
        a.threads = torch_counts.pop()
    torch.set_num_threads(a.threads)
    if a.cmd == "openblas-info":
        # The build configuration and the kernel an OpenBLAS library file picks on this CPU (dir = the library's path).
        import ctypes
        lib = ctypes.CDLL(a.dir)
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        print("%s, core %s" % (lib.openblas_get_config().decode().strip(), lib.openblas_get_corename().decode()))
        return
    if a.cmd == "blas":
        print(json.dumps({"blas": blas_report(a.threads)}))
        return
    cfg, w = load(a.dir)
    m = Decoder(cfg, w)
    cf = Configs(a.configs)
    if a.cmd == "logits":
        ids = [int(t) for t in a.ids.split(",")]
        with torch.no_grad():
            logits = m.forward(ids)[0]
        json.dump({"ids": ids, "logits": logits.tolist()}, open(a.out, "w"))
        return
    if a.cmd == "svd-bench":
        # numpy's LAPACK gesdd on the same MLP matrices (thin, float32), best of repeats.
        mats = [w[n].numpy() for n in sorted(w) if ".mlp." in n and re.search(a.only, n)]
        best = [{"numpy_s": float("inf"), "torch_s": float("inf")} for _ in cf.pairs]
        for _, i in cf.rounds(a.repeats + 1):
            t0 = time.perf_counter()
            for x in mats:
                np.linalg.svd(x, full_matrices=False)
            t1 = time.perf_counter()
            for x in mats:
                torch.linalg.svd(torch.from_numpy(x), full_matrices=False)
            t2 = time.perf_counter()
            best[i] = {"numpy_s": min(best[i]["numpy_s"], t1 - t0), "torch_s": min(best[i]["torch_s"], t2 - t1)}
        print(json.dumps({"configs": cf.results(best), "matrices": len(mats), "blas": cf.report(),
                          "numpy_blas": np.__config__.get_info("blas_opt_info") if hasattr(np.__config__, "get_info") else {}}))
        return
    if a.cmd == "svf-bench":
        sm = SvfDecoder(cfg, w)
        g = torch.Generator().manual_seed(0)
        prompts = torch.randint(0, cfg["vocab_size"], (a.batch, a.prefill), generator=g)
        best = [float("inf")] * len(cf.pairs)
        for r, i in cf.rounds(a.repeats + 1):
            t0 = time.perf_counter()
            svf_iteration(sm, prompts, a.decode)
            if r > 0:  # the first round warms up
                best[i] = min(best[i], time.perf_counter() - t0)
        print(json.dumps({"configs": cf.results([{"svf_iteration_s": b} for b in best]), "blas": cf.report()}))
        return
    if a.cmd == "train-bench":
        # Plain autograd over the same decoder: every weight a leaf, AdamW as t2j pretrain runs it; median step after the
        # warm-up. Every configuration steps the same model and optimizer in turn: a step costs the same at any state.
        params = []
        for name in w:
            w[name] = w[name].clone().requires_grad_(True)
            params.append(w[name])
        tm = Decoder(cfg, w)
        opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.95), weight_decay=0.01)
        g = torch.Generator().manual_seed(0)
        batch = torch.randint(0, cfg["vocab_size"], (a.batch, a.seq + 1), generator=g)
        times = [[] for _ in cf.pairs]
        for r, i in cf.rounds(a.warmup + a.repeats):
            t0 = time.perf_counter()
            train_step(tm, params, opt, batch)
            if r >= a.warmup:
                times[i].append(time.perf_counter() - t0)
        figures = []
        for t in times:
            step = statistics.median(t)
            figures.append({"train_tok_s": a.batch * a.seq / step, "step_s": step})
        print(json.dumps({"configs": cf.results(figures), "blas": cf.report()}))
        return
    # bench: prefill of a.prefill tokens, then greedy decode of a.decode tokens with a KV cache; best of repeats.
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, cfg["vocab_size"], (a.prefill,), generator=g).tolist()
    best = [[float("inf"), float("inf")] for _ in cf.pairs]
    for r, i in cf.rounds(a.repeats + 1):
        cache = {}
        t0 = time.perf_counter()
        with torch.no_grad():
            logits = m.forward(ids, cache, 0, last_only=True)
            t1 = time.perf_counter()
            tok = int(logits[0, -1].argmax())
            for s in range(a.decode):
                logits = m.forward([tok], cache, a.prefill + s, last_only=True)
                tok = int(logits[0, -1].argmax())
        t2 = time.perf_counter()
        if r > 0:  # the first round warms up
            best[i] = [min(best[i][0], t1 - t0), min(best[i][1], t2 - t1)]
    figures = [{"prefill_tok_s": a.prefill / p, "decode_tok_s": a.decode / d} for p, d in best]
    print(json.dumps({"configs": cf.results(figures), "blas": cf.report()}))


if __name__ == "__main__":
    main()

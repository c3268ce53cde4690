#!/usr/bin/python3
"""Generates the committed checkpoint fixtures of `trainmonitor analyze`.

Run with Debian's interpreter, which has PyTorch 1.13 (package `python3-torch`):

    /usr/bin/python3 examples/checkpoints/generate.py

The `python3` first on PATH may be another interpreter without torch (a pyenv one on the project's machines);
this script then stops with a message saying so.

What it writes, below the folder holding this script:
  tokens/probe.bin, tokens/probe.txt    the held-out probe stream (20,000 token ids; raw uint16 LE / decimal text)
  transformer/torchscript/step-NNNNNN.pt   TinyTransformer, torch.jit.script + torch.jit.save
  transformer/pytorch/step-NNNNNN.pth      TinyTransformer, torch.save(model.state_dict())
  mlp/torchscript/step-NNNNNN.pt           TokenMlp, same two formats
  mlp/pytorch/step-NNNNNN.pth

The weights are deterministic (fixed seeds, one thread, deterministic algorithms): running the script twice gives
byte-identical files with the same PyTorch, wherever the repository is checked out (the script re-executes itself
with PYTHONHASHSEED=0, since TorchScript writes a module's constants in set order, and records its own source path
relative to the repository root). The TorchScript archives hold the scripted source with its line numbers, so any
edit to this file changes their bytes (not their weights): regenerate and commit them with it. Another PyTorch version
may write other archive metadata and, through other kernels, other round-off.
The C# twins of both models (same state-dict keys and shapes) are in examples/CheckpointModels.
"""

import inspect
import math
import os
import random
import struct
import sys

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit(
        "generate.py needs PyTorch: run it with Debian's /usr/bin/python3 (apt-get install python3-torch), "
        f"not {sys.executable}"
    )

VOCABULARY = 32
STREAM_LENGTH = 20_000
SUCCESSORS = 4
TABLE_SEED = 20_240_601
TRAIN_STREAM_SEED = 1
PROBE_STREAM_SEED = 2
CHECKPOINT_STEPS = (25, 50, 100, 200, 400)
BATCH = 32
LEARNING_RATE = 3e-3

CONTEXT = 16  # TinyTransformer's window
MLP_CONTEXT = 8  # TokenMlp's window

HERE = os.path.dirname(os.path.abspath(__file__))


def transition_table(seed):
    """Second-order source with a first-order skeleton.

    Each token b has SUCCESSORS possible next tokens; which of them gets which Zipf weight (1, 1/4, 1/9, 1/16,
    normalised) depends on the token a before b, shuffled per context (a, b). A model first learns the
    skeleton (entropy about log 4 = 1.39 nats, from log 32 = 3.47) and then, by looking two tokens back, the
    ordering (down to the source's 0.89 nats): two stages of learning within the 400 steps.
    """
    rng = random.Random(seed)
    weights = [1.0 / (k + 1) ** 2 for k in range(SUCCESSORS)]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    skeleton = [rng.sample(range(VOCABULARY), SUCCESSORS) for _ in range(VOCABULARY)]
    table = []
    for _ in range(VOCABULARY):  # a, the token two back
        for b in range(VOCABULARY):
            ranked = skeleton[b][:]
            rng.shuffle(ranked)
            table.append((ranked, cumulative))
    return table


def entropy_rate():
    weights = [1.0 / (k + 1) ** 2 for k in range(SUCCESSORS)]
    total = sum(weights)
    return -sum(w / total * math.log(w / total) for w in weights)


def token_stream(table, seed, length):
    rng = random.Random(seed)
    tokens = [rng.randrange(VOCABULARY), rng.randrange(VOCABULARY)]
    while len(tokens) < length:
        successors, cumulative = table[tokens[-2] * VOCABULARY + tokens[-1]]
        u = rng.random()
        # The last successor takes whatever round-off leaves above its cumulative weight.
        index = next((i for i, c in enumerate(cumulative) if u < c), SUCCESSORS - 1)
        tokens.append(successors[index])
    return tokens


class TinyTransformer(nn.Module):
    """One pre-LayerNorm block, causal, attention written out (no scaled_dot_product_attention: its CPU kernel
    has no double backward, which the spectral probe needs)."""

    def __init__(self):
        super().__init__()
        self.width = 32
        self.heads = 2
        self.head_width = self.width // self.heads
        self.scale = 1.0 / float(self.head_width) ** 0.5
        self.token_embedding = nn.Embedding(VOCABULARY, self.width)
        self.position_embedding = nn.Parameter(torch.randn(CONTEXT, self.width) * 0.02)
        self.ln1 = nn.LayerNorm(self.width)
        self.qkv = nn.Linear(self.width, 3 * self.width)
        self.proj = nn.Linear(self.width, self.width)
        self.ln2 = nn.LayerNorm(self.width)
        self.fc1 = nn.Linear(self.width, 64)
        self.fc2 = nn.Linear(64, self.width)
        self.ln_f = nn.LayerNorm(self.width)
        self.head = nn.Linear(self.width, VOCABULARY)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        n = tokens.size(0)
        t = tokens.size(1)
        x = self.token_embedding(tokens) + self.position_embedding[:t]
        # [N, T, 3·D] → three [N, H, T, D/H]
        qkv = self.qkv(self.ln1(x)).reshape(n, t, 3, self.heads, self.head_width).permute(2, 0, 3, 1, 4)
        scores = qkv[0].matmul(qkv[1].transpose(-2, -1)) * self.scale
        # Computed here rather than held as a buffer, so the state dict has parameters only.
        future = torch.ones(t, t, dtype=torch.bool, device=tokens.device).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(-1)
        attended = weights.matmul(qkv[2]).transpose(1, 2).reshape(n, t, self.width)
        x = x + self.proj(attended)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return self.head(self.ln_f(x))


class TokenMlp(nn.Module):
    """Next-token classifier on a fixed context of MLP_CONTEXT tokens."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 8)
        self.fc1 = nn.Linear(MLP_CONTEXT * 8, 64)
        self.fc2 = nn.Linear(64, VOCABULARY)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.tanh(self.fc1(self.embedding(tokens).flatten(1))))


def transformer_loss(model, windows):
    logits = model(windows[:, :-1])
    return F.cross_entropy(logits.reshape(-1, VOCABULARY), windows[:, 1:].reshape(-1))


def mlp_loss(model, windows):
    return F.cross_entropy(model(windows[:, :-1]), windows[:, -1])


def probe_windows(stream, width):
    """Non-overlapping windows of `width` tokens from the start of the stream: the same ones the C# tests take."""
    count = len(stream) // width
    return torch.tensor(stream[: count * width], dtype=torch.int64).reshape(count, width)


def train(name, model, loss_fn, window, train_stream, probe_stream, seed):
    generator = torch.Generator().manual_seed(seed)
    data = torch.tensor(train_stream, dtype=torch.int64)
    probe = probe_windows(probe_stream, window)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    offsets_range = torch.arange(window)
    for step in range(1, max(CHECKPOINT_STEPS) + 1):
        starts = torch.randint(0, len(train_stream) - window + 1, (BATCH,), generator=generator)
        batch = data[starts.unsqueeze(1) + offsets_range]
        optimizer.zero_grad()
        loss = loss_fn(model, batch)
        loss.backward()
        optimizer.step()
        if step in CHECKPOINT_STEPS:
            with torch.no_grad():
                probe_loss = loss_fn(model, probe).item()
            stem = f"step-{step:06d}"
            script_path = os.path.join(HERE, name, "torchscript", stem + ".pt")
            state_path = os.path.join(HERE, name, "pytorch", stem + ".pth")
            torch.jit.save(torch.jit.script(model), script_path)
            torch.save(model.state_dict(), state_path)
            print(f"{name} step {step:4d}: train loss {loss.item():.4f}, probe loss {probe_loss:.4f} "
                  f"-> {os.path.relpath(script_path, HERE)}, {os.path.relpath(state_path, HERE)}")


def write_tokens(stream):
    folder = os.path.join(HERE, "tokens")
    with open(os.path.join(folder, "probe.bin"), "wb") as f:
        f.write(struct.pack(f"<{len(stream)}H", *stream))
    with open(os.path.join(folder, "probe.txt"), "w", encoding="ascii", newline="\n") as f:
        for i in range(0, len(stream), 20):
            f.write(" ".join(str(t) for t in stream[i : i + 20]) + "\n")
    print(f"tokens: {len(stream)} ids -> tokens/probe.bin, tokens/probe.txt")


def record_source_relative_to_repository():
    """TorchScript's debug records name the source file of every scripted method, which Python holds as an absolute
    path: make it the path from the repository root, so the archives do not depend on where the repository is."""
    root = os.path.dirname(os.path.dirname(HERE))
    relative = os.path.relpath(os.path.abspath(__file__), root)
    os.chdir(root)  # TorchScript reads the source back through that relative path.
    globals()["__file__"] = relative
    for model in (TinyTransformer, TokenMlp):
        for method in vars(model).values():
            if inspect.isfunction(method):
                method.__code__ = method.__code__.replace(co_filename=relative)


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # String hashing is salted per process, and TorchScript writes each module's constants in set order.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    record_source_relative_to_repository()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for folder in ("tokens", "transformer/torchscript", "transformer/pytorch", "mlp/torchscript", "mlp/pytorch"):
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)

    table = transition_table(TABLE_SEED)
    train_stream = token_stream(table, TRAIN_STREAM_SEED, STREAM_LENGTH)
    probe_stream = token_stream(table, PROBE_STREAM_SEED, STREAM_LENGTH)
    write_tokens(probe_stream)
    print(f"source: entropy rate {entropy_rate():.4f} nats per token (uniform: {math.log(VOCABULARY):.4f})")

    torch.manual_seed(10)
    transformer = TinyTransformer()
    print(f"transformer: {sum(p.numel() for p in transformer.parameters())} parameters")
    train("transformer", transformer, transformer_loss, CONTEXT + 1, train_stream, probe_stream, seed=11)

    torch.manual_seed(20)
    mlp = TokenMlp()
    print(f"mlp: {sum(p.numel() for p in mlp.parameters())} parameters")
    train("mlp", mlp, mlp_loss, MLP_CONTEXT + 1, train_stream, probe_stream, seed=21)


if __name__ == "__main__":
    main()

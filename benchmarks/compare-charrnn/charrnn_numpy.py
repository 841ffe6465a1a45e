"""min-char-rnn in NumPy, written for this comparison from the algorithm's description (not copied).

A character-level vanilla RNN language model: h_t = tanh(Wxh x_t + Whh h_{t-1} + bh), y_t = Why h_t + by, loss the sum
over a sequence of -log softmax(y_t)[target_t]; backpropagation through time by hand; gradients clipped to [-5, 5];
Adagrad. It mirrors samples/CharRnn step for step so that the two loss curves can be compared:

- the same layouts: Wxh is (vocab, hidden) and the one-hot x_t picks row x_t; Whh is (hidden, hidden) applied as
  h_{t-1} @ Whh; Why is (hidden, vocab) applied as h_t @ Why;
- the same initialisation: N(0, 0.01^2) for Wxh, then Whh, then Why, row by row, from SymGrad's SeededRandom
  (xoshiro256** seeded through SplitMix64, Box-Muller keeping the second deviate), re-implemented below; zero biases;
- the same loop: consecutive sequences, back to the start with a zero hidden state when the text runs out, the hidden
  state carried between sequences, the smoothed loss 0.999 * smooth + 0.001 * loss from -log(1/vocab) * seq_length;
- the same sampling (stream seed + 1, one uniform per character, first class whose cumulative probability exceeds it).

Usage: python3 charrnn_numpy.py --text FILE --iterations N [--hidden 100] [--seq-length 25] [--lr 0.1] [--seed 1]
       [--print-every 1000] [--sample-every 5000] [--sample-length 200] [--loss-csv FILE]
"""
import argparse
import math
import sys
import time

import numpy as np

MASK = (1 << 64) - 1


class SeededRandom:
    """SymGrad.SeededRandom: xoshiro256** (Blackman & Vigna) seeded by SplitMix64; Box-Muller normals."""

    def __init__(self, seed):
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state
        self.spare = None

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next_uint64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self):
        return (self.next_uint64() >> 11) * (1.0 / (1 << 53))

    def next_normal(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = 1.0 - self.next_double()
        u2 = self.next_double()
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * u2
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)

    def normals(self, count, std):
        return np.array([0.0 + std * self.next_normal() for _ in range(count)])


def loss_and_gradients(inputs, targets, hprev, Wxh, Whh, Why, bh, by):
    """Forward over the sequence, then backpropagation through time. Returns loss, gradients, last hidden state."""
    steps, hidden = len(inputs), Whh.shape[0]
    hs = np.empty((steps + 1, hidden))
    hs[0] = hprev
    for t in range(steps):
        hs[t + 1] = np.tanh(hs[t] @ Whh + Wxh[inputs[t]] + bh)
    ys = hs[1:] @ Why + by                                  # (steps, vocab) logits
    shifted = ys - ys.max(axis=1, keepdims=True)
    ps = np.exp(shifted)
    ps /= ps.sum(axis=1, keepdims=True)
    rows = np.arange(steps)
    loss = -np.log(ps[rows, targets]).sum()

    dy = ps
    dy[rows, targets] -= 1                                  # d loss / d logits: p - onehot(target)
    dWhy = hs[1:].T @ dy
    dby = dy.sum(axis=0)
    dhs = dy @ Why.T                                        # from the outputs; the recurrence adds the rest
    dWxh, dWhh, dbh = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(bh)
    dnext = np.zeros(hidden)
    for t in reversed(range(steps)):
        dh = dhs[t] + dnext
        dpre = (1 - hs[t + 1] * hs[t + 1]) * dh             # through tanh
        dWhh += np.outer(hs[t], dpre)
        dbh += dpre
        dWxh[inputs[t]] += dpre
        dnext = Whh @ dpre
    return loss, (dWxh, dWhh, dWhy, dbh, dby), hs[steps].copy()


def sample(h, first, length, random, Wxh, Whh, Why, bh, by):
    h = h.copy()
    c = first
    drawn = []
    vocab = by.shape[0]
    for _ in range(length):
        h = np.tanh(h @ Whh + Wxh[c] + bh)
        y = h @ Why + by
        p = np.exp(y - y.max())
        p /= p.sum()
        u, cumulative, c = random.next_double(), 0.0, vocab - 1
        for k in range(vocab):
            cumulative += p[k]
            if u < cumulative:
                c = k
                break
        drawn.append(c)
    return drawn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="/usr/share/common-licenses/GPL-3")
    parser.add_argument("--iterations", type=int, default=20000)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--seq-length", type=int, default=25)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--print-every", type=int, default=1000)
    parser.add_argument("--sample-every", type=int, default=5000)
    parser.add_argument("--sample-length", type=int, default=200)
    parser.add_argument("--loss-csv", default="charrnn-numpy-loss.csv")
    args = parser.parse_args()

    with open(args.text, encoding="utf-8", newline="") as f:
        text = f.read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    data = [index[c] for c in text]
    vocab, hidden, steps = len(chars), args.hidden, args.seq_length
    print(f"{len(text):,} characters, {vocab} distinct; hidden {hidden}, sequence {steps}, Adagrad lr {args.lr}, "
          f"{args.iterations:,} iterations (NumPy {np.__version__})")

    init = SeededRandom(args.seed)
    Wxh = init.normals(vocab * hidden, 0.01).reshape(vocab, hidden)
    Whh = init.normals(hidden * hidden, 0.01).reshape(hidden, hidden)
    Why = init.normals(hidden * vocab, 0.01).reshape(hidden, vocab)
    bh, by = np.zeros(hidden), np.zeros(vocab)
    params = [Wxh, Whh, Why, bh, by]
    memory = [np.zeros_like(p) for p in params]
    sampling = SeededRandom(args.seed + 1)

    smooth = -math.log(1.0 / vocab) * steps
    hprev = np.zeros(hidden)
    losses = []
    elapsed = 0.0
    p = 0
    for n in range(args.iterations):
        if p + steps + 1 >= len(data) or n == 0:
            hprev = np.zeros(hidden)
            p = 0
        inputs, targets = data[p:p + steps], data[p + 1:p + steps + 1]
        if args.sample_every > 0 and n % args.sample_every == 0:
            drawn = sample(hprev, inputs[0], args.sample_length, sampling, *params)
            print(f"----- sample at iteration {n}\n{''.join(chars[i] for i in drawn)}\n-----")

        start = time.perf_counter()
        loss, grads, hprev = loss_and_gradients(inputs, targets, hprev, *params)
        for param, grad, mem in zip(params, grads, memory):
            np.clip(grad, -5, 5, out=grad)
            mem += grad * grad
            param += -args.lr * grad / np.sqrt(mem + 1e-8)
        elapsed += time.perf_counter() - start

        smooth = smooth * 0.999 + loss * 0.001
        losses.append((n, loss, smooth))
        if args.print_every > 0 and (n % args.print_every == 0 or n == args.iterations - 1):
            print(f"iter {n:6d}  loss {loss:8.3f}  smooth loss {smooth:8.3f}")
        p += steps

    print(f"{args.iterations} iterations in {elapsed:.2f} s of training steps: {elapsed / args.iterations * 1e6:.1f} µs/iteration")
    with open(args.loss_csv, "w") as f:
        f.write("iteration,loss,smooth_loss\n")
        for n, loss, smooth_loss in losses:
            f.write(f"{n},{loss!r},{smooth_loss!r}\n")
    print(f"Wrote {args.loss_csv} (loss per iteration)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

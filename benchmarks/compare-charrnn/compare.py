"""Puts the two loss curves of benchmarks/compare-charrnn side by side and gives the speed ratio.

Usage: python3 compare.py SYMGRAD.csv NUMPY.csv SYMGRAD.log NUMPY.log
"""
import re
import sys


def read_csv(path):
    with open(path) as f:
        next(f)
        return [tuple(float(v) for v in line.split(",")[1:]) for line in f]


def micros(path):
    with open(path, encoding="utf-8") as f:
        found = re.findall(r"([\d.]+) µs/iteration", f.read())
    return float(found[-1])


def main():
    symgrad, numpy = read_csv(sys.argv[1]), read_csv(sys.argv[2])
    n = min(len(symgrad), len(numpy))
    marks = sorted({0, 1, 10, 100} | set(range(1000, n, max(1000, n // 10 // 1000 * 1000))) | {n - 1})
    print(f"{'iteration':>9}  {'SymGrad loss':>12}  {'NumPy loss':>12}  {'SymGrad smooth':>14}  {'NumPy smooth':>12}")
    for i in marks:
        if i < n:
            print(f"{i:9d}  {symgrad[i][0]:12.4f}  {numpy[i][0]:12.4f}  {symgrad[i][1]:14.4f}  {numpy[i][1]:12.4f}")

    # The two runs do the same arithmetic in a different order (summation inside the dot products and the loss), so
    # they agree to rounding at first and drift apart slowly, as any two float implementations of a chaotic training
    # run do: report where the difference first exceeds 1e-9 and 1e-3, and the largest gap of the smoothed loss.
    def first_above(limit):
        return next((i for i in range(n) if abs(symgrad[i][0] - numpy[i][0]) > limit), None)

    gap = max(abs(symgrad[i][1] - numpy[i][1]) for i in range(n))
    print(f"per-iteration loss identical to 1e-9 up to iteration {first_above(1e-9) or n}, "
          f"to 1e-3 up to {first_above(1e-3) or n}; largest gap of the smoothed loss over {n} iterations: {gap:.3f}")

    s, p = micros(sys.argv[3]), micros(sys.argv[4])
    print(f"training step: SymGrad {s:.1f} µs/iteration, NumPy {p:.1f} µs/iteration: SymGrad {p / s:.2f}× faster"
          if p >= s else
          f"training step: SymGrad {s:.1f} µs/iteration, NumPy {p:.1f} µs/iteration: NumPy {s / p:.2f}× faster")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# SymGrad vs NumPy/PyTorch on workloads A–E of shared/baselines, in one invocation.
#   bash benchmarks/compare/run.sh [--quick] [--rounds N]
# Builds the SymGrad side (Release), then alternates rounds: SymGrad (A–E, GEMM at 1 and 2 threads), the peers at 2
# threads (A–E, their best configuration per shared/baselines/README.md) and the peers at 1 thread (A–E: E needs it, and
# for A–D the faster of the two thread counts is taken as the peer, which only makes the race harder). Prints one
# markdown table of medians over the rounds and writes benchmarks/compare/results.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel)"
shared="$root/../shared"
baselines="$shared/baselines"
quick=""
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick="--quick"; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--rounds N]" >&2; exit 2 ;;
  esac
done
[[ -f "$baselines/run_bench.py" ]] || { echo "shared baselines not found at $baselines" >&2; exit 1; }

out="$here/out"
rm -rf "$out"
mkdir -p "$out"

echo "## building SymGrad.Compare (Release)" >&2
dotnet build "$here/SymGrad.Compare.csproj" -c Release -nologo -v q -clp:NoSummary >&2
dll="$here/bin/Release/net10.0/SymGrad.Compare.dll"

# The peers' best configuration (shared/baselines/README.md): OpenMP OpenBLAS with its AVX-512 kernels, big malloc thresholds.
peer() {
  local threads="$1"; shift
  (cd "$baselines" && env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
      GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456 \
      /usr/bin/python3 run_bench.py --threads "$threads" --label "best-${threads}t" "$@" $quick)
}

uptime >&2
for ((r = 1; r <= rounds; r++)); do
  echo "## round $r/$rounds: SymGrad" >&2
  # What the host gives the two vCPUs right now (two-thread FMA ≈ one core's means both ran on one physical core).
  dotnet "$dll" --probe | tee -a "$out/probe.txt" >&2
  dotnet "$dll" $quick --out "$out/symgrad_$r.json" >&2
  echo "## round $r/$rounds: peers, 2 threads" >&2
  check=""; [[ $r -eq 1 ]] && check="--check"
  peer 2 --out "$out/peers2_$r.json" $check >&2
  echo "## round $r/$rounds: peers, 1 thread" >&2
  peer 1 --out "$out/peers1_$r.json" >&2
done
uptime >&2

/usr/bin/python3 "$here/aggregate.py" "$out" "$here/results.json"
echo
echo "Machine probe before each SymGrad round (FMA GFLOP/s on 1 and 2 threads; copy GB/s):"
grep 'FMA\|copy' "$out/probe.txt" | sed 's/^#/-/'

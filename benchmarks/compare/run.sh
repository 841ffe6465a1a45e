#!/usr/bin/env bash
# SymGrad vs NumPy/PyTorch on workloads A–E of shared/baselines, in one invocation.
#   bash benchmarks/compare/run.sh [--quick] [--rounds N] [--only A,C]
# Builds the SymGrad side (Release), then runs rounds; within a round each workload in turn on the three sides, back to
# back: SymGrad (E: GEMM at 1 and 2 threads), the peers at 2 threads (their best configuration per
# shared/baselines/README.md) and the peers at 1 thread (E needs it, and for A–D the faster of the two thread counts is
# taken as the peer, which only makes the race harder). The three measurements of a workload are seconds apart, so they
# see the same state of this shared host (whose second core comes and goes over seconds); odd rounds start with
# SymGrad, even rounds end with it. Prints tables of medians over the rounds, of best rounds and of each round's ratio,
# and writes benchmarks/compare/results.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel)"
shared="$root/../shared"
baselines="$shared/baselines"
quick=""
rounds=3
only="A,B,C,D,E"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick="--quick"; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--only A,B,C,D,E]" >&2; exit 2 ;;
  esac
done
IFS=',' read -ra workloads <<< "${only^^}"
for w in "${workloads[@]}"; do
  [[ "$w" =~ ^[A-E]$ ]] || { echo "unknown workload '$w' (expected A–E)" >&2; exit 2; }
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

# One side's measurement of workload $2 in round $1 (files <side>_<round>_<workload>.json, which aggregate.py reads).
side() {
  local side="$1" r="$2" w="$3"
  echo "## round $r/$rounds, $w: $side" >&2
  case "$side" in
    symgrad) dotnet "$dll" $quick --only "$w" --out "$out/symgrad_${r}_$w.json" >&2 ;;
    peers2) local check=""; [[ $r -eq 1 ]] && check="--check"
            peer 2 --only "$w" --out "$out/peers2_${r}_$w.json" $check >&2 ;;
    peers1) peer 1 --only "$w" --out "$out/peers1_${r}_$w.json" >&2 ;;
  esac
}

uptime >&2
for ((r = 1; r <= rounds; r++)); do
  # What the host gives the two vCPUs right now (two-thread FMA ≈ one core's means both ran on one physical core).
  dotnet "$dll" --probe | tee -a "$out/probe.txt" >&2
  order=(symgrad peers2 peers1); (( r % 2 == 0 )) && order=(peers2 peers1 symgrad)
  for w in "${workloads[@]}"; do
    for s in "${order[@]}"; do
      side "$s" "$r" "$w"
    done
  done
done
uptime >&2

/usr/bin/python3 "$here/aggregate.py" "$out" "$here/results.json"
echo
echo "Machine probe before each SymGrad round (FMA GFLOP/s on 1 and 2 threads; copy GB/s):"
grep 'FMA\|copy' "$out/probe.txt" | sed 's/^#/-/'

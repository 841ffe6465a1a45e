#!/usr/bin/env bash
# The Fashion-MNIST CNN race: SymGrad (samples/FashionMnist's network and step) against PyTorch, same
# architecture, batch 64, initialisation scheme, Adam, threads pinned equal, alternating runs in one invocation.
# usage: bash benchmarks/compare-cnn/run.sh [--steps N] [--epochs E] [--threads T] [--rounds R]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data=/usr/share/datasets/fashion-mnist steps=200 epochs=0 threads=2 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps=$2; shift 2 ;; --epochs) epochs=$2; shift 2 ;; --threads) threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;; --data) data=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -e "$data/train-images-idx3-ubyte.gz" ] || [ -e "$data/train-images-idx3-ubyte" ] || { echo "Fashion-MNIST not in $data: apt-get install dataset-fashion-mnist" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "PyTorch missing: apt-get install python3-torch python3-numpy libopenblas0-openmp" >&2; exit 2; }

dotnet build "$here/CnnRace/CnnRace.csproj" -c Release --nologo -v quiet >/dev/null
symgrad="$here/CnnRace/bin/Release/net10.0/CnnRace.dll"
peer_env=(env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
  GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456)

results=$(mktemp)
for round in $(seq "$rounds"); do   # alternate, so drift in the machine's load hits both sides
  echo "round $round/$rounds" >&2
  echo "symgrad $(dotnet "$symgrad" "$data" "$threads" "$steps" 0)" >> "$results"
  echo "torch $("${peer_env[@]}" /usr/bin/python3 "$here/cnn_torch.py" --data "$data" --threads "$threads" --steps "$steps")" >> "$results"
done
if [ "$epochs" -gt 0 ]; then
  echo "accuracy curves ($epochs epochs each)" >&2
  echo "symgrad-curve $(dotnet "$symgrad" "$data" "$threads" 1 "$epochs")" >> "$results"
  echo "torch-curve $("${peer_env[@]}" /usr/bin/python3 "$here/cnn_torch.py" --data "$data" --threads "$threads" --steps 1 --epochs "$epochs")" >> "$results"
fi

/usr/bin/python3 - "$results" "$threads" "$steps" <<'PY'
import json, statistics, sys
rows = [line.split(" ", 1) for line in open(sys.argv[1])]
def med(side): return statistics.median(json.loads(r)["ms_per_step"] for s, r in rows if s == side)
s, t = med("symgrad"), med("torch")
alloc = [json.loads(r).get("bytes_per_step") for s_, r in rows if s_ == "symgrad"][-1]
print(f"| CNN step, batch 64, {sys.argv[2]} thread(s), median of rounds × {sys.argv[3]} steps | ms/step |")
print("|---|---|")
print(f"| SymGrad | {s:.2f} |")
print(f"| PyTorch {json.loads(rows[1][1])['torch']} | {t:.2f} |")
print(f"| PyTorch / SymGrad | **{t / s:.2f}×** (goal ≥ 1.5×) |")
print(f"| SymGrad bytes allocated per step | {alloc} |")
curves = {s_: json.loads(r)["accuracy_per_epoch"] for s_, r in rows if s_.endswith("-curve")}
if curves:
    print()
    print("| epoch | SymGrad test accuracy | PyTorch test accuracy |")
    print("|---|---|---|")
    for i, (a, b) in enumerate(zip(curves["symgrad-curve"], curves["torch-curve"])):
        print(f"| {i + 1} | {a:.4f} | {b:.4f} |")
PY

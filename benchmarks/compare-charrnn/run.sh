#!/usr/bin/env bash
# SymGrad's samples/CharRnn against a NumPy min-char-rnn (charrnn_numpy.py, the same algorithm written by hand) on the
# same text, seed and initialisation: the two loss curves side by side, and the time of a training step.
#   bash benchmarks/compare-charrnn/run.sh [--iterations N] [--text FILE]
# The logs and per-iteration CSVs are left in benchmarks/compare-charrnn/out/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
iterations=20000 text=/usr/share/common-licenses/GPL-3
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=$2; shift 2 ;; --text) text=$2; shift 2 ;;
    *) echo "usage: $0 [--iterations N] [--text FILE]" >&2; exit 2 ;;
  esac
done
[ -f "$text" ] || { echo "no text at $text (Debian's base-files installs /usr/share/common-licenses/GPL-3)" >&2; exit 2; }
/usr/bin/python3 -c "import numpy" 2>/dev/null || { echo "NumPy missing: apt-get install python3-numpy" >&2; exit 2; }

out="$here/out"
mkdir -p "$out"
dotnet build "$root/samples/CharRnn/CharRnn.csproj" -c Release --nologo -v quiet >/dev/null
common=(--text "$text" --iterations "$iterations" --print-every 2000 --sample-every 10000)

echo "## SymGrad (samples/CharRnn)"
dotnet "$root/samples/CharRnn/bin/Release/net10.0/CharRnn.dll" "${common[@]}" --loss-csv "$out/symgrad.csv" | tee "$out/symgrad.log"
echo
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are set on some hosts for old OpenBLAS builds and slow a current one.
echo "## NumPy (charrnn_numpy.py)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/charrnn_numpy.py" "${common[@]}" --loss-csv "$out/numpy.csv" | tee "$out/numpy.log"
echo
echo "## side by side"
/usr/bin/python3 "$here/compare.py" "$out/symgrad.csv" "$out/numpy.csv" "$out/symgrad.log" "$out/numpy.log" | tee "$out/comparison.txt"

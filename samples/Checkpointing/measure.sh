#!/usr/bin/env bash
# Peak memory and time of a 10⁷-step gradient and Hessian-vector product, taped and checkpointed, each in its own process
# (README, "Checkpointed loops").
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release samples/Checkpointing >/dev/null
steps=${1:-10000000}
for loop in rollout driven recurrence vector; do
  for mode in taped checkpointed taped-hvp checkpointed-hvp; do
    dotnet run -c Release --no-build --project samples/Checkpointing -- "$loop" "$mode" "$steps" 5
  done
done

#!/usr/bin/env bash
# Packs SymGrad, builds a consumer that references only the package, and checks the SPEC's neuron gradient.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet pack "$root/src/Runtime" -c Release -o "$work/feed" --nologo -v quiet >/dev/null
mkdir "$work/consumer"
cp "$root/tests/PackageSmoke/consumer.csproj.txt" "$work/consumer/consumer.csproj"
cp "$root/tests/PackageSmoke/Program.cs.txt" "$work/consumer/Program.cs"
# The consumer gets its own packages folder so a stale SymGrad 0.1.0 in the global cache cannot stand in.
output=$(cd "$work/consumer" && dotnet run -c Release --nologo \
  -p:RestoreAdditionalProjectSources="$work/feed" -p:RestorePackagesPath="$work/packages" 2>&1)
expected="0.731 -0.197 0.393 -0.393 -0.590 0.197"
if [ "$(echo "$output" | tail -n 1)" != "$expected" ]; then
  echo "package smoke test FAILED: expected '$expected', got:"; echo "$output"; exit 1
fi
echo "package smoke test passed: a project referencing only the SymGrad package gets the neuron's gradient"

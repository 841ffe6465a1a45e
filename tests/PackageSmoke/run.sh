#!/usr/bin/env bash
# Packs SymGrad, checks the package's metadata, and builds and runs a consumer that references only the package,
# for net8.0 and net10.0: the SPEC's neuron gradient, GradCheck on it, the lib/ folder used, versions, symbols; then
# builds and runs README's "Use it from NuGet" example against the package.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "package smoke test FAILED: $*"; exit 1; }

dotnet pack "$root/src/Runtime" -c Release -o "$work/feed" --nologo -v quiet >/dev/null
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
package="$work/feed/SymGrad.$version.nupkg"
[ -f "$package" ] || fail "no $package"

# The package: license, tags, descriptions, the three assemblies and the XML docs for both targets.
files=$(unzip -Z1 "$package")
nuspec=$(unzip -p "$package" SymGrad.nuspec)
for f in LICENSE README.md analyzers/dotnet/cs/SymGrad.Generator.dll \
         lib/net8.0/SymGrad.Runtime.dll lib/net8.0/SymGrad.Runtime.xml lib/net8.0/SymGrad.Attributes.dll lib/net8.0/SymGrad.Attributes.xml \
         lib/net10.0/SymGrad.Runtime.dll lib/net10.0/SymGrad.Runtime.xml lib/net10.0/SymGrad.Attributes.dll lib/net10.0/SymGrad.Attributes.xml; do
  grep -qx "$f" <<<"$files" || fail "the package lacks $f"
done
grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "no MIT license expression in the nuspec"
grep -q '<tags>.*automatic-differentiation' <<<"$nuspec" || fail "no tags in the nuspec"
grep -q '<description>Compile-time' <<<"$nuspec" || fail "no description in the nuspec"
for tfm in net8.0 net10.0; do
  # IntelliSense reads these: the doc comments of the runtime and of the attributes must be in them.
  grep -q 'name="T:SymGrad.GradCheck"' <<<"$(unzip -p "$package" "lib/$tfm/SymGrad.Runtime.xml")" || fail "lib/$tfm/SymGrad.Runtime.xml lacks GradCheck's docs"
  grep -q 'name="T:SymGrad.DifferentiableAttribute"' <<<"$(unzip -p "$package" "lib/$tfm/SymGrad.Attributes.xml")" || fail "lib/$tfm/SymGrad.Attributes.xml lacks [Differentiable]'s docs"
done

mkdir "$work/consumer"
cp "$root/tests/PackageSmoke/consumer.csproj.txt" "$work/consumer/consumer.csproj"
cp "$root/tests/PackageSmoke/Program.cs.txt" "$work/consumer/Program.cs"
# The consumer gets its own packages folder so a stale SymGrad 0.1.0 in the global cache cannot stand in.
(cd "$work/consumer" && dotnet build -c Release --nologo -v quiet \
  -p:RestoreAdditionalProjectSources="$work/feed" -p:RestorePackagesPath="$work/packages" >"$work/build.log" 2>&1) \
  || { cat "$work/build.log"; fail "the consumer does not build"; }
generator="$work/packages/symgrad/$version/analyzers/dotnet/cs/SymGrad.Generator.dll"
expected="0.731 -0.197 0.393 -0.393 -0.590 0.197"
for tfm in net8.0 net10.0; do
  # net8.0 runs on the installed .NET 10 runtime through <RollForward>Major</RollForward> in the consumer.
  output=$(cd "$work/consumer" && dotnet "bin/Release/$tfm/consumer.dll" "$generator" 2>&1) || { echo "$output"; fail "$tfm consumer exited non-zero"; }
  check() { grep -qx "$1" <<<"$output" || { echo "$output"; fail "$tfm: expected a line '$1'"; }; }
  check "$expected"
  check "gradcheck neuron passed"
  check "gradcheck span passed"
  check "runtime .NETCoreApp,Version=v${tfm#net} on .*"
  check "runtime version $version.0"
  check "runtime pdb embedded"
  check "generator version $version.0"
done
# README's "Use it from NuGet" example, as a user copies it into `dotnet new console` (implicit usings on).
mkdir "$work/readme"
cat >"$work/readme/readme.csproj" <<'CSPROJ'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SymGrad" Version="0.1.0" />
  </ItemGroup>
</Project>
CSPROJ
sed -i "s/Version=\"0.1.0\"/Version=\"$version\"/" "$work/readme/readme.csproj"
awk '/^## Use it from NuGet/ { section = 1 } section && /^```csharp/ { inside = 1; next } inside && /^```/ { exit } inside { print }' \
  "$root/README.md" >"$work/readme/Program.cs"
[ -s "$work/readme/Program.cs" ] || fail "README has no C# example under 'Use it from NuGet'"
output=$(cd "$work/readme" && dotnet run -c Release --nologo -p:RestoreAdditionalProjectSources="$work/feed" \
  -p:RestorePackagesPath="$work/packages" 2>&1) || { echo "$output"; fail "README's NuGet example does not build or run"; }
grep -qx "0.731 -0.197 0.393 -0.393 -0.590 0.197" <<<"$output" || { echo "$output"; fail "README's example printed another gradient"; }
grep -qx "gradcheck passed" <<<"$output" || { echo "$output"; fail "README's GradCheck example did not pass"; }
grep -q "^GradCheck passed at relative tolerance 1e-06" <<<"$output" || { echo "$output"; fail "README's span GradCheck did not pass"; }

echo "package smoke test passed: SymGrad $version (MIT, XML docs, embedded PDBs): net8.0 and net10.0 projects that reference only it get the neuron's gradient, GradCheck agrees, and README's NuGet example runs"

using System.CodeDom.Compiler;
using System.Reflection;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;

namespace SymGrad.RuntimeTests
{
    /// <summary>
    /// The version is written once (Directory.Build.props); everything that reports one must agree with it. The
    /// generator's own assembly version is checked on the packed DLL by tests/PackageSmoke/run.sh.
    /// </summary>
    public class PackageVersionTests
    {
        private static string PackageVersion
            => typeof(GradCheck).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        [Fact]
        public void TheRuntimeAndTheAttributesCarryThePackageVersion()
        {
            string expected = PackageVersion + ".0";
            Assert.Equal(expected, typeof(GradCheck).Assembly.GetName().Version!.ToString());
            Assert.Equal(expected, typeof(DifferentiableAttribute).Assembly.GetName().Version!.ToString());
        }

        [Fact]
        public void GeneratedCodeNamesThePackageVersion()
        {
            MethodInfo generated = typeof(Scalars).GetMethod(nameof(Scalars.ProductBackward))!;
            GeneratedCodeAttribute attribute = generated.GetCustomAttribute<GeneratedCodeAttribute>()!;
            Assert.Equal("SymGrad", attribute.Tool);
            Assert.Equal(PackageVersion, attribute.Version);
        }
    }
}

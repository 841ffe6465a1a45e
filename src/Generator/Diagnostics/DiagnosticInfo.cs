using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Diagnostics
{
    /// <summary>Where a diagnostic points, as plain data (a <see cref="Location"/> would pin the compilation).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location) => location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>A diagnostic travelling through the pipeline as equatable data.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
            => new(descriptor.Id, LocationInfo.From(location), arguments.ToEquatableArray());

        public Diagnostic ToDiagnostic() => Diagnostic.Create(
            DiagnosticDescriptors.ById(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, Arguments.ToArray<object>());
    }

    internal static class EquatableArrayExtensions
    {
        public static object[] ToArray<T>(this EquatableArray<string> items)
        {
            var result = new object[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                result[i] = items[i];
            }

            return result;
        }
    }
}

using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymGrad.Generator.Diagnostics
{
    /// <summary>Every diagnostic SymGrad reports. IDs are never reused; each has a README entry and a test.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "SymGrad";
        private const string HelpBase = "https://github.com/symgrad/symgrad/blob/main/README.md#";

        public static readonly DiagnosticDescriptor TypeNotPartial = Error(
            "SG0001", "Containing type must be partial",
            "Type '{0}' must be declared 'partial' so SymGrad can add the backward of '{1}' to it");

        public static readonly DiagnosticDescriptor InstanceState = Error(
            "SG0002", "Instance state is not differentiable",
            "Instance method '{0}' {1}");

        public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
            "SG0003", "Parameter type is not differentiable",
            "Parameter '{0}' of type '{1}' is not supported: {2}");

        public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
            "SG0004", "Return type is not differentiable",
            "Return type '{0}' is not supported: {1}");

        public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
            "SG0005", "Statement is not differentiable",
            "'{0}' statements cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
            "SG0006", "Expression is not differentiable",
            "'{0}' cannot be differentiated: {1}");

        public static readonly DiagnosticDescriptor NoDerivative = Error(
            "SG0007", "Called method has no derivative",
            "Method '{0}' has no derivative: mark it [Differentiable]; or register a backward, in any type of this compilation or of an assembly it references, as '[DerivativeOf(typeof({1}), nameof({1}.{2}))] {3}'; or mark the parameters it depends on [NoDerivative]");

        public static readonly DiagnosticDescriptor Recursion = Error(
            "SG0008", "Recursive differentiable method",
            "Method '{0}' calls itself: recursion cannot be reversed; write it as a for loop");

        public static readonly DiagnosticDescriptor UnsupportedLoop = Error(
            "SG0009", "Loop form is not supported",
            "This loop cannot be reversed: {0}");

        public static readonly DiagnosticDescriptor DerivativeSignatureMismatch = Error(
            "SG0010", "Registered derivative has the wrong signature",
            "[DerivativeOf] method '{0}' does not match the backward of '{1}'; expected: {2}");

        public static readonly DiagnosticDescriptor DerivativeTargetNotFound = Error(
            "SG0011", "Registered derivative names no method",
            "The [DerivativeOf] or [TangentOf] registration names '{0}.{1}', which is not a static method of that type");

        public static readonly DiagnosticDescriptor ParameterAssigned = Error(
            "SG0012", "Parameter is assigned",
            "Parameter '{0}' is assigned: copy it into a local first (a differentiable method never overwrites its inputs)");

        public static readonly DiagnosticDescriptor UnsafeCode = Error(
            "SG0013", "Unsafe code is not differentiable",
            "Method '{0}' uses unsafe code: pointers cannot be differentiated; use spans");

        public static readonly DiagnosticDescriptor GenericMethod = Error(
            "SG0014", "Generic differentiable method",
            "Method '{0}' is generic in a way SymGrad cannot instantiate: it differentiates one type parameter T constrained to interfaces double or float implement (where T : IFloatingPointIeee754<T>), for double and float; write it so, or for float or double");

        public static readonly DiagnosticDescriptor FileLocalType = Error(
            "SG0015", "File-local type",
            "Type '{0}' is file-local: generated code lives in another file and cannot extend it; make '{0}' a non-file partial type (internal is fine) to differentiate '{1}'");

        public static readonly DiagnosticDescriptor OutputAccumulatedAndRead = Error(
            "SG0016", "Output accumulated into and read back",
            "Span output '{0}' is accumulated into ('{0}[…] += …', or a span's gradient by a nested FGradient or FBackward) where the method has not written those elements first: its values then hang on what '{0}' held before the call, which the backward cannot know (and a caller takes the call as writing '{0}'); write the elements first ('{0}[i] = 0;' in a loop before the one adding to them), or accumulate in a local or another output and assign '{0}' with '='");

        public static readonly DiagnosticDescriptor AssignsNoSpanGradient = Error(
            "SG0017", "Assigns names no span gradient",
            "'{0}' is registered with Assigns = \"{1}\", which is not a Span gradient parameter of its backward: {2}");

        public static readonly DiagnosticDescriptor OutputReadBeforeWritten = Error(
            "SG0018", "Output read before it is written",
            "Span output '{0}' is read ('{1}') where the method may not have written that element yet: the backward cannot know what the caller's '{0}' held; read an element after the statement or loop that writes it, or keep the value in a local");

        public static readonly DiagnosticDescriptor CallsGeneratedMethod = Error(
            "SG0019", "Calls a generated derivative",
            "'{0}' calls the generated '{1}', which SymGrad cannot differentiate again here: {2}");

        public static readonly DiagnosticDescriptor DerivativeIntoNoDerivative = Error(
            "SG0020", "Derivative passed to a [NoDerivative] parameter",
            "'{0}' depends on the inputs, but parameter '{1}' of '{2}' is [NoDerivative]: that part of the gradient would be lost; pass a value that does not depend on the differentiable inputs, or remove [NoDerivative] from '{1}'");

        public static readonly DiagnosticDescriptor CallWritingSpansInExpression = Error(
            "SG0021", "Call writing outputs in a loop header",
            "'{0}' writes '{1}' in a loop's condition or step, where it runs at every iteration: call it in the loop's body and test a local in the condition");

        public static readonly DiagnosticDescriptor CheckpointSetting = Error(
            "SG0022", "Invalid checkpoint setting",
            "[Differentiable({0} = …)] {1}");

        public static readonly DiagnosticDescriptor TangentSignatureMismatch = Error(
            "SG0023", "Registered tangent has the wrong signature",
            "[TangentOf] method '{0}' does not match the forward mode of '{1}'; expected: {2}");

        public static readonly DiagnosticDescriptor NotDifferentiable = Error(
            "SG0024", "Declaration SymGrad cannot add derivatives beside",
            "'{0}' ({1}) gets no derivatives: {2}");

        public static readonly DiagnosticDescriptor CallReadsWhatItWrites = Error(
            "SG0025", "Call reads a span it writes",
            "The call passes '{0}' to {1} both as '{2}', which it reads, and as '{3}', which it writes: {1} and its derivatives take them as separate spans (an input read whole before the output is written, a gradient of each); write into another span");

        public static readonly DiagnosticDescriptor InternalError = Error(
            "SG9999", "SymGrad failed internally",
            "SymGrad could not differentiate '{0}' because of an internal error ({1}); please report it with this method");

        private static readonly DiagnosticDescriptor[] All =
        {
            TypeNotPartial, InstanceState, UnsupportedParameter, UnsupportedReturnType, UnsupportedStatement,
            UnsupportedExpression, NoDerivative, Recursion, UnsupportedLoop, DerivativeSignatureMismatch,
            DerivativeTargetNotFound, ParameterAssigned, UnsafeCode, GenericMethod, FileLocalType, OutputAccumulatedAndRead, AssignsNoSpanGradient,
            OutputReadBeforeWritten, CallsGeneratedMethod, DerivativeIntoNoDerivative, CallWritingSpansInExpression, CheckpointSetting, TangentSignatureMismatch, NotDifferentiable, CallReadsWhatItWrites, InternalError,
        };

        public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);

        private static DiagnosticDescriptor Error(string id, string title, string message) => new(
            id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant());
    }
}

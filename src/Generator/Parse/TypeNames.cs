using Microsoft.CodeAnalysis;

namespace SymGrad.Generator.Parse
{
    /// <summary>How types are spelled in the model and in generated code.</summary>
    internal static class TypeNames
    {
        // While a generic method is parsed for one instantiation (T = double), T is that type everywhere (see Substitute).
        [System.ThreadStatic]
        private static (ITypeParameterSymbol Parameter, ITypeSymbol Real)? t_substitution;

        /// <summary>Reads the type parameter <paramref name="parameter"/> as <paramref name="real"/> until disposed.</summary>
        public static System.IDisposable Substitute(ITypeParameterSymbol parameter, ITypeSymbol real)
        {
            var restore = new Restore(t_substitution); // a generic caller's T while a generic callee's is read (NestedTargets.ModesOf)
            t_substitution = (parameter, real);
            return restore;
        }

        /// <summary>The type parameter being instantiated, if any.</summary>
        public static ITypeParameterSymbol? Substituted => t_substitution?.Parameter;

        private static ITypeSymbol? Resolve(ITypeSymbol? type) =>
            type is ITypeParameterSymbol parameter && t_substitution is { } s && SymbolEqualityComparer.Default.Equals(parameter, s.Parameter) ? s.Real : type;

        public static string Of(ITypeSymbol? type) => Spell(Resolve(type));

        private static string Spell(ITypeSymbol? type) => type?.SpecialType switch
        {
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            SpecialType.System_Int32 => "int",
            SpecialType.System_Int64 => "long",
            SpecialType.System_Int16 => "short",
            SpecialType.System_Byte => "byte",
            SpecialType.System_UInt32 => "uint",
            SpecialType.System_UInt64 => "ulong",
            SpecialType.System_Boolean => "bool",
            SpecialType.System_Void => "void",
            null => "?",
            _ => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
        };

        public static bool IsReal(ITypeSymbol? type) =>
            Resolve(type)?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

        public static bool IsIntegral(ITypeSymbol? type) => Resolve(type)?.SpecialType is
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte
            or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_SByte or SpecialType.System_UInt16;

        /// <summary>The element type of <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>, or null.</summary>
        public static ITypeSymbol? SpanElement(ITypeSymbol? type, out bool readOnly)
        {
            readOnly = false;
            if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
                && named.ContainingNamespace?.ToDisplayString() == "System")
            {
                if (named.Name == "ReadOnlySpan")
                {
                    readOnly = true;
                    return named.TypeArguments[0];
                }

                if (named.Name == "Span")
                {
                    return named.TypeArguments[0];
                }
            }

            return null;
        }

        /// <summary>A struct is a constant (like a convolution's geometry) when it holds no floating-point data.</summary>
        public static bool IsConstantStruct(ITypeSymbol type, int depth = 0)
        {
            if (type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            if (type.TypeKind != TypeKind.Struct || depth > 8 || type.SpecialType != SpecialType.None)
            {
                return IsIntegral(type) || type.SpecialType == SpecialType.System_Boolean;
            }

            foreach (ISymbol member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false } field && !IsConstantStruct(field.Type, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        private sealed class Restore : System.IDisposable
        {
            private readonly (ITypeParameterSymbol Parameter, ITypeSymbol Real)? _previous;

            public Restore((ITypeParameterSymbol Parameter, ITypeSymbol Real)? previous) => _previous = previous;

            public void Dispose() => t_substitution = _previous;
        }
    }
}

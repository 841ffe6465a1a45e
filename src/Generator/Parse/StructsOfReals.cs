using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymGrad.Generator.Parse
{
    /// <summary>One field of a struct of reals, nested structs flattened: <c>.X</c>, <c>.From.X</c>.</summary>
    internal sealed record StructLeaf(string Path, ITypeSymbol Type)
    {
        /// <summary>The path as part of an identifier: <c>_From_X</c>.</summary>
        public string Suffix => Path.Replace('.', '_');
    }

    /// <summary>
    /// A struct of reals (<c>struct Point3 { public double X, Y, Z; }</c>, nested structs too) is differentiated field by field
    /// (scalar replacement): a parameter is one scalar parameter per real field (<c>a.X</c>, gradient <c>da.X</c> of a
    /// <c>ref Point3 da</c>), a local one local per field (<c>p_X</c>), a result one result per field.
    /// </summary>
    internal static class StructsOfReals
    {
        /// <summary>The fields of a struct of reals in declaration order, or null for any other type.</summary>
        public static List<StructLeaf>? Leaves(ITypeSymbol? type)
        {
            var leaves = new List<StructLeaf>();
            return type is not null && Collect(type, "", leaves, 0) && leaves.Any(l => TypeNames.IsReal(l.Type)) ? leaves : null;
        }

        /// <summary>Why a struct that holds reals is not a struct of reals (properties, reference fields), or null.</summary>
        public static string? Problem(ITypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Struct || type.SpecialType != SpecialType.None || TypeNames.IsConstantStruct(type) || Leaves(type) is not null)
            {
                return null;
            }

            return type.GetMembers().OfType<IFieldSymbol>().Any(f => !f.IsStatic && f.AssociatedSymbol is IPropertySymbol)
                ? "a struct's reals must be fields, not properties (records' positional members are properties): declare public double X; fields"
                : "a struct is differentiated field by field; its fields may be float, double, integral, bool or such structs";
        }

        private static bool Collect(ITypeSymbol type, string path, List<StructLeaf> leaves, int depth)
        {
            if (type.TypeKind != TypeKind.Struct || type.SpecialType != SpecialType.None || depth > 4 || type is INamedTypeSymbol { IsGenericType: true }
                || type.ContainingNamespace?.ToDisplayString().StartsWith("System", System.StringComparison.Ordinal) == true)
            {
                return false;
            }

            foreach (IFieldSymbol field in type.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst))
            {
                if (field.AssociatedSymbol is not null)
                {
                    return false; // an auto-property's backing field: not addressable as a field
                }

                if (TypeNames.IsReal(field.Type) || TypeNames.IsIntegral(field.Type) || field.Type.SpecialType == SpecialType.System_Boolean || field.Type.TypeKind == TypeKind.Enum)
                {
                    leaves.Add(new StructLeaf(path + "." + field.Name, field.Type));
                }
                else if (!Collect(field.Type, path + "." + field.Name, leaves, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

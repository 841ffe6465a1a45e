using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace SymGrad.Samples
{
    /// <summary>
    /// The samples' options, on System.CommandLine: every number is parsed (invariant culture) and range-checked in one
    /// place, so a bad value — <c>--epochs abc</c>, <c>--lr -1</c> — is one line on standard error and exit code 1,
    /// never an exception. Linked into each sample (samples/Shared).
    /// </summary>
    internal static class SampleCommandLine
    {
        /// <summary>An integer option with a default, between <paramref name="min"/> and <paramref name="max"/>.</summary>
        public static Option<int> Int(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
            => new(name)
            {
                Description = description,
                DefaultValueFactory = _ => defaultValue,
                CustomParser = r => ParseInt(r, name, min, max) ?? defaultValue,
            };

        /// <summary>An integer option without a default (null when absent), between <paramref name="min"/> and <paramref name="max"/>.</summary>
        public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue)
            => new(name) { Description = description, CustomParser = r => ParseInt(r, name, min, max) };

        /// <summary>A 64-bit integer option (a seed): any whole number.</summary>
        public static Option<long> Long(string name, string description, long defaultValue)
            => new(name)
            {
                Description = description,
                DefaultValueFactory = _ => defaultValue,
                CustomParser = r =>
                {
                    string token = Token(r);
                    if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                    {
                        return value;
                    }

                    r.AddError($"{name} must be a whole number; got '{token}'.");
                    return defaultValue;
                },
            };

        /// <summary>A positive, finite real option (a learning rate, a margin).</summary>
        public static Option<double> PositiveDouble(string name, string description, double defaultValue)
            => new(name)
            {
                Description = description,
                DefaultValueFactory = _ => defaultValue,
                CustomParser = r =>
                {
                    string token = Token(r);
                    if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value))
                    {
                        return value;
                    }

                    r.AddError($"{name} must be a positive number; got '{token}'.");
                    return defaultValue;
                },
            };

        /// <summary>An option naming one value of <typeparamref name="TEnum"/>, case-insensitive (<c>--method smoothgrad</c>).</summary>
        public static Option<TEnum> Choice<TEnum>(string name, string description, TEnum defaultValue)
            where TEnum : struct, Enum
            => new(name)
            {
                Description = $"{description} One of: {string.Join(", ", Enum.GetNames<TEnum>()).ToLowerInvariant()}.",
                DefaultValueFactory = _ => defaultValue,
                CustomParser = r =>
                {
                    string token = Token(r);
                    if (Enum.TryParse(token, ignoreCase: true, out TEnum value) && Enum.IsDefined(value) && !char.IsAsciiDigit(token.FirstOrDefault()))
                    {
                        return value;
                    }

                    r.AddError($"{name} must be one of {string.Join(", ", Enum.GetNames<TEnum>()).ToLowerInvariant()}; got '{token}'.");
                    return defaultValue;
                },
            };

        /// <summary>
        /// Parses <paramref name="args"/> and runs the command; a parse error (a bad value, an unknown option) is printed as
        /// one line on standard error and gives exit code 1.
        /// </summary>
        public static int Run(RootCommand root, string[] args)
        {
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                Console.Error.WriteLine($"{parsed.Errors[0].Message} (--help lists the options)");
                return 1;
            }

            return parsed.Invoke();
        }

        private static int? ParseInt(ArgumentResult r, string name, int min, int max)
        {
            string token = Token(r);
            if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            {
                return value;
            }

            string rule = (min, max) switch
            {
                (int.MinValue, int.MaxValue) => "a whole number",
                (_, int.MaxValue) => $"a whole number ≥ {min}",
                _ when max == min + 1 => $"{min} or {max}",
                _ => $"a whole number from {min} to {max}",
            };
            r.AddError($"{name} must be {rule}; got '{token}'.");
            return null;
        }

        private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
    }
}

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
            => Parsed(name, description, defaultValue, ParseInt(min, max), IntRule(min, max));

        /// <summary>An integer option without a default (null when absent), between <paramref name="min"/> and <paramref name="max"/>.</summary>
        public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue)
        {
            Func<string, int?> parse = ParseInt(min, max);
            return new(name) { Description = description, CustomParser = r => Parse(r, name, parse, IntRule(min, max)) };
        }

        /// <summary>A 64-bit integer option (a seed): any whole number.</summary>
        public static Option<long> Long(string name, string description, long defaultValue)
            => Parsed<long>(name, description, defaultValue,
                token => long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null, "a whole number");

        /// <summary>A positive, finite real option (a learning rate, a margin).</summary>
        public static Option<double> PositiveDouble(string name, string description, double defaultValue)
            => Parsed<double>(name, description, defaultValue,
                token => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value) ? value : null,
                "a positive number");

        /// <summary>An option naming one value of <typeparamref name="TEnum"/>, case-insensitive (<c>--method smoothgrad</c>).</summary>
        public static Option<TEnum> Choice<TEnum>(string name, string description, TEnum defaultValue)
            where TEnum : struct, Enum
        {
            string names = string.Join(", ", Enum.GetNames<TEnum>()).ToLowerInvariant();
            return Parsed<TEnum>(name, $"{description} One of: {names}.", defaultValue,
                token => Enum.TryParse(token, ignoreCase: true, out TEnum value) && Enum.IsDefined(value) && !char.IsAsciiDigit(token.FirstOrDefault()) ? value : null,
                $"one of {names}");
        }

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

        /// <summary>An option whose value <paramref name="parse"/> reads (null: not a valid value, which <paramref name="rule"/> describes).</summary>
        private static Option<T> Parsed<T>(string name, string description, T defaultValue, Func<string, T?> parse, string rule)
            where T : struct
            => new(name)
            {
                Description = description,
                DefaultValueFactory = _ => defaultValue,
                CustomParser = r => Parse(r, name, parse, rule) ?? defaultValue,
            };

        /// <summary>The option's value, or null after adding the one-line error "NAME must be RULE; got 'TOKEN'.".</summary>
        private static T? Parse<T>(ArgumentResult r, string name, Func<string, T?> parse, string rule)
            where T : struct
        {
            string token = Token(r);
            T? value = parse(token);
            if (value is null)
            {
                r.AddError($"{name} must be {rule}; got '{token}'.");
            }

            return value;
        }

        private static Func<string, int?> ParseInt(int min, int max)
            => token => int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max ? value : null;

        private static string IntRule(int min, int max) => (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "a whole number",
            (_, int.MaxValue) => $"a whole number ≥ {min}",
            _ when max == min + 1 => $"{min} or {max}",
            _ => $"a whole number from {min} to {max}",
        };

        private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
    }
}

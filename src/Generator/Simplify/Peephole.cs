using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SymGrad.Generator.Emit;

namespace SymGrad.Generator
{
    /// <summary>
    /// Statement-level clean-up of the emitted sweeps: an adjoint set to zero and then first accumulated into
    /// becomes a single assignment (<c>double da = 0; da += g;</c> → <c>double da = g;</c>).
    /// </summary>
    internal static class Peephole
    {
        private static readonly Regex s_zero = new(@"^(?:(?<type>[\w.:<>]+) )?(?<name>\w+) = 0;$", RegexOptions.Compiled);

        public static void Apply(List<Code> code)
        {
            foreach (Scope scope in code.OfType<Scope>())
            {
                Apply(scope.Body);
            }

            MergeZeroThenAccumulate(code);
            InlineCapturedSeed(code);
        }

        private static void MergeZeroThenAccumulate(List<Code> code)
        {
            for (int i = 0; i < code.Count; i++)
            {
                if (code[i] is not Line zero || s_zero.Match(zero.Text) is not { Success: true } match)
                {
                    continue;
                }

                string name = match.Groups["name"].Value;
                string type = match.Groups["type"].Value;
                var mention = new Regex(@"\b" + Regex.Escape(name) + @"\b");
                int j = i + 1;
                while (j < code.Count && !Mentions(code[j], mention))
                {
                    j++;
                }

                if (j == code.Count)
                {
                    if (type.Length > 0)
                    {
                        code.RemoveAt(i--); // declared and never used
                    }

                    continue;
                }

                if (code[j] is Line first && Regex.Match(first.Text, @"^" + Regex.Escape(name) + @" (?<op>[+-])= (?<value>.+);$") is { Success: true } update
                    && !mention.IsMatch(update.Groups["value"].Value))
                {
                    string value = update.Groups["value"].Value;
                    if (update.Groups["op"].Value == "-")
                    {
                        value = "-(" + value + ")";
                    }

                    code[j] = new Line((type.Length > 0 ? type + " " : "") + name + " = " + value + ";", first.Math);
                    code.RemoveAt(i--);
                }
            }
        }

        /// <summary>
        /// <c>double g = dv; dv = g / d;</c> (a seed captured because the statement reads its own target) becomes
        /// <c>dv /= d;</c> when nothing else reads the capture.
        /// </summary>
        private static void InlineCapturedSeed(List<Code> code)
        {
            for (int i = 0; i + 1 < code.Count; i++)
            {
                if (code[i] is not Line capture || Regex.Match(capture.Text, @"^[\w.:<>]+ (?<temp>\w+) = (?<source>\w+);$") is not { Success: true } m
                    || code[i + 1] is not Line use)
                {
                    continue;
                }

                string temp = m.Groups["temp"].Value, source = m.Groups["source"].Value;
                var tempMention = new Regex(@"\b" + Regex.Escape(temp) + @"\b");
                Match assign = Regex.Match(use.Text, "^" + Regex.Escape(source) + @" = " + Regex.Escape(temp) + @" (?<op>[*/]) (?<rest>[^ ]+);$");
                if (!assign.Success || tempMention.IsMatch(assign.Groups["rest"].Value) || code.Skip(i + 2).Any(c => Mentions(c, tempMention)))
                {
                    continue;
                }

                code[i + 1] = new Line($"{source} {assign.Groups["op"].Value}= {assign.Groups["rest"].Value};", use.Math);
                code.RemoveAt(i);
            }
        }

        private static bool Mentions(Code code, Regex name) => code switch
        {
            Line line => !line.Text.StartsWith("//", System.StringComparison.Ordinal) && name.IsMatch(line.Text),
            Scope scope => (scope.Header is not null && name.IsMatch(scope.Header)) || scope.Body.Any(c => Mentions(c, name)),
            _ => false,
        };
    }
}

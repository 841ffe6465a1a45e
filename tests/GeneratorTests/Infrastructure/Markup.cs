using System;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SymGrad.GeneratorTests.Infrastructure
{
    /// <summary>
    /// Test source with <c>[|…|]</c> markers, as in Roslyn's test markup: <see cref="Parse"/> strips the markers and
    /// records the spans they enclosed (in the stripped text), in order of their opening marker. Markers may nest.
    /// </summary>
    public sealed record MarkedSource(string Text, ImmutableArray<TextSpan> Spans)
    {
        public const string Open = "[|";
        public const string Close = "|]";

        public static MarkedSource Parse(string markup)
        {
            var text = new StringBuilder(markup.Length);
            var spans = ImmutableArray.CreateBuilder<(int Order, TextSpan Span)>();
            var open = new System.Collections.Generic.Stack<(int Order, int Start)>();
            int order = 0;
            for (int i = 0; i < markup.Length; i++)
            {
                if (string.CompareOrdinal(markup, i, Open, 0, 2) == 0)
                {
                    open.Push((order++, text.Length));
                    i++;
                }
                else if (string.CompareOrdinal(markup, i, Close, 0, 2) == 0)
                {
                    if (open.Count == 0)
                    {
                        throw new ArgumentException($"Markup has '|]' without '[|' at offset {i}.", nameof(markup));
                    }

                    var (o, start) = open.Pop();
                    spans.Add((o, TextSpan.FromBounds(start, text.Length)));
                    i++;
                }
                else
                {
                    text.Append(markup[i]);
                }
            }

            if (open.Count != 0)
            {
                throw new ArgumentException("Markup has '[|' without a closing '|]'.", nameof(markup));
            }

            spans.Sort((a, b) => a.Order.CompareTo(b.Order));
            var result = ImmutableArray.CreateBuilder<TextSpan>(spans.Count);
            foreach (var (_, span) in spans) result.Add(span);
            return new MarkedSource(text.ToString(), result.MoveToImmutable());
        }
    }
}

using System.Text;

namespace TlsBroker.Server.Mapping;

/// <summary>
/// A caller's text as a status message may quote it: at most <see cref="MaxChars"/> characters, control
/// characters escaped, so that a name can neither overflow the metadata limit nor forge a log line.
/// </summary>
internal static class Excerpt
{
    public const int MaxChars = 64;

    public static string Of(string text)
    {
        var shown = text.Length <= MaxChars ? text : text[..MaxChars];
        var escaped = new StringBuilder(shown.Length + 8);
        foreach (var c in shown)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                escaped.Append($"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return text.Length <= MaxChars ? escaped.ToString() : $"{escaped}... ({text.Length} characters)";
    }
}

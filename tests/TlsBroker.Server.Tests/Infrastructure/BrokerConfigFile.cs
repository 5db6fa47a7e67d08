using System.Text.Json;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>An operator's JSON configuration file (<c>--config FILE</c>), rewritten the way an editor saves it: a new file renamed over the old one.</summary>
internal sealed class BrokerConfigFile(string path)
{
    public string Path { get; } = path;

    /// <summary>Writes <c>{"Broker": broker}</c>.</summary>
    public void Write(object broker) => WriteText(JsonSerializer.Serialize(new { Broker = broker }));

    public void WriteText(string text)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, Path, overwrite: true);
    }
}

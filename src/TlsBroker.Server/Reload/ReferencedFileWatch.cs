using System.Text;

namespace TlsBroker.Server.Reload;

/// <summary>
/// Watches the files and folders a configuration reads by looking at them every
/// <see cref="Interval"/>: size, modification time and where a symbolic link leads (a Kubernetes
/// Secret or ConfigMap volume replaces its files by repointing a link, which an inotify watch on
/// the file never sees). Polling also takes no inotify instance, of which a user has only 128.
/// </summary>
internal sealed class ReferencedFileWatch : IDisposable
{
    /// <summary>How often the files are looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Action changed;
    private readonly ITimer timer;
    private readonly Lock gate = new();
    private string[] paths = [];
    private string stamp = string.Empty;

    public ReferencedFileWatch(TimeProvider timeProvider, Action changed)
    {
        this.changed = changed;
        timer = timeProvider.CreateTimer(_ => Poll(), null, Interval, Interval);
    }

    /// <summary>Watches <paramref name="watched"/> from now on, taking what is there now as unchanged.</summary>
    public void Watch(IEnumerable<string> watched)
    {
        lock (gate)
        {
            paths = watched.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            stamp = Stamp(paths);
        }
    }

    public void Dispose() => timer.Dispose();

    private void Poll()
    {
        lock (gate)
        {
            var now = Stamp(paths);
            if (now == stamp)
            {
                return;
            }

            stamp = now;
        }

        changed();
    }

    private static string Stamp(string[] paths)
    {
        var stamp = new StringBuilder();
        foreach (var path in paths)
        {
            stamp.Append(path).Append('|');
            try
            {
                var files = Directory.Exists(path) ? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).ToArray() : [path];
                foreach (var file in files)
                {
                    AppendFile(stamp, new FileInfo(file));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stamp.Append("unreadable;");
            }
        }

        return stamp.ToString();
    }

    private static void AppendFile(StringBuilder stamp, FileInfo file)
    {
        var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        stamp.Append(file.Name).Append(':').Append(target.FullName).Append(':');
        if (target.Exists)
        {
            stamp.Append(target.Length).Append(':').Append(target.LastWriteTimeUtc.Ticks);
        }

        stamp.Append(';');
    }
}

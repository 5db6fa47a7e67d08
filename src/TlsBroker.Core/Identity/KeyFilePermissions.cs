namespace TlsBroker.Core.Identity;

/// <summary>Warns about secret files every local user can read (a key file should be like ssh's: mode 600 or 640).</summary>
internal static class KeyFilePermissions
{
    public static void WarnIfWorldReadable(string field, string path, List<string> warnings)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.OtherRead) != 0)
        {
            warnings.Add($"{field} '{path}' is readable by every user of this machine (mode {Convert.ToString((int)mode, 8)}); restrict it, e.g. chmod 600");
        }
    }
}

using System.Globalization;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// nginx on 127.0.0.1 serving a <see cref="TestChain"/> over TLS 1.2 and 1.3, with a generated
/// nginx.conf, pid file, logs and temp folders all inside a temporary prefix folder, so it runs
/// without touching /var. It serves the files the test puts in <see cref="WebRoot"/>.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly PeerProcess process;

    private NginxServer(PeerProcess process, int port, string prefix)
    {
        this.process = process;
        Port = port;
        Prefix = prefix;
    }

    public int Port { get; }

    /// <summary>The nginx master's process id; its workers exit with it.</summary>
    public int ProcessId => process.ProcessId;

    /// <summary>The temporary folder holding nginx.conf, the pid file, logs and temp folders.</summary>
    public string Prefix { get; }

    public string WebRoot => Path.Combine(Prefix, "www");

    public string Output => process.Output;

    /// <summary>Starts nginx serving <paramref name="files"/> (name → content) at "/name".</summary>
    public static async Task<NginxServer> StartAsync(TestChain chain, IReadOnlyDictionary<string, byte[]> files)
    {
        var prefix = Path.Combine(chain.Folder, "nginx-" + Guid.NewGuid().ToString("N")[..8]);
        var webRoot = Path.Combine(prefix, "www");
        Directory.CreateDirectory(webRoot);
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        foreach (var (name, content) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(webRoot, name), content);
        }

        var configPath = Path.Combine(prefix, "nginx.conf");

        // -e: the error log from the very start (otherwise nginx first opens its compiled-in /var/log path).
        var (process, port) = await PeerProcess.StartOnFreePortAsync("nginx", port =>
        {
            File.WriteAllText(configPath, Configuration(prefix, port, chain));
            return ["-p", prefix + "/", "-c", configPath, "-e", "stderr", "-g", "daemon off;"];
        });
        return new NginxServer(process, port, prefix);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static string Configuration(string prefix, int port, TestChain chain) => string.Create(CultureInfo.InvariantCulture, $$"""
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        error_log stderr warn;
        events { worker_connections 64; }
        http {
            access_log off;
            default_type application/octet-stream;
            client_body_temp_path {{prefix}}/client_body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            server {
                listen 127.0.0.1:{{port}} ssl;
                server_name localhost;
                ssl_certificate {{chain.ChainPath}};
                ssl_certificate_key {{chain.KeyPath}};
                ssl_protocols TLSv1.2 TLSv1.3;
                root {{prefix}}/www;
            }
        }
        """);
}

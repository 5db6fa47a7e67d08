using System.Collections;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;

namespace TlsBroker.Client;

/// <summary>
/// The server's chain as the broker sent it (DER), turned into <see cref="X509Certificate2"/>
/// objects only when a caller first looks at it. Loading a certificate is an OpenSSL parse plus a
/// native handle left to the finalizer; doing it for every handshake, where most callers never read
/// the chain, cost the forwarding client 0.45 of its 1.05 ms of CPU per handshake (bench, TLS 1.3, c=8).
/// </summary>
internal sealed class PeerCertificateList(IReadOnlyList<ByteString> der) : IReadOnlyList<X509Certificate2>
{
    private readonly Lazy<X509Certificate2[]> loaded = new(
        () => [.. der.Select(certificate => X509CertificateLoader.LoadCertificate(certificate.Span))]);

    public int Count => der.Count;

    public X509Certificate2 this[int index] => loaded.Value[index];

    public IEnumerator<X509Certificate2> GetEnumerator() => ((IEnumerable<X509Certificate2>)loaded.Value).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

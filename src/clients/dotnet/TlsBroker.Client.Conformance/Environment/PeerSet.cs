namespace TlsBroker.Client.Conformance.Environment;

/// <summary>The TLS servers of the environment, one per behaviour.</summary>
internal sealed record PeerSet(Peer Nginx, Peer Echo, Peer Sink, Peer Tls12Only, Peer WrongName, Peer CloseWithoutNotify, Peer Silent);

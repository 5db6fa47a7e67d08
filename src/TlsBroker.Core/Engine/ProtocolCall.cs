namespace TlsBroker.Core.Engine;

/// <summary>One call into BouncyCastle made by <see cref="TlsClientSession"/>, with its input passed as state rather than captured.</summary>
internal delegate void ProtocolCall<in TState>(BrokerClientProtocol protocol, TState state)
    where TState : allows ref struct;

"""Stubs generated from protos/tlsbroker/v1/broker.proto by ../generate."""

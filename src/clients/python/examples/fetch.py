#!/usr/bin/python3
"""Fetches an https:// URL through a TlsBroker, three ways: urllib, http.client, and a raw socket.

    ./examples/fetch.py https://example.com/ --broker 127.0.0.1:5001 [--policy default] [--api-key KEY]
"""

import argparse
import http.client
import os
import socket
import sys
import urllib.error
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tlsbroker  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--broker", default=os.environ.get("TLSBROKER_TARGET", "127.0.0.1:5001"))
    parser.add_argument("--policy", default="")
    parser.add_argument("--api-key", default=os.environ.get("TLSBROKER_API_KEY"))
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 443
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    context = tlsbroker.BrokerContext(args.broker, policy=args.policy, api_key=args.api_key,
                                      alpn_protocols=["http/1.1"])

    try:
        # 1. urllib, as any code that calls urlopen (which wraps failures in URLError).
        opener = tlsbroker.build_opener(context=context)
        try:
            with opener.open(args.url, timeout=30) as response:
                body = response.read()
                print(f"urllib: {response.status} {response.reason}, {len(body)} bytes")
        except urllib.error.URLError as e:
            raise e.reason if isinstance(e.reason, OSError) else e

        # 2. http.client, with keep-alive: the second request reuses the TLS session.
        connection = tlsbroker.HTTPSConnection(host, port, context=context, timeout=30)
        for _ in range(2):
            connection.request("GET", path)
            response = connection.getresponse()
            print(f"http.client: {response.status}, {len(response.read())} bytes, "
                  f"{connection.sock.version()} {connection.sock.cipher()[0]}")
        connection.close()

        # 3. A socket, as code written for ssl.SSLSocket uses it.
        with socket.create_connection((host, port), timeout=30) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                print(f"socket: {tls.version()} {tls.cipher()} alpn={tls.selected_alpn_protocol()} "
                      f"resumed={tls.session_reused} session={tls.session_id}")
                print(f"  server certificate: {tls.getpeercert()['subject']}")
                tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                with tls.makefile("rb") as f:
                    print(f"  {f.readline().decode().strip()}")
    except tlsbroker.BrokerCertVerificationError as e:
        print(f"certificate rejected: {e.verify.name} (code {e.verify_code}, depth {e.verify.depth})", file=sys.stderr)
        return 1
    except (tlsbroker.BrokerSSLError, tlsbroker.BrokerError, urllib.error.URLError) as e:
        print(f"failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

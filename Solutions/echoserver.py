#!/usr/bin/env python3
"""Chapter 8's echo server, behaving as the book's echoserver.py does (written for netcheck, not a copy):
binds 127.0.0.1:54321, accepts ONE client, sends back everything it receives (in chunks of up to 1024 bytes)
until the client closes, then closes both sockets and exits. Run it again for the next client."""
import socket


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 54321))
    server.listen()
    print("starting server ...", flush=True)
    client, (host, port) = server.accept()
    print(f"accepted from {host}:{port}", flush=True)
    while True:
        data = client.recv(1024)
        if not data:
            break
        client.sendall(data)
    server.close()
    client.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Chapter 8's addition server, behaving as the book's addserver.py does (written for netcheck, not a copy):
binds 127.0.0.1:54321, accepts ONE client, reads exactly 8 bytes as two signed 32-bit big-endian integers
('!ii'), answers their sum as one signed 64-bit big-endian integer ('!q'), closes both sockets and exits."""
import socket
import struct


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 54321))
    server.listen()
    print("starting server ...", flush=True)
    client, (host, port) = server.accept()
    print(f"accepted from {host}:{port}", flush=True)
    request = recv_exactly(client, 8)
    if len(request) == 8:
        a, b = struct.unpack("!ii", request)
        print(f"operand1: {a}, operand2: {b}", flush=True)
        client.sendall(struct.pack("!q", a + b))
        print(f"result: {a + b}", flush=True)
    server.close()
    client.close()


if __name__ == "__main__":
    main()

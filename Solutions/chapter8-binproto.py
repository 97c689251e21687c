#!/usr/bin/env python3
"""Chapter 8: the addition server on 127.0.0.1:54321. Reads two unsigned 32-bit big-endian numbers and answers
their sum as an unsigned 64-bit big-endian number, one request per connection."""
import socket
import struct


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 54321))
    server.listen()
    while True:
        conn, _ = server.accept()
        with conn:
            request = recv_exactly(conn, 8)
            if request is None:
                continue
            a, b = struct.unpack("!II", request)
            conn.sendall(struct.pack("!Q", a + b))


if __name__ == "__main__":
    main()

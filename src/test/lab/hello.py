#!/usr/bin/env python3
"""Sends one TLS ClientHello shaped as a browser's, and says what came back.

The lab's self-test proves the ECH and fingerprint scenarios with this client rather than with
Detour's own: it is written apart from Detour (Python's standard library, no TLS stack), in the
shape DPI boxes key on — a GREASE extension first, and in the ECH shape the encrypted_client_hello
extension (0xfe0d) right after it, at the bytes the lab's censor reads (block: FIRST_EXTENSION_AT,
ECH_AT). Nothing is decrypted: a ServerHello means the hello passed.

Usage: hello.py ADDRESS NAME {plain,browser,ech} [PORT]
Prints one word and exits 0: server_hello, alert, reset, closed or silent (no answer in 3 s).
"""
import os
import random
import socket
import struct
import sys


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def ext(kind, data):
    return u16(kind) + u16(len(data)) + data


def grease():
    nibbles = random.sample(range(16), 5)
    return [(n << 12) | 0x0A00 | (n << 4) | 0x0A for n in nibbles]


def hello(name, shape):
    g = grease()
    exts = b""
    if shape != "plain":
        exts += ext(g[0], b"")
    if shape == "ech":
        # A GREASE ECH: outer, HKDF-SHA256/AES-128-GCM, a config id, a key and a payload.
        body = u8(0) + u16(1) + u16(1) + u8(random.randrange(256))
        body += u16(32) + os.urandom(32) + u16(176) + os.urandom(176)
        exts += ext(0xFE0D, body)
    host = name.encode("ascii")
    exts += ext(0x0000, u16(len(host) + 3) + u8(0) + u16(len(host)) + host)
    exts += ext(0x000A, u16(6) + u16(0x001D) + u16(0x0017) + u16(0x0018))
    exts += ext(0x0010, u16(12) + u8(2) + b"h2" + u8(8) + b"http/1.1")
    exts += ext(0x000D, u16(8) + u16(0x0403) + u16(0x0804) + u16(0x0401) + u16(0x0503))
    # Any 32 bytes are an X25519 public value; the server's answer is all that is wanted.
    exts += ext(0x0033, u16(36) + u16(0x001D) + u16(32) + os.urandom(32))
    exts += ext(0x002D, b"\x01\x01")
    exts += ext(0x002B, u8(4) + u16(0x0304) + u16(0x0303))
    suites = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013,
              0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
    body = u16(0x0303) + os.urandom(32) + u8(32) + os.urandom(32)
    body += u16(2 * (len(suites) + 1)) + u16(g[4]) + b"".join(u16(s) for s in suites)
    body += u8(1) + u8(0) + u16(len(exts)) + exts
    handshake = u8(1) + struct.pack("!I", len(body))[1:] + body
    return u8(0x16) + u16(0x0301) + u16(len(handshake)) + handshake


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[3] not in ("plain", "browser", "ech"):
        sys.exit(__doc__)
    address, name, shape = sys.argv[1:4]
    port = int(sys.argv[4]) if len(sys.argv) == 5 else 443
    record = hello(name, shape)
    if shape != "plain":
        assert record[114] & 0x0F == 0x0A and record[115] & 0x0F == 0x0A, "GREASE not at 114"
    if shape == "ech":
        assert record[118:120] == b"\xfe\x0d", "ECH not at 118"
    with socket.create_connection((address, port), timeout=3) as s:
        s.sendall(record)
        try:
            answer = s.recv(6)
        except socket.timeout:
            print("silent")
            return
        except ConnectionResetError:
            print("reset")
            return
    if not answer:
        print("closed")
    elif answer[0] == 0x16 and len(answer) >= 6 and answer[5] == 0x02:
        print("server_hello")
    elif answer[0] == 0x15:
        print("alert")
    else:
        print("other " + answer.hex())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Sends one bare TCP SYN over IPv6 and says what came back, as hping3 -S --tcp-mss does over IPv4.

hping3 has no IPv6. The SYN carries the MSS option only: 24 bytes of TCP, 64 with the IPv6 header
(hping3's is 44 over IPv4), the shape the lab's dpi-syn scenario lets pass, where Linux's own SYN
(SACK, timestamps, window scaling: 80 bytes) is reset. A raw socket: the kernel writes the IPv6
header and the checksum; home's kernel resets the SYN-ACK, which no socket of its own asked for.

Usage: syn6.py ADDRESS PORT
Prints one line and exits 0: "syn_ack hlim N", "rst hlim N" or "silent" (nothing in 3 s).
"""
import random
import socket
import struct
import sys
import time

IPV6_CHECKSUM = getattr(socket, "IPV6_CHECKSUM", 7)
IPV6_RECVHOPLIMIT = getattr(socket, "IPV6_RECVHOPLIMIT", 51)
IPV6_HOPLIMIT = getattr(socket, "IPV6_HOPLIMIT", 52)


def syn(sport, dport, seq):
    mss = struct.pack("!BBH", 2, 4, 1440)
    offset = (20 + len(mss)) // 4 << 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, offset, 0x02, 64240, 0, 0) + mss


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    address, port = sys.argv[1], int(sys.argv[2])
    sport = random.randrange(20000, 60000)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 16)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    s.sendto(syn(sport, port, random.randrange(1 << 32)), (address, 0))
    deadline = time.monotonic() + 3
    wanted = socket.inet_pton(socket.AF_INET6, address)
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            data, ancillary, _, peer = s.recvmsg(2048, socket.CMSG_SPACE(4))
        except socket.timeout:
            break
        if len(data) < 20 or socket.inet_pton(socket.AF_INET6, peer[0]) != wanted:
            continue
        src, dst, _, _, _, flags = struct.unpack("!HHIIBB", data[:14])
        if src != port or dst != sport:
            continue
        hlim = next(
            (struct.unpack("i", d)[0] for lvl, kind, d in ancillary
             if lvl == socket.IPPROTO_IPV6 and kind == IPV6_HOPLIMIT), -1)
        if flags & 0x04:
            print("rst hlim %d" % hlim)
            return
        if flags & 0x12 == 0x12:
            print("syn_ack hlim %d" % hlim)
            return
    print("silent")


if __name__ == "__main__":
    main()

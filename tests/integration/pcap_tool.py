#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
"""pcap checks for the integration tests (raw bytes; no dissection needed).

    pcap_tool.py count FILE          print the number of frames
    pcap_tool.py lengths FILE        print each frame's length, one a line
    pcap_tool.py mix FILE            print "frames N min M max X ipv4 A ipv6 B vlan C arp D"
    pcap_tool.py same IN OUT         exit 0 if OUT holds IN's frames, byte for byte,
                                     in the same order; else say where they differ
"""

import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.utils import RawPcapReader  # noqa: E402


def frames(path):
    return [data for data, _meta in RawPcapReader(path)]


def ethertype(f):
    """(outer ethertype, inner ethertype after one VLAN tag or None)."""
    if len(f) < 14:
        return None, None
    t = int.from_bytes(f[12:14], "big")
    if t == 0x8100 and len(f) >= 18:
        return t, int.from_bytes(f[16:18], "big")
    return t, None


def mix(path):
    fs = frames(path)
    n = {"ipv4": 0, "ipv6": 0, "vlan": 0, "arp": 0}
    for f in fs:
        outer, inner = ethertype(f)
        if outer == 0x8100:
            n["vlan"] += 1
            outer = inner
        if outer == 0x0800:
            n["ipv4"] += 1
        elif outer == 0x86DD:
            n["ipv6"] += 1
        elif outer == 0x0806:
            n["arp"] += 1
    sizes = [len(f) for f in fs] or [0]
    print("frames %d min %d max %d ipv4 %d ipv6 %d vlan %d arp %d" % (
        len(fs), min(sizes), max(sizes), n["ipv4"], n["ipv6"], n["vlan"], n["arp"]))
    return 0


def same(a, b):
    fa, fb = frames(a), frames(b)
    for i, (x, y) in enumerate(zip(fa, fb)):
        if x != y:
            print("frame %d differs: in %d bytes %s..., out %d bytes %s..." % (
                i, len(x), x[:24].hex(), len(y), y[:24].hex()))
            return 1
    if len(fa) != len(fb):
        print("%d frames in, %d out (the first %d are identical)" % (
            len(fa), len(fb), min(len(fa), len(fb))))
        return 1
    print("%d frames, byte-identical and in order" % len(fa))
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "count":
        print(len(frames(argv[1])))
        return 0
    if len(argv) == 2 and argv[0] == "lengths":
        for f in frames(argv[1]):
            print(len(f))
        return 0
    if len(argv) == 2 and argv[0] == "mix":
        return mix(argv[1])
    if len(argv) == 3 and argv[0] == "same":
        return same(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
"""Write a deterministic pcap of varied Ethernet frames for onvm demos and tests.

    gen_traffic.py --out FILE [--count N] [--flows N] [--seed N]

Mix: UDP and TCP over IPv4 and IPv6 (a few VLAN-tagged), plus ARP; frame
sizes 64..1514 bytes (without FCS). Packets belong to --flows distinct
5-tuples (ARP frames excepted); the same seed gives the same file byte for
byte. Prints nothing on success; errors go to stderr with exit status 1.
"""

import argparse
import random
import sys

MIN_FRAME = 64    # Ethernet minimum, what a NIC pads to (we count without FCS)
MAX_FRAME = 1514  # 1500-byte MTU + 14-byte Ethernet header


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="pcap file to write")
    p.add_argument("--count", type=int, default=1000, help="frames (default 1000)")
    p.add_argument("--flows", type=int, default=100, help="distinct 5-tuples (default 100)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a = p.parse_args(argv)
    if a.count < 1:
        p.error("--count must be at least 1")
    if a.flows < 1:
        p.error("--flows must be at least 1")
    return a


def make_flows(rng, n):
    """n distinct flows: (ip version, l4 proto, vlan id or None, src, dst, sport, dport)."""
    flows = []
    seen = set()
    while len(flows) < n:
        ver = 6 if rng.random() < 0.3 else 4
        proto = "tcp" if rng.random() < 0.4 else "udp"
        vlan = rng.randint(1, 4094) if rng.random() < 0.05 else None
        if ver == 4:
            src = "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
            dst = "192.168.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
        else:
            src = "2001:db8:%x::%x" % (rng.randint(0, 0xffff), rng.randint(1, 0xffff))
            dst = "2001:db8:ffff::%x" % rng.randint(1, 0xffff)
        sport = rng.randint(49152, 60999)
        # ports with no Wireshark dissector, so tshark shows plain data
        dport = rng.choice([6001, 9001, 41000 + rng.randint(0, 999)])
        key = (ver, proto, src, dst, sport, dport)
        if key in seen:
            continue
        seen.add(key)
        flows.append((ver, proto, vlan, src, dst, sport, dport))
    return flows


def frame_size(rng):
    """Mostly small and MTU-sized frames, like real traffic, some in between."""
    r = rng.random()
    if r < 0.4:
        return MIN_FRAME
    if r < 0.6:
        return MAX_FRAME
    return rng.randint(MIN_FRAME, MAX_FRAME)


def main(argv):
    a = parse_args(argv)
    rng = random.Random(a.seed)

    # scapy is slow to import and chatty about missing optional modules.
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import ARP, Dot1Q, Ether, IP, IPv6, Raw, TCP, UDP, wrpcap

    flows = make_flows(rng, a.flows)
    macs = ["02:00:00:00:%02x:%02x" % (i >> 8, i & 0xff) for i in range(1, 9)]
    pkts = []
    t = 1700000000.0
    for i in range(a.count):
        t += 0.0001
        # about 3 % ARP, if there is room for them beside the flows
        if a.count > a.flows and rng.random() < 0.03:
            p = Ether(src=rng.choice(macs), dst="ff:ff:ff:ff:ff:ff") / ARP(
                op=1, hwsrc=rng.choice(macs),
                psrc="192.168.0.%d" % rng.randint(1, 254),
                pdst="192.168.0.%d" % rng.randint(1, 254))
        else:
            # every flow appears at least once when count >= flows
            f = flows[i] if i < len(flows) else rng.choice(flows)
            ver, proto, vlan, src, dst, sport, dport = f
            p = Ether(src=macs[hash_small(src) % len(macs)], dst=macs[hash_small(dst) % len(macs)])
            if vlan is not None:
                p = p / Dot1Q(vlan=vlan)
            p = p / (IP(src=src, dst=dst, ttl=64) if ver == 4 else IPv6(src=src, dst=dst, hlim=64))
            if proto == "tcp":
                p = p / TCP(sport=sport, dport=dport, flags="A", seq=rng.randint(0, 2**32 - 1))
            else:
                p = p / UDP(sport=sport, dport=dport)
        want = frame_size(rng)
        have = len(p)
        if want > have:
            p = p / Raw(bytes(rng.getrandbits(8) for _ in range(want - have)))
        elif have < MIN_FRAME:
            p = p / Raw(bytes(MIN_FRAME - have))
        p.time = t
        pkts.append(p)

    try:
        wrpcap(a.out, pkts)
    except OSError as e:
        print("gen_traffic: cannot write %s: %s" % (a.out, e.strerror), file=sys.stderr)
        return 1
    return 0


def hash_small(s):
    """A stable string hash (Python's hash() is salted per process)."""
    h = 0
    for ch in s:
        h = (h * 31 + ord(ch)) & 0xffffffff
    return h


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

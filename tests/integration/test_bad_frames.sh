#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Malformed frames through the manager's flow hash: a pcap of truncated
# Ethernet, IPv4 with IHL < 5 or a total length past the frame, cut IPv4
# and IPv6 headers, IPv6 extension-header chains running past the end, cut
# TCP and UDP headers, VLAN tags with nothing after, stacks of tags, and
# random garbage, in through net_pcap0, chain 1,2 where service 1 has two
# instances (so the manager classifies and hashes every frame), and flow
# rules (one for an input port) so that every frame is also looked up in
# the flow table; the rules name the default chain, so the path stays:
#  - the manager and the NFs survive and stop cleanly;
#  - every frame is transmitted or counted as a drop, and the frames that
#    came out are input frames, unchanged;
#  - no mbuf is in use after stop.

. "$(dirname "$0")/lib.sh"
t_setup

IN=$T_WORK/bad.pcap
OUT=$T_WORK/out.pcap
J=$T_WORK/stats.json

# Write the malformed frames as a raw pcap (no dissector involved).
"$T_PY" - "$IN" <<'EOF' >"$T_WORK/gen.out" 2>"$T_WORK/gen.err" || fail "cannot write $IN: $(cat "$T_WORK/gen.err")"
import random
import struct
import sys

rng = random.Random(4242)
MAC = bytes.fromhex("020000000001020000000002")


def rnd(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def eth(etype, payload=b""):
    return MAC + struct.pack("!H", etype) + payload


def ipv4(ihl=5, tot=None, proto=17, frag=0, body=b"", opts=b""):
    hdr_len = ihl * 4
    if tot is None:
        tot = max(hdr_len, 20) + len(body)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl & 0xF), 0, tot & 0xFFFF,
                    rng.getrandbits(16), frag, 64, proto, 0, rnd(4), rnd(4))
    return h + opts + body


def ipv6(nh=17, plen=None, body=b""):
    if plen is None:
        plen = len(body)
    return struct.pack("!IHBB16s16s", 0x60000000, plen & 0xFFFF, nh, 64,
                       rnd(16), rnd(16)) + body


def ext_chain(n, last_nh=6, overlong=False):
    """n IPv6 extension headers (hop-by-hop, routing, destination options,
    fragment), each 8 bytes; the last may claim more than is there."""
    kinds = [0, 43, 60, 44]
    out = b""
    nhs = [rng.choice(kinds) for _ in range(n)] + [last_nh]
    for i in range(n):
        hlen = 0
        if overlong and i == n - 1:
            hlen = 255
        if nhs[i] == 44:
            out += struct.pack("!BBHI", nhs[i + 1], 0, 0, rng.getrandbits(32))
        else:
            out += struct.pack("!BB", nhs[i + 1], hlen) + rnd(6)
    return nhs[0], out


def cases():
    k = rng.randrange(22)
    if k == 0:   # truncated Ethernet
        return rnd(rng.randint(1, 13))
    if k == 1:   # an Ethernet header and nothing more
        return eth(rng.choice([0x0800, 0x86DD, 0x8100, 0x88A8, 0x0806]))
    if k == 2:   # IPv4 with IHL < 5
        return eth(0x0800, ipv4(ihl=rng.randint(0, 4), body=rnd(rng.randint(0, 40))))
    if k == 3:   # IPv4 total length past the end of the frame
        return eth(0x0800, ipv4(tot=rng.randint(100, 65535), proto=rng.choice([6, 17]), body=rnd(8)))
    if k == 4:   # IPv4 total length shorter than its header
        return eth(0x0800, ipv4(tot=rng.randint(0, 19), body=rnd(20)))
    if k == 5:   # IPv4 header cut short
        return eth(0x0800, ipv4(body=rnd(8))[:rng.randint(1, 19)])
    if k == 6:   # IHL 15 (60-byte header) in a frame that ends sooner
        return eth(0x0800, ipv4(ihl=15, tot=60, opts=rnd(rng.randint(0, 39))))
    if k == 7:   # a non-first fragment of TCP: no L4 header
        return eth(0x0800, ipv4(proto=6, frag=rng.randint(1, 0x1FFF), body=rnd(rng.randint(0, 3))))
    if k == 8:   # IPv6 extension headers running past the end
        nh, ext = ext_chain(rng.randint(1, 6), overlong=True)
        return eth(0x86DD, ipv6(nh=nh, body=ext[:len(ext) - rng.randint(0, 6)]))
    if k == 9:   # a long chain of extension headers, then a cut TCP header
        nh, ext = ext_chain(rng.randint(10, 60))
        return eth(0x86DD, ipv6(nh=nh, body=ext + rnd(rng.randint(0, 19))))
    if k == 10:  # IPv6 header cut short
        return eth(0x86DD, ipv6(body=rnd(8))[:rng.randint(1, 39)])
    if k == 11:  # IPv6 payload length past the end
        return eth(0x86DD, ipv6(nh=17, plen=rng.randint(100, 65535), body=rnd(4)))
    if k == 12:  # TCP header cut
        return eth(0x0800, ipv4(proto=6, body=rnd(rng.randint(0, 19))))
    if k == 13:  # TCP data offset < 5 or past the end
        off = rng.choice([0, 1, 4, 15])
        tcp = rnd(12) + bytes([off << 4]) + rnd(7)
        return eth(0x0800, ipv4(proto=6, body=tcp))
    if k == 14:  # UDP header cut
        return eth(0x0800, ipv4(proto=17, body=rnd(rng.randint(0, 7))))
    if k == 15:  # a VLAN tag with nothing after it, or half a tag
        return eth(0x8100, rnd(rng.choice([0, 1, 2, 3])))
    if k == 16:  # a VLAN tag, then a cut IPv4 or IPv6 header
        inner = rng.choice([0x0800, 0x86DD])
        return eth(0x8100, struct.pack("!HH", rng.getrandbits(12), inner) + rnd(rng.randint(0, 30)))
    if k == 17:  # a stack of many VLAN/QinQ tags
        tags = b"".join(struct.pack("!HH", rng.getrandbits(12), rng.choice([0x8100, 0x88A8]))
                        for _ in range(rng.randint(2, 40)))
        return eth(0x88A8, tags + rnd(rng.randint(0, 40)))
    if k == 18:  # garbage after an IPv4 or IPv6 ethertype
        return eth(rng.choice([0x0800, 0x86DD]), rnd(rng.randint(0, 200)))
    if k == 19:  # IPv6 in IPv4 and other protocols with cut headers
        return eth(0x0800, ipv4(proto=rng.choice([1, 41, 47, 50, 132, 255]), body=rnd(rng.randint(0, 8))))
    # random garbage, 60..1514 bytes
    return rnd(rng.randint(60, 1514))


frames = [cases() for _ in range(2000)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
        f.write(fr)
print(len(frames), min(len(x) for x in frames), max(len(x) for x in frames))
EOF
read -r COUNT min max <"$T_WORK/gen.out"
[ "$(pcap_tool count "$IN")" -eq "$COUNT" ] || fail "$IN does not read back as $COUNT frames"
ok "input: $COUNT malformed frames of $min..$max bytes"

start_mgr mgr "$J" --vdev="net_pcap0,rx_pcap=$IN" --vdev="net_pcap1,tx_pcap=$OUT" \
	-- --chain 1,2 --ring-size 4096 --max-nfs 4 \
	--flow "tcp 10.0.0.1 1 10.0.0.2 2 chain 1,2" \
	--flow "udp 2001:db8::1 1 2001:db8::2 2 in 0 chain 1,2"
wait_json "$J"
# Both instances of service 1 before service 2: the manager polls once the
# chain is complete, so every frame meets two instances and is hashed.
start_nf nf1a "$SFWD" -l 0 -- -r 1
start_nf nf1b "$SFWD" -l 1 -- -r 1
wait_for 30 json_true "$J" '[len(s["instances"]) for s in j["services"] if s["id"] == 1] == [2]' ||
	fail "service 1 does not have two instances: $(json_get "$J" 'j["services"]')"
json_true "$J" 'j["ports"][0]["rx"] == 0' || fail "the manager polls before the chain is complete"
start_nf nf2 "$SFWD" -l 1 -- -r 2
wait_mgr_polling mgr
ok "service 1 has two instances; the manager polls"

wait_for 30 json_true "$J" "j['ports'][0]['rx'] == $COUNT and j['ports'][1]['tx'] + sum(j['drops'].values()) == $COUNT" ||
	fail "not every frame was sent or counted: $(json_get "$J" '[j["ports"], j["drops"]]')"
ok "port 0 received $COUNT; sent $(json_get "$J" 'j["ports"][1]["tx"]'), drops $(json_get "$J" 'j["drops"]')"
log "service 1's instances received $(json_get "$J" '[n["rx"] for n in j["nfs"] if n["service"] == 1]') frame(s)"
json_true "$J" 'j["flows"]["rules"] == 2 and j["flows"]["port_rules"] == 1 and j["flows"]["lookups"] > 0' ||
	fail "the frames were not looked up in the flow table: $(json_get "$J" 'j["flows"]')"
ok "flow table: $(json_get "$J" 'j["flows"]') (frames without a 5-tuple are not looked up)"
for nf in mgr nf1a nf1b nf2; do
	pid_alive "$(pid_of $nf)" || fail "$nf died"
done
ok "the manager and the three NFs are alive"

kill -INT "$(pid_of mgr)"
expect_exit mgr 30 0
for nf in nf1a nf1b nf2; do
	expect_exit "$nf" 30 0
done
expect_no_mbuf_in_use "$J"
tx=$(json_get "$J" 'j["ports"][1]["tx"]')
json_true "$J" "j['ports'][0]['rx'] == $COUNT and $tx + sum(j['drops'].values()) == $COUNT" ||
	fail "final stats: $(json_get "$J" '[j["ports"], j["drops"]]')"
# What came out is input frames, unchanged (the two instances of service 1
# may reorder frames of different flows).
res=$("$T_PY" - "$IN" "$OUT" <<'EOF'
import collections, logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.utils import RawPcapReader
ins = collections.Counter(d for d, _ in RawPcapReader(sys.argv[1]))
outs = collections.Counter(d for d, _ in RawPcapReader(sys.argv[2]))
extra = outs - ins
if extra:
    print("%d output frame(s) are not input frames, e.g. %s" % (sum(extra.values()), next(iter(extra)).hex()[:64]))
    sys.exit(1)
print(sum(outs.values()))
EOF
) || fail "$res"
[ "$res" -eq "$tx" ] || fail "out.pcap holds $res frames, port 1 sent $tx"
ok "out.pcap: $res frame(s), each an unchanged input frame"
expect_clean
t_finish

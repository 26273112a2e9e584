#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Write the seed corpora of the fuzz targets into tests/fuzz/corpus/TARGET/:
# real frames (scapy) for fuzz_flow, NUL-separated command lines for the
# argv targets, chain strings for fuzz_chain, telemetry replies for
# fuzz_ctl_json, and the deployment files of deploy/ and tests/deploy/ for
# fuzz_deploy. Rerun after changing a seed; the files are committed, so
# fuzzing needs no scapy.
# Usage: /usr/bin/python3 tests/fuzz/gen_corpus.py

import os
import shutil
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting)
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.layers.sctp import SCTP

HERE = os.path.dirname(os.path.abspath(__file__))
ETH = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
V4 = dict(src="10.0.0.1", dst="10.0.0.2")
V6 = dict(src="2001:db8::1", dst="2001:db8::2")
PAY = b"x" * 8


def frames():
    tcp = ETH / IP(**V4) / TCP(sport=1234, dport=80) / PAY
    yield "ipv4_udp", ETH / IP(**V4) / UDP(sport=5000, dport=53) / PAY
    yield "ipv4_tcp", tcp
    yield "ipv4_sctp", ETH / IP(**V4) / SCTP(sport=2905, dport=2906)
    yield "ipv4_options_tcp", (ETH / IP(options=b"\x01\x01\x01\x00", **V4) /
                               TCP(sport=1, dport=2))
    yield "ipv4_frag_mf", ETH / IP(flags="MF", **V4) / UDP(sport=7, dport=9) / PAY
    yield "ipv4_frag_offset", ETH / IP(frag=3, **V4) / PAY
    yield "ipv4_truncated", bytes(tcp)[:14 + 12]
    ihl4 = bytearray(bytes(tcp))
    ihl4[14] = 0x44
    yield "ipv4_ihl4", bytes(ihl4)
    yield "ipv6_tcp", ETH / IPv6(**V6) / TCP(sport=443, dport=50000)
    yield "ipv6_hbh_frag_udp", (ETH / IPv6(**V6) / IPv6ExtHdrHopByHop() /
                                IPv6ExtHdrFragment(m=1, id=7) /
                                UDP(sport=1, dport=2) / PAY)
    yield "ipv6_hbh_udp", (ETH / IPv6(**V6) / IPv6ExtHdrHopByHop() /
                           UDP(sport=3, dport=4))
    yield "ipv6_rt_dst_tcp", (ETH / IPv6(**V6) /
                              IPv6ExtHdrRouting(addresses=["2001:db8::3"]) /
                              IPv6ExtHdrDestOpt() / TCP(sport=5, dport=6))
    yield "vlan_ipv6_udp", (ETH / Dot1Q(vlan=100) / IPv6(**V6) /
                            UDP(sport=8, dport=9))
    yield "qinq_ipv4_udp", (ETH / Dot1AD(vlan=10) / Dot1Q(vlan=20) / IP(**V4) /
                            UDP(sport=10, dport=11))
    yield "arp", Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="10.0.0.2")


def argv(*args):
    return b"\0".join(a.encode() for a in args)


MGR_OPTS = {
    "chain": argv("--chain", "1,2,3"),
    "all_opts": argv("--chain=5", "--ring-size", "512", "--max-nfs", "4",
                     "--quiet", "--no-wait", "--stats-interval", "0.5",
                     "--stats-json", "/tmp/s.json", "--duration", "10"),
    "pool_opts": argv("--chain", "1", "--mbufs", "65535", "--mbuf-cache",
                      "0", "--rxd", "512", "--txd=2048"),
    "restart": argv("--chain", "1", "--restart", "3/60"),
    "help": argv("--help"),
    "bad_chain": argv("--chain", "0,64"),
    "bad_ring": argv("--ring-size", "100", "--chain", "1"),
    "flag_value": argv("--quiet=1", "-x", "--chain", "1", "extra"),
    "no_value": argv("--chain"),
    "flow": argv("--chain", "1", "--flow",
                 "udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3", "--flow-table",
                 "4096"),
}

NF_ARGS = {
    "eal_lcore": argv("-l", "2", "--", "-r", "1"),
    "full": argv("--file-prefix", "foo", "--proc-type=primary", "--", "-r",
                 "5", "-n", "3", "--tag", "fw", "--", "x"),
    "no_dashdash": argv("-r", "1"),
    "pci": argv("--no-pci", "-a", "00:01.0", "-c0x3", "--", "-r", "63",
                "--file-prefix=bar", "--tag=t", "-d", "x"),
    "bad_sid": argv("--", "-n", "1", "-r", "0"),
    "no_value": argv("--", "-r"),
    "prefix_no_value": argv("--file-prefix", "--", "-r", "1"),
}

PKTGEN_OPTS = {
    "port": argv("-l", "1", "--no-pci", "--vdev=net_memif0,role=client",
                 "--", "--rate", "10000", "--count", "20000", "--flows",
                 "16", "--json", "pg.json"),
    "nf": argv("--nf", "-r", "9", "--to", "1", "--count", "20000",
               "--rate", "20000", "--json", "pg.json"),
    "nf_eal": argv("-l", "1", "--", "--nf", "-r", "9", "-n", "2", "--tag",
                   "pg", "--file-prefix=x", "--rate-pct", "50", "--probe",
                   "0.5"),
    "nf_in_eal": argv("--nf", "--", "-r", "9"),
    "nf_value": argv("-r", "--nf", "--json", "--nf"),
    "all_frames": argv("--", "--size=1518", "--proto", "mix", "--flows",
                       "2", "--burst", "512", "--duration", "1e3"),
    "imix": argv("--", "--imix", "--max-pps", "1e6", "--rate-pct", "100"),
    "pcap": argv("--", "--pcap", "x.pcap", "--stats-interval", "0.1",
                 "--drain", "60", "--link-wait=0", "--no-yield",
                 "--no-path-check", "--linger", "--tx-port", "1023"),
    "help": argv("--nf", "--help"),
    "bad_tcp": argv("--", "--proto", "tcp", "--size", "64"),
    "bad_to": argv("--", "--to", "1"),
    "no_value": argv("--nf", "-r", "9", "--to"),
}

CHAIN = {
    "one": b"1",
    "three": b"1,2,3",
    "sixteen": ",".join(str(i) for i in range(1, 17)).encode(),
    "seventeen": ",".join(str(i) for i in range(1, 18)).encode(),
    "zero": b"0,a",
    "leading_comma": b",1",
    "double_comma": b"1,,2",
}

CTL_ARGS = {
    "nfs_json": argv("--json", "nfs", "-f", "p"),
    "flow_add": argv("flow", "add", "udp", "10.0.0.1", "1234", "10.0.0.2",
                     "80", "in", "0", "chain", "1,2"),
    "flow_del": argv("--socket=/x", "flow", "del", "--", "tcp 1 2 3 4"),
    "stop": argv("stop", "2:1", "--no-wait", "--timeout", "2.5"),
    "stop_slot": argv("stop", "--slot", "31"),
    "chain_set": argv("chain", "set", "3,2,1"),
    "bad": argv("stop", "0:1", "--bogus", "chain", "x"),
}

CTL_JSON = {
    "greeting": b'{"version":"DPDK 22.11.11","pid":18257,'
                b'"max_output_len":16384}',
    "nfs": b'{"/onvm/nfs":{"0":{"name":"simple_forward","tag":"",'
           b'"service":1,"instance":1,"pid":42,"state":"running",'
           b'"cpu":-1,"rx":18446744073709551615}}}',
    "flows": b'{"/onvm/flows":{"total":1,"start":0,"count":1,"next":-1,'
             b'"match":["udp 10.0.0.1 1 10.0.0.2 2"],"chain":["1,2"],'
             b'"hits":[0]}}',
    "error": rb'{"/onvm/flow/add":{"error":"bad \"x\" \u00e9\ud83d\ude00"}}',
    "null": b'{"/onvm/x":null}',
    "scalars": rb'[true,false,null,-0,1.5e-3,"\n\t\/"]',
}


FLOW_RULE = {
    "udp4_chain": b"udp 10.0.0.1 1234 10.0.0.2 80 chain 2,3",
    "tcp6_port": b"tcp 2001:db8::1 443 2001:db8::2 5555 in 0 chain 4",
    "match4": b"udp 10.0.0.1 1234 10.0.0.2 80",
    "match6_port": b"sctp ::1 1 ::2 2 in 15",
    "gre_long": b"47 10.0.0.1 0 10.0.0.2 0 chain " +
                ",".join(str(i) for i in range(1, 17)).encode(),
    "bad_port": b"udp 10.0.0.1 x 10.0.0.2 80 chain 2",
}


def deploy_files():
    root = os.path.dirname(os.path.dirname(HERE))
    for d in ("deploy", os.path.join("tests", "deploy")):
        for name in sorted(os.listdir(os.path.join(root, d))):
            if name.endswith(".yaml"):
                with open(os.path.join(root, d, name), "rb") as f:
                    yield name[:-5], f.read()
    yield "flow_style", (b"{manager: {ports: [net_null0], chain: [1], "
                         b"lcores: '0-1', restart: 1/1, nf_tx: on}, "
                         b"nfs: [{exec: onvm-sink, service: 1, "
                         b"instances: 2, cores: [0, 1], args: [-x]}], "
                         b"flows: [{proto: tcp, src: '::1', sport: 9, "
                         b"dst: '::2', dport: 1, in_port: 0, chain: 1}, "
                         b"{proto: 47, src: 10.0.0.1, dst: 10.0.0.2, "
                         b"chain: [1, 1]}]}\n")
    yield "env", (b"manager:\n  ports: ['${ONVM_FUZZ}', "
                  b"'net_null${ONVM_FUZZ_EMPTY:-0}$$']\n  chain: 1\n"
                  b"nfs:\n  - {exec: x, service: 1}\n")


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds:
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes(data))


def main():
    write("fuzz_flow", frames())
    write("fuzz_mgr_opts", MGR_OPTS.items())
    write("fuzz_nf_args", NF_ARGS.items())
    write("fuzz_chain", CHAIN.items())
    write("fuzz_flow_rule", FLOW_RULE.items())
    write("fuzz_pktgen_opts", PKTGEN_OPTS.items())
    write("fuzz_ctl_args", CTL_ARGS.items())
    write("fuzz_ctl_json", CTL_JSON.items())
    write("fuzz_deploy", deploy_files())
    return 0


if __name__ == "__main__":
    sys.exit(main())

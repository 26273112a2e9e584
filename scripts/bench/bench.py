# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
"""The measuring and reporting half of scripts/bench.sh (which starts and stops
the processes). Run by /usr/bin/python3; standard library only, except the
plots (matplotlib, optional).

  bench.py sample telemetry RUNDIR PORTS PIDS -- a DPDK primary's ethdev stats
  bench.py sample ovs CTL IFACES PIDS          -- OVS-DPDK's dpctl/show -s
  bench.py sample onvm STATS_JSON PIDS         -- onvm-mgr's --stats-json
      with --warm S --seconds S [--interval S] [--deadline S]: wait until
      packets flow, S of warm-up, then a sample every interval; prints one
      JSON object: pps_samples (forwarded packets per second over each
      interval, summed over the ports' tx), pps (their median) and cpu_pct
      (the CPU time the processes PIDS, a comma list, got over the samples,
      in % of one CPU: a busy-polling core should get about 100)
  bench.py start-times STATS_JSON NF_BIN PREFIX N CPU [NF OPTIONS...]
      start an NF N times in a row on a running manager (chain 1); prints
      JSON: per start, launch (exec) and onvm_nf_start() to first packet
  bench.py final STATS_JSON
      onvm-mgr's last stats: one JSON object (final, in_use, drops)
  bench.py report RAW META OUTDIR
      RAW (one JSON object a line, written by bench.sh) -> OUTDIR/bench.json,
      OUTDIR/bench.md and PNG plots; prints the Markdown; exits 1 if a
      figure is missing or not above zero, or a check failed
"""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

# A round trip between CPU 0 and 1 above this is the host's slow state
# (about 400 ns, against about 50-100 ns when fast); above XCORE_BUSY_NS one
# of the two CPUs was taken by other work while xcore ran (microseconds).
XCORE_SLOW_NS = 200.0
XCORE_BUSY_NS = 1000.0


def die(msg):
    sys.exit("bench.py: " + msg)


def cpu_ticks(pids):
    """utime + stime of every pid (all its threads), in clock ticks."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def alive(pid):
    """Is pid alive (a zombie counts as gone)?"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# ---------------------------------------------------------------- counters
#
# Each reader returns (t, packets): a monotonic time in seconds and the
# packets transmitted so far, summed over the forwarding ports, or None if
# it cannot read them (yet).


class Telemetry:
    """ethdev stats of a DPDK primary through its telemetry socket."""

    def __init__(self, rundir, ports):
        self.path = os.path.join(rundir, "dpdk_telemetry.v2")
        self.ports = ports
        self.sock = None

    def read(self):
        if self.sock is None:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.connect(self.path)
                s.recv(16384)	# the greeting: version, pid, max length
                self.sock = s
            except OSError:
                return None
        t0 = time.monotonic()
        total = 0
        for p in self.ports:
            self.sock.send(("/ethdev/stats,%d" % p).encode())
            reply = json.loads(self.sock.recv(65536))
            total += reply["/ethdev/stats"]["opackets"]
        return ((t0 + time.monotonic()) / 2, total)


class Ovs:
    """TX packets of OVS-DPDK's ports, from dpctl/show -s (live; the
    Interface table's statistics refresh only every 5 s)."""

    def __init__(self, ctl, ifaces):
        self.ctl = ctl
        self.ifaces = ifaces

    def read(self):
        t0 = time.monotonic()
        try:
            out = subprocess.run(["ovs-appctl", "-t", self.ctl, "dpctl/show", "-s"],
                                 capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        t = (t0 + time.monotonic()) / 2
        total, seen, cur = 0, 0, None
        for line in out.splitlines():
            m = re.match(r"\s*port \d+: (\S+)", line)
            if m:
                cur = m.group(1)
                continue
            m = re.match(r"\s*TX packets:(\d+)", line)
            if m and cur in self.ifaces:
                total += int(m.group(1))
                seen += 1
        return (t, total) if seen == len(self.ifaces) else None


class Onvm:
    """onvm-mgr's --stats-json: the ports' cumulative tx, on the manager's
    own clock (its "time" field), so the file's rewrite interval is exact."""

    def __init__(self, path):
        self.path = path

    def read(self):
        try:
            with open(self.path) as f:
                j = json.load(f)
        except (OSError, ValueError):
            return None
        if j.get("state") != "running":
            return None
        return (j["time"], sum(p["tx"] for p in j["ports"]))


def cmd_sample(argv):
    opts = {"--warm": 2.0, "--seconds": 5.0, "--interval": 0.5, "--deadline": 60.0}
    args = []
    i = 0
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]] = float(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    kind = args[0]
    if kind == "telemetry":
        reader = Telemetry(args[1], [int(p) for p in args[2].split(",")])
    elif kind == "ovs":
        reader = Ovs(args[1], args[2].split(","))
    elif kind == "onvm":
        reader = Onvm(args[1])
    else:
        die("unknown sampler '%s'" % kind)
    pids = [int(p) for p in args[-1].split(",")]
    pid = pids[0]

    # Until packets flow (or the deadline, or the process died).
    end = time.monotonic() + opts["--deadline"]
    first = None
    while True:
        if not alive(pid):
            die("%s: pid %d exited before packets flowed" % (kind, pid))
        if time.monotonic() > end:
            die("%s: no packets forwarded within %.0f s" % (kind, opts["--deadline"]))
        r = reader.read()
        if r is not None:
            if first is None:
                first = r
            elif r[1] > first[1]:
                break
        time.sleep(0.05)
    time.sleep(opts["--warm"])

    # A sample per interval. The onvm reader's clock advances only when the
    # manager rewrites its file: wait for a new "time".
    samples, last = [], None
    hz = os.sysconf("SC_CLK_TCK")
    t_cpu, cpu0 = time.monotonic(), cpu_ticks(pids)
    stop = time.monotonic() + opts["--seconds"] + opts["--interval"] / 2
    while time.monotonic() < stop or len(samples) < 1:
        if not alive(pid):
            die("%s: pid %d exited while sampling" % (kind, pid))
        r = reader.read()
        if r is None or (last is not None and r[0] <= last[0]):
            time.sleep(0.02)
            continue
        if last is not None:
            samples.append((r[1] - last[1]) / (r[0] - last[0]))
        last = r
        if time.monotonic() > stop + 10:
            break
        time.sleep(opts["--interval"] if kind != "onvm" else 0.05)
    cpu_pct = 100.0 * (cpu_ticks(pids) - cpu0) / hz / (time.monotonic() - t_cpu)
    if not samples:
        die("%s: no sample" % kind)
    if any(x <= 0 for x in samples):
        print("bench.py: %s (pid %d, %s): the counters stopped moving during the samples: %s"
              % (kind, pid, "alive" if alive(pid) else "gone", [round(x) for x in samples]),
              file=sys.stderr)
    json.dump({"pps_samples": [round(s) for s in samples],
               "pps": round(statistics.median(samples)), "cpu_pct": round(cpu_pct)}, sys.stdout)
    print()


# ---------------------------------------------------------------- NF start

def cmd_start_times(argv):
    stats, nf_bin, prefix, n, cpu = argv[0], argv[1], argv[2], int(argv[3]), argv[4]
    nf_opts = argv[5:]
    runs = []
    for k in range(n):
        cmd = [nf_bin, "-l", cpu, "--", "-r", "1", "--file-prefix", prefix] + nf_opts
        log = open(os.path.join(os.path.dirname(stats), "start-nf%d.log" % k), "w")
        launch = time.monotonic_ns()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        found = None
        end = time.monotonic() + 15
        try:
            while found is None and time.monotonic() < end and p.poll() is None:
                try:
                    with open(stats) as f:
                        j = json.load(f)
                    for nf in j["nfs"]:
                        if nf["pid"] == p.pid and nf["first_pkt_ns"] > 0:
                            found = nf
                except (OSError, ValueError, KeyError):
                    pass
                time.sleep(0.01)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                rc = p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
            log.close()
        if found is None:
            die("NF run %d (pid %d): no first packet within 15 s (exit %s)" % (k, p.pid, rc))
        runs.append({"pid": p.pid, "exit": rc,
                     "start_to_first_ms": (found["first_pkt_ns"] - found["start_ns"]) / 1e6,
                     "launch_to_first_ms": (found["first_pkt_ns"] - launch) / 1e6})
        time.sleep(0.2)
    json.dump(runs, sys.stdout)
    print()


def cmd_final(argv):
    try:
        with open(argv[0]) as f:
            j = json.load(f)
    except (OSError, ValueError) as e:
        die("%s: %s" % (argv[0], e))
    json.dump({"final": j.get("final"), "in_use": sum(p["in_use"] for p in j["mempools"]),
               "pools": len(j["mempools"]), "drops": j["drops"]}, sys.stdout)
    print()


# ---------------------------------------------------------------- report

def state(x):
    if x is None:
        return "unknown"
    if x >= XCORE_BUSY_NS:
        return "busy"
    return "slow" if x >= XCORE_SLOW_NS else "fast"


def rep_state(rec):
    a, b = state(rec["xcore_before"]), state(rec["xcore_after"])
    return a if a == b else "changed"


def mmm(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def fmt(v, d=2):
    return "-" if v is None else "%.*f" % (d, v)


def states_of(recs):
    return sorted({rep_state(r) for r in recs})


# A repetition that got less than this share of its busy cores' CPU time
# was starved by other work on the host.
STARVED_SHARE = 0.8


def caveats(*rows):
    """Why a comparison of these rows must be read with care: their
    repetitions were not all made in one clean cross-core state (fast or
    slow), or some got much less CPU than their busy cores."""
    why = []
    states = {st for r in rows for st in r["states"]}
    if len(states) > 1 or not states <= {"fast", "slow"}:
        why.append("across cross-core states")
    if any(c is not None and c < STARVED_SHARE * 100 * r["cores"]
           for r in rows for c in r["cpu_pct"]):
        why.append("CPU-starved runs")
    return why


def cmd_report(argv):
    raw_path, meta_path, outdir = argv
    meta = json.load(open(meta_path))
    recs = [json.loads(l) for l in open(raw_path) if l.strip()]
    hz = meta["tsc_hz"]
    problems = []
    figures = {}

    def cycles(pps):
        return hz / pps if pps > 0 else None

    # ---- throughput: per system (and per chain length for ours)
    tput = {}
    for r in recs:
        if r["kind"] == "throughput":
            key = r["system"] if r.get("chain") is None else "%s/%d" % (r["system"], r["chain"])
            tput.setdefault(key, []).append(r)
    rows = {}
    for key, rs in tput.items():
        ok = [r for r in rs if r.get("pps", 0) > 0]
        if not ok:
            problems.append("%s: no throughput figure" % key)
            continue
        s = mmm([r["pps"] / 1e6 for r in ok])
        used = [r["cpu_pct"] / 100.0 * hz / r["pps"] for r in ok if r.get("cpu_pct")]
        rows[key] = {"mpps": s, "cycles_per_pkt": cycles(s["median"] * 1e6),
                     "used_cycles_per_pkt": mmm(used) if used else None,
                     "cores": rs[0]["cores"], "label": rs[0]["label"],
                     "states": states_of(ok),
                     "xcore_ns": [[r["xcore_before"], r["xcore_after"]] for r in ok],
                     "loadavg": [r.get("loadavg") for r in ok],
                     "cpu_pct": [r.get("cpu_pct") for r in ok],
                     "reps": [{k: r.get(k) for k in ("rep", "pps", "pps_samples", "cpu_pct",
                                                     "xcore_before", "xcore_after", "loadavg",
                                                     "extra")} for r in ok]}
        figures["%s.mpps" % key] = s["median"]
    skipped = {r["system"]: r["reason"] for r in recs if r["kind"] == "skip"}
    skipped_figures = {f for r in recs if r["kind"] == "skip" for f in r.get("figures", [])}

    variants = meta["variants"]
    peers = [("testpmd", "testpmd"), ("client_server_mp", "client_server_mp"),
             ("ovs-dpdk", "OVS-DPDK")]
    ratios = {}
    for v in variants:
        for n in meta["chains"]:
            key = "%s/%d" % (v, n)
            if key not in rows:
                continue
            for peer, _ in peers:
                if peer not in rows:
                    continue
                a, b = rows[key], rows[peer]
                why = caveats(a, b)
                # The best runs (noise only ever costs throughput), and the
                # medians of the repetitions both made in the fast state.
                fast = [statistics.median(r["pps"] for r in x["reps"]
                                          if rep_state(r) == "fast") if any(
                    rep_state(r) == "fast" for r in x["reps"]) else None for x in (a, b)]
                ratios["%s:%s" % (key, peer)] = {
                    "ratio": a["mpps"]["median"] / b["mpps"]["median"],
                    "best": a["mpps"]["max"] / b["mpps"]["max"],
                    "fast": fast[0] / fast[1] if None not in fast else None,
                    "states": [a["states"], b["states"]], "caveats": why}

    # ---- targets
    targets = []
    for v in variants:
        one, three = rows.get("%s/1" % v), rows.get("%s/3" % v)
        csmp = rows.get("client_server_mp")
        if one and csmp:
            r = one["mpps"]["median"] / csmp["mpps"]["median"]
            targets.append({"variant": v, "what": "manager + 1 NF >= 1.2 x client_server_mp",
                            "value": "%.2f x" % r, "met": r >= 1.2,
                            "caveats": caveats(one, csmp)})
        if one and three:
            r = three["mpps"]["median"] / one["mpps"]["median"]
            targets.append({"variant": v, "what": "chain of 3 >= 0.9 x chain of 1",
                            "value": "%.2f x" % r, "met": r >= 0.9,
                            "caveats": caveats(one, three)})
        hops, best = [], []
        for n in meta["chains"]:
            rn = rows.get("%s/%d" % (v, n))
            if one and rn and n > 1:
                hops.append((rn["cycles_per_pkt"] - one["cycles_per_pkt"]) / (n - 1))
                best.append((hz / (rn["mpps"]["max"] * 1e6) - hz / (one["mpps"]["max"] * 1e6))
                            / (n - 1))
        if hops:
            targets.append({"variant": v, "what": "each extra NF on the same core <= ~10 cycles/pkt",
                            "value": "%s cycles/pkt per extra NF from the medians, %s from the "
                            "best runs (chains 2..%d against 1)" % (
                                ", ".join("%.1f" % h for h in hops),
                                ", ".join("%.1f" % h for h in best), max(meta["chains"])),
                            "met": max(hops) <= 10.0,
                            "caveats": caveats(*[rows["%s/%d" % (v, k)] for k in meta["chains"]
                                                 if "%s/%d" % (v, k) in rows])})

    # ---- latency
    lat = {}
    probes = {}
    for r in recs:
        if r["kind"] == "latency":
            lat.setdefault((r["system"], r["chain"], r["pct"]), []).append(r)
        elif r["kind"] == "probe":
            probes[(r["system"], r["chain"])] = r
    lat_rows = []
    for (v, n, pct), rs in sorted(lat.items()):
        ok = [r for r in rs if r["pg"].get("latency_ns", {}).get("count")]
        if not ok:
            problems.append("%s chain %d at %d %%: no latency" % (v, n, pct))
            continue
        row = {"system": v, "chain": n, "pct": pct,
               "rate_pps": statistics.median(r["pg"]["rate_pps_asked"] for r in ok),
               "rx_pps": mmm([r["pg"]["rx_pps"] for r in ok]),
               "loss_pct": mmm([r["pg"]["loss_pct"] for r in ok]),
               "states": states_of(ok)}
        for p in ("p50", "p99", "p999"):
            row[p + "_us"] = mmm([r["pg"]["latency_ns"][p] / 1e3 for r in ok])
            figures["%s/%d.lat%d.%s_us" % (v, n, pct, p)] = row[p + "_us"]["median"]
        lat_rows.append(row)
    for (v, n), r in probes.items():
        figures["%s/%d.pktgen_max_mpps" % (v, n)] = r["max_pps"] / 1e6

    # ---- NF start
    starts = {}
    for r in recs:
        if r["kind"] == "start":
            ms = [x["start_to_first_ms"] for x in r["runs"]]
            lms = [x["launch_to_first_ms"] for x in r["runs"]]
            starts[r["system"]] = {"start_to_first_ms": mmm(ms), "launch_to_first_ms": mmm(lms),
                                   "runs": r["runs"]}
            figures["%s.start_to_first_ms" % r["system"]] = statistics.median(ms)

    # ---- the classifier hit path alone (scripts/bench/classifier.sh)
    classifier = []
    for r in recs:
        if r["kind"] == "classifier":
            c = r["run"]
            classifier.append(c)
            figures["classifier/%d.mpps" % c["flows"]] = c["mpps"]

    # ---- shared-core mode against polling (scripts/bench/shared_core.sh)
    shared = []
    for r in recs:
        if r["kind"] == "shared_core":
            c = r["run"]
            shared.append(c)
            if c["kind"] == "tput":
                figures["shared_core/%s/%d.mpps" % (c["mode"], c["nfs"])] = c["mpps"]
            elif c["kind"] == "wake" and c["mode"] == "shared":
                figures["shared_core/wake_us_mean"] = c["wake_us_mean"]
    # ---- auto-scaling reaction (scripts/bench/scale.sh)
    scale = []
    for r in recs:
        if r["kind"] == "scale":
            c = r["run"]
            scale.append(c)
            for k in ("overload_to_first_ms", "start_to_first_ms", "register_to_first_ms"):
                figures["scale/%s.%s" % (c["mode"], k)] = c[k]
            if c["mode"] == "out":
                targets.append({"variant": "ours", "what": "scale-out: new instance up "
                                "(registered) -> its first packet < 200 ms",
                                "value": "%.1f ms median (NF start -> first packet %.1f ms)" % (
                                    c["register_to_first_ms"], c["start_to_first_ms"]),
                                "met": c["register_to_first_ms"] < 200,
                                "caveats": []})

    # ---- checks written by bench.sh
    checks = [r for r in recs if r["kind"] == "check"]
    for c in checks:
        if not c["ok"]:
            problems.append("check failed: %s: %s" % (c["what"], c["detail"]))
    for name, v in figures.items():
        if not v > 0:
            problems.append("figure %s is %s, not above zero" % (name, v))
    for key in meta["expected"]:
        if key not in figures and key not in skipped_figures:
            problems.append("no figure %s" % key)

    result = {"meta": meta, "throughput": rows, "ratios": ratios, "targets": targets,
              "latency": lat_rows, "latency_max": {"%s/%d" % k: v for k, v in probes.items()},
              "nf_start": starts, "classifier": classifier, "shared_core": shared, "scale": scale,
              "skipped": skipped,
              "skipped_figures": sorted(skipped_figures), "checks": checks,
              "figures": figures, "problems": problems}
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump(result, f, indent=1)
    plots = make_plots(result, outdir)
    md = markdown(result, plots)
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(md)
    print(md, end="")
    return 1 if problems else 0


def states_txt(states):
    return "+".join(states)


def markdown(res, plots):
    m = res["meta"]
    rows, L = res["throughput"], []
    L += ["# onvm benchmark, %s" % m["date"], "",
          "%s; %s; DPDK %s; %s; TSC %.3f GHz." % (m["host"], m["cpus"], m["dpdk"], m["ovs"],
                                                  m["tsc_hz"] / 1e9),
          "%s: %d repetition(s) per figure, %s s of samples after %s s of warm-up; "
          "%d-byte frames, bursts of %d, net_null ports (both directions forwarded)." % (
              m["mode"], m["reps"], m["seconds"], m["warm"], m["size"], m["burst"]), "",
          "Core layout:", ""]
    L += ["- " + x for x in m["layout"]]
    L += ["", "## Throughput", "",
          "Mpps is the packets per second transmitted on both ports together: per repetition "
          "the median of %.1f s samples, then the median, min and max over the repetitions. "
          "cycles/pkt = TSC Hz / pps: the cycle budget of one packet on one forwarding core "
          "(for a pipeline over two cores, the budget of its slowest stage). "
          "xcore is the CPU 0 <-> CPU 1 cache-line round trip before -> after each repetition; "
          "a state is fast below %d ns, slow above (the host moved the vCPUs apart), busy above "
          "%d ns (another process had one of the CPUs); \"changed\" means it changed during "
          "a repetition. The load average (1 min) after each repetition shows how busy the "
          "shared host was: this benchmark alone adds about 1 to 2. CPU %% got is the CPU time "
          "the system's processes had during the samples (100 per busy-polling core): well "
          "below 100 x busy cores, other work on the host took the cores from it. "
          "used cycles/pkt = CPU %% got / 100 x TSC Hz / pps: the CPU cycles the system "
          "actually spent per packet, over all its cores (idle polling included); on a shared "
          "host it varies much less than Mpps (median, min-max over the repetitions)." % (
              m["interval"], XCORE_SLOW_NS, XCORE_BUSY_NS), "",
          "| system | busy cores | Mpps median | min | max | cycles/pkt | CPU % got | used cycles/pkt | xcore ns (load avg) | state |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    order = ["testpmd", "client_server_mp", "ovs-dpdk"] + [
        "%s/%d" % (v, n) for v in m["variants"] for n in m["chains"]]
    for key in order:
        if key in res["skipped"]:
            L.append("| %s | | skipped: %s | | | | | |" % (key, res["skipped"][key]))
            continue
        r = rows.get(key)
        if r is None:
            continue
        u = r["used_cycles_per_pkt"]
        L.append("| %s | %d | %.2f | %.2f | %.2f | %.1f | %s | %s | %s | %s |" % (
            r["label"], r["cores"], r["mpps"]["median"], r["mpps"]["min"], r["mpps"]["max"],
            r["cycles_per_pkt"], ", ".join(fmt(c, 0) for c in r["cpu_pct"]),
            "-" if u is None else "%.0f (%.0f-%.0f)" % (u["median"], u["min"], u["max"]), ", ".join("%s->%s (%s)" % (fmt(x[0], 0), fmt(x[1], 0), fmt(la, 1))
                                           for x, la in zip(r["xcore_ns"], r["loadavg"])),
            states_txt(r["states"])))
    L += ["", "## Ours against the others", "",
          "Ratio of medians (ours / theirs); in brackets the ratio of the best runs, and of "
          "the medians of the repetitions both made in the fast state where there are such. "
          "A ! marks a comparison across cross-core states (not every repetition of both in "
          "one fast or one slow state), a ~ one where some repetition got less than %d %% of "
          "its busy cores' CPU time: read those with care." % (STARVED_SHARE * 100), "",
          "| ours | / testpmd | / client_server_mp | / OVS-DPDK |", "| --- | ---: | ---: | ---: |"]
    for v in m["variants"]:
        for n in m["chains"]:
            key = "%s/%d" % (v, n)
            if key not in rows:
                continue
            cells = []
            for peer in ("testpmd", "client_server_mp", "ovs-dpdk"):
                q = res["ratios"].get("%s:%s" % (key, peer))
                if q is None:
                    cells.append("-")
                    continue
                extra = "best %.3f" % q["best"]
                if q["fast"] is not None:
                    extra += ", fast %.3f" % q["fast"]
                mark = ("!" if "across cross-core states" in q["caveats"] else "") + (
                    "~" if "CPU-starved runs" in q["caveats"] else "")
                cells.append("%.3f%s (%s)" % (q["ratio"], " " + mark if mark else "", extra))
            L.append("| %s | %s |" % (rows[key]["label"], " | ".join(cells)))
    L += ["", "## Targets", ""]
    for t in res["targets"]:
        L.append("- %s, %s: %s: **%s**%s" % (
            t["variant"], t["what"], t["value"], "met" if t["met"] else "not met",
            " (read with care: %s)" % ", ".join(t["caveats"]) if t["caveats"] else ""))
    if res["latency"]:
        L += ["", "## Latency", "",
              "onvm-pktgen -> net_memif -> manager -> chain -> manager -> net_memif -> "
              "onvm-pktgen. Load is a percentage of the maximum pktgen measured flat out "
              "through the same chain just before (pktgen shares CPU 1 with the NFs, so that "
              "maximum is the sharing's). Median of the repetitions; min-max in brackets.", "",
              "| system | chain | max Mpps | load | rate pps | received pps | lost % | "
              "p50 us | p99 us | p99.9 us | state |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        def spread(s):
            if s["n"] == 1:
                return "%.1f" % s["median"]
            return "%.1f (%.1f-%.1f)" % (s["median"], s["min"], s["max"])
        for r in res["latency"]:
            mx = res["latency_max"].get("%s/%d" % (r["system"], r["chain"]))
            L.append("| %s | %d | %s | %d %% | %.0f | %.0f | %.2f | %s | %s | %s | %s |" % (
                r["system"], r["chain"], fmt(mx["max_pps"] / 1e6, 3) if mx else "-", r["pct"],
                r["rate_pps"], r["rx_pps"]["median"], r["loss_pct"]["median"],
                *[spread(r[p]) for p in ("p50_us", "p99_us", "p999_us")],
                states_txt(r["states"])))
    if res["nf_start"]:
        L += ["", "## NF start to first forwarded packet", "",
              "onvm-simple-forward started again and again on a running manager (chain 1, "
              "net_null, --no-wait); \"start\" is onvm_nf_start() entry (the NF's start_ns), "
              "\"launch\" is just before exec.", "",
              "| system | runs | start -> first packet, ms: median | min | max | "
              "launch -> first packet, ms: median |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for v, s in res["nf_start"].items():
            a, b = s["start_to_first_ms"], s["launch_to_first_ms"]
            L.append("| %s | %d | %.1f | %.1f | %.1f | %.1f |" % (
                v, a["n"], a["median"], a["min"], a["max"], b["median"]))
    if res.get("classifier"):
        L += ["", "## Classifier hit path", "",
              "The manager's RX classification alone (mgr_classify(): parse, one hash, "
              "flow-table lookup) on CPU %d, bursts of 32 frames walking through N flows, "
              "one rule per flow, every lookup a hit (scripts/bench/classifier.sh). "
              "Median of the repetitions, min-max in brackets." % m["fwd_cpu"], "",
              "| flow rules | Mpps median | min | max | ns/pkt | cycles/pkt |",
              "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        for c in sorted(res["classifier"], key=lambda c: c["flows"]):
            L.append("| %d | %.2f | %.2f | %.2f | %.1f | %.1f |" % (
                c["rules"], c["mpps"], c["mpps_min"], c["mpps_max"], c["ns_per_pkt"],
                m["tsc_hz"] / (c["mpps"] * 1e6)))
    if res.get("shared_core"):
        sc = res["shared_core"]
        get = lambda kind, mode, n: next((c for c in sc if c["kind"] == kind and
                                          c["mode"] == mode and c.get("nfs") == n), None)
        L += ["", "## Shared-core mode", "",
              "A chain of N onvm-simple-forward, all on CPU %d, onvm-mgr on CPU %d: polling NFs "
              "against `--shared-core` (idle NFs sleep on a futex and are woken by the enqueue). "
              "Flat out on net_null ports: Mpps out of the ports (median of the repetitions, "
              "min-max in brackets) and the CPU the N NFs used, in cores; idle (a net_ring port "
              "nobody sends to): the CPU the N idle NFs used "
              "(scripts/bench/shared_core.sh)." % (m["fwd_cpu"], m["main_cpu"]), "",
              "| NFs on one core | polling Mpps | shared-core Mpps | shared / polling | "
              "NFs' CPU flat out, polling | shared | idle NFs' CPU, polling | shared |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n in sorted({c["nfs"] for c in sc if c["kind"] == "tput"}):
            p, s_ = get("tput", "poll", n), get("tput", "shared", n)
            ip, is_ = get("idle", "poll", n), get("idle", "shared", n)
            if not p or not s_:
                continue
            L.append("| %d | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.2f | %.2f | %.2f | %s | %s |" % (
                n, p["mpps"], p["mpps_min"], p["mpps_max"], s_["mpps"], s_["mpps_min"],
                s_["mpps_max"], s_["mpps"] / p["mpps"] if p["mpps"] else 0, p["nf_cpu"],
                s_["nf_cpu"], "%.3f" % ip["nf_cpu"] if ip else "-",
                "%.3f" % is_["nf_cpu"] if is_ else "-"))
        wk = [c for c in sc if c["kind"] == "wake"]
        if wk:
            L += ["", "Wake-up latency: onvm-pktgen --nf sends %d pps through one NF, both on "
                  "CPU %d (onvm-mgr on CPU %d); in shared-core mode the NF sleeps between "
                  "packets. Wake-up: TSC "
                  "from the producer's FUTEX_WAKE to the NF running (the NF's histogram, powers "
                  "of 2 us: p50/p99 are bucket upper bounds); round trip: pktgen's." % (
                      wk[0]["rate_pps"], m["fwd_cpu"], m["main_cpu"]), "",
                  "| NF | sleeps | wakes | wake-up mean us | p50 <= us | p99 <= us | max us | "
                  "round trip p50 us | p99 us |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for c in wk:
                L.append("| %s | %d | %d | %.1f | %s | %s | %.1f | %s | %s |" % (
                    "shared-core" if c["mode"] == "shared" else "polling", c["sleeps"],
                    c["wakes"], c["wake_us_mean"], c["wake_us_p50_le"] or "-",
                    c["wake_us_p99_le"] or "-", c["wake_us_max"],
                    "%.1f" % c["rtt_us_p50"] if c["rtt_us_p50"] else "-",
                    "%.1f" % c["rtt_us_p99"] if c["rtt_us_p99"] else "-"))
    if res.get("scale"):
        L += ["", "## Auto-scaling reaction", "",
              "onvm-mgr --scale 1:min=1,max=2,high=60,for=300ms with one slow onvm-monitor "
              "(--work-cycles) on CPU %d and onvm-pktgen over net_memif offering several times "
              "what it takes (\"out\"); and a min-0 service started by its first packets "
              "(\"zero\", --launch). \"overload\" is when the rx rings' occupancy first went "
              "above the high watermark (out) or the first packet was parked (zero); "
              "\"NF start\" is the new instance's onvm_nf_start() entry; all end at its first "
              "forwarded packet (scripts/bench/scale.sh). The new instance starts from the "
              "first one's command line, so on the same, saturated CPU (out)." % m["fwd_cpu"], "",
              "| mode | runs | overload -> first packet, ms: median | min | max | "
              "NF start -> first packet, ms: median | min | max | registered -> first packet, ms |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for c in res["scale"]:
            L.append("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |" % (
                c["mode"], c["runs"], c["overload_to_first_ms"], c["overload_to_first_ms_min"],
                c["overload_to_first_ms_max"], c["start_to_first_ms"], c["start_to_first_ms_min"],
                c["start_to_first_ms_max"], c["register_to_first_ms"]))
    if plots:
        L += ["", "## Plots", ""] + ["![%s](%s)" % (p, p) for p in plots]
    L += ["", "## Checks", ""]
    good = [c for c in res["checks"] if c["ok"]]
    left = [c for c in good if "primary leaves behind" in c["detail"]]
    L.append("%d of %d checks passed: every process stopped with the status expected, mbufs "
             "in use back to 0 in each manager's final stats, no hugepage file, runtime "
             "directory or process of the run's prefixes left (%d of them after removing the "
             "files that testpmd, client_server_mp's server or OVS leave behind as DPDK "
             "primaries do); each one is in bench.json." % (len(good), len(res["checks"]),
                                                            len(left)))
    for c in res["checks"]:
        if not c["ok"]:
            L.append("- FAIL %s: %s" % (c["what"], c["detail"]))
    for s, why in res["skipped"].items():
        L.append("- skipped %s: %s" % (s, why))
    if res["problems"]:
        L += ["", "**Problems:**", ""] + ["- " + p for p in res["problems"]]
    return "\n".join(L) + "\n"


def make_plots(res, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench.py: no matplotlib: no plots (apt-get install python3-matplotlib)",
              file=sys.stderr)
        return []
    m, rows, out = res["meta"], res["throughput"], []

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for v in m["variants"]:
        xs = [n for n in m["chains"] if "%s/%d" % (v, n) in rows]
        if not xs:
            continue
        med = [rows["%s/%d" % (v, n)]["mpps"]["median"] for n in xs]
        lo = [med[i] - rows["%s/%d" % (v, n)]["mpps"]["min"] for i, n in enumerate(xs)]
        hi = [rows["%s/%d" % (v, n)]["mpps"]["max"] - med[i] for i, n in enumerate(xs)]
        ax.errorbar(xs, med, yerr=[lo, hi], marker="o", capsize=4, label="%s (manager + N NFs)" % v)
    styles = {"testpmd": ":", "client_server_mp": "--", "ovs-dpdk": "-."}
    for peer, ls in styles.items():
        if peer in rows:
            ax.axhline(rows[peer]["mpps"]["median"], linestyle=ls, color="grey")
            ax.annotate("%s %.1f" % (rows[peer]["label"], rows[peer]["mpps"]["median"]),
                        (m["chains"][0], rows[peer]["mpps"]["median"]), fontsize=8,
                        xytext=(0, 3), textcoords="offset points")
    ax.set_yscale("log")
    ax.set_xticks(m["chains"])
    ax.set_xlabel("NFs in the chain (all on CPU 1)")
    ax.set_ylabel("Mpps, 64 B, both directions (log)")
    ax.set_title("Throughput on net_null (median, min-max bars), %s" % m["date"], fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "throughput.png"), dpi=110)
    plt.close(fig)
    out.append("throughput.png")

    if res["latency"]:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        keys = sorted({(r["system"], r["chain"]) for r in res["latency"]})
        marks = {"p50_us": "o", "p99_us": "s", "p999_us": "^"}
        for i, (v, n) in enumerate(keys):
            rs = sorted((r for r in res["latency"] if (r["system"], r["chain"]) == (v, n)),
                        key=lambda r: r["pct"])
            for p, mk in marks.items():
                ax.plot([r["pct"] for r in rs], [r[p]["median"] for r in rs], marker=mk,
                        linestyle=["-", "--", ":", "-."][i % 4], color="C%d" % i,
                        label="%s, %d NF%s, %s" % (v, n, "" if n == 1 else "s",
                                                   p[:-3].replace("p999", "p99.9")))
        ax.set_yscale("log")
        ax.set_xlabel("load, % of pktgen's measured maximum through the chain")
        ax.set_ylabel("round-trip latency, us (log)")
        ax.set_title("Latency pktgen -> manager -> chain -> pktgen, %s" % m["date"], fontsize=10)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.grid(True, which="both", alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "latency.png"), dpi=110)
        plt.close(fig)
        out.append("latency.png")
    return out


def main():
    if len(sys.argv) < 2:
        die("usage: bench.py sample|start-times|report ...")
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "sample":
        cmd_sample(argv)
    elif cmd == "start-times":
        cmd_start_times(argv)
    elif cmd == "final":
        cmd_final(argv)
    elif cmd == "report":
        sys.exit(cmd_report(argv))
    else:
        die("unknown command '%s'" % cmd)


if __name__ == "__main__":
    main()

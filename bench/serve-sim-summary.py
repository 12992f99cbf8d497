#!/usr/bin/env python3
"""Prints the simulated-GPU serving benchmark's tables (markdown) from what bench/serve-sim-bench.sh wrote."""
import json, os, re, sys

out, repo = sys.argv[1], sys.argv[2]

def slo(model):
    try:
        text = open(os.path.join(repo, model, "config.pbtxt")).read()
        m = re.search(r'key: "slo_ms" value \{ string_value: "([0-9.]+)"', text)
        return float(m.group(1)) if m else None
    except OSError:
        return None

def metrics(path):
    lines = open(path).read().split("\n")
    vals = {"t": float(lines[0])}
    for l in lines[1:]:
        if l.startswith("# gc"):
            f = l.split()
            if len(f) >= 12:
                vals["fgc"] = float(f[10])  # "# gc" then S0 S1 E O M CCS YGC YGCT FGC ...
            continue
        if l.strip():
            k, v = l.rsplit(" ", 1)
            vals[k.split("{")[0]] = float(v)
    return vals

def device(name):
    b, a = os.path.join(out, name + ".before"), os.path.join(out, name + ".after")
    if not (os.path.exists(b) and os.path.exists(a)):
        return ""
    b, a = metrics(b), metrics(a)
    wall = a["t"] - b["t"]
    busy = a.get("cotenant_gpu_busy_seconds_total", 0) - b.get("cotenant_gpu_busy_seconds_total", 0)
    sm = a.get("cotenant_gpu_sm_busy_seconds_total", 0) - b.get("cotenant_gpu_sm_busy_seconds_total", 0)
    fgc = f"; full collections during the run: {a['fgc'] - b['fgc']:.0f}" if "fgc" in a and "fgc" in b else ""
    return (f"\nsimulated H200 over the run ({wall:.0f} s of wall time): running rounds {100 * busy / wall:.1f}% of the time, "
            f"SMs busy {100 * sm / wall:.1f}%; host process CPU at the end {100 * a.get('nv_cpu_utilization', 0):.0f}% of the cores{fgc}")

def table(title, name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return
    d = json.load(open(path))
    print(f"\n{title}\n")
    print("| model | offered req/s | sent | ok | rejected | errors | lost | ok/s | p50 ms | p90 ms | p99 ms | SLO ms | p99 within SLO |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    tot = 0
    for m in d["models"]:
        s = slo(m["model"])
        rate = m.get("rate")
        tot += m["throughput"]
        print(f"| {m['model']} | {rate if rate is None else round(rate, 2)} | {m['sent']} | {m['ok']} | {m['rejected']} | {m['errors']} | {m['lost']} "
              f"| {m['throughput']:.2f} | {m['p50']:.1f} | {m['p90']:.1f} | {m['p99']:.1f} | {s} | {'yes' if s and m['p99'] <= s else 'no'} |")
    print(f"\nserved in total: {tot:.1f} req/s" + device(name))

table("Capacity: the mix together, closed loop, 4 clients per model, multistream", "capacity")
for r in (1, 2):
    for p in ("regulated", "multistream"):
        table(f"70% of capacity, {p}, round {r}", f"load70-{p}-{r}")
for r in (1, 2):
    for p in ("regulated", "multistream"):
        table(f"fixed offered load, {p}, round {r}", f"fixed-{p}-{r}")
for p in ("regulated", "multistream"):
    table(f"2x capacity, {p}", f"load200-{p}")
    f = os.path.join(out, f"rss-2x-{p}.txt")
    if os.path.exists(f):
        rss = [int(x) for x in open(f).read().split() if x.strip()]
        if rss:
            print(f"\nserver RSS during the 2x {p} run (from start-up): first {rss[0] / 1024:.0f} MiB, max {max(rss) / 1024:.0f} MiB, "
                  f"last {rss[-1] / 1024:.0f} MiB ({len(rss)} samples)")

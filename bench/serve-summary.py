#!/usr/bin/env python3
"""Prints the serving benchmark's tables (markdown) from the JSON that bench/serve-bench.sh wrote."""
import json, os, re, sys

out, repo = sys.argv[1], sys.argv[2]

def slo(model):
    try:
        text = open(os.path.join(repo, model, "config.pbtxt")).read()
        m = re.search(r'key: "slo_ms" value \{ string_value: "([0-9.]+)"', text)
        return float(m.group(1)) if m else None
    except OSError:
        return None

def table(title, path):
    d = json.load(open(path))
    print(f"\n{title}\n")
    print("| model | offered req/s | sent | ok | rejected | errors | lost | ok/s | within SLO/s | p50 ms | p90 ms | p99 ms | SLO ms | p99 within SLO |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for m in d["models"]:
        s = slo(m["model"])
        rate = m.get("rate")
        good = f"{m['goodput']:.2f}" if m.get("sloMs") else "-"
        print(f"| {m['model']} | {rate if rate is None else round(rate, 2)} | {m['sent']} | {m['ok']} | {m['rejected']} | {m['errors']} | {m['lost']} "
              f"| {m['throughput']:.2f} | {good} | {m['p50']:.1f} | {m['p90']:.1f} | {m['p99']:.1f} | {s} | {'yes' if s and m['p99'] <= s else 'no'} |")

cap = json.load(open(os.path.join(out, "capacity.json")))
print("\nCapacity: each model alone, closed loop, 4 clients, regulated (all cores); share = solo / 3\n")
print("| model | solo ok/s | solo p50 ms | solo p99 ms | share of the mix req/s |")
print("|---|---|---|---|---|")
for m in cap["models"]:
    print(f"| {m['model']} | {m['solo_throughput']:.2f} | {m['p50']:.1f} | {m['p99']:.1f} | {m['throughput']:.2f} |")
for r in (1, 2):
    for p in ("regulated", "regulated-search", "multistream"):
        f = os.path.join(out, f"load70-{p}-{r}.json")
        if os.path.exists(f):
            table(f"70% of capacity, {p}, round {r}", f)
f = os.path.join(out, "load200-regulated.json")
if os.path.exists(f):
    table("2x capacity, regulated", f)
    rss = [int(x) for x in open(os.path.join(out, "rss-2x.txt")).read().split() if x.strip()]
    if rss:
        print(f"\nserver RSS during the 2x run: first {rss[0] / 1024:.0f} MiB, max {max(rss) / 1024:.0f} MiB, last {rss[-1] / 1024:.0f} MiB ({len(rss)} samples)")
f = os.path.join(out, "load200-multistream.json")
if os.path.exists(f):
    table("2x capacity, multistream", f)
    reg = {m["model"]: m for m in json.load(open(os.path.join(out, "load200-regulated.json")))["models"]}
    ms = {m["model"]: m for m in json.load(open(f))["models"]}
    print("\n2x capacity, regulated over multistream at the same offered load (answers per second: all / within the SLO)\n")
    print("| model | regulated ok/s | multistream ok/s | ratio | regulated within SLO/s | multistream within SLO/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    ratio = lambda a, b: f"{a / b:.2f}x" if b > 0 else "-"
    for name in list(reg) + ["all"]:
        r = [reg[name]] if name != "all" else list(reg.values())
        m = [ms[name]] if name != "all" else list(ms.values())
        ok_r, ok_m = sum(x["throughput"] for x in r), sum(x["throughput"] for x in m)
        g_r, g_m = sum(x.get("goodput", 0) for x in r), sum(x.get("goodput", 0) for x in m)
        print(f"| {name} | {ok_r:.2f} | {ok_m:.2f} | {ratio(ok_r, ok_m)} | {g_r:.2f} | {g_m:.2f} | {ratio(g_r, g_m)} |")
for r in (1, 2):
    for p in ("regulated", "regulated-search"):
        f = os.path.join(out, f"metrics70-{p}-{r}.txt")
        if os.path.exists(f):
            counts = {l.split("{")[1].split("}")[0]: l.split()[-1] for l in open(f) if l.startswith("cotenant_rounds_together_total")}
            print(f"\n{p}, round {r}: rounds of several ready tenants on an idle device: {counts}")
for p in ("regulated", "regulated-search"):
    f = os.path.join(out, f"server-{p}.log")
    if os.path.exists(f):
        lines = [l.rstrip() for l in open(f) if "round schedule" in l]
        if lines:
            print(f"\nco-location searches in the last {p} server's log:\n")
            for l in lines:
                print("- " + l)

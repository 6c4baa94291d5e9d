"""P4 of bench/run, full scale: P4_USERS users (default 100,000) on a practice site that allows 50
DELETEs/s and answers in 100 ± 30 ms; the release CLI and the window, then Newman beside the CLI
at a size Newman finishes (P4_NEWMAN_USERS, default 2,000).

bench/run imports this file and passes itself in as `bench` (its Site, timed, scenario, table...),
so both share one practice-site harness. The window is driven by
tests/e2e/examples/bench_window.rs (tauri-driver + WebKitWebDriver under Xvfb, as the window
suite runs), which prints its figures as one `BENCH_WINDOW {json}` line.
"""
import concurrent.futures
import csv
import json
import os
import re
import signal
import statistics
import subprocess
from pathlib import Path

USERS = int(os.environ.get("P4_USERS", "100000"))
RUNS = int(os.environ.get("RUNS_P4", "1"))  # a 100,000-user run takes about 35 minutes
NEWMAN_USERS = int(os.environ.get("P4_NEWMAN_USERS", "2000"))
WINDOW = os.environ.get("P4_WINDOW", "1") != "0"  # P4_WINDOW=0 leaves the window column out
TOGETHER = os.environ.get("P4_TOGETHER", "1") != "0"  # the CLI and the window side by side
RATE, LATENCY, JITTER, IN_FLIGHT = 50, 100, 30, 16
START, END = "<!-- p4:start -->", "<!-- p4:end -->"
CSV_FIELDS = ["scenario", "tool", "run", "users", "rows", "wall_s", "wall_per_floor", "exit",
              "removed", "lost", "admins_left", "deletes_sent", "http_429", "max_rss_kib",
              "preflight_s", "preflight_rss_kib", "journal_bytes", "plan_bytes",
              "journal_bytes_per_row", "rss_trace_kib"]


def site_args(users):
    """The practice site's settings (bench/run's scenario adds the seed and the export)."""
    return ["--users", str(users), "--rate", str(RATE), "--latency-ms", str(LATENCY),
            "--jitter-ms", str(JITTER)]


def time_limit(users):
    """Seconds allowed for one run: three times the least the site's limit allows, + 10 min."""
    return int(users / RATE * 3) + 600


def pace_args():
    return ["--max-rate", str(RATE), "--max-in-flight", str(IN_FLIGHT)]


def left_on_site(bench, site, export):
    """(lost, admins left): users the site would still let go, apart from its site admins,
    whom Offboard protects unless told otherwise; and those admins still on it."""
    left = site.still_removable(bench.export_ids(export))
    admins = set(site.site_admins())
    lost = sum(x not in admins for x in left)
    return lost, len(left) - lost


def site_figures(record):
    deletes = [r for r in record if r["method"] == "DELETE"]
    return {"removed": len({r["account_id"] for r in deletes if r["status"] == 204}),
            "deletes_sent": len(deletes), "http_429": sum(r["status"] == 429 for r in deletes)}


def run_files(journal_dir):
    """(journal bytes, plan bytes, rows) of the newest run folder under `journal_dir`."""
    dirs = sorted(p.parent for p in Path(journal_dir).glob("*/journal.jsonl"))
    if not dirs:
        return None, None, None
    d = dirs[-1]
    rows = None
    try:
        rows = json.loads((d / "summary.json").read_text()).get("rows")
    except (OSError, ValueError):
        pass
    if rows is None:  # an older or newer layout: count the plan's rows if it has a list of them
        try:
            rows = len(json.loads((d / "plan.json").read_text())["rows"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return (d / "journal.jsonl").stat().st_size, (d / "plan.json").stat().st_size, rows


def dry_findings(text):
    """The CLI dry run's counts line (`exists=… protected=…`) as a dict, if it printed one."""
    keys = "exists|already_gone|app_accounts|customer_accounts|protected"
    return {k: int(v) for k, v in re.findall(rf"\b({keys})=(\d+)", text)}


def finish_row(row, users):
    row["users"] = users
    row["wall_per_floor"] = round(row["wall_s"] / (users / RATE), 3)
    if row.get("journal_bytes") and row.get("rows"):
        row["journal_bytes_per_row"] = round(row["journal_bytes"] / row["rows"], 1)
    return row


def start_site(bench, work, name, export):
    """A fresh site with P4's settings; 100,000 users take a few seconds to make and export."""
    args = [*site_args(USERS), "--seed", bench.SEED, "--export-csv", str(export)]
    return bench.Site(work, name, args, start_timeout=600)


def run_cli(bench, work, tag):
    """The dry run (timed: the preflight), then the run under /usr/bin/time -v."""
    name = f"{tag}-cli"
    export = work / f"{name}.export.csv"
    site = start_site(bench, work, name, export)
    env = dict(os.environ, OFFBOARD_API_TOKEN=bench.TOKEN)
    base = [str(bench.BIN), "delete", "--site", site.url, "--email", bench.EMAIL, "--csv",
            str(export)]
    runs = work / f"{name}.runs"
    try:
        dry_log = work / f"{name}.dry.log"
        dry_s, dry_code, dry_rss = bench.timed(
            [*base, "--dry-run", "--journal-dir", str(work / f"{name}.dry-runs")], dry_log,
            env=env, rss=True, timeout=time_limit(USERS))
        if dry_code != 0:
            raise SystemExit(f"the CLI's dry run exited {dry_code}:\n{dry_log.read_text()[-3000:]}")
        wall, code, peak = bench.timed([*base, "--yes", *pace_args(), "--journal-dir", str(runs)],
                                       work / f"{name}.offboard.log", env=env, rss=True,
                                       timeout=time_limit(USERS))
        lost, admins_left = left_on_site(bench, site, export)
    finally:
        record = site.stop()
    journal, plan, rows = run_files(runs)
    row = {"tool": "cli", "wall_s": round(wall, 3), "exit": code, "lost": lost,
           "admins_left": admins_left, "max_rss_kib": peak, "preflight_s": round(dry_s, 3), "preflight_rss_kib": dry_rss,
           "journal_bytes": journal, "plan_bytes": plan, "rows": rows, **site_figures(record),
           "dry_run": dry_findings(dry_log.read_text(errors="replace"))}
    return finish_row(row, USERS)


def window_command(bench, driver, args):
    """The driver under Xvfb (and a throwaway keyring and D-Bus session when the machine has
    them), with tauri-driver found or installed as tests/e2e/env.sh does for the window suite."""
    keyring = "" if os.environ.get("P4_NO_KEYRING") else str(bench.ROOT / ".ci" / "with-keyring")
    script = ('source tests/e2e/env.sh && e2e_tools "$PWD" >&2 && k=$1 && shift && '
              'exec ${k:+"$k"} xvfb-run -a -s "$E2E_XVFB_SCREEN" "$@"')
    return ["bash", "-c", script, "bash", keyring, str(driver), *args]


def stop_group(proc):
    """SIGTERM to the process group we started for the driver, then SIGKILL after 30 s."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def run_window(bench, work, tag, driver):
    name = f"{tag}-window"
    export = work / f"{name}.export.csv"
    site = start_site(bench, work, name, export)
    limit = time_limit(USERS)
    env = dict(os.environ, OFFBOARD_API_TOKEN=bench.TOKEN, OFFBOARD_E2E_APP=str(bench.BIN))
    log_file = work / f"{name}.driver.log"
    args = ["--site", site.url, "--email", bench.EMAIL, "--export", str(export), "--rate",
            str(RATE), "--in-flight", str(IN_FLIGHT), "--limit-s", str(limit)]
    got, error, lost, admins_left = None, None, None, None
    try:
        with open(log_file, "wb") as out:
            # The driver bounds itself (its run by `limit`, the steps before it by 2 × 30 min);
            # this timeout is the last resort, and the driver's own process group lets it end
            # Xvfb, tauri-driver and the app too.
            proc = subprocess.Popen(window_command(bench, driver, args), cwd=bench.ROOT, env=env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = proc.wait(timeout=limit + 4200)
            except subprocess.TimeoutExpired:
                stop_group(proc)
                raise
        text = log_file.read_text(errors="replace")
        lines = [ln for ln in text.splitlines() if ln.startswith("BENCH_WINDOW ")]
        if code == 0 and lines:
            got = json.loads(lines[-1].split(" ", 1)[1])
        else:
            panic = [ln for ln in text.splitlines() if "panicked" in ln or "timed out" in ln]
            error = (panic[0] if panic else f"exit {code}")[:300]
            bench.log(f"{name}: the window driver failed ({error}); its output:\n{text[-4000:]}")
        lost, admins_left = left_on_site(bench, site, export) if got else (None, None)
    except subprocess.TimeoutExpired:
        error = "the window driver did not finish in time"
    finally:
        record = site.stop()
    if got is None:
        return {"tool": "window", "error": error, "wall_s": None, "users": USERS}
    row = {"tool": "window", "wall_s": got["wall_s"], "exit": 0 if got["finished"] else 1,
           "lost": lost, "admins_left": admins_left, "max_rss_kib": got["peak_rss_kib"],
           "preflight_s": got["dry_run_s"],
           "journal_bytes": got["journal_bytes"], "plan_bytes": got["plan_bytes"],
           "rows": got["rows"], "window": got, **site_figures(record),
           "rss_trace_kib": " ".join(str(t["rss_kib"]) for t in got["trace"])}
    return finish_row(row, USERS)


def build_driver(bench):
    """The window driver, a debug build of the e2e workspace (the app it drives is release)."""
    bench.log("building the window driver (tests/e2e, example bench_window)")
    bench.sh(["cargo", "build", "--locked", "--manifest-path", str(bench.ROOT / "tests" / "e2e" /
              "Cargo.toml"), "--example", "bench_window"], timeout=3600, cwd=bench.ROOT)
    return bench.ROOT / "tests" / "e2e" / "target" / "debug" / "examples" / "bench_window"


def run(bench, work):
    """All of P4; returns its rows (P4 at full size, then P4-newman at the smaller size)."""
    driver = build_driver(bench) if WINDOW else None
    rows = []
    for n in range(1, RUNS + 1):
        # The command line and the window run at the same time, each on its own practice site:
        # both spend their 35 minutes waiting on the 50/s pace, and one after the other would
        # make P4 take well over an hour. P4_TOGETHER=0 runs them one after the other.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2 if TOGETHER else 1) as pool:
            cli = pool.submit(run_cli, bench, work, f"p4-{n}")
            window = pool.submit(run_window, bench, work, f"p4-{n}", driver) if driver else None
            tools = [cli.result()] + ([window.result()] if window else [])
        bench.log(f"p4 run {n} cli: { {k: v for k, v in tools[0].items() if k != 'dry_run'} }")
        if window:
            w = {k: v for k, v in tools[-1].items() if k != "window"}
            bench.log(f"p4 run {n} window: {w}")
        rows += [{"scenario": "P4", "run": n, **r} for r in tools]
    for n in range(1, bench.RUNS + 1):
        for r in bench.scenario(work, f"p4n-{n}", site_args(NEWMAN_USERS), rss=True,
                                offboard_args=pace_args(), timeout=4 * 3600,
                                spare_admins=True):
            rows.append(finish_row({"scenario": "P4-newman", "run": n, **r}, NEWMAN_USERS))
    return rows


def _values(rows, scen, tool, key, scale=1.0):
    vals = [r.get(key) for r in rows if r["scenario"] == scen and r["tool"] == tool]
    return [v * scale for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _duration(seconds):
    if seconds >= 5400:
        return f"about {seconds / 3600:.1f} hours"
    return f"about {seconds / 60:.0f} minutes" if seconds >= 120 else f"about {seconds:.0f} s"


def _page_heap_by_tenth(window, trace, full_only):
    """Per trace point, the page's heap after the latest (full, or any) collection by then (KiB,
    or None before the first one)."""
    if full_only:
        logged = [(d, k) for d, k in window.get("js_full_gcs") or []]
        latest = window.get("js_heap_before_run_kib")
    else:
        logged = [(d, k) for d, _, k in window.get("js_collections") or []]
        latest = window.get("js_heap_last_before_run_kib")
    out, i = [], 0
    for t in trace:
        while i < len(logged) and logged[i][0] <= t["decided"]:
            latest = logged[i][1]
            i += 1
        out.append(latest)
    return out


def _mib(kib):
    return f"{kib / 1024:.0f}"


def section(bench, rows, before, after):
    """The P4 section of BENCHMARKS.md, between its markers."""
    floor = USERS / RATE
    n0, para, table = "{:.0f}", bench.para, bench.table

    def col(tool, key, fmt="{:.1f}", scale=1.0, scen="P4"):
        return bench.spread(_values(rows, scen, tool, key, scale), fmt)

    def both(key, fmt="{:.1f}", scale=1.0):
        return [col("cli", key, fmt, scale), col("window", key, fmt, scale)]

    cli_walls = _values(rows, "P4", "cli", "wall_s")
    windows = [r for r in rows if r["scenario"] == "P4" and r["tool"] == "window"]
    failed = next((r["error"] for r in windows if r.get("error")), None)
    last = next((r["window"] for r in reversed(windows) if r.get("window")), None)
    each = statistics.median(cli_walls) if cli_walls else floor
    runs_words = (f"One run of each ({_duration(each)} each at this size), so single figures,"
                  " not medians." if RUNS == 1 else
                  f"Medians of {RUNS} runs, min–max in brackets.")
    out = [START, f"## P4 full scale: {USERS:,} users, the site allows {RATE} DELETEs/s, replies "
                  f"{LATENCY} ± {JITTER} ms\n",
           para("Each tool run gets a fresh practice site started with `--users", f"{USERS}",
                f"--seed {bench.SEED} --rate {RATE} --latency-ms {LATENCY} --jitter-ms {JITTER}`",
                "and its generated export (every user plus the admin running the tool). The",
                "command line first runs `offboard delete --dry-run` (its wall time is the",
                "*dry run* row), then `offboard delete --yes --max-rate 50 --max-in-flight 16`",
                "under `/usr/bin/time -v`. The window is the same release build driven through",
                "tauri-driver and WebKitWebDriver under Xvfb",
                "(`tests/e2e/examples/bench_window.rs`): it connects, takes the export as a",
                "dropped file, selects every row it may, runs the dry run (timed from the click to",
                "its counts), sets the pace to 50/s and 16 in flight and starts the run. Its wall",
                "time runs from the click on Start to the look-up after the run, as the",
                f"command's runs from launch to exit. {runs_words}",
                "The command line and the window run at the same time, each against its own",
                "site (`P4_TOGETHER=0` runs them one after the other)." if TOGETHER and WINDOW
                else ""),
           para(f"Machine: {before['nproc']} cores ({before['cpu']}), {before['memory']} of",
                f"memory, {before['kernel']}; {before['offboard']}; run {before['date']}. Load",
                f"average {' '.join(before['load'])} at the start and {' '.join(after['load'])}",
                "at the end (other work may have shared the machine).")]
    if failed:
        out.append(para(f"**The window's run failed** ({failed}); its column is empty. The",
                        "driver's output is in the bench log (rerun with KEEP=1 to keep it)."))
    out.append(table(["", "Offboard CLI", "Offboard window"], [
        ["Rows in the run", *both("rows", n0)],
        ["Wall time (s)", *both("wall_s")],
        [f"Wall ÷ {floor:,.0f} s ({USERS:,} ÷ {RATE}; goal ≤ 1.05)",
         *both("wall_per_floor", "{:.3f}")],
        ["429s received", *both("http_429", n0)],
        ["DELETEs sent", *both("deletes_sent", n0)],
        ["Users removed", *both("removed", n0)],
        ["Users lost", *both("lost", n0)],
        ["Site admins left (protected)", *both("admins_left", n0)],
        ["Peak RSS (MiB)", *both("max_rss_kib", scale=1 / 1024)],
        ["Dry run (s)", *both("preflight_s")],
        ["Journal bytes per row", *both("journal_bytes_per_row", n0)],
        ["journal.jsonl (MB)", *both("journal_bytes", "{:.2f}", 1e-6)],
        ["plan.json (MB)", *both("plan_bytes", "{:.2f}", 1e-6)],
    ]))
    out.append(para(
        f"*Wall ÷ {floor:,.0f} s*: {floor:,.0f} s is the least time the site's limit allows for",
        f"{USERS:,} DELETEs (the caller and the protected site admins get none, so the true",
        "floor is a few rows lower). *429s*, *DELETEs sent* and *removed* come from the site's",
        "record; *lost* as in P1, but the site's `site-admins` members still on it count apart",
        "(*site admins left*): Offboard protects them unless told to remove them, by design.",
        "*Rows in the run*: the run's `summary.json` (the command's plan holds",
        "every row of the export, protected ones as skipped; the window's holds the rows it",
        "could select). *Journal bytes per row*: `journal.jsonl` ÷ rows. *Peak RSS*: the",
        "command's from `/usr/bin/time -v` (dry run apart:",
        f"{col('cli', 'preflight_rss_kib', scale=1 / 1024)} MiB); the window's is the sum of",
        "VmRSS over the app's process tree (the app, WebKit's web and network processes), read",
        "from /proc once a second from Start to the end (shared pages count once per process)."))
    if last:
        trace = last["trace"]
        out.append(para(
            "The window's memory through the run (its last run): the app's process tree before",
            f"Start {_mib(last['rss_before_run_kib'])} MiB (after importing",
            f"{last['selected']:,} selected rows in {last['import_s']:.1f} s and the dry run),",
            "then at each tenth of the rows decided:"))
        full = _page_heap_by_tenth(last, trace, True)
        memory = [["Process tree (MiB)", *[_mib(t["rss_kib"]) for t in trace]],
                ["App process (MiB)", *[_mib(t["app_rss_kib"]) for t in trace]],
                ["Page's JS heap, full (MiB)", *[_mib(k) if k else "" for k in full]]]
        if "js_collections" in last:
            anyc = _page_heap_by_tenth(last, trace, False)
            memory.append(["Page's JS heap, any (MiB)", *[_mib(k) if k else "" for k in anyc]])
        out.append(table(["Rows decided", *[f"{t['pct']} %" for t in trace]], memory))
        fulls = [k for _, k in last.get("js_full_gcs") or []]
        every = last.get("js_collections") or []
        if "js_heap_before_run_kib" in last:
            during = (f"the run saw {len(fulls)} full collection{'s' if len(fulls) != 1 else ''}"
                      + (f", after which it held {_mib(min(fulls))}–{_mib(max(fulls))} MiB"
                         if len(fulls) > 1 else
                         f", after which it held {_mib(fulls[0])} MiB" if fulls else ""))
            out.append(para(
                "*Page's JS heap*: what JavaScriptCore itself logs (`JSC_logGC=1`) as the page's",
                "heap after its latest *full* collection by then (what the page holds)"
                + (" and, *any*, after its latest collection of any kind (an eden one still"
                   " counts old objects dead since the last full one: an upper bound)."
                   if every else "."),
                "Garbage not yet collected and memory the allocator keeps do not count.",
                f"Before Start it held {_mib(last.get('js_heap_before_run_kib') or 0)} MiB after",
                f"its last full collection; {during}"
                + (f"; {len(every)} collections in all." if every else ".")))
        peaks = ", ".join(f"{name} {_mib(kib)} MiB"
                          for name, kib in last["peak_hwm_by_process_kib"].items())
        out.append(para("Each process's own peak over the whole session (VmHWM, import and dry",
                        f"run included): {peaks}."))
    cli_dry = next((r.get("dry_run") for r in rows if r["scenario"] == "P4"
                    and r["tool"] == "cli" and r.get("dry_run")), None)
    if cli_dry or last:
        keys = ["exists", "already_gone", "app_accounts", "customer_accounts", "protected"]
        win = {k.replace("-", "_"): v for k, v in (last or {}).get("dry_run", {}).items()}

        def cell(d, k):
            return "" if d.get(k) is None else f"{d[k]:,}"

        out.append(para("What the dry runs found (the window's selection leaves out the rows",
                        "it locks, so it counts no protected ones):"))
        out.append(table(["Dry run", *[k.replace("_", " ") for k in keys]], [
            ["Offboard CLI", *[cell(cli_dry or {}, k) for k in keys]],
            ["Offboard window", *[cell(win, k) for k in keys]],
        ]))
    out += newman_part(bench, rows)
    out.append(para("Rerun P4 alone with `ONLY=P4 bench/run` (it rewrites only this section and",
                    "`benchmarks-p4.csv`); `P4_USERS`, `P4_NEWMAN_USERS` and `RUNS_P4` change its",
                    "sizes and runs, `P4_WINDOW=0` leaves the window out, `SKIP_P4=1 bench/run`",
                    "runs P1–P3 and keeps this section."))
    out.append(END + "\n")
    return "\n".join(out)


def newman_part(bench, rows):
    n, scen = NEWMAN_USERS, "P4-newman"
    nw = _values(rows, scen, "newman", "wall_s")
    if not nw:
        return []
    n0, floor = "{:.0f}", n / RATE

    def both(key, fmt="{:.1f}", scale=1.0):
        return [bench.spread(_values(rows, scen, t, key, scale), fmt)
                for t in ("newman", "offboard")]

    per_row = statistics.median(nw) / n
    return [
        f"### Beside Newman: {n:,} users on the same site settings\n",
        bench.para(
            "Newman sends one request and waits for its reply before the next, so at",
            f"{LATENCY} ± {JITTER} ms a reply it takes {per_row * 1000:.0f} ms a row here:",
            f"{USERS:,} rows would take {_duration(per_row * USERS)}. It is not run",
            f"at full scale; both tools get {n:,} users on a site with the settings above,",
            "where Newman finishes in minutes (Offboard: the command line at 50/s, 16 in flight).",
            f"Medians of {bench.RUNS} run{'s' if bench.RUNS > 1 else ''}, min–max in brackets."),
        bench.table(["", "Newman (KB collection)", "Offboard CLI"], [
            ["Wall time (s)", *both("wall_s")],
            [f"Wall ÷ {floor:,.0f} s ({n:,} ÷ {RATE})", *both("wall_per_floor", "{:.2f}")],
            ["Users removed", *both("removed", n0)],
            ["Users lost", *both("lost", n0)],
            ["Site admins left", *both("admins_left", n0)],
            ["429s received", *both("http_429", n0)],
            ["DELETEs sent", *both("deletes_sent", n0)],
            ["Peak RSS (MiB, `/usr/bin/time -v`)", *both("max_rss_kib", scale=1 / 1024)],
        ]),
        bench.para("One request at a time never reaches the site's 50/s, so Newman meets no 429",
                   "here; its wall time is the sum of the replies' latencies."),
    ]


def splice(doc, part):
    """`doc` with its P4 section replaced by `part` (or `part` put before "## Rerun")."""
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        return head + part.rstrip("\n") + rest.split(END, 1)[1]
    if "\n## Rerun\n" in doc:
        head, rest = doc.split("\n## Rerun\n", 1)
        return head + "\n" + part + "\n## Rerun\n" + rest
    return doc.rstrip("\n") + "\n\n" + part


def existing(doc):
    """The P4 section already in `doc`, if any."""
    if START in doc and END in doc:
        return START + doc.split(START, 1)[1].split(END, 1)[0] + END + "\n"
    return None


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, restval="", extrasaction="ignore")
        w.writeheader()
        w.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)

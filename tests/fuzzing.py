"""Fuzzing tthc: mutants of the bundled plans and random command lines, run through the real CLI in-process.

Used by tests/test_fuzz.py (a few hundred cases in CI) and benchmarks/fuzz.py (thousands). Run as a
script it is the worker: it limits its own memory, runs each case under an alarm, and prints one JSON
summary line:

    python tests/fuzzing.py plans SEED N FOLDER    mutants of the bundled plans, each through one command
    python tests/fuzzing.py argv SEED N FOLDER     random command lines against the bundled plans

A case fails when the CLI prints a traceback, exits with 70 (an unforeseen error), leaves a crash
report, raises out of `main`, or exits with a code outside the documented table. A case that runs
longer than CASE_SECONDS is a hang.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

from tthc_cli.errors import EXIT_CODES, EXIT_INTERNAL, EXIT_INTERRUPTED, LockedError

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
MEMORY_LIMIT = 2 * 1024 ** 3
CASE_SECONDS = 20
DOCUMENTED = {code for code, _, _ in EXIT_CODES} - {EXIT_INTERNAL, LockedError.exit_code, EXIT_INTERRUPTED}

SCALARS = [
    "", "~", "null", "yes", "no", "on", "017", "0o17", "0x1F", "1e309", "-1", "-0", ".nan", "2026-02-30",
    "9999-12-31", "0000-01-01", "Quý V/2026", "Quý 0/2026", "Tháng 13/2026", "ngày 32/1/2026", "Thường xuyên",
    "Trước ngày 31/02/2026", "6 tháng/lần", "Khi có hướng dẫn", "!!int x", "!!float y", "!!binary zz", "!!timestamp q",
    "!!python/object:os.system x", "!foo bar", "&a", "*a", "*nowhere", "&a [*a]", "[", "]", "{", "}", "'", '"', "\t",
    "\x1b[31mđỏ\x1b[0m", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\u202eabc", "\u2028", "\x85", "\x00", "\x7f",
    "💥", "a" * 5000, ":", "- ", "#", "|", ">", "%", "@x", "`x", "=HYPERLINK(\"http://x\")", "+1", "VP/HĐND",
    "TT\r\nBcc: x@y", "..", "../../etc/passwd", "Văn phòng, " * 200, "[1, [2, [3, [4]]]]", "{a: 1, a: 2}",
    "<<: *a", "? complex key", "!!set {a, b}", "2026", "2026-2027", "2025-07-01..2025-12-31", "2026-12-31..2026-01-01",
]
UNICODE = ["Ð", "đ", "ư", "ơ", "ạ", "ắ", "\u0301", "\u0323", "ﬁ", "\ufeff", "\u200b", "\U0001f4a5", "\udcff"]


def mutate(text: str, rng: random.Random) -> str:
    """A plan file with 1–4 random edits of the kinds people and tools make (and attackers)."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(11)
        if op == 0:
            del lines[i]
        elif op == 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 2:
            lines[i] = rng.choice(["", " ", "  ", "\t", "    "]) + lines[i].lstrip() if rng.random() < 0.5 \
                else lines[i][rng.randint(0, 3):]
        elif op == 3 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(SCALARS)}"
        elif op == 4 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(['[]', '{}', '[a, b]', '{x: 1}', '- a', '&r [*r]', '*r', '!!str', '|'])}"
        elif op == 5:
            lines.insert(i, lines[i])
        elif op == 6:
            cut = rng.randrange(len(text) + 1)
            return text[:cut]
        elif op == 7:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rng.choice(UNICODE) + lines[i][pos:]
        elif op == 8:
            lines.insert(i, rng.choice(["---", "...", "%YAML 1.1", "? x", "<<: *a", "x: &a 1", "- &b [*b]", "!!map"]))
        elif op == 9 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: &anc{i} {lines[i].split(':', 1)[1].strip() or 'x'}"
            lines.insert(min(len(lines), i + rng.randint(1, 20)), f"{key}: *anc{i}")
        else:
            lines[i] = lines[i].replace(":", "", 1) if rng.random() < 0.5 else lines[i] + rng.choice([" #", " :", ","])
    return "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")


PLAN_COMMANDS = [
    ["validate"], ["due", "--all"], ["due", "--unit", "TTPVHCC"], ["list", "--all", "-f", "json"], ["check"],
    ["report", "--period", "Năm 2026", "-f", "csv"], ["report", "--period", "Quý II/2026", "-f", "md"], ["ics"],
    ["units"], ["show", "I.1"], ["overdue", "-f", "csv"], ["digest", "--all", "--out", "{out}", "--force"],
    ["report", "--period", "Năm 2026", "-f", "xlsx", "-o", "{out}/r.xlsx", "--force"],
]

COMMANDS = ["due", "overdue", "list", "show", "done", "undo", "trigger", "history", "check", "report", "validate",
            "resolve", "units", "ics", "digest", "import", "config", "schema", "khong-co", "--version", "--help", ""]
OPTIONS = ["--unit", "-u", "--role", "--within", "-w", "--today", "--plans", "-p", "--status", "-s", "--format", "-f",
           "--all", "-a", "--db", "--no-cache", "--roll-forward", "--period", "-o", "--output", "--force", "--date",
           "-d", "--due-in", "--due", "--evidence", "-e", "--note", "--milestone", "-m", "--occurrence", "-k",
           "--alarm-days", "--send", "--out", "--always", "--resend", "--explain", "--strict", "--config", "--id",
           "--", "-", "-x", "--unknown"]
VALUES = ["TTPVHCC", "VP", "khong-co", "lead", "support", "any", "x", "14d", "2w", "1m", "10wd", "0", "-5", "99999",
          "9999m", "2026-06-01", "01/06/2026", "15/13", "31/02/2026", "9999-12-31", "0001-01-01", "hôm qua",
          "Quá hạn", "quá hạn", "table", "json", "csv", "md", "xlsx", "xml", "Quý II/2026", "quy 2/2026",
          "6 tháng đầu năm 2026", "Năm 2026", "2026-04-01..2026-06-30", "2026-06-30..2026-04-01", "", " ",
          "\x1b[2J", "a" * 3000, "I.1", "III.4", "xuan-truong-cchc-2026:I.1", "Ban hành", "{plans}", "{out}/a.ics",
          "{out}", "{db}", "/dev/null", "/dev/zero", "/", ".", "..", "-1", "365", "366", "1e9", "None", "💥", "Đ"]


def random_argv(rng: random.Random) -> list[str]:
    argv = [rng.choice(COMMANDS)]
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.55:
            argv += [rng.choice(OPTIONS), rng.choice(VALUES)]
        elif r < 0.8:
            argv.append(rng.choice(OPTIONS))
        else:
            argv.append(rng.choice(VALUES))
    return [a for a in argv if a != ""] or ["--help"]


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def run_cli(argv: list[str], folder: Path) -> dict:
    """One in-process run of `tthc ARGV`: its exit code, output sizes, and what went wrong if anything."""
    from tthc_cli import cli

    crashes_before = set((folder / "cache").glob("tthc-crash-*"))
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    code, problem = None, None
    start = time.monotonic()
    signal.alarm(CASE_SECONDS)
    try:
        code = cli.main(argv)
    except _Timeout:
        problem = "hang"
    except BaseException:  # noqa: BLE001 - anything out of main is a failure to report
        problem = "raised: " + traceback.format_exc()[-1500:]
    finally:
        signal.alarm(0)
        sys.stdout, sys.stderr = saved
    seconds = time.monotonic() - start
    texts = []
    for stream in (out, err):
        try:
            stream.flush()
            texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))
        except (ValueError, OSError):
            texts.append("")
    if problem is None:
        if "Traceback" in texts[0] or "Traceback" in texts[1]:
            problem = "traceback: " + texts[1][-1500:]
        elif code == EXIT_INTERNAL or set((folder / "cache").glob("tthc-crash-*")) - crashes_before:
            problem = "crash: " + texts[1][-500:]
        elif code not in DOCUMENTED:
            problem = f"exit {code}: {texts[1][-300:]}"
    return {"argv": argv, "code": code, "seconds": round(seconds, 3), "problem": problem}


def _prepare(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(folder)
    for sub in ("home", "cache", "out"):
        (folder / sub).mkdir(exist_ok=True)
    os.environ.update({"HOME": str(folder / "home"), "TTHC_CACHE_DIR": str(folder / "cache"), "COLUMNS": "80",
                       "NO_COLOR": "1", "TTHC_TODAY": "2026-06-01", "TTHC_USER": "fuzz"})
    for key in ("TTHC_PLANS", "TTHC_DB", "TTHC_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ.pop(key, None)


def fuzz_plans(seed: int, n: int, folder: Path) -> list[dict]:
    rng = random.Random(seed)
    sources = sorted(PLANS.glob("*.yaml"))
    texts = {p.name: p.read_text(encoding="utf-8") for p in sources}
    results = []
    plans = folder / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    good = sources[0].name
    (plans / good).write_text(texts[good], encoding="utf-8")
    for k in range(n):
        name = rng.choice(sorted(texts))
        mutant = mutate(texts[name], rng)
        target = plans / "mutant.yaml"
        target.write_bytes(mutant.encode("utf-8", "surrogatepass"))
        command = [a.replace("{out}", str(folder / "out")) for a in rng.choice(PLAN_COMMANDS)]
        r = run_cli([*command, "--plans", str(plans)] if command[0] != "validate" else [*command, str(plans)], folder)
        r["case"] = f"plans seed={seed} #{k} from {name}"
        if r["problem"]:
            (folder / f"failing-{k}.yaml").write_bytes(mutant.encode("utf-8", "surrogatepass"))
        results.append(r)
    return results


def fuzz_argv(seed: int, n: int, folder: Path) -> list[dict]:
    import shutil

    rng = random.Random(seed)
    plans = folder / "plans"
    if not plans.exists():
        shutil.copytree(PLANS, plans)
    os.environ["TTHC_PLANS"] = str(plans)
    results = []
    subs = {"{plans}": str(plans), "{out}": str(folder / "out"), "{db}": str(folder / "p.db")}
    for k in range(n):
        argv = random_argv(rng)
        for key, value in subs.items():
            argv = [a.replace(key, value) for a in argv]
        r = run_cli(argv, folder)
        r["case"] = f"argv seed={seed} #{k}"
        results.append(r)
    return results


def main() -> None:
    mode, seed, n, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]).resolve()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _alarm)
    sys.path.insert(0, str(ROOT / "src"))
    _prepare(folder)
    results = (fuzz_plans if mode == "plans" else fuzz_argv)(seed, n, folder)
    codes: dict[str, int] = {}
    for r in results:
        codes[str(r["code"])] = codes.get(str(r["code"]), 0) + 1
    failures = [r for r in results if r["problem"]]
    slowest = max(results, key=lambda r: r["seconds"]) if results else None
    print(json.dumps({"mode": mode, "seed": seed, "cases": len(results), "codes": codes,
                      "failures": failures[:20], "failed": len(failures),
                      "hangs": sum(1 for r in failures if r["problem"] == "hang"),
                      "slowest": slowest, "seconds": round(sum(r["seconds"] for r in results), 1)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()

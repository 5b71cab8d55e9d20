"""Run the benchmarks: `python -m nongsan.bench [name ...] [--engines sqlite,postgresql]`."""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from nongsan.bench import BENCHMARKS

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "BENCHMARKS.md"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

HEADER = """# Benchmarks

Measured by `make bench` (`python -m nongsan.bench`); each section is rewritten when its benchmark
runs again. Targets come from the issues; timings are wall-clock on the machine named.
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "?"
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM, Python {platform.python_version()}"


def database_url(engine: str, name: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tempfile.gettempdir()}/nongsan-bench-{name}.sqlite3"
    db = f"nongsan_bench_{name}"
    subprocess.run(
        ["psql", "-q", f"{PG_ADMIN_URL}/postgres", "-c", f"DROP DATABASE IF EXISTS {db}"],
        check=True,
    )
    subprocess.run(
        ["psql", "-q", f"{PG_ADMIN_URL}/postgres", "-c", f"CREATE DATABASE {db}"], check=True
    )
    return f"{PG_ADMIN_URL}/{db}"


def run_one(name: str, engine: str) -> list[list[str]]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url(engine, name),
        DEBUG="0",
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
    )
    if engine == "sqlite":
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "nongsan.bench.worker", name, engine],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_section(name: str, title: str, body: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    block = f"<!-- bench:{name} -->\n## {title}\n\n{body}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    RESULTS.write_text(text.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=BENCHMARKS)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    for name in args.names:
        module = __import__(f"nongsan.bench.{name}", fromlist=["TITLE"])
        lines = [f"Machine: {machine()}.", ""]
        for engine in args.engines.split(","):
            print(f"== {name} on {engine}", flush=True)
            rows = run_one(name, engine)
            lines += [f"**{engine}**", "", "| measure | value |", "|---|---|"]
            lines += [f"| {measure} | {value} |" for measure, value in rows]
            lines.append("")
            for measure, value in rows:
                print(f"  {measure}: {value}")
        write_section(name, module.TITLE, "\n".join(lines))
    print(f"Results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

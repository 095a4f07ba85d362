"""Run every benchmark in bench/ (files named bench_*.py or listed below) and print their figures.

Each benchmark is a script with a main() that prints its own figures; this runner only calls
them in turn, so `make bench` is one command. Budgets are in DESIGN.md and the issues.
"""

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")


def benchmarks(selected: list[str]) -> list[Path]:
    scripts = sorted(path for path in HERE.glob("*.py") if path.name not in {"run.py", "common.py"})
    if selected:
        scripts = [path for path in scripts if path.stem in selected]
    return scripts


def main() -> int:
    scripts = benchmarks(sys.argv[1:])
    if not scripts:
        print("No benchmarks yet.")
        return 0
    for script in scripts:
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {script.stem}")
        started = time.perf_counter()
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

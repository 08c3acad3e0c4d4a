"""Print the mutation score of every mutated module from mutmut's results (mutants/**/*.py.meta).

    python scripts/mutation_scores.py [--survivors] [--markdown]

A mutant counts as run when mutmut ran tests against it or found that no test reaches it (both are
mutants the suite fails to kill); killed includes timeouts (the tests did not let the mutant pass).
Not-checked mutants (an interrupted run) are shown apart. Exit status 1 when nothing was run.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

# mutmut 3's exit codes (mutmut/stats.py): 1 and 3 killed, 0 survived, 5 and 33 no tests, 36 and the
# SIGXCPU codes timeout, None not checked.
KILLED = {1, 3}
TIMEOUT = {36, -24, 24, 152, 255}
NO_TESTS = {5, 33}


def module_of(meta: Path) -> str:
    return str(meta.relative_to("mutants")).removesuffix(".meta")


def main(argv: list[str]) -> int:
    metas = sorted(Path("mutants").glob("**/*.py.meta"))
    rows, survivors = [], []
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        killed = sum(code in KILLED for code in codes.values())
        timeout = sum(code in TIMEOUT for code in codes.values())
        no_tests = sum(code in NO_TESTS for code in codes.values())
        survived = sum(code == 0 for code in codes.values())
        unchecked = sum(code is None for code in codes.values())
        run = len(codes) - unchecked
        rows.append((module_of(meta), run, killed + timeout, timeout, survived, no_tests, unchecked))
        survivors += [name for name, code in codes.items() if code == 0 or code in NO_TESTS]
    if not rows:
        print("没有 mutmut 的结果（mutants/ 下没有 .meta 文件）：先运行 make mutation。", file=sys.stderr)
        return 1
    markdown = "--markdown" in argv
    header = ("module", "run", "killed", "(timeout)", "survived", "no tests", "not checked", "score")
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + " --- |" * len(header))
    else:
        print(f"{header[0]:<38}" + "".join(f"{h:>12}" for h in header[1:]))
    total_run = total_killed = 0
    for module, run, killed, timeout, survived, no_tests, unchecked in rows:
        score = f"{100 * killed / run:.1f} %" if run else "—"
        cells = (run, killed, timeout, survived, no_tests, unchecked, score)
        total_run, total_killed = total_run + run, total_killed + killed
        if markdown:
            print(f"| {module} | " + " | ".join(str(c) for c in cells) + " |")
        else:
            print(f"{module:<38}" + "".join(f"{c!s:>12}" for c in cells))
    if total_run:
        print(f"\nall: {total_killed} / {total_run} killed ({100 * total_killed / total_run:.1f} %)")
    if "--survivors" in argv:
        print("\nsurviving mutants (`mutmut show NAME` prints the diff):")
        for name in survivors:
            print("  ", name)
    return 0 if total_run else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Command line: ``python -m course_tools <command>`` (the Makefile wraps the common ones)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from shared_utils.paths import REPO_ROOT

from . import classroom, grading, releases, report
from .layout import assignments, nbgrader
from .registry import DATASETS, WEIGHTS, resolve


def cmd_release(args: argparse.Namespace) -> int:
    chosen = assignments(args.assignments)
    with tempfile.TemporaryDirectory(prefix="cnn-release-") as tmp:
        generated = releases.build_releases(Path(tmp), chosen)
        if args.check:
            problems = releases.release_differences(generated)
            print("\n".join(problems) or "release/ is up to date with source/.")
            return 1 if problems else 0
        releases.install_releases(generated, chosen)
    print(f"Regenerated release/ for: {', '.join(a.name for a in chosen)}")
    return 0


def _report(results: list[grading.Result], root: Path) -> None:
    """What an instructor reads after grading: the grades, the score histograms and the tests that fail
    most, in the terminal and as files (our CSV with each outcome, nbgrader's own export, a PNG)."""
    print(report.grade_table(results))
    print()
    print(report.class_summary(results))
    written = [report.write_csv(results, root / "grades.csv")]
    export = nbgrader("export", "--to", "nbgrader_grades.csv", cwd=root, check=False)
    if export.returncode == 0:
        written.append(root / "nbgrader_grades.csv")
    picture = report.save_class_summary(results, root / "class_summary.png")
    written += [picture] if picture else []
    print("\nWritten: " + ", ".join(str(path) for path in written))


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    chosen = assignments(args.assignments)
    print(f"Demo class in {out}: students 'solution', 'blank' and 'partial' for {len(chosen)} assignment(s).")
    start = time.perf_counter()
    results: list[grading.Result] = []
    for assignment in chosen:
        variants = classroom.all_variants(assignment, with_fixtures=False)
        classroom.prepare(out, assignment, variants)
        results += grading.autograde_class(out, assignment.name, [v.name for v in variants])
        nbgrader("generate_feedback", assignment.name, "--force", cwd=out, check=False)
    print()
    _report(results, out)
    print(f"Feedback in {out / 'feedback'}.")
    print(f"Total time {time.perf_counter() - start:.0f} s.")
    return 0


def cmd_autograde(args: argparse.Namespace) -> int:
    from .parallel import autograde_parallel_class

    root = Path(args.course).resolve()
    work = {name: args.student or grading.submitted_students(root, name) for name in args.assignments}
    results: list[grading.Result] = []
    if args.serial:  # nbgrader as it is: one student after the other, in the course directory
        for name, students in work.items():
            results += grading.autograde_class(root, name, students, timeout=args.timeout)
    else:
        results = autograde_parallel_class(root, work, args.workers, args.scheduler, args.force, args.timeout)
    for name in args.assignments if args.feedback else []:
        nbgrader("generate_feedback", name, "--force", cwd=root, check=False)
    print()
    _report(results, root)
    return 1 if any(r.status != "graded" for r in results) else 0


def cmd_check_fixtures(args: argparse.Namespace) -> int:
    from . import fixture_proof
    from .submissions import fixtures

    failures = 0
    for assignment in assignments(args.assignments):
        chosen = [f for f in fixtures(assignment.name) if not args.variant or f.name in args.variant]
        if args.full:  # every fixture through nbgrader autograde, one process each (slow)
            with tempfile.TemporaryDirectory(prefix="cnn-fixtures-") as tmp:
                problems = classroom.check_fixtures(Path(tmp), assignment, [f.name for f in chosen])
        else:
            problems = [line for proof in fixture_proof.prove(assignment, chosen) for line in proof.problems]
        print("\n".join(problems) or f"{assignment.name}: every variant earned exactly its expected score.")
        failures += len(problems)
    return 1 if failures else 0


def cmd_data(args: argparse.Namespace) -> int:
    from .recipes.data.build import build

    return build(args.only)


def cmd_pretrain(args: argparse.Namespace) -> int:
    if args.name not in WEIGHTS:
        raise SystemExit(f"Unknown recipe {args.name!r}. Known: {', '.join(sorted(WEIGHTS))}")
    return resolve(f"{WEIGHTS[args.name].recipe}:RECIPE")(args.rest)


def cmd_figures(args: argparse.Namespace) -> int:
    from . import figures

    chosen = [a for a in assignments(args.assignments) if a.figures]
    if args.check:
        problems = [line for assignment in chosen for line in figures.differences(assignment)]
        print("\n".join(problems) or "Every figure is what its script draws.")
        return 1 if problems else 0
    for assignment in chosen:
        for path in figures.draw(assignment):
            print(path.relative_to(REPO_ROOT))
    return 0


def cmd_kit(args: argparse.Namespace) -> int:
    from .kit import build_kit

    root = build_kit(Path(args.out).resolve())
    print(f"Student kit: {root} and {root}.zip")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    return bench.main(args)


def cmd_lab(args: argparse.Namespace) -> int:
    from . import lab

    return lab.main(args.port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--check", action="store_true", help="only report differences; exit 1 if any")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("demo", help="grade a sample class (solution, blank, partial) and print the grades")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--out", default=str(REPO_ROOT / "build" / "demo"), help="throw-away course directory")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("autograde", help="autograde submitted/ in a course directory, in parallel")
    p.add_argument("assignments", nargs="+")
    p.add_argument("--course", default=str(REPO_ROOT), help="nbgrader course directory (default: repo)")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel graders (default: the cores)")
    p.add_argument("--scheduler", help="grade on Dask: a scheduler address, or 'local' for a local cluster")
    p.add_argument("--force", action="store_true", help="regrade submissions already in the gradebook")
    p.add_argument("--serial", action="store_true", help="nbgrader as it is: one student at a time, in place")
    p.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader_config.py)")
    p.add_argument("--feedback", action="store_true", help="also generate feedback HTML")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("check-fixtures", help="prove every fixture earns exactly its expected score")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--variant", action="append", help="only this variant (repeatable)")
    p.add_argument("--full", action="store_true", help="grade each fixture with nbgrader autograde (slow)")
    p.set_defaults(func=cmd_check_fixtures)

    p = sub.add_parser("data", help="regenerate the datasets in data/ and data/MANIFEST.json")
    p.add_argument("--only", action="append", choices=sorted(DATASETS), help="build only this dataset (repeatable)")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("figures", help="draw the notebooks' figures into source/<id>/images")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--check", action="store_true", help="only compare with the committed PNGs; exit 1 if any differ")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("pretrain", help="train course-pretrained weights into data/ with a recipe")
    p.add_argument("name", help="recipe name, e.g. mobilenet_v2")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the recipe")
    p.set_defaults(func=cmd_pretrain)

    p = sub.add_parser(
        "bench", help="time every notebook (student mode and autograde), report metrics and class throughput"
    )
    p.add_argument("assignments", nargs="*")
    p.add_argument("--out", default=str(REPO_ROOT / "build" / "bench"))
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel graders for the class")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--class-only", action="store_true", help="only grade the generated class (throughput)")
    which.add_argument("--no-class", action="store_true", help="only time the notebooks")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("kit", help="pack what students get: release notebooks, shared_utils, data, a README")
    p.add_argument("--out", default=str(REPO_ROOT / "build" / "kit"))
    p.set_defaults(func=cmd_kit)

    p = sub.add_parser("lab", help="start JupyterLab with nbgrader on the course")
    p.add_argument("--port", type=int, default=8888)
    p.set_defaults(func=cmd_lab)

    args = parser.parse_args(argv)
    return args.func(args)

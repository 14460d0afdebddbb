"""``python -m nbgrader``, started two seconds sooner.

Importing nbgrader imports ``jsonschema``, which imports ``rfc3987_syntax`` when it is installed
(``jupyter-events`` asks for it) only to check strings of the ``iri`` format; that import compiles
a grammar and takes about 2 s, paid again by every nbgrader command.  Neither the notebook schema
nor nbgrader's own files use that format, so the module is marked missing here: ``jsonschema``
then skips that one checker, as it does wherever the package is not installed.  Grading runs
nbgrader dozens of times, so this is minutes of a class's grading and of the test suite.

It also caps what a notebook may print while it is graded (``GradingLimits.output_mb``): an
endless printer would otherwise grow this process and the graded notebook without bound.  Output
past the cap is dropped and ``confinement.OUTPUT_LIMIT_MARK`` is logged, for the grading step to report.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]  # import now raises ImportError

import json  # noqa: E402

from nbclient import NotebookClient  # noqa: E402
from nbgrader.apps.nbgraderapp import main  # noqa: E402  (after the line above, on purpose)

from course_tools.confinement import OUTPUT_LIMIT_MARK, GradingLimits  # noqa: E402


def cap_output(limit_bytes: int) -> None:
    """Keep a notebook's outputs, in all, under ``limit_bytes`` while nbgrader executes it."""
    keep_output = NotebookClient.output
    printed = {"bytes": 0, "over": False}

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001, ANN202  (nbclient's signature)
        printed["bytes"] += len(json.dumps(msg.get("content", {}), default=str))
        if printed["bytes"] <= limit_bytes:
            return keep_output(self, outs, msg, display_id, cell_index)
        if not printed["over"]:  # logged once, not per message
            print(f"{OUTPUT_LIMIT_MARK} ({limit_bytes / 2**20:g} MB)", file=sys.stderr, flush=True)
            printed["over"] = True
        return None

    NotebookClient.output = output


if __name__ == "__main__":
    cap_output(int(GradingLimits().output_mb * 2**20))
    sys.exit(main())

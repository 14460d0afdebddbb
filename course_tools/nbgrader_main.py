"""``python -m nbgrader``, started two seconds sooner.

Importing nbgrader imports ``jsonschema``, which imports ``rfc3987_syntax`` when it is installed
(``jupyter-events`` asks for it) only to check strings of the ``iri`` format; that import compiles
a grammar and takes about 2 s, paid again by every nbgrader command.  Neither the notebook schema
nor nbgrader's own files use that format, so the module is marked missing here: ``jsonschema``
then skips that one checker, as it does wherever the package is not installed.  Grading runs
nbgrader dozens of times, so this is minutes of a class's grading and of the test suite.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]  # import now raises ImportError

from nbgrader.apps.nbgraderapp import main  # noqa: E402  (after the line above, on purpose)

if __name__ == "__main__":
    sys.exit(main())

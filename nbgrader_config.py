"""nbgrader configuration for the CNN course workbook.

The repository root is the course directory: ``source/`` holds the instructor notebooks and
``release/`` the generated student versions.  Instructors grading a class elsewhere copy this
file next to their ``submitted/`` folder (or pass ``--CourseDirectory.root``).
"""

import os
import tempfile

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Student-visible placeholder for every solution region.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\n"
    "# Replace this line with your implementation (see the docstring above).\n"
    "raise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader 0.9 reads Execute.timeout (seconds per cell).  The slowest cell under autograde is a
# budget-shrunk training cell (well under a minute); an infinite loop is interrupted after this.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0

# A cell that prints to stderr scores zero.  shared_utils.runtime keeps TensorFlow quiet; this
# pattern is the second line of defence against harmless library chatter.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?s)^(\s*("
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:. ]+\d+ [\w.]+:\d+\][^\n]*"
    r"|To enable the following instructions:[^\n]*"
    r"|This TensorFlow binary is optimized[^\n]*"
    r"|[^\n]*oneDNN custom operations are on[^\n]*"
    r"|[^\n]*UserWarning: (Do not pass an `input_shape`|Your input ran out of data)[^\n]*"
    r"|\s*super\(\).__init__\([^\n]*"
    r"))+\s*$"
)

# A test cell the student deleted is restored from the release and graded.
c.OverwriteCells.add_missing_cells = True

# Keep huge outputs (runaway prints) from bloating autograded notebooks and feedback.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# A writable exchange for `make lab`'s Assignment List (the default /srv/nbgrader/exchange
# usually is not writable on a laptop).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", os.path.join(tempfile.gettempdir(), "cnn-course-exchange"))
try:  # nbgrader refuses an exchange that does not exist yet
    os.makedirs(c.Exchange.root, exist_ok=True)
    os.chmod(c.Exchange.root, 0o1777)
except OSError:
    pass

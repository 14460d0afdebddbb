"""``python -m course_tools``: the instructor's and maintainer's command line."""

import sys

from .cli import main

sys.exit(main())

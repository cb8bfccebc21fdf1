"""``python -m cytonet ...``: the same command line as ``cytonet``."""

import sys

from .cli import main

sys.exit(main())

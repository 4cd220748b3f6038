"""`python -m kqa` runs the same entry point as the `kqa` script."""

from kqa.cli import main

raise SystemExit(main())

import sys

from tthc_cli.cli import main

sys.exit(main())

import sys

from addrcheck.cli import main

sys.exit(main())

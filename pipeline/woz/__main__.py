import sys

from pipeline.woz.cli import main

sys.exit(main())

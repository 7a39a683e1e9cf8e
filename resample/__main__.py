"""``python -m resample`` and the ``resample`` command."""

import sys


def main(argv=None):
    from ._islr import main as islr_main

    return islr_main(argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m resample`` and the ``resample`` command (see :mod:`resample.cli.main`)."""

import sys


def main(argv=None):
    from resample.cli.main import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m mwtyped``: the ``mwtyped`` command line (see :mod:`mwtyped.cli`).

Example::

    $ python -m mwtyped get --host https://en.wikipedia.org action=query meta=siteinfo
"""

import sys

from mwtyped.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Paraminfo snapshots and the generator of typed parameter classes.

``python -m mwtyped.schema pull --host URL [--api-path /w/api.php] --out FILE`` saves a wiki's
paraminfo (extension modules included) and records it in a lock file;
``python -m mwtyped.schema generate SNAPSHOT --out DIR`` writes a package of parameter
classes from it. mwtyped's own ``mwtyped/api`` is generated from
``schemas/snapshots/mediawiki-1.39-core.json``.
"""

from mwtyped.schema._generate import generate, render_package
from mwtyped.schema._spec import ModuleSpec, ParamSpec, Snapshot, load_snapshot

__all__ = ["ModuleSpec", "ParamSpec", "Snapshot", "generate", "load_snapshot", "render_package"]

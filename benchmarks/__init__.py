"""mwtyped's benchmark suite: ``bash benchmarks/run.sh [--quick]`` (see docs/performance.md).

* :mod:`benchmarks.answers` builds the documents the fake ``api.php`` serves;
* :mod:`benchmarks.fakeserver` serves them (a selectors loop in its own process) and
  measures its own capacity with a raw socket client;
* :mod:`benchmarks.clients` holds the contenders (mwtyped, raw httpx, the peers);
* :mod:`benchmarks.harness` runs them interleaved and takes medians and ratios;
* :mod:`benchmarks.run` is the command; the other modules measure one thing each.

Every module imports with the project's own venv: the peers (mwapi, aiohttp, mwclient) are
imported lazily and skipped, with a note, where they are not installed.
"""

"""Outputs written in a second process, beside the others.

No output needs another, so on two cores a build writes them in two
processes: the second takes the static map (the longest step of a small
build; matplotlib alone takes about 0.3 s to import) and the KML
(:data:`SECOND_FILES`), the first the rest (compare.html stays with
index.html, whose encoded phases it reuses).  :class:`SecondProcess`
forks a worker as the build starts, before geopandas is imported, which imports
geopandas and matplotlib while the first process imports its own libraries
and reads the scenario.  Then:

* up to :data:`PICKLED_SITES` site rows, the prepared data is sent to that
  warm worker, pickled: 0.09 s to dump and 0.07 s to load at 20,000 rows,
  with the garbage collector paused in both (with it running, loading took
  0.66 s);
* above, the copy would cost more than matplotlib's import (about 1.6 s at
  200,000 rows, and a second copy of the data in memory), so a fresh worker
  is forked once the data is prepared, and shares it with its parent,
  copy-on-write.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from posturemap.geo.join import PostureData

#: Up to this many site rows, the prepared data is pickled to the warm worker.
PICKLED_SITES = 40_000

#: The outputs the second process writes, when the build writes them.
SECOND_FILES = ("map.png", "map.svg", "map.pdf", "posture.kml")

#: What a worker forked after prepare writes: set just before the fork, so the
#: worker inherits the prepared data instead of receiving it pickled.
_JOB: dict = {}


def draw_static(data: PostureData, path: Path, formats: tuple[str, ...], options: dict) -> list[Path]:
    """map.png, .svg and .pdf (those in ``formats``); matplotlib is imported only here."""
    from posturemap.layers.static import static_map

    return static_map(data, path, formats=formats, **options)


def _warm_up() -> None:
    import gc

    gc.disable()  # as in the first process: the data it is sent loads 10 times faster
    import geopandas  # noqa: F401  (forked before the first process imported it)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    import posturemap.layers.static  # noqa: F401


def write_files(data: PostureData, folder: Path, files: tuple[str, ...], options: dict) -> None:
    from posturemap.build import write_outputs

    write_outputs(data, folder, only=files, **options)


def _write_job() -> None:
    write_files(_JOB["data"], _JOB["folder"], _JOB["files"], _JOB["options"])


def _fork_pool():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))


class SecondProcess:
    """A worker process for some outputs; use :meth:`start`, then :meth:`write`, then :meth:`close`."""

    def __init__(self) -> None:
        self.pool = _fork_pool()
        self.pool.submit(_warm_up)  # forks now, before the scenario is read

    @classmethod
    def start(cls) -> SecondProcess | None:
        """A warm worker, or ``None`` without a second core, or off Linux.

        ``fork`` is what makes the second process cheap, and only Linux forks a
        process that has loaded numpy and GDAL safely (macOS's system libraries
        may not survive it; Windows has no ``fork``).
        """
        if (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"):
            return None
        return cls()

    def write(self, data: PostureData, folder: Path, files: tuple[str, ...], options: dict) -> Future:
        """Write ``files`` of prepared ``data`` into ``folder``; the future ends when they are written.

        ``options`` are :func:`posturemap.build.write_outputs`' keywords.
        """
        if len(data.sites) <= PICKLED_SITES:
            return self.pool.submit(write_files, data, folder, files, options)
        self.pool.shutdown(wait=True)  # its warm-up ended while the data was prepared
        _JOB.update(data=data, folder=folder, files=files, options=options)
        self.pool = _fork_pool()
        return self.pool.submit(_write_job)  # forks here, with the job set

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        _JOB.clear()

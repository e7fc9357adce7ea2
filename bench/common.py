"""What the benchmark scripts share."""

from __future__ import annotations

from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    From /proc's VmHWM, not getrusage: Linux keeps ru_maxrss across exec, so a
    child started by a big parent would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

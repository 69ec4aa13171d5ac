# Copyright (c) mmadmd contributors. All rights reserved.
"""The machine a measurement ran on, as every report of ``docs/`` names
it (demo report, benchmarks, support matrix)."""
import hashlib
import platform
from typing import Dict

import torch


def machine() -> Dict:
    """What a run's last digits depend on beyond its settings and seed.

    A run repeats to the last digit on one machine, but the same run on
    another machine of the same kind can end several points of mAP away
    (docs/benchmarks.md): the CPU's kernels set the rounding of every sum,
    and training amplifies it. Each run records this, so that runs of two
    machines are never paired unnoticed.

    Returns:
        dict: ``cpu`` (model, family, model number, stepping and cache, as
        ``/proc/cpuinfo`` gives them; the platform's name elsewhere),
        ``flags`` (a digest of the CPU's feature flags), ``kernels``
        (the instruction set torch's CPU kernels use), ``torch`` (version)
        and ``threads`` (torch's intra-op threads).
    """
    info: Dict[str, str] = {}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                key, _, value = line.partition(':')
                info.setdefault(key.strip(), value.strip())
    except OSError:  # not Linux
        pass
    cpu = platform.processor() or platform.machine()
    if 'model name' in info:
        cpu = (f"{info['model name']} (family {info.get('cpu family')}, "
               f"model {info.get('model')}, stepping {info.get('stepping')}"
               f", cache {info.get('cache size')})")
    flags = info.get('flags', '')
    return dict(
        cpu=cpu,
        flags=hashlib.sha1(flags.encode()).hexdigest()[:12] if flags else '',
        kernels=torch.backends.cpu.get_cpu_capability(),
        torch=torch.__version__,
        threads=torch.get_num_threads())


def describe_machine(record: Dict) -> str:
    """A :func:`machine` record as a report's text.

    Args:
        record (dict): From :func:`machine`.

    Returns:
        str: e.g. ``'Intel(R) Xeon(R) ... (family 6, ...), AVX512 kernels,
        torch 2.13.0, 2 threads'``.
    """
    return (f"{record['cpu']}, {record['kernels']} kernels, torch "
            f"{record['torch']}, {record['threads']} threads")

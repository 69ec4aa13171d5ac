# Copyright (c) mmadmd contributors. All rights reserved.
"""Distributed training without GPUs (gloo), for CPU machines and tests.

mmengine's ``init_dist('pytorch')`` calls ``torch.cuda.set_device`` and its
Runner passes ``device_ids=[LOCAL_RANK]`` to DDP; both fail without a GPU.
:func:`setup_cpu_distributed` works around both before the Runner is built;
on machines with CUDA it does nothing.
"""
import os
from typing import Any

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that accepts modules on the CPU.

    The Runner always passes ``device_ids``; DDP refuses them for CPU
    modules, so they are dropped here.
    """

    def __init__(self, module: torch.nn.Module, **kwargs: Any) -> None:
        kwargs.pop('device_ids', None)
        kwargs.pop('output_device', None)
        super().__init__(module=module, **kwargs)


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare a config launched with ``--launcher pytorch`` for CPU ranks.

    Initializes the default process group with the gloo backend (so the
    Runner skips mmengine's CUDA-only ``init_dist``) and selects
    :class:`CPUDistributedDataParallel` as model wrapper.

    Args:
        cfg (Config): The training config; ``cfg.launcher`` must be set.

    Returns:
        bool: True if it changed anything (a CPU-only machine).
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper['type'] = 'CPUDistributedDataParallel'
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters',
                       cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper
    return True

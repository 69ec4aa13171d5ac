# Copyright (c) mmadmd contributors. All rights reserved.
"""What a distillation method costs per training step (see
``tools/analysis/benchmark_kd_cost.py``).

All variants are built from the shipped configs of one setup and timed in
one process, in interleaved rounds (variant A, B, C, then A, B, C again...),
so that drifts of the machine (turbo, other load) hit them all alike:

- ``student``: the student alone, the step users pay without distillation;
- ``floor``: the student's step plus the teacher's backbone+neck forward
  without gradients (``PrecisionFpnTeacherDistill`` with no loss), what any
  FPN feature distiller pays before its own loss;
- ``<method>``: the floor plus that method's losses (``admd``, ``pkd``,
  ``cwd``, ``mgd``, ``fbkd``, ``fitnet``, ``fgd``);
- ``<variant>@bf16`` / ``@fp16``: the same with the teacher under autocast
  (``teacher_precision``, which runs it channels-last by default);
- ``<variant>@<precision>+cl`` / ``+nocl``: with the teacher's memory
  format forced (``teacher_channels_last``), e.g. ``floor@fp32+cl``.

Weights are random and the learning rate is 0 (the step still computes and
applies every update), so all rounds time the same computation. Peak memory:
on CUDA the allocator's peak during the timed steps; on CPU the growth of the
resident set during a first step in a fresh process (:func:`cpu_step_memory`).
"""
import contextlib
import math
import os
import os.path as osp
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Sequence

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmadmd.utils import (config_path, distill_options, no_pretrained_options,
                          quiet_build_scope, set_kd_channels)


#: Setups with ADMD and comparison configs: name -> (rotated boxes?).
SETUPS = {
    'retina-r101_retina-r50_2x_dior': False,
    'rotated-retina-r101_rotated-retina-r50_1x_dota': True,
}
METHODS = ('admd', 'pkd', 'cwd', 'mgd', 'fbkd', 'fitnet', 'fgd')
DEFAULT_VARIANTS = ('student', 'floor') + METHODS + ('floor@bf16',
                                                     'admd@bf16')


def method_config(setup: str, method: str) -> str:
    """The shipped config of ``method`` (or ``'floor'``) on ``setup``."""
    if setup not in SETUPS:
        raise ValueError(f'unknown setup {setup!r}; use one of '
                         f'{list(SETUPS)}')
    if method in ('admd', 'floor', 'student'):
        return config_path('admd', f'admd_fpn_{setup}.py')
    if method not in METHODS:
        raise ValueError(f'unknown method {method!r}; use one of '
                         f"{['student', 'floor', *METHODS]}")
    return config_path('kd', f'{method}_fpn_{setup}.py')


@dataclass
class VariantCost:
    """Measurements of one variant."""
    name: str
    seconds: List[float] = field(default_factory=list)
    peak_mb: List[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds) if self.seconds else \
            float('nan')

    @property
    def median_mb(self) -> float:
        return statistics.median(self.peak_mb) if self.peak_mb else \
            float('nan')


class _PeakMemory:
    """Peak memory of a block: CUDA allocator peak, or sampled CPU RSS.

    On CPU, the resident set size is sampled every 2 ms in a thread; the
    result is the peak above the RSS at the start. The allocator keeps freed
    memory for reuse, so only a first step in a fresh process shows a step's
    real footprint: :func:`cpu_step_memory` measures it that way.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.peak_mb = float('nan')

    @staticmethod
    def _rss() -> int:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')

    def __enter__(self) -> '_PeakMemory':
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self._start = torch.cuda.memory_allocated(self.device)
        elif osp.exists('/proc/self/statm'):
            self._start = self._peak = self._rss()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self._peak = max(self._peak, self._rss())

    def __exit__(self, *args) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            peak = torch.cuda.max_memory_allocated(self.device)
            self.peak_mb = (peak - self._start) / 2**20
        elif hasattr(self, '_thread'):
            self._stop.set()
            self._thread.join()
            self.peak_mb = (self._peak - self._start) / 2**20


def _build_variant(setup: str, variant: str, tiny: bool,
                   device: torch.device):
    """Model and optimizer wrapper of one variant."""
    from mmengine.registry import MODELS
    method, _, precision = variant.partition('@')
    precision, _, layout = precision.partition('+')
    if layout not in ('', 'cl', 'nocl'):
        raise ValueError(f'{variant}: the teacher layout after "+" must be '
                         f'"cl" or "nocl", got {layout!r}')
    cfg = Config.fromfile(method_config(setup, method))
    if tiny:
        cfg.merge_from_dict(distill_options(cfg, depth=18))
        set_kd_channels(cfg, 64)
    cfg.merge_from_dict(no_pretrained_options(cfg))
    if method == 'floor':  # the teacher's forward, no loss
        cfg.model.distiller.distill_losses = {}
        cfg.model.distiller.loss_forward_mappings = {}
        cfg.model.distiller.connectors = {}
    if method == 'student':
        if precision:
            raise ValueError('the student alone has no teacher precision')
        model_cfg = cfg.model.architecture
    else:
        model_cfg = cfg.model
        model_cfg.teacher_precision = precision or 'fp32'
        # timings only: a random teacher costs what a trained one does
        model_cfg.teacher_ckpt_required = False
        if layout:
            model_cfg.teacher_channels_last = layout == 'cl'
    with quiet_build_scope(cfg.default_scope):
        model = MODELS.build(model_cfg).to(device)
        model.init_weights()
        optim_cfg = cfg.optim_wrapper.copy()
        # lr 0: every round times the same computation (module doc).
        optim_cfg.optimizer.lr = 0.0
        optim_wrapper = build_optim_wrapper(model, optim_cfg)
    model.train()
    return model, optim_wrapper, cfg


def _make_batch(cfg: Config, rotated: bool, batch_size: int, size: int,
                num_boxes: int, device: torch.device) -> dict:
    """A random batch shaped like a dataloader's output."""
    if rotated:
        from mmrotate.testing import demo_mm_inputs
    else:
        from mmdet.testing import demo_mm_inputs
    model = cfg.model.architecture
    num_classes = model.get('bbox_head', {}).get('num_classes', 20)
    data = demo_mm_inputs(
        batch_size=batch_size,
        image_shapes=(3, size, size),
        num_items=[num_boxes] * batch_size,
        num_classes=num_classes,
        use_box_type=True,
        device=str(device))
    for sample in data['data_samples']:
        sample.gt_instances = sample.gt_instances.to(device)
    return data


def _memory_worker(setup: str, variant: str, tiny: bool, batch: dict,
                   queue) -> None:
    """In a fresh process: the peak RSS growth of one first step."""
    try:
        torch_device = torch.device('cpu')
        model, optim_wrapper, cfg = _build_variant(setup, variant, tiny,
                                                   torch_device)
        data = _make_batch(cfg, SETUPS[setup], device=torch_device, **batch)
        memory = _PeakMemory(torch_device)
        with memory:
            model.train_step(data, optim_wrapper)
        queue.put(memory.peak_mb)
    except BaseException as e:  # report, never hang the parent
        queue.put(repr(e))


def cpu_step_memory(setup: str, variant: str, tiny: bool,
                    batch: dict) -> float:
    """Peak memory (MB) of a variant's first training step on CPU.

    Runs in a fresh process (spawned), so that memory the allocator kept from
    other variants does not hide this one's: the peak resident set size
    during the step, above the size before it (models and batch built).
    Includes what a first step allocates once (optimizer state).

    Args:
        setup (str): One of :data:`SETUPS`.
        variant (str): A variant name (see :func:`benchmark_kd_cost`).
        tiny (bool): Shrunk models.
        batch (dict): ``batch_size``, ``size`` and ``num_boxes``.

    Returns:
        float: Megabytes.
    """
    import multiprocessing
    ctx = multiprocessing.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(
        target=_memory_worker, args=(setup, variant, tiny, batch, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if isinstance(result, str):
        raise RuntimeError(f'measuring the memory of {variant}: {result}')
    return result


def benchmark_kd_cost(setup: str = 'retina-r101_retina-r50_2x_dior',
                      variants: Sequence[str] = DEFAULT_VARIANTS,
                      batch_size: int = 2,
                      size: int = 512,
                      num_boxes: int = 20,
                      rounds: int = 5,
                      warmup: int = 1,
                      device: str = 'cpu',
                      tiny: bool = False,
                      measure_memory: bool = True,
                      log: Callable[[str], None] = print
                      ) -> Dict[str, VariantCost]:
    """Time one training step of each variant, in interleaved rounds.

    Args:
        setup (str): One of :data:`SETUPS`.
        variants (Sequence[str]): ``student``, ``floor``, method names, each
            optionally with ``@bf16`` or ``@fp16``.
        batch_size (int): Images per step. Defaults to 2.
        size (int): Square input side. Defaults to 512.
        num_boxes (int): Ground-truth boxes per image. Defaults to 20.
        rounds (int): Timed rounds; 0 measures only the memory (CPU).
            Defaults to 5.
        warmup (int): Untimed rounds first. Defaults to 1.
        device (str): ``'cpu'`` or ``'cuda'``. Defaults to ``'cpu'``.
        tiny (bool): Shrink the models (depth-18, 64-channel FPN) for a
            smoke run. Defaults to False.
        measure_memory (bool): On CPU, measure each variant's peak memory
            in a fresh process after the timing (:func:`cpu_step_memory`);
            on CUDA the allocator's peak is read during the timed steps.
            Defaults to True.
        log (callable): Where progress goes. Defaults to ``print``.

    Returns:
        dict: Variant name -> :class:`VariantCost`, in the given order.
    """
    torch_device = torch.device(device)
    variants = list(dict.fromkeys(variants))
    costs = {name: VariantCost(name) for name in variants}
    on_cpu = torch_device.type == 'cpu'
    built = {}
    for name in variants if rounds > 0 else []:  # rounds=0: memory only
        log(f'building {name}')
        built[name] = _build_variant(setup, name, tiny, torch_device)
    if built:
        cfg = next(iter(built.values()))[2]
        data = _make_batch(cfg, SETUPS[setup], batch_size, size, num_boxes,
                           torch_device)
    for round_idx in range(warmup + rounds if built else 0):
        timed = round_idx >= warmup
        for name in variants:
            model, optim_wrapper, _ = built[name]
            # No RSS sampling thread while timing on CPU (it takes the GIL).
            memory = _PeakMemory(torch_device)
            # On CUDA, entering the memory context synchronizes the device.
            with memory if not on_cpu else contextlib.nullcontext():
                start = time.perf_counter()
                model.train_step(data, optim_wrapper)
                if torch_device.type == 'cuda':
                    torch.cuda.synchronize(torch_device)
                seconds = time.perf_counter() - start
            if timed:
                costs[name].seconds.append(seconds)
                if not on_cpu:
                    costs[name].peak_mb.append(memory.peak_mb)
        log(f"round {round_idx + 1}/{warmup + rounds}"
            f"{'' if timed else ' (warm-up)'}: " + ', '.join(
                f'{name} {costs[name].seconds[-1]:.2f}s' if timed else name
                for name in variants))
    if on_cpu and measure_memory:
        batch = dict(batch_size=batch_size, size=size, num_boxes=num_boxes)
        for name in variants:
            costs[name].peak_mb.append(
                cpu_step_memory(setup, name, tiny, batch))
            log(f'memory of {name}: {costs[name].peak_mb[-1]:.0f} MB')
    return costs


def format_costs(costs: Dict[str, VariantCost],
                 reference: str = 'floor') -> str:
    """A Markdown table of medians and ratios to ``reference``."""
    ref = costs.get(reference)

    def fmt(value: float, spec: str) -> str:
        return '-' if math.isnan(value) else format(value, spec)

    def per_round(cost: VariantCost) -> float:
        # Rounds are interleaved: a ratio within a round cancels the drifts
        # of the machine between rounds.
        if not ref or not cost.seconds or \
                len(cost.seconds) != len(ref.seconds):
            return float('nan')
        return statistics.median(
            a / b for a, b in zip(cost.seconds, ref.seconds))

    lines = [
        f'| variant | step (s, median) | x {reference} (of medians) | '
        f'x {reference} (median per round) | peak memory (MB) |',
        '|---|---|---|---|---|'
    ]
    for name, cost in costs.items():
        ratio = cost.median_s / ref.median_s if ref else float('nan')
        lines.append(f"| {name} | {fmt(cost.median_s, '.3f')} | "
                     f"{fmt(ratio, '.3f')} | {fmt(per_round(cost), '.3f')} | "
                     f"{fmt(cost.median_mb, '.0f')} |")
    return '\n'.join(lines)


def load_costs(*paths: str) -> Dict[str, VariantCost]:
    """Read and merge ``results.json`` files that the tool wrote.

    Step times come from the first file that has them for a variant, memory
    likewise, so a timing run and a memory-only run (``--rounds 0``) make
    one table. CPU memory of files written before the fresh-process method
    (no ``memory`` setting) is ignored: it was not a step's footprint.

    Args:
        *paths (str): ``results.json`` files.

    Returns:
        dict: Variant name -> :class:`VariantCost`.
    """
    import json
    costs: Dict[str, VariantCost] = {}
    for path in paths:
        results = json.load(open(path))
        settings = results.get('settings', {})
        trust_memory = settings.get('device', 'cpu') != 'cpu' or \
            'memory' in settings
        for name, v in results['variants'].items():
            cost = costs.setdefault(name, VariantCost(name))
            if not cost.seconds:
                cost.seconds = list(v['seconds'])
            if not cost.peak_mb and trust_memory:
                cost.peak_mb = list(v['peak_mb'])
    return costs


__all__ = [
    'benchmark_kd_cost', 'format_costs', 'load_costs', 'method_config',
    'VariantCost',
    'DEFAULT_VARIANTS', 'METHODS', 'SETUPS'
]

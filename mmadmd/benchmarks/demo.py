# Copyright (c) mmadmd contributors. All rights reserved.
"""The end-to-end demo behind ``make demo`` (see ``tools/demo.py``).

Sizes (documented in ``docs/get_started.md``, chosen for 2 CPU cores):
256x256 scenes drawn at zoom 2, 160 train + 40 val images for training and
100 test images for evaluation; teacher RetinaNet with a half-width
ResNet-34 trained 1000 iterations, the student (quarter-width ResNet-18)
600 iterations alone and 600 iterations with ADMD, batch 8.
"""
import json
import os
import os.path as osp
import shutil
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmadmd.apis.export import export_student
from mmadmd.utils import adapt_data, config_path
from mmadmd.utils.cli import load_checkpoint_strictly

#: dataset -> (teacher, student, ADMD) demo configs and the mAP key.
DEMOS = {
    'dior': (('retinanet_r34-w32_fpn_demo_synthetic-dior.py',
              'retinanet_r18-w16_fpn_demo_synthetic-dior.py',
              'admd_fpn_retina-r34-w32_retina-r18-w16_demo_synthetic-dior.py'),
             'pascal_voc/mAP'),
    'dota': (('rotated-retinanet_r34-w32_fpn_demo_synthetic-dota.py',
              'rotated-retinanet_r18-w16_fpn_demo_synthetic-dota.py',
              'admd_fpn_rotated-retina-r34-w32_rotated-retina-r18-w16_'
              'demo_synthetic-dota.py'), 'dota/mAP'),
}


@dataclass
class DemoSettings:
    """Sizes of the demo.

    Args:
        dataset (str): ``'dior'`` (horizontal boxes, RetinaNet),
            ``'dota'`` (raw DOTA layout split into patches, rotated
            RetinaNet) or ``'nwpu'`` (a user's NWPU VHR-10 folder, the
            real-data benchmark's models and sizes; the scene sizes below
            do not apply).
        num_train (int): Training scenes (DIOR also trains on ``num_val``).
        num_val (int): Validation scenes (DOTA: evaluated on).
        num_test (int): Test scenes (DIOR: evaluated on).
        size (int): Scene side in pixels.
        zoom (float): Object enlargement of the scenes (a finer ground
            sampling distance, :func:`mmadmd.testing.generate_scene`): at 2
            the smallest cars are 14 px, the median object 29 px.
        warmup (int, optional): Warm-up iterations of a stage, at most a
            fifth of it; None: a tenth, at most 50 (see :func:`set_budget`).
        teacher_iters (int): Teacher training iterations.
        student_iters (int): Iterations of the student, alone and with ADMD.
        batch_size (int): Training batch size.
        seed (int): Seed of the scenes and of training.
        teacher_ckpt (str, optional): Trained weights of the dataset's
            teacher config: the teacher is evaluated, not trained (e.g.
            the real-data benchmark's shipped teacher with ``'nwpu'``).
    """
    dataset: str = 'dior'
    num_train: int = 160
    num_val: int = 40
    num_test: int = 100
    size: int = 256
    zoom: float = 2.0
    warmup: Optional[int] = 200
    teacher_iters: int = 1000
    student_iters: int = 600
    batch_size: int = 8
    seed: int = 0
    teacher_ckpt: Optional[str] = None

    @classmethod
    def rotated(cls) -> 'DemoSettings':
        """The DOTA-layout demo: 512 px raw scenes cut into 256 px patches
        (9 per scene)."""
        return cls(
            dataset='dota',
            num_train=40,
            num_val=12,
            num_test=0,
            size=512,
            teacher_iters=800,
            student_iters=400)

    @classmethod
    def nwpu(cls) -> 'DemoSettings':
        """The demo on a real NWPU VHR-10 folder: the real-data benchmark's
        teacher and student budgets (docs/benchmarks.md)."""
        return cls(
            dataset='nwpu',
            zoom=1.0,
            warmup=None,
            teacher_iters=2000,
            student_iters=600)

    @classmethod
    def quick(cls, dataset: str = 'dior') -> 'DemoSettings':
        """A smoke run of about a minute (the tests use it)."""
        return cls(
            dataset=dataset,
            num_train=8,
            num_val=2,
            num_test=4 if dataset == 'dior' else 0,
            size=128 if dataset == 'dior' else 256,
            zoom=1.0,
            warmup=None,
            teacher_iters=4,
            student_iters=4,
            batch_size=2)


class ProgressBarHook(Hook):
    """A tqdm bar over the training iterations, with the current loss."""

    priority = 'VERY_LOW'

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar = None

    def before_train(self, runner) -> None:
        from tqdm import tqdm
        self.bar = tqdm(
            total=runner.max_iters, desc=self.desc, unit='it', leave=True)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if outputs and 'loss' in outputs:
            loss = outputs['loss']
            loss = loss.item() if hasattr(loss, 'item') else float(loss)
            self.bar.set_postfix(loss=f'{loss:.3f}')
        self.bar.update(1)

    def after_train(self, runner) -> None:
        self.bar.close()


@dataclass
class StageResult:
    """What one training stage produced."""
    name: str
    work_dir: str
    checkpoint: str
    metrics: Dict[str, float]
    seconds: float
    params: int
    scalars: List[dict] = field(default_factory=list)


def load_config(path: str) -> Config:
    """``Config.fromfile`` without yapf formatting of the config text.

    mmengine formats it about six times per run (logs, dump, checkpoint
    meta), seconds each on a CPU (``fromfile`` ignores its own
    ``format_python_code`` for .py configs).

    Args:
        path (str): The config file.

    Returns:
        Config: The config.
    """
    cfg = Config.fromfile(path)
    return Config(
        cfg.to_dict(),
        cfg_text=cfg.text,
        filename=cfg.filename,
        format_python_code=False)


def set_budget(cfg: Config,
               work_dir: str,
               iters: int,
               seed: int,
               val_interval: Optional[int] = None,
               warmup: Optional[int] = None) -> Config:
    """Give a short CPU stage its work dir, iterations and seed, in place.

    The warm-up and the cosine decay of the shipped CPU configs are
    rescaled to ``iters``; one checkpoint is kept
    at the end; the stage logs into its own visualizer.

    Args:
        cfg (Config): An iteration-based config (``configs/demo`` or
            ``configs/benchmark_nwpu``).
        work_dir (str): The stage's work dir.
        iters (int): Training iterations.
        seed (int): Training seed.
        val_interval (int, optional): Validate every so many iterations;
            None: no validation during training (evaluate with
            ``runner.test`` after it).
        warmup (int, optional): Warm-up iterations; None: a tenth of
            ``iters``, at most 50 (the benchmarks' and the rotated demo's
            rule).

    Returns:
        Config: ``cfg``, modified.
    """
    cfg.work_dir = work_dir
    cfg.train_cfg.max_iters = iters
    if val_interval is None:
        cfg.train_cfg.val_interval = iters + 1
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    else:
        cfg.train_cfg.val_interval = val_interval
    if warmup is None:
        warmup = min(50, iters // 10)
    cfg.param_scheduler[0].end = max(1, warmup)
    cfg.param_scheduler[1].begin = cfg.param_scheduler[0].end
    cfg.param_scheduler[1].end = max(iters, cfg.param_scheduler[0].end + 1)
    cfg.default_hooks.checkpoint.interval = iters
    cfg.default_hooks.checkpoint.pop('save_best', None)
    cfg.default_hooks.logger.interval = max(1, min(25, iters // 4))
    cfg.randomness = dict(seed=seed)
    cfg.log_level = 'WARNING'
    cfg.experiment_name = osp.basename(work_dir)
    # mmengine keeps one visualizer per name and process: without a name of
    # its own, every stage would log into the first stage's folder.
    cfg.visualizer.name = f'visualizer:{osp.abspath(work_dir)}'
    return cfg


def stage_config(config: str, work_dir: str, data_root: str,
                 settings: DemoSettings, iters: int) -> Config:
    """A demo config, shrunk to the demo's data and ``iters`` iterations.

    Evaluation happens once, after training (``runner.test``); the stage
    logs into its own visualizer and keeps one checkpoint.

    Args:
        config (str): File name in ``configs/demo``.
        work_dir (str): The stage's work dir.
        data_root (str): Data root of the scenes (DOTA: the patches).
        settings (DemoSettings): Batch size and seed.
        iters (int): Training iterations.

    Returns:
        Config: The stage's config.
    """
    cfg = load_config(config_path('demo', config))
    scale = (min(settings.size, PATCH), ) * 2
    adapt_data(cfg, data_root=data_root, img_scale=scale, num_workers=0)
    cfg.train_dataloader.batch_size = settings.batch_size
    warmup = None if settings.warmup is None else min(
        settings.warmup, iters // 5)
    return set_budget(cfg, work_dir, iters, settings.seed, warmup=warmup)


def train_and_test(name: str, cfg: Config) -> StageResult:
    """Train ``cfg`` with a progress bar, then evaluate it."""
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.register_hook(ProgressBarHook(name))
    runner.train()
    metrics = runner.test()
    return _stage_result(
        name, cfg, runner, metrics, time.time() - start,
        osp.join(cfg.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth'))


def evaluate_checkpoint(name: str, cfg: Config,
                        checkpoint: str) -> StageResult:
    """Evaluate trained weights on ``cfg``'s test split, without training.

    Args:
        name (str): The stage's name in the report.
        cfg (Config): The stage's config; its model must fit the weights.
        checkpoint (str): The weights, loaded strictly (a checkpoint of
            another model stops with the keys that do not fit).

    Returns:
        StageResult: The metrics; ``checkpoint`` is the given file.
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'{name} checkpoint {checkpoint!r} not found')
    start = time.time()
    runner = Runner.from_cfg(cfg)
    load_checkpoint_strictly(runner.model, checkpoint,
                             cfg.filename or f'the {name} config')
    metrics = runner.test()
    return _stage_result(name, cfg, runner, metrics, time.time() - start,
                         checkpoint)


def _stage_result(name: str, cfg: Config, runner: Runner, metrics: Dict,
                  seconds: float, checkpoint: str) -> StageResult:
    model = runner.model
    student = getattr(model, 'student', model)
    # Training scalars, one line per logging interval (the stage's own file
    # thanks to its own visualizer, see stage_config).
    log_json = osp.join(runner.log_dir, 'vis_data', 'scalars.json')
    scalars = [json.loads(line) for line in open(log_json)] \
        if osp.exists(log_json) else []
    return StageResult(
        name=name,
        work_dir=cfg.work_dir,
        checkpoint=checkpoint,
        metrics={k: float(v) for k, v in metrics.items()},
        seconds=seconds,
        params=sum(p.numel() for p in student.parameters()),
        scalars=scalars)


#: Side of the DOTA patches (and the largest input side of the demo).
PATCH = 256


def _banner(step: int, total: int, text: str) -> None:
    print(f'\n[{step}/{total}] {text}', flush=True)


def generate_data(data_root: str, settings: DemoSettings) -> str:
    """Write the scenes, or reuse them if written with the same settings.

    Returns:
        str: The data root of the datasets (DOTA: the split patches).
    """
    from mmadmd.datasets.dota_split import split_dota
    from mmadmd.testing import write_dior, write_dota
    stamp = osp.join(data_root, 'demo_settings.json')
    root = data_root if settings.dataset == 'dior' else osp.join(
        data_root, 'split')
    wanted = dict(
        dataset=settings.dataset,
        num_train=settings.num_train,
        num_val=settings.num_val,
        num_test=settings.num_test,
        size=settings.size,
        zoom=settings.zoom,
        seed=settings.seed)
    if osp.exists(stamp) and json.load(open(stamp)) == wanted:
        print(f'    reusing {data_root}')
        return root
    from tqdm import tqdm
    total = settings.num_train + settings.num_val + settings.num_test
    raw = data_root if settings.dataset == 'dior' else osp.join(
        data_root, 'raw')
    write = write_dior if settings.dataset == 'dior' else write_dota
    with tqdm(total=total, desc='scenes', unit='img') as bar:
        write(
            raw,
            settings.num_train,
            settings.num_val,
            settings.num_test,
            size=settings.size,
            seed=settings.seed,
            zoom=settings.zoom,
            overwrite=True,
            progress=lambda: bar.update(1))
    if settings.dataset == 'dota':
        if osp.exists(root):
            shutil.rmtree(root)
        split_dota(
            raw,
            root,
            splits=('train', 'val'),
            sizes=(PATCH, ),
            gaps=(PATCH // 4, ))
    with open(stamp, 'w') as f:
        json.dump(wanted, f)
    return root


def run_demo(work_dir: str, data_root: str,
             settings: Optional[DemoSettings] = None) -> Dict:
    """Run the whole demo and write ``<work_dir>/report.md``.

    Args:
        work_dir (str): Output folder (one sub-folder per stage).
        data_root (str): Folder of the synthetic DIOR scenes.
        settings (DemoSettings, optional): Sizes; the documented defaults
            when None.

    Returns:
        dict: mAP and time per stage, the report's path and the exported
        student's files.
    """
    settings = settings or DemoSettings()
    os.makedirs(work_dir, exist_ok=True)
    data_root = osp.abspath(data_root)
    total = 6
    t0 = time.time()
    if settings.dataset == 'nwpu':
        # A user's NWPU VHR-10 release folder, read where it is.
        from mmadmd.benchmarks.nwpu_benchmark import (CONFIGS, MAP_KEY,
                                                      NWPUSettings,
                                                      nwpu_stage_config)
        (teacher_cfg, student_cfg, admd_cfg_name), map_key = CONFIGS, MAP_KEY
        sizes = NWPUSettings(batch_size=settings.batch_size)
        if settings.teacher_iters < 10:  # quick: tiny images
            sizes = NWPUSettings.quick()

        def config(name: str, stage: str, iters: int) -> Config:
            return nwpu_stage_config(name, osp.join(work_dir, stage),
                                     data_root, sizes, iters, settings.seed)

        _banner(1, total, f'NWPU VHR-10 in {data_root}')
    else:
        (teacher_cfg, student_cfg, admd_cfg_name), map_key = DEMOS[
            settings.dataset]

        def config(name: str, stage: str, iters: int) -> Config:
            return stage_config(name, osp.join(work_dir, stage), data_root,
                                settings, iters)

        _banner(1, total,
                f'synthetic {settings.dataset.upper()} scenes -> {data_root}')
        data_root = generate_data(data_root, settings)

    teacher_stage = config(teacher_cfg, 'teacher', settings.teacher_iters)
    if settings.teacher_ckpt:
        _banner(2, total, f'teacher: {settings.teacher_ckpt}, evaluated '
                '(not trained)')
        teacher = evaluate_checkpoint('teacher', teacher_stage,
                                      settings.teacher_ckpt)
    else:
        _banner(2, total, f'teacher: {settings.teacher_iters} iterations')
        teacher = train_and_test('teacher', teacher_stage)

    _banner(3, total,
            f'student alone: {settings.student_iters} iterations')
    student = train_and_test(
        'student', config(student_cfg, 'student', settings.student_iters))

    _banner(4, total,
            f'student with ADMD: {settings.student_iters} iterations')
    admd_cfg = config(admd_cfg_name, 'admd', settings.student_iters)
    admd_cfg.model.teacher_ckpt = teacher.checkpoint
    if admd_cfg.get('custom_hooks'):  # the mask pictures
        admd_cfg.custom_hooks[0].interval = max(1,
                                                settings.student_iters // 2)
    admd = train_and_test('student + ADMD', admd_cfg)

    _banner(5, total, 'export the distilled student as a plain detector')
    # overwrite: a rerun in the same work_dir exports its own new student
    ckpt, student_cfg = export_student(admd_cfg, admd.checkpoint,
                                       osp.join(work_dir, 'exported'),
                                       overwrite=True)
    print(f'    {ckpt}\n    {student_cfg}')

    _banner(6, total, 'report')
    from mmadmd.benchmarks.report import write_report
    report = write_report(work_dir, [teacher, student, admd], settings,
                          time.time() - t0, map_key)
    summary = {
        r.name: dict(
            mAP=r.metrics.get(map_key),
            seconds=round(r.seconds),
            logged_iters=[x['iter'] for x in r.scalars if 'loss' in x])
        for r in (teacher, student, admd)
    }
    print('\n' + open(report).read().split('## Plots')[0])
    print(f'report: {report}')
    with open(osp.join(work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    return dict(
        stages=summary,
        report=report,
        student_checkpoint=ckpt,
        student_config=student_cfg)


__all__ = [
    'DemoSettings', 'StageResult', 'run_demo', 'generate_data', 'load_config',
    'set_budget', 'stage_config', 'evaluate_checkpoint', 'train_and_test'
]

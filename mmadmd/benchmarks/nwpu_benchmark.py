# Copyright (c) mmadmd contributors. All rights reserved.
"""The real-data benchmark (``tools/analysis/nwpu_benchmark.py``).

On NWPU VHR-10 (real imagery, the split mmadmd ships) with the CPU-sized
models of ``configs/benchmark_nwpu``: train the teacher once (validating
on the val split as it trains, to show where its mAP levels off), then the
student alone and distilled by each method on the same budget and seeds,
and ADMD on a 3x schedule with and without the weight-increasing module.
Every student is evaluated on the val split (for choosing settings) and on
the test split (for reporting). Runs are saved to ``results.json`` as they
finish and skipped when the command is run again, so an interrupted
benchmark resumes; ``results.md`` / ``results.png`` (test mAP) and
``results_val.md`` (val mAP) are rewritten after every run. The table and
the paired per-seed differences are the mini benchmark's.
"""
import glob
import json
import os
import os.path as osp
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmadmd.benchmarks.demo import ProgressBarHook, load_config, set_budget
from mmadmd.benchmarks.mini_benchmark import (METHOD_NAMES, BenchmarkRun,
                                              apply_distill_run, format_delta,
                                              format_mean, format_per_seed,
                                              load_results, method_runs,
                                              paired_difference,
                                              pending_runs, save_results,
                                              summarize, train_pending,
                                              write_table)
from mmadmd.utils import adapt_data, config_path
from mmadmd.utils.cli import load_checkpoint_strictly

#: Teacher, student and ADMD configs in ``configs/benchmark_nwpu``, by
#: detector family.
FAMILIES = {
    'retinanet': ('retinanet_r34-w32_fpn_cpu_nwpu.py',
                  'retinanet_r18-w16_fpn_cpu_nwpu.py',
                  'admd_fpn_retina-r34-w32_retina-r18-w16_cpu_nwpu.py'),
    'fcos': ('fcos_r34-w32_fpn_cpu_nwpu.py', 'fcos_r18-w16_fpn_cpu_nwpu.py',
             'admd_fpn_fcos-r34-w32_fcos-r18-w16_cpu_nwpu.py'),
    'gfl': ('gfl_r34-w32_fpn_cpu_nwpu.py', 'gfl_r18-w16_fpn_cpu_nwpu.py',
            'admd_fpn_gfl-r34-w32_gfl-r18-w16_cpu_nwpu.py'),
}
#: The RetinaNet configs (the family of the shipped results).
CONFIGS = FAMILIES['retinanet']
MAP_KEY = 'pascal_voc/mAP'
#: The runs of the README's real-data table (:func:`lead_table`).
LEAD_RUNS = ('student', 'admd', 'pkd', 'cwd', 'mgd', 'fgd', 'fitnet',
             'admd-constant')
#: The 3x table of docs/benchmarks.md, compared with PKD at 3x.
LEAD_RUNS_3X = ('student-3x', 'admd-3x', 'pkd-3x', 'admd-3x-constant')

#: The shipped teacher weights by family, relative to a source checkout
#: (each trained with its family's teacher config until its val mAP
#: stopped rising).
SHIPPED_TEACHERS = {
    'retinanet': 'docs/benchmarks/nwpu_teacher_adamw_7000it.pth',
    'fcos': 'docs/benchmarks/nwpu_teacher_fcos_7000it.pth',
    'gfl': 'docs/benchmarks/nwpu_teacher_gfl_7000it.pth',
}
#: The shipped RetinaNet teacher (the demo's).
SHIPPED_TEACHER = SHIPPED_TEACHERS['retinanet']
#: The shipped results by family, relative to a source checkout: the
#: README's real-data tables are made from them (:func:`family_table`).
SHIPPED_RESULTS = {
    'retinanet': 'docs/benchmarks/nwpu_benchmark.json',
    'fcos': 'docs/benchmarks/nwpu_benchmark_fcos.json',
    'gfl': 'docs/benchmarks/nwpu_benchmark_gfl.json',
}
#: The runs of the README's table of a family other than RetinaNet,
#: compared with PKD (the other distillers ran on RetinaNet only).
FAMILY_LEAD_RUNS = ('student', 'admd', 'pkd', 'admd-constant')

#: The other distillers ADMD is compared with.
OTHER_METHODS = ('pkd', 'cwd', 'mgd', 'fgd', 'fitnet')


@dataclass
class NWPUSettings:
    """Sizes of the real-data benchmark.

    Args:
        teacher_iters (int): Teacher iterations.
        student_iters (int): Student budget (1x); 3x runs train three times
            as long.
        batch_size (int): Training batch size (teacher and students).
        scale (int): Longest image side (test images, and the centre of the
            training scale jitter).
        crop (int): Side of the random training crops.
        teacher_val_interval (int): Validate the teacher every so many
            iterations (its learning curve).
        teacher_seed (int): Seed of the teacher's training.
        seeds (tuple[int]): Training seeds of the students.
        cfg_options (dict): ``--cfg-options``-style overrides applied to
            every stage, teacher and students alike (e.g. another
            optimizer), to try other operating points.
        teacher_init (str, optional): Weights the teacher starts from
            instead of random initialization (a teacher checkpoint of an
            earlier run, to train it further in another cosine cycle).
        teacher_ckpt (str, optional): A trained teacher (e.g. the shipped
            :data:`SHIPPED_TEACHERS`): not trained again,
            only evaluated once on the val and test splits; the teacher_*
            sizes above are then unused.
        family (str): Detector family, a key of :data:`FAMILIES`: which
            teacher, student and ADMD configs are trained.
    """
    teacher_iters: int = 2000
    student_iters: int = 600
    batch_size: int = 8
    scale: int = 512
    crop: int = 320
    teacher_val_interval: int = 250
    teacher_seed: int = 0
    seeds: Tuple[int, ...] = (0, 1, 2)
    cfg_options: Dict = field(default_factory=dict)
    teacher_init: Optional[str] = None
    teacher_ckpt: Optional[str] = None
    family: str = 'retinanet'

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(
                f'family {self.family!r} is not one of '
                f'{", ".join(FAMILIES)} (configs/benchmark_nwpu)')

    @classmethod
    def quick(cls) -> 'NWPUSettings':
        """A smoke run of every run once, on tiny images."""
        return cls(
            teacher_iters=2,
            student_iters=2,
            batch_size=2,
            scale=128,
            crop=96,
            teacher_val_interval=1,
            seeds=(0, ))

    def trained_with(self) -> Dict:
        """What a result depends on (all but the seeds)."""
        wanted = asdict(self)
        wanted.pop('seeds')
        # keys added later: absent from older results when unused
        for key in ('cfg_options', 'teacher_init', 'teacher_ckpt'):
            if not wanted[key]:
                wanted.pop(key)
        if wanted['family'] == 'retinanet':
            wanted.pop('family')
        return wanted


def nwpu_runs() -> List[BenchmarkRun]:
    """Every run the benchmark knows, baseline first, extra runs last."""
    run = BenchmarkRun
    return [
        *method_runs(
            ('student', 'admd', 'pkd', 'cwd', 'mgd', 'fgd', 'fitnet')),
        run('admd-constant', 'ADMD, no weight increasing', 'ablations',
            'admd', hook=dict(mode='constant')),
        run('student-3x', 'student alone, 3x', 'schedules', 'student',
            schedule=3.0),
        run('admd-3x', 'ADMD, 3x', 'schedules', 'admd', schedule=3.0),
        run('admd-3x-constant', 'ADMD, 3x, no weight increasing',
            'schedules', 'admd', hook=dict(mode='constant'), schedule=3.0),
        # The best other method at 1x, on the prolonged schedule too.
        run('pkd-3x', 'PKD, 3x', 'schedules', 'pkd', schedule=3.0,
            extra=True),
        # Settings to choose on the val split.
        # A sharper mask: at tau 1 the trained teacher's mask covers
        # 0.90-0.98 of the pixels, so ADMD weights them almost as PKD.
        run('admd-tau0.5', 'ADMD, tau 0.5', 'ablations', 'admd',
            loss=dict(tau=0.5), extra=True),
        run('admd-tau2', 'ADMD, tau 2', 'ablations', 'admd',
            loss=dict(tau=2.0), extra=True),
        run('admd-tau4', 'ADMD, tau 4', 'ablations', 'admd',
            loss=dict(tau=4.0), extra=True),
        # Near-uniform mask (exp(dn / 16) varies little): is it the
        # discrepancy weighting that helps, or the loss it weights?
        run('admd-tau16', 'ADMD, tau 16', 'ablations', 'admd',
            loss=dict(tau=16.0), extra=True),
        run('admd-tau4-constant', 'ADMD, tau 4, no weight increasing',
            'ablations', 'admd', loss=dict(tau=4.0),
            hook=dict(mode='constant'), extra=True),
        run('admd-w1', 'ADMD, loss_weight 1', 'ablations', 'admd',
            loss=dict(loss_weight=1.0), extra=True),
        run('admd-w1-constant', 'ADMD, loss_weight 1, no weight increasing',
            'ablations', 'admd', loss=dict(loss_weight=1.0),
            hook=dict(mode='constant'), extra=True),
        # The fragment's weight, for families whose config sets another.
        run('admd-w3', 'ADMD, loss_weight 3', 'ablations', 'admd',
            loss=dict(loss_weight=3.0), extra=True),
        run('admd-w10', 'ADMD, loss_weight 10', 'ablations', 'admd',
            loss=dict(loss_weight=10.0), extra=True),
        run('admd-linear', 'ADMD, linear mask', 'ablations', 'admd',
            loss=dict(mask_type='linear'), extra=True),
    ]


def default_nwpu_runs() -> List[BenchmarkRun]:
    """The runs of the default benchmark (all but the extra runs)."""
    return [run for run in nwpu_runs() if not run.extra]


def nwpu_stage_config(name: str,
                      work_dir: str,
                      data_root: str,
                      settings: NWPUSettings,
                      iters: int,
                      seed: int,
                      split_dir: Optional[str] = None,
                      val_interval: Optional[int] = None) -> Config:
    """A ``configs/benchmark_nwpu`` config on ``data_root``, at the
    settings' sizes and ``iters`` iterations.

    Args:
        name (str): File name in ``configs/benchmark_nwpu``.
        work_dir (str): The stage's work dir.
        data_root (str): The NWPU VHR-10 release folder.
        settings (NWPUSettings): Sizes.
        iters (int): Training iterations.
        seed (int): Training seed.
        split_dir (str, optional): Folder of ``{train,val,test}.txt``;
            None: the shipped split.
        val_interval (int, optional): Validate every so many iterations
            during training; None: once, after training.

    Returns:
        Config: The stage's config; ``val_*`` evaluate the val split and
        ``test_*`` the test split.
    """
    cfg = load_config(config_path('benchmark_nwpu', name))
    adapt_data(cfg, data_root, (settings.scale, settings.scale),
               settings.batch_size)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[key].dataset
        if split_dir is not None:
            dataset.ann_file = osp.join(split_dir,
                                        osp.basename(dataset.ann_file))
        for step in dataset.pipeline:
            if step.type == 'RandomCrop':
                step.crop_size = (settings.crop, settings.crop)
    cfg.merge_from_dict(settings.cfg_options)
    set_budget(cfg, work_dir, iters, seed, val_interval or iters)
    # Students are validated alone (the teacher's own metrics are in the
    # teacher's entry), with mmengine's plain loop.
    cfg.val_cfg = dict(type='ValLoop')
    return cfg


def train_stage(name: str, cfg: Config) -> Dict:
    """Train ``cfg``, then evaluate the test split.

    Returns:
        dict: ``mAP`` (test split), ``val_mAP`` (the last validation),
        ``val_curve`` (``[iteration, val mAP]`` per validation), seconds,
        iterations and the checkpoint.
    """
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.register_hook(ProgressBarHook(name))
    runner.train()
    test = runner.test()
    # A resumed stage logs into a new timestamped folder: join them all.
    logs = sorted(glob.glob(osp.join(cfg.work_dir, '*', 'vis_data',
                                     'scalars.json')))
    by_step = {}
    for log_json in logs:
        for line in open(log_json):
            record = json.loads(line)
            if MAP_KEY in record:
                by_step[record['step']] = record[MAP_KEY]
    curve = [[step, by_step[step]] for step in sorted(by_step)]
    if not curve:
        raise RuntimeError(
            f'{name}: no validation result in {logs or cfg.work_dir}')
    return dict(
        mAP=float(test[MAP_KEY]),
        val_mAP=float(curve[-1][1]),
        val_curve=curve,
        seconds=time.time() - start,
        iters=cfg.train_cfg.max_iters,
        checkpoint=osp.join(cfg.work_dir,
                            f'iter_{cfg.train_cfg.max_iters}.pth'))


def evaluate_teacher(cfg: Config,
                     checkpoint: str,
                     family: str = 'retinanet') -> Dict:
    """Evaluate trained teacher weights on the val and test splits.

    Args:
        cfg (Config): The teacher's stage config (from
            :func:`nwpu_stage_config`).
        checkpoint (str): The teacher's weights.
        family (str): The config's family (a key of :data:`FAMILIES`), to
            name its shipped teacher when ``checkpoint`` is missing.

    Returns:
        dict: ``mAP`` (test split), ``val_mAP``, ``val_curve`` (empty: not
        trained here), seconds, ``iters`` 0 and the checkpoint.
    """
    if not osp.isfile(checkpoint):
        shipped = (f'the shipped {family} teacher is '
                   f'{SHIPPED_TEACHERS[family]} in a source checkout'
                   if family in SHIPPED_TEACHERS else
                   f'no {family} teacher ships; train one with '
                   '--teacher-only --save-teacher FILE')
        raise FileNotFoundError(
            f'teacher checkpoint {checkpoint!r} not found ({shipped}); or '
            'train the teacher instead (no teacher_ckpt).')
    start = time.time()
    cfg.load_from = None  # loaded strictly below, and only it
    runner = Runner.from_cfg(cfg)
    load_checkpoint_strictly(runner.model, checkpoint, 'the teacher config')
    val = runner.val()
    test = runner.test()
    return dict(
        mAP=float(test[MAP_KEY]),
        val_mAP=float(val[MAP_KEY]),
        val_curve=[],
        seconds=time.time() - start,
        iters=0,
        checkpoint=checkpoint)


def save_teacher_weights(checkpoint: str, out: str, note: str) -> str:
    """Write trained teacher weights as the benchmark ships them: fp16
    weights only (no optimizer state), with the dataset's meta and a note.

    A teacher run with ``teacher_ckpt=out`` evaluates the file as it is
    (strictly), so its mAP can be checked against the fp32 checkpoint's.

    Args:
        checkpoint (str): An mmengine checkpoint of the teacher stage (e.g.
            ``<work_dir>/teacher/iter_3000.pth``).
        out (str): The file to write; an existing file is not replaced.
        note (str): How the weights were trained and how well they do,
            kept as ``meta['note']``.

    Returns:
        str: ``out``.
    """
    if osp.exists(out):
        raise FileExistsError(
            f'{out} exists: give another file or remove it first')
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=False)
    state = {
        key: value.half() if value.is_floating_point() else value
        for key, value in ckpt['state_dict'].items()
    }
    meta = dict(note=note)
    if ckpt.get('meta', {}).get('dataset_meta'):
        meta['dataset_meta'] = ckpt['meta']['dataset_meta']
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    torch.save(dict(state_dict=state, meta=meta), out)
    return out


def teacher_note(settings: NWPUSettings, teacher: Dict) -> str:
    """What :func:`save_teacher_weights` keeps as the note of a teacher
    trained by the benchmark: its config, schedule, seed and mAP."""
    start = (f'from {settings.teacher_init}'
             if settings.teacher_init else 'from random initialization')
    return (f'NWPU VHR-10 benchmark teacher (configs/benchmark_nwpu/'
            f'{FAMILIES[settings.family][0]}), {settings.teacher_iters} '
            f'iterations {start}, seed {settings.teacher_seed}; weights '
            f'only, fp16; val mAP {teacher["val_mAP"]:.3f}, test mAP '
            f'{teacher["mAP"]:.3f}')


def lead_table(results: Dict,
               keys: Sequence[str],
               against: Optional[str] = None) -> str:
    """The README's table: test mAP of some runs, with paired differences
    to the student alone and to another method.

    Args:
        results (dict): The benchmark's results (``results.json``).
        keys (Sequence[str]): Run keys, in row order; those without a
            result yet get no row.
        against (str, optional): Key of the run the last column compares
            with; None: the other distiller (:data:`OTHER_METHODS`) among
            ``keys`` with the highest mean test mAP.

    Returns:
        str: A Markdown table.
    """
    runs = nwpu_runs()
    rows = {row['key']: row for row in summarize(results, runs)}
    keys = [key for key in keys if key in rows]
    # The student alone is the baseline, not a method to compare.
    students = {run.key for run in runs if run.method == 'student'}
    header = 'vs {}'
    if against is None:
        against = max((k for k in keys if k in OTHER_METHODS),
                      key=lambda k: rows[k]['mean'])
        header = 'vs the best other method, {}'
    ref = header.format(METHOD_NAMES.get(against, rows[against]['name']))
    lines = [
        f'| run | test mAP | per seed | vs student alone | {ref} |',
        '|---|---|---|---|---|'
    ]
    for key in keys:
        row = rows[key]
        vs_ref = paired_difference(row['maps'], rows[against]['maps']) \
            if key != against and key not in students else None
        lines.append(
            f"| {row['name']} | {format_mean(row)} | "
            f"{format_per_seed(row['maps'])} | "
            f"{format_delta(row['vs_student'])} | {format_delta(vs_ref)} |")
    return '\n'.join(lines) + '\n'


def family_table(results: Dict) -> str:
    """The README's real-data table of the family ``results`` are of.

    RetinaNet's has every distiller (:data:`LEAD_RUNS`, compared with the
    best other one); another family's has :data:`FAMILY_LEAD_RUNS`,
    compared with PKD.

    Args:
        results (dict): The benchmark's results (``results.json``).

    Returns:
        str: A Markdown table (:func:`lead_table`).
    """
    if results['settings'].get('family', 'retinanet') == 'retinanet':
        return lead_table(results, LEAD_RUNS)
    return lead_table(results, FAMILY_LEAD_RUNS, against='pkd')


def run_nwpu_benchmark(work_dir: str,
                       data_root: str,
                       settings: Optional[NWPUSettings] = None,
                       runs: Optional[Sequence[BenchmarkRun]] = None,
                       split_dir: Optional[str] = None,
                       log: Callable[[str], None] = print) -> Dict:
    """Run (or resume) the real-data benchmark.

    Args:
        work_dir (str): Output folder: ``results.{json,md,png}``,
            ``results_val.md``, the teacher's folder (its checkpoint is kept
            and reused) and one folder per run (only its final weights are
            kept).
        data_root (str): The NWPU VHR-10 release folder.
        settings (NWPUSettings, optional): Sizes and seeds; the documented
            defaults when None.
        runs (Sequence[BenchmarkRun], optional): Runs to do, from
            :func:`nwpu_runs`; :func:`default_nwpu_runs` when None; none
            (an empty sequence): only train or evaluate the teacher.
        split_dir (str, optional): Folder of ``{train,val,test}.txt``;
            None: the shipped split.
        log (callable): Where progress goes. Defaults to ``print``.

    Returns:
        dict: The results (as in ``results.json``).
    """
    settings = settings or NWPUSettings()
    runs = list(default_nwpu_runs() if runs is None else runs)
    data_root = osp.abspath(data_root)
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, 'results.json')
    results = load_results(
        path, dict(settings.trained_with(), split_dir=split_dir),
        data_root=data_root)
    teacher_cfg, student_cfg, admd_cfg = FAMILIES[settings.family]

    def save() -> None:
        save_results(path, results)
        write_table(work_dir, results, nwpu_runs())
        val = dict(results, runs={
            k: dict(v, mAP=v['val_mAP']) for k, v in results['runs'].items()
        }, teacher=results['teacher'] and dict(
            results['teacher'], mAP=results['teacher']['val_mAP']))
        write_table(work_dir, val, nwpu_runs(), name='results_val',
                    plot=False)

    teacher_ckpt = settings.teacher_ckpt or osp.join(
        work_dir, 'teacher', f'iter_{settings.teacher_iters}.pth')
    todo = pending_runs(results, runs, settings.seeds)
    if settings.teacher_ckpt:
        if results['teacher'] is None:
            log(f'teacher: {teacher_ckpt}, evaluated (not trained)')
            cfg = nwpu_stage_config(
                teacher_cfg, osp.join(work_dir, 'teacher'), data_root,
                settings, 1, settings.teacher_seed, split_dir)
            results['teacher'] = evaluate_teacher(cfg, teacher_ckpt,
                                                  settings.family)
            save()
    elif results['teacher'] is None or (todo
                                        and not osp.exists(teacher_ckpt)):
        log(f'teacher: {settings.teacher_iters} iterations')
        cfg = nwpu_stage_config(
            teacher_cfg, osp.join(work_dir, 'teacher'), data_root, settings,
            settings.teacher_iters, settings.teacher_seed, split_dir,
            settings.teacher_val_interval)
        # Checkpoint at every validation and resume from the last one: the
        # teacher is the one stage too long to lose to an interruption.
        cfg.default_hooks.checkpoint.interval = settings.teacher_val_interval
        if osp.exists(osp.join(cfg.work_dir, 'last_checkpoint')):
            cfg.resume = True
        elif settings.teacher_init:
            cfg.load_from = settings.teacher_init  # weights only
        teacher = train_stage('teacher', cfg)
        teacher.pop('checkpoint')
        results['teacher'] = teacher
        save()
    log(f'teacher: test mAP {results["teacher"]["mAP"]:.3f}, val mAP '
        f'{results["teacher"]["val_mAP"]:.3f}; val curve '
        + ', '.join(f'{it}: {m:.3f}'
                    for it, m in results['teacher']['val_curve']))

    def train_one(run: BenchmarkRun, seed: int, run_dir: str) -> Dict:
        iters = max(1, round(settings.student_iters * run.schedule))
        name = student_cfg if run.method == 'student' else admd_cfg
        cfg = nwpu_stage_config(name, run_dir, data_root, settings, iters,
                                seed, split_dir)
        if run.method != 'student':
            apply_distill_run(cfg, run, teacher_ckpt)
        result = train_stage(f'{run.key} s{seed}', cfg)
        result.pop('checkpoint')
        return result

    # Students are small: their final weights stay, to look at where a
    # trained student's mask puts its weight (mask_statistics.py).
    train_pending(
        todo, results, work_dir, train_one, save, log, keep_final=True)
    save()
    return results


__all__ = [
    'CONFIGS', 'FAMILIES', 'FAMILY_LEAD_RUNS', 'LEAD_RUNS', 'LEAD_RUNS_3X',
    'OTHER_METHODS', 'SHIPPED_RESULTS', 'SHIPPED_TEACHER', 'SHIPPED_TEACHERS',
    'NWPUSettings', 'default_nwpu_runs', 'evaluate_teacher', 'family_table',
    'lead_table', 'nwpu_runs', 'nwpu_stage_config', 'run_nwpu_benchmark',
    'save_teacher_weights', 'teacher_note', 'train_stage'
]

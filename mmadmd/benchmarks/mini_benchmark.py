# Copyright (c) mmadmd contributors. All rights reserved.
"""The mini accuracy benchmark (``tools/analysis/mini_benchmark.py``).

On the demo's synthetic DIOR scenes and models (``configs/demo``): train the
teacher once, then the student alone and distilled by each method on the
same budget, over several seeds, plus ADMD ablations (weight-increasing
module off, linear mask, softmax ``tau``, a bf16 teacher) and a short and a
3x-long schedule. Every finished run is saved to ``results.json`` at once;
a rerun skips finished runs, so an interrupted benchmark resumes where it
stopped. ``results.md`` (mean and std per run) and ``results.png`` are
rewritten after every run.
"""
import json
import os
import os.path as osp
import statistics
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from mmadmd.benchmarks.demo import (DEMOS, DemoSettings, generate_data,
                                    stage_config, train_and_test)
from mmadmd.benchmarks.machine import describe_machine, machine
from mmadmd.utils import config_path, set_kd_channels


@dataclass(frozen=True)
class BenchmarkRun:
    """One trained student of the benchmark.

    Args:
        key (str): Identifier (folder and results key).
        name (str): Row label.
        group (str): ``'methods'``, ``'ablations'`` or ``'schedules'``.
        method (str): ``'student'`` (no distillation), ``'admd'`` or a
            method of ``configs/_base_/kd_methods.py``.
        loss (dict): ``ADMDLoss`` overrides.
        hook (dict): ``WeightIncreasingHook`` overrides.
        teacher_precision (str): ``teacher_precision`` of the distiller.
        teacher_channels_last (bool, optional): ``teacher_channels_last``
            of the distiller (None: its default).
        schedule (float): Iterations as a multiple of the student budget.
        extra (bool): Run only when asked for (``--extra`` or ``--runs``):
            long checks that do not fit the default two-hour budget.
    """
    key: str
    name: str
    group: str
    method: str
    loss: Dict = field(default_factory=dict)
    hook: Dict = field(default_factory=dict)
    teacher_precision: str = 'fp32'
    teacher_channels_last: Optional[bool] = None
    schedule: float = 1.0
    extra: bool = False


#: Table names of the methods (the run key of each is the method's name).
METHOD_NAMES = {
    'student': 'student alone',
    'admd': 'ADMD',
    'pkd': 'PKD',
    'cwd': 'CWD',
    'mgd': 'MGD',
    'fbkd': 'FBKD',
    'fitnet': 'FitNet',
    'fgd': 'FGD',
}


def method_runs(methods: Sequence[str]) -> List[BenchmarkRun]:
    """One run per method at the default settings, in the group 'methods'.

    Args:
        methods (Sequence[str]): Keys of :data:`METHOD_NAMES`, in table
            order.

    Returns:
        list[BenchmarkRun]: The runs.
    """
    return [BenchmarkRun(m, METHOD_NAMES[m], 'methods', m) for m in methods]


def drop_weights(run_dir: str, keep: Sequence[str] = ()) -> None:
    """Delete a finished run's checkpoints; its logs stay.

    Args:
        run_dir (str): The run's work dir.
        keep (Sequence[str]): File names to keep.
    """
    for name in os.listdir(run_dir):
        if name in keep:
            continue
        if name.endswith('.pth') or name == 'last_checkpoint':
            os.remove(osp.join(run_dir, name))


def pending_runs(results: Dict, runs: Sequence[BenchmarkRun],
                 seeds: Sequence[int]) -> List[Tuple[int, BenchmarkRun]]:
    """The ``(seed, run)`` pairs without a result yet, seed by seed."""
    return [(seed, run) for seed in seeds for run in runs
            if f'{run.key}/seed{seed}' not in results['runs']]


def recorded_machines(results: Dict) -> Tuple[List[Dict], int]:
    """The machines that trained the runs of ``results``.

    Args:
        results (dict): A benchmark's results.

    Returns:
        tuple: The :func:`machine` records, each once in the order first
        seen, and the number of runs saved before machines were recorded.
    """
    seen: List[Dict] = []
    unknown = 0
    for run in results['runs'].values():
        if 'machine' not in run:
            unknown += 1
        elif run['machine'] not in seen:
            seen.append(run['machine'])
    return seen, unknown


def machines_note(results: Dict) -> str:
    """A table's line on the machines that trained its runs.

    Args:
        results (dict): A benchmark's results.

    Returns:
        str: One Markdown paragraph (empty when no run recorded its
        machine).
    """
    seen, unknown = recorded_machines(results)
    if not seen:
        return ''
    text = '; '.join(describe_machine(m) for m in seen)
    text = (f'\nTrained on {text}.' if len(seen) == 1 else
            f'\nTrained on {len(seen)} machines, so the paired columns '
            f'mix machine noise into seed noise: {text}.')
    if unknown:
        text += f' {unknown} runs saved no machine.'
    return text + '\n'


TrainOne = Callable[[BenchmarkRun, int, str], Dict]


def train_pending(todo: Sequence[Tuple[int, BenchmarkRun]], results: Dict,
                  work_dir: str, train_one: TrainOne,
                  save: Callable[[], None],
                  log: Callable[[str], None],
                  keep_final: bool = False) -> None:
    """Train the pending runs one by one, saving after each.

    Args:
        todo (Sequence[tuple]): ``(seed, run)`` pairs, from
            :func:`pending_runs`.
        results (dict): The benchmark's results; each run's result, with
            the :func:`machine` that trained it, goes to
            ``results['runs']['<key>/seed<seed>']``.
        work_dir (str): The benchmark's folder; a run trains in
            ``<work_dir>/<key>/seed<seed>`` and its weights are deleted
            once its result is saved.
        train_one (callable): ``(run, seed, run_dir) -> result dict``.
        save (callable): Writes the results (an interrupted benchmark
            resumes from them).
        log (callable): Where progress goes.
        keep_final (bool): Keep each run's final checkpoint
            (``iter_<iters>.pth``, ``iters`` from its result), e.g. to look
            at the trained student's masks.
    """
    log(f'{len(todo)} runs to do, '
        f"{len(results['runs'])} done before (in {work_dir})")
    this = machine()
    others = [m for m in recorded_machines(results)[0] if m != this]
    if others and todo:
        log(f'warning: runs in {work_dir} were trained on another machine '
            f'({others[0]}); this one is {this}. Runs repeat to the last '
            'digit only on one machine, so per-seed differences between '
            "this machine's runs and those mix machine noise into the "
            'paired columns: compare in a new --work-dir to keep them apart.')
    for idx, (seed, run) in enumerate(todo):
        run_dir = osp.join(work_dir, run.key, f'seed{seed}')
        log(f'[{idx + 1}/{len(todo)}] {run.name}, seed {seed}')
        result = dict(train_one(run, seed, run_dir), machine=this)
        results['runs'][f'{run.key}/seed{seed}'] = result
        save()
        drop_weights(
            run_dir, [f"iter_{result['iters']}.pth"] if keep_final else [])


def all_runs() -> List[BenchmarkRun]:
    """Every run the benchmark knows, baseline first, extra runs last."""
    run = BenchmarkRun
    return [
        *method_runs(('student', 'admd', 'pkd', 'cwd', 'mgd', 'fbkd',
                      'fitnet', 'fgd')),
        run('admd-constant', 'ADMD, no weight increasing (constant)',
            'ablations', 'admd', hook=dict(mode='constant')),
        run('admd-linear', 'ADMD, linear mask', 'ablations', 'admd',
            loss=dict(mask_type='linear')),
        run('admd-tau0.5', 'ADMD, tau 0.5', 'ablations', 'admd',
            loss=dict(tau=0.5)),
        run('admd-tau2', 'ADMD, tau 2', 'ablations', 'admd',
            loss=dict(tau=2.0)),
        run('admd-bf16', 'ADMD, bf16 teacher', 'ablations', 'admd',
            teacher_precision='bf16'),
        run('student-short', 'student alone, short (0.5x)', 'schedules',
            'student', schedule=0.5),
        run('admd-short', 'ADMD, short (0.5x)', 'schedules', 'admd',
            schedule=0.5),
        run('student-3x', 'student alone, 3x', 'schedules', 'student',
            schedule=3.0),
        run('admd-3x', 'ADMD, 3x', 'schedules', 'admd', schedule=3.0),
        # Extra runs, outside the two-hour default. At 1x the student is
        # barely trained; 3x is where the module (late training) and the
        # bf16 teacher can be judged.
        run('admd-3x-constant', 'ADMD, 3x, no weight increasing',
            'schedules', 'admd', hook=dict(mode='constant'), schedule=3.0,
            extra=True),
        run('admd-3x-bf16', 'ADMD, 3x, bf16 teacher', 'schedules', 'admd',
            teacher_precision='bf16', schedule=3.0, extra=True),
        # A rounding control for the bf16 teacher: the fp32 teacher in the
        # channels-last layout computes the same features, but its
        # convolutions sum in another order (differences near 1e-7 instead
        # of bf16's 1e-2). Where this moves the mAP as much as bf16 does,
        # the cause is the training's sensitivity to any rounding.
        run('admd-cl', 'ADMD, fp32 teacher channels-last', 'ablations',
            'admd', teacher_channels_last=True, extra=True),
        run('admd-3x-cl', 'ADMD, 3x, fp32 teacher channels-last',
            'schedules', 'admd', teacher_channels_last=True, schedule=3.0,
            extra=True),
        # The bf16 teacher in the default layout (before channels-last
        # became the bf16 default): the same features up to the order of
        # its sums, so a second bf16 sample for each seed.
        run('admd-bf16-nocl', 'ADMD, bf16 teacher, not channels-last',
            'ablations', 'admd', teacher_precision='bf16',
            teacher_channels_last=False, extra=True),
        run('admd-3x-bf16-nocl', 'ADMD, 3x, bf16 teacher, not channels-last',
            'schedules', 'admd', teacher_precision='bf16',
            teacher_channels_last=False, schedule=3.0, extra=True),
        # The shipped loss_weight=3 against a third and three times it.
        run('admd-w1', 'ADMD, loss_weight 1', 'ablations', 'admd',
            loss=dict(loss_weight=1.0), extra=True),
        run('admd-w10', 'ADMD, loss_weight 10', 'ablations', 'admd',
            loss=dict(loss_weight=10.0), extra=True),
    ]


def default_runs() -> List[BenchmarkRun]:
    """The runs of the default benchmark (all but the extra runs)."""
    return [run for run in all_runs() if not run.extra]


@dataclass
class BenchmarkSettings:
    """Sizes of the mini benchmark.

    Args:
        data (DemoSettings): Scenes, teacher and student budgets (the demo's
            DIOR sizes with a 300-iteration student budget by default).
        seeds (tuple[int]): Training seeds of the students (the scenes and
            the teacher use ``data.seed``).
    """
    data: DemoSettings = field(
        default_factory=lambda: DemoSettings(student_iters=300))
    # Two seeds keep the default run under 2 hours on 2 CPU cores
    # (docs/benchmarks.md); add seeds with --seeds.
    seeds: Tuple[int, ...] = (0, 1)

    @classmethod
    def quick(cls) -> 'BenchmarkSettings':
        """A smoke run of every run once, in under a minute."""
        return cls(
            # 256 px: FBKD pools P3 by 16 and P7 by 4.
            data=replace(DemoSettings.quick(), size=256, teacher_iters=2,
                         student_iters=2, num_test=2),
            seeds=(0, ))


def load_results(path: str, wanted: Dict, **fields) -> Dict:
    """A benchmark's saved results, or new empty ones.

    Args:
        path (str): Its ``results.json``.
        wanted (dict): What the results depend on (the settings, all but
            the seeds): results saved with other settings are an error,
            never mixed.
        **fields: Further keys of new results (e.g. ``data_root``).

    Returns:
        dict: ``settings``, the ``fields``, ``teacher`` and ``runs``.
    """
    if not osp.exists(path):
        return dict(settings=wanted, **fields, teacher=None, runs={})
    with open(path) as f:
        results = json.load(f)
    if results.get('settings') != wanted:
        raise ValueError(
            f'{path} holds results of other settings '
            f"({results.get('settings')}, not {wanted}); use another "
            '--work-dir, or delete it to start over.')
    return results


def save_results(path: str, results: Dict) -> None:
    """Write ``results`` to ``path`` as JSON, never half-written."""
    with open(path + '.tmp', 'w') as f:
        json.dump(results, f, indent=2)
    os.replace(path + '.tmp', path)


def run_config(run: BenchmarkRun, seed: int, work_dir: str, data_root: str,
               data: DemoSettings, teacher_ckpt: str) -> Config:
    """The config of one run: the demo's configs with the run's changes.

    Args:
        run (BenchmarkRun): The run.
        seed (int): Training seed.
        work_dir (str): The run's work dir.
        data_root (str): The scenes.
        data (DemoSettings): Sizes.
        teacher_ckpt (str): The trained teacher.

    Returns:
        Config: The config to train and test.
    """
    _, student_cfg, admd_cfg = DEMOS['dior'][0]
    iters = max(1, round(data.student_iters * run.schedule))
    if run.method == 'student':
        cfg = stage_config(student_cfg, work_dir, data_root, data, iters)
    else:
        cfg = stage_config(admd_cfg, work_dir, data_root, data, iters)
        apply_distill_run(cfg, run, teacher_ckpt)
    cfg.randomness = dict(seed=seed)
    return cfg


def apply_distill_run(cfg: Config, run: BenchmarkRun,
                      teacher_ckpt: str) -> Config:
    """Turn an ADMD config into the distillation of ``run``, in place.

    ADMD runs get the run's loss and hook overrides; other methods replace
    the distiller with theirs from ``configs/_base_/kd_methods.py`` (their
    channels set to the student's FPN) and drop the weight-increasing hook.

    Args:
        cfg (Config): A shipped ADMD config (demo or benchmark).
        run (BenchmarkRun): A run whose method is not ``'student'``.
        teacher_ckpt (str): The trained teacher.

    Returns:
        Config: ``cfg``, modified.
    """
    cfg.model.teacher_ckpt = teacher_ckpt
    cfg.model.teacher_precision = run.teacher_precision
    cfg.model.teacher_channels_last = run.teacher_channels_last
    cfg.custom_hooks = []  # no mask pictures
    if run.method == 'admd':
        cfg.model.distiller.distill_losses.loss_admd_fpn.update(run.loss)
        cfg.default_hooks.admd_weight_increasing.update(run.hook)
    else:
        methods = Config.fromfile(
            config_path('_base_', 'kd_methods.py'))
        cfg.model.distiller = methods[f'kd_{run.method}_distiller']
        set_kd_channels(cfg, cfg.model.architecture.neck.out_channels)
        cfg.default_hooks.pop('admd_weight_increasing')
    return cfg


def paired_difference(maps: Dict[int, float],
                      ref_maps: Dict[int, float]) -> Optional[tuple]:
    """Mean and std of the per-seed differences ``maps - ref_maps``.

    Args:
        maps (dict): Seed -> mAP of a run.
        ref_maps (dict): Seed -> mAP of the run it is compared with.

    Returns:
        tuple | None: ``(mean, std, number of seeds)`` over the seeds both
        have (std 0 for one seed); None when they share no seed.
    """
    diffs = [maps[s] - ref_maps[s] for s in sorted(maps) if s in ref_maps]
    if not diffs:
        return None
    return (statistics.mean(diffs),
            statistics.stdev(diffs) if len(diffs) > 1 else 0.0, len(diffs))


def summarize(results: Dict, runs: Sequence[BenchmarkRun]) -> List[Dict]:
    """Mean and std of mAP per run, over the seeds done so far.

    Each row also holds ``maps`` (seed -> mAP), and ``vs_student`` and, for
    ADMD variants, ``vs_admd``: the mean and std over the seeds both runs
    have of the per-seed mAP difference to the student alone and to plain
    ADMD on the same schedule (paired: the seed fixes the initialization
    and data order, so paired differences are less noisy than means).
    """
    rows = {}
    for run in runs:
        maps = {
            int(k.split('/seed')[1]): v['mAP']
            for k, v in results['runs'].items() if k.split('/')[0] == run.key
        }
        if not maps:
            continue
        done = [results['runs'][f'{run.key}/seed{seed}'] for seed in maps]
        rows[run.key] = dict(
            key=run.key,
            name=run.name,
            group=run.group,
            n=len(maps),
            mean=statistics.mean(maps.values()),
            std=statistics.stdev(maps.values()) if len(maps) > 1 else 0.0,
            seconds=statistics.mean(d['seconds'] for d in done),
            iters=done[0]['iters'],
            maps=maps)

    def paired(row: Dict, ref: Optional[BenchmarkRun]) -> Optional[tuple]:
        ref_row = rows.get(ref.key) if ref else None
        if ref_row is None or ref_row is row:
            return None
        return paired_difference(row['maps'], ref_row['maps'])

    def reference(run: BenchmarkRun, method: str) -> Optional[BenchmarkRun]:
        return next((r for r in runs if r.method == method and not r.loss
                     and not r.hook and r.teacher_precision == 'fp32'
                     and r.teacher_channels_last is None
                     and r.schedule == run.schedule), None)

    for run in runs:
        if run.key in rows:
            rows[run.key]['vs_student'] = paired(rows[run.key],
                                                 reference(run, 'student'))
            rows[run.key]['vs_admd'] = paired(
                rows[run.key],
                reference(run, 'admd') if run.method == 'admd' else None)
    return list(rows.values())


def format_mean(row: Dict) -> str:
    """``'0.123 ± 0.045'`` for a :func:`summarize` row; ``'0.123 (one
    seed)'`` where one seed gives no spread to show."""
    if row['n'] == 1:
        return f"{row['mean']:.3f} (one seed)"
    return f"{row['mean']:.3f} ± {row['std']:.3f}"


def format_delta(paired: Optional[tuple]) -> str:
    """``'+0.012 ± 0.034 (3)'`` for :func:`paired_difference`'s result
    (``'+0.012 (1)'`` for one seed, ``''`` for None)."""
    if paired is None:
        return ''
    mean, std, n = paired
    if n == 1:
        return f'{mean:+.3f} ({n})'
    return f'{mean:+.3f} ± {std:.3f} ({n})'


def format_per_seed(maps: Dict[int, float]) -> str:
    """``'s0 0.123, s1 0.145'``: seed by seed, since a mean over a few
    seeds hides which seeds a run lost."""
    return ', '.join(f's{seed} {maps[seed]:.3f}' for seed in sorted(maps))


def write_table(work_dir: str,
                results: Dict,
                runs: Sequence[BenchmarkRun],
                name: str = 'results',
                plot: bool = True) -> str:
    """Write ``<name>.md`` and (with ``plot``) ``<name>.png``; return the
    Markdown."""
    rows = summarize(results, runs)
    lines = [
        '| group | run | iterations | mAP (mean ± std) | seeds | '
        'mAP per seed | vs student alone (paired, seeds) | '
        'vs ADMD (paired, seeds) | train + test (s) |',
        '|---|---|---|---|---|---|---|---|---|'
    ]
    for row in rows:
        lines.append(f"| {row['group']} | {row['name']} | {row['iters']} | "
                     f"{format_mean(row)} | {row['n']} | "
                     f"{format_per_seed(row['maps'])} | "
                     f"{format_delta(row['vs_student'])} | "
                     f"{format_delta(row['vs_admd'])} | "
                     f"{row['seconds']:.0f} |")
    teacher = results.get('teacher')
    header = ''
    if teacher:
        trained = (f"{teacher['iters']} iterations" if teacher['iters']
                   else f"the weights {teacher['checkpoint']}")
        header = f"Teacher: {trained}, mAP {teacher['mAP']:.3f}.\n\n"
    note = ('\nPaired columns: mean ± std over the seeds both runs have '
            '(their number in brackets) of the per-seed mAP difference, '
            'on the same number of iterations.\n')
    text = header + '\n'.join(lines) + '\n' + note + machines_note(results)
    with open(osp.join(work_dir, f'{name}.md'), 'w') as f:
        f.write(text)
    if rows and plot:
        _plot(rows, teacher, osp.join(work_dir, f'{name}.png'))
    return text


def _plot(rows: List[Dict], teacher: Optional[Dict], path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    colors = dict(
        methods='tab:blue', ablations='tab:orange', schedules='tab:green')
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    ys = list(range(len(rows)))[::-1]
    ax.barh(
        ys, [r['mean'] for r in rows],
        xerr=[r['std'] for r in rows],
        color=[colors.get(r['group'], 'gray') for r in rows],
        capsize=3)
    ax.set_yticks(ys, [f"{r['name']} ({r['iters']} it)" for r in rows],
                  fontsize=8)
    if teacher:
        ax.axvline(teacher['mAP'], color='k', ls='--', lw=1, label='teacher')
        ax.legend(fontsize=8)
    ax.set_xlabel('VOC mAP@0.5 (mean ± std over seeds)')
    ax.grid(axis='x', alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_mini_benchmark(work_dir: str,
                       data_root: str,
                       settings: Optional[BenchmarkSettings] = None,
                       runs: Optional[Sequence[BenchmarkRun]] = None,
                       log: Callable[[str], None] = print) -> Dict:
    """Run (or resume) the mini benchmark.

    Args:
        work_dir (str): Output folder: ``results.{json,md,png}`` and one
            sub-folder per run (checkpoints are deleted after testing).
        data_root (str): Folder of the synthetic scenes (reused when they
            were written with the same settings).
        settings (BenchmarkSettings, optional): Sizes and seeds; the
            documented defaults when None.
        runs (Sequence[BenchmarkRun], optional): Runs to do, from
            :func:`all_runs`; :func:`default_runs` when None. The table
            lists every run with results, whichever were asked for.
        log (callable): Where progress goes. Defaults to ``print``.

    Returns:
        dict: The results (as in ``results.json``).
    """
    settings = settings or BenchmarkSettings()
    runs = list(runs or default_runs())
    data = settings.data
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, 'results.json')
    results = load_results(path, asdict(settings.data))

    def save() -> None:
        save_results(path, results)
        write_table(work_dir, results, all_runs())

    teacher_cfg = DEMOS['dior'][0][0]
    map_key = DEMOS['dior'][1]
    teacher_ckpt = osp.join(work_dir, 'teacher',
                            f'iter_{data.teacher_iters}.pth')
    todo = pending_runs(results, runs, settings.seeds)
    # Scenes and the teacher's checkpoint serve training only: with every
    # run done the table is rebuilt from results.json alone (e.g. a copy of
    # docs/benchmarks/mini_benchmark.json), without writing scenes or
    # retraining the teacher.
    if todo or results['teacher'] is None:
        data_root = generate_data(osp.abspath(data_root), data)
    if results['teacher'] is None or (todo and not osp.exists(teacher_ckpt)):
        log(f'teacher: {data.teacher_iters} iterations')
        stage = train_and_test(
            'teacher',
            stage_config(teacher_cfg, osp.join(work_dir, 'teacher'),
                         data_root, data, data.teacher_iters))
        results['teacher'] = dict(
            mAP=stage.metrics[map_key],
            seconds=stage.seconds,
            iters=data.teacher_iters)
        save()

    def train_one(run: BenchmarkRun, seed: int, run_dir: str) -> Dict:
        cfg = run_config(run, seed, run_dir, data_root, data, teacher_ckpt)
        start = time.time()
        stage = train_and_test(f'{run.key} s{seed}', cfg)
        return dict(
            mAP=stage.metrics[map_key],
            seconds=time.time() - start,
            iters=cfg.train_cfg.max_iters)

    train_pending(todo, results, work_dir, train_one, save, log)
    save()
    return results


__all__ = [
    'BenchmarkRun', 'BenchmarkSettings', 'METHOD_NAMES', 'all_runs',
    'apply_distill_run', 'default_runs', 'drop_weights', 'format_delta',
    'format_mean', 'format_per_seed', 'load_results', 'machine',
    'machines_note', 'method_runs', 'paired_difference', 'pending_runs',
    'recorded_machines', 'run_config', 'run_mini_benchmark', 'save_results',
    'summarize', 'train_pending', 'write_table'
]

# Copyright (c) mmadmd contributors. All rights reserved.
"""Command-line pieces shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``ArgumentDefaultsHelpFormatter`` that adds ``(default: ...)`` only
    where it says something.

    Options whose real default is computed later have ``default=None`` and
    say their default in their help text, and flags are off unless given;
    the stock formatter would add "(default: None)" or "(default: False)".
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ''
        if (action.default is None or action.nargs == 0
                or 'default' in help_text):
            return help_text
        return super()._get_help_string(action)


def add_cfg_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--cfg-options`` (key=value overrides of the config)."""
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs, e.g. '
        'model.teacher_ckpt=teacher.pth train_cfg.max_epochs=12')


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--data-root``, ``--cfg-options``,
    ``--launcher``, local rank."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--data-root',
        help='the data_root of every dataset of the config, kept as given '
        '(spaces too, which --cfg-options drops), e.g. --data-root '
        '"data/NWPU VHR-10 dataset/"')
    add_cfg_options(parser)
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank (torch>=2) or
    # --local_rank (older); accept both.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` with the options of :func:`add_runner_args`.

    Also prepares CPU-only distributed runs (gloo, CPU DDP), which mmengine
    cannot start by itself.

    Returns:
        Config: The config, ready for :func:`build_runner`.
    """
    # Imported here: mmadmd.engine needs the mmrazor compat imported first.
    from mmadmd.engine import setup_cpu_distributed

    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    if not osp.isfile(args.config) and '::' not in args.config:
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if getattr(args, 'data_root', None) is not None:
        # Imported here: config_utils imports mmadmd's registries.
        from mmadmd.utils.config_utils import adapt_data
        adapt_data(cfg, data_root=args.data_root)
    # work_dir priority: CLI > config > config file name
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    setup_cpu_distributed(cfg)
    return cfg


def build_runner(cfg: Config) -> Runner:
    """The default Runner, or ``cfg.runner_type`` from the registry."""
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)


def load_checkpoint_strictly(model,
                             checkpoint: str,
                             config: str,
                             arg: str = 'checkpoint',
                             opt_out: str = 'Evaluate it with the config it '
                             'was trained with.') -> None:
    """Load ``checkpoint`` into the (possibly wrapped) model of ``config``,
    stopping with a message when it does not fit.

    Args:
        model (nn.Module): The runner's model.
        checkpoint (str): The checkpoint file.
        config (str): The config, for the message.
        arg (str): The argument that gave the checkpoint, for the messages
            about files that are no checkpoints.
        opt_out (str): What to do instead, appended to the message.

    Raises:
        ValueError: Naming the file, the mismatching keys and, where it can
            be told, which config the checkpoint belongs to.
    """
    from mmengine.model import is_model_wrapper

    from mmadmd.models.utils.checkpoint import (checkpoint_state_dict,
                                                load_state_dict_strictly)
    if is_model_wrapper(model):
        model = model.module
    load_state_dict_strictly(
        model,
        checkpoint_state_dict(checkpoint, arg),
        checkpoint,
        what=f'model of {config}',
        opt_out=opt_out)


def resume_checkpoint(cfg: Config) -> Optional[str]:
    """The checkpoint a Runner built from ``cfg`` will resume from.

    Returns:
        str, optional: ``load_from`` with ``resume=True``, else the latest
        checkpoint of ``work_dir`` (mmengine's auto-resume); None when the
        run does not resume.
    """
    from mmengine.runner import find_latest_checkpoint
    if not cfg.get('resume', False):
        return None
    return cfg.get('load_from') or find_latest_checkpoint(cfg.work_dir)


def check_resume_checkpoint(runner: Runner, cfg: Config, config: str) -> None:
    """Stop before mmengine resumes from a checkpoint of another model.

    mmengine loads what fits, logs hundreds of key lines and then fails on
    the optimizer's parameter groups; this applies the strict check of
    :func:`load_checkpoint_strictly` first.

    Args:
        runner (Runner): The built runner.
        cfg (Config): Its config (``resume``, ``load_from``, ``work_dir``).
        config (str): The config file, for the message.
    """
    checkpoint = resume_checkpoint(cfg)
    if checkpoint is None:
        return
    load_checkpoint_strictly(
        runner.model,
        checkpoint,
        config,
        arg='--resume',
        opt_out='Resume with the config that wrote the checkpoint (its '
        'work_dir holds a copy), or start a new run from it with load_from.')

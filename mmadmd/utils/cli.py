# Copyright (c) mmadmd contributors. All rights reserved.
"""Command-line pieces shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os
import os.path as osp

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
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher``, local rank."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
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


def load_checkpoint_strictly(model, checkpoint: str, config: str) -> None:
    """Load ``checkpoint`` into the (possibly wrapped) model of ``config``,
    stopping with a message when it does not fit.

    Args:
        model (nn.Module): The runner's model.
        checkpoint (str): The checkpoint file.
        config (str): The config, for the message.

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
        checkpoint_state_dict(checkpoint),
        checkpoint,
        what=f'model of {config}',
        opt_out='Evaluate it with the config it was trained with.')

# Copyright (c) mmadmd contributors. All rights reserved.
"""Strict checkpoint loading with messages that say what went wrong.

mmengine's ``load_checkpoint`` loads what fits and logs the rest, so a
checkpoint of another model (a student's given as the teacher's, one of
another width) trains or evaluates as if it were right. These helpers
compare every key and shape first and stop with the file, the number of
mismatching keys, the first few, and what the checkpoint looks like
(a distillation checkpoint, an exported student).
"""
import glob
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional

import torch
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

#: Key prefixes of an mmrazor distillation checkpoint's student and teacher.
DISTILL_PREFIXES = ('architecture.', 'teacher.')
_SHOWN = 5


def _directory_message(path: str, arg: str) -> str:
    """The error for a directory given where a checkpoint file belongs."""
    found = sorted(glob.glob(osp.join(path, '*.pth')))
    last = osp.join(path, 'last_checkpoint')
    lines = [f'{arg}: {path} is a directory; a checkpoint file (.pth) is '
             'expected.']
    if osp.isfile(last):
        with open(last) as f:
            latest = f.read().strip()
        lines.append(f'Its last_checkpoint names {latest}.')
        found = found or [latest]
    if found:
        names = ', '.join(osp.basename(f) for f in found[-_SHOWN:])
        lines.append(f'It holds {len(found)} checkpoint(s): {names}; e.g. '
                     f'{arg}={osp.join(path, osp.basename(found[-1]))}.')
    else:
        lines.append('It holds no .pth file: give the checkpoint a run '
                     'wrote to its work_dir, e.g. '
                     'work_dirs/<config>/epoch_24.pth.')
    return ' '.join(lines)


def read_checkpoint(path: str, arg: str = 'checkpoint') -> dict:
    """Load a checkpoint file, with errors that name it and say what was
    expected.

    torch names no file when it cannot unpickle a config file (``invalid
    load key, '#'``) or read a truncated one, and mmengine says "can not be
    found" for a directory that exists.

    Args:
        path (str): Checkpoint path (any mmengine file backend).
        arg (str): The argument that gave it (``model.teacher_ckpt``,
            ``--resume``...), for the messages.

    Returns:
        dict: The checkpoint (a state dict or a dict with ``state_dict``).

    Raises:
        IsADirectoryError: For a directory (its checkpoints are named).
        FileNotFoundError: For a local path that does not exist.
        ValueError: For a file torch cannot load as a checkpoint.
    """
    local = '://' not in str(path)
    if local and osp.isdir(path):
        raise IsADirectoryError(_directory_message(path, arg))
    if local and not osp.isfile(path):
        from mmadmd.datasets.file_errors import stripped_spaces_hint
        raise FileNotFoundError(
            f'{arg}: the checkpoint {path} does not exist (a checkpoint '
            'file, .pth, is expected).' + stripped_spaces_hint(
                path, f'Set {arg} in a config file, where spaces are '
                'kept.'))
    try:
        return _load_checkpoint(path, map_location='cpu')
    except Exception as e:
        if local and osp.splitext(path)[1] in ('.py', '.json', '.yml',
                                                 '.yaml', '.txt', '.log'):
            hint = ('it is a config or text file, not a checkpoint: give '
                    'the .pth file a run wrote to its work_dir')
        else:
            size = f' ({osp.getsize(path)} bytes)' if local else ''
            hint = (f'a truncated or corrupted file{size} (an interrupted '
                    'copy or download?), or not a PyTorch checkpoint')
        raise ValueError(
            f'{arg}: cannot load {path} as a checkpoint (a .pth file saved '
            f'by torch.save / mmengine is expected): {hint}. '
            f'{type(e).__name__}: {e}') from e


def checkpoint_state_dict(
        path: str,
        arg: str = 'checkpoint') -> 'OrderedDict[str, torch.Tensor]':
    """The ``state_dict`` of a checkpoint file, without a ``module.``
    prefix (DDP).

    Args:
        path (str): Checkpoint path (any mmengine file backend).
        arg (str): The argument that gave it, for the messages (see
            :func:`read_checkpoint`).

    Returns:
        OrderedDict: Parameter and buffer tensors by name.
    """
    ckpt = read_checkpoint(path, arg)
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    if not isinstance(state, Mapping):
        raise ValueError(f'{arg}: {path} holds no state_dict (a '
                         f'{type(ckpt).__name__}); a checkpoint saved by '
                         'mmengine or torch.save(model.state_dict()) is '
                         'expected.')
    return OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v)
        for k, v in state.items())


def compare_state_dict(model: nn.Module,
                       state: Mapping[str, torch.Tensor]) -> Dict[str, List]:
    """Keys of ``model`` missing from ``state``, keys of ``state`` the model
    does not have, and keys whose shapes differ.

    Args:
        model (nn.Module): The model to load into.
        state (Mapping): A state dict.

    Returns:
        dict: ``missing``, ``unexpected`` (names) and ``mismatched``
        (``(name, checkpoint shape, model shape)``).
    """
    own = model.state_dict()
    return dict(
        missing=[k for k in own if k not in state],
        unexpected=[k for k in state if k not in own],
        mismatched=[(k, tuple(state[k].shape), tuple(own[k].shape))
                    for k in own if k in state
                    and tuple(state[k].shape) != tuple(own[k].shape)])


def describe_checkpoint(state: Mapping[str, torch.Tensor]) -> Optional[str]:
    """What a checkpoint that does not fit looks like, if it can be told.

    Returns:
        str, optional: A hint, e.g. that it is an mmrazor distillation
        checkpoint (keys under ``architecture.`` and ``teacher.``).
    """
    keys = list(state)
    if keys and any(k.startswith('architecture.') for k in keys):
        return ('it is a distillation checkpoint (its student is under '
                "'architecture.', its teacher under 'teacher.'): use it with "
                'the distillation config it was trained with, or export the '
                'student first (tools/export_student.py) and use the '
                'exported checkpoint with the student config')
    return None


def load_state_dict_strictly(model: nn.Module,
                             state: Mapping[str, torch.Tensor],
                             source: str,
                             what: str = 'model',
                             strict: bool = True,
                             opt_out: str = '') -> Dict[str, List]:
    """Load ``state`` into ``model``; with ``strict``, stop on any missing,
    unexpected or mismatched key, naming ``source``.

    Args:
        model (nn.Module): The model.
        state (Mapping): Its state dict.
        source (str): The checkpoint file, for the message.
        what (str): What the model is ('teacher', 'student'...), for the
            message.
        strict (bool): Raise on any difference. False: load the keys that
            fit (mmengine's behaviour) and return the differences.
        opt_out (str): How to ask for a partial load, appended to the
            message.

    Returns:
        dict: The differences (see :func:`compare_state_dict`).

    Raises:
        ValueError: With ``strict``, on any difference.
    """
    diff = compare_state_dict(model, state)
    if strict and any(diff.values()):
        lines = [f'The checkpoint {source} does not fit the {what} '
                 f'({type(model).__name__}):']
        for name, items in (('missing from the checkpoint',
                             diff['missing']),
                            ('not in the model', diff['unexpected'])):
            if items:
                lines.append(f'  {len(items)} keys {name}, e.g. '
                             f'{", ".join(items[:_SHOWN])}')
        if diff['mismatched']:
            shown = '; '.join(f'{k}: checkpoint {s} vs model {m}'
                              for k, s, m in diff['mismatched'][:_SHOWN])
            lines.append(f'  {len(diff["mismatched"])} keys of another '
                         f'shape, e.g. {shown}')
        hint = describe_checkpoint(state)
        lines.append(f'  The checkpoint seems to be of another model: {hint}.'
                     if hint else
                     f'  The checkpoint seems to be of another model (another '
                     f'detector, depth or width) than the config builds: '
                     f'give the checkpoint trained with this {what} config.')
        if opt_out:
            lines.append(f'  {opt_out}')
        raise ValueError('\n'.join(lines))
    fitting = {
        k: v
        for k, v in state.items()
        if k not in diff['unexpected']
        and k not in {m[0] for m in diff['mismatched']}
    }
    model.load_state_dict(fitting, strict=False)
    return diff

# Copyright (c) mmadmd contributors. All rights reserved.
"""Strict checkpoint loading with messages that say what went wrong.

mmengine's ``load_checkpoint`` loads what fits and logs the rest, so a
checkpoint of another model (a student's given as the teacher's, one of
another width) trains or evaluates as if it were right. These helpers
compare every key and shape first and stop with the file, the number of
mismatching keys, the first few, and what the checkpoint looks like
(a distillation checkpoint, an exported student).
"""
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional

import torch
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

#: Key prefixes of an mmrazor distillation checkpoint's student and teacher.
DISTILL_PREFIXES = ('architecture.', 'teacher.')
_SHOWN = 5


def checkpoint_state_dict(path: str) -> 'OrderedDict[str, torch.Tensor]':
    """The ``state_dict`` of a checkpoint file, without a ``module.``
    prefix (DDP).

    Args:
        path (str): Checkpoint path (any mmengine file backend).

    Returns:
        OrderedDict: Parameter and buffer tensors by name.
    """
    ckpt = _load_checkpoint(path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    if not isinstance(state, Mapping):
        raise ValueError(f'{path} holds no state_dict (a {type(ckpt)})')
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

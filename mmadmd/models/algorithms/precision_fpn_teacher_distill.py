# Copyright (c) mmadmd contributors. All rights reserved.
import difflib
import logging
import re
from typing import Any, Dict, List, Optional

import torch
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from mmrazor.models import FpnTeacherDistill
from mmrazor.models.utils import add_prefix

from mmadmd.registry import MODELS
from ..task_modules import DiscrepancyMaskRecorder
from ..utils.checkpoint import (DISTILL_PREFIXES, checkpoint_state_dict,
                                compare_state_dict, load_state_dict_strictly)

#: ``teacher_precision`` -> autocast dtype (None: plain float32).
TEACHER_DTYPES = {
    'fp32': None,
    'bf16': torch.bfloat16,
    'fp16': torch.float16,
}


def _to_float32(data: Any) -> Any:
    """Cast every floating tensor in (nested tuples/lists of) data to
    float32 in the default (contiguous) memory format."""
    if isinstance(data, torch.Tensor):
        if not data.is_floating_point():
            return data
        return data.to(torch.float32, memory_format=torch.contiguous_format)
    if isinstance(data, (list, tuple)):
        return type(data)(_to_float32(x) for x in data)
    return data


def _missing_teacher_message(teacher_ckpt: Optional[str]) -> str:
    """The error for a distillation config without teacher weights."""
    return (
        f'model.teacher_ckpt is {teacher_ckpt!r}: the teacher would start '
        'from random weights and the student would learn from it. Pass the '
        "trained teacher's checkpoint, e.g. --cfg-options "
        'model.teacher_ckpt=work_dirs/<teacher config>/epoch_24.pth (or set '
        'teacher_ckpt in the config). A teacher that trains with the '
        'student: model.teacher_trainable=True; a random teacher on purpose '
        '(tests, cost measurements): model.teacher_ckpt_required=False.')


def skip_teacher_ckpt_check(model_cfg: dict) -> dict:
    """Allow ``model_cfg`` to build without ``teacher_ckpt``, in place.

    For callers whose teacher gets its weights otherwise (a distillation
    checkpoint loaded after building: testing, resuming) or is random on
    purpose (cost and support measurements). Other model types are left
    as they are.

    Args:
        model_cfg (dict): A model config.

    Returns:
        dict: ``model_cfg``.
    """
    if str(model_cfg.get('type', '')).split('.')[-1] == \
            PrecisionFpnTeacherDistill.__name__:
        model_cfg['teacher_ckpt_required'] = False
    return model_cfg


def _loads_own_weights(teacher: torch.nn.Module) -> bool:
    """Whether the teacher's ``init_cfg`` loads a whole checkpoint."""
    init_cfg = getattr(teacher, 'init_cfg', None)
    return isinstance(init_cfg, dict) and \
        init_cfg.get('type') == 'Pretrained'


@MODELS.register_module()
class PrecisionFpnTeacherDistill(FpnTeacherDistill):
    """mmrazor's ``FpnTeacherDistill`` with the teacher's forward in a lower
    precision.

    The teacher runs only its backbone and neck, without gradients; with
    ``teacher_precision='bf16'`` or ``'fp16'`` it runs under autocast in that
    dtype (on the inputs' device, CPU or CUDA), which roughly halves its cost
    on hardware with fast bf16/fp16 (measured in ``docs/benchmarks.md``).
    By default a low-precision teacher also runs in the channels-last memory
    format, which oneDNN (CPU) and cuDNN (tensor cores) convolve faster in
    bf16/fp16: on 2 CPU cores a RetinaNet-R101 backbone+neck forward on
    2x512x512 took 1.30 s in fp32, 0.74 s in bf16 and 0.57 s in bf16 with
    channels-last. The teacher's recorded outputs are cast back to float32
    in the default memory format before they reach the distillation losses,
    and the student trains in its own precision (float32, or AMP with
    ``--amp``). A trainable teacher always runs in float32 and the default
    memory format.

    Args:
        teacher_precision (str): ``'fp32'`` (default), ``'bf16'`` or
            ``'fp16'``.
        teacher_channels_last (bool, optional): Run the teacher in the
            channels-last memory format. None (default): only with a
            ``'bf16'`` or ``'fp16'`` teacher.
        teacher_ckpt_strict (bool): Stop when ``teacher_ckpt`` does not fit
            the teacher (a missing, unexpected or reshaped key), naming the
            file and the keys. mmrazor loads what fits and trains against a
            partly random teacher otherwise. False: load what fits and warn.
            Defaults to True.
        teacher_ckpt_required (bool): Stop when ``teacher_ckpt`` is not
            given (None or ``''``, the shipped configs' default): the
            distillation would learn from a randomly initialized teacher.
            Not checked for a trainable teacher (``teacher_trainable=True``)
            or a teacher whose ``init_cfg`` loads its weights
            (``type='Pretrained'``). False: allow a random teacher on
            purpose (tests, cost measurements). Defaults to True.
        **kwargs: The arguments of mmrazor's ``FpnTeacherDistill``
            (``architecture``, ``teacher``, ``teacher_ckpt``, ``distiller``,
            ...).

    Examples:
        >>> model = dict(
        ...     _scope_='mmadmd',
        ...     type='PrecisionFpnTeacherDistill',
        ...     teacher_precision='bf16',
        ...     architecture=student, teacher=teacher,
        ...     distiller=dict(type='ConfigurableDistiller', ...))
    """

    def __init__(self,
                 teacher_precision: str = 'fp32',
                 teacher_channels_last: Optional[bool] = None,
                 teacher_ckpt_strict: bool = True,
                 teacher_ckpt_required: bool = True,
                 **kwargs) -> None:
        if teacher_precision not in TEACHER_DTYPES:
            raise ValueError(
                f'teacher_precision must be one of {list(TEACHER_DTYPES)}, '
                f'got {teacher_precision!r}.')
        if teacher_channels_last not in (None, True, False):
            raise ValueError('teacher_channels_last must be None, True or '
                             f'False, got {teacher_channels_last!r}.')
        # Loaded here rather than by mmrazor, which loads non-strictly.
        teacher_ckpt = kwargs.pop('teacher_ckpt', None)
        try:
            super().__init__(**kwargs)
        except AssertionError as e:
            # mmrazor: '"necks" is not in the model.' -- say whose recorder
            # and which modules exist.
            match = re.fullmatch(r'"(.+)" is not in the model\.', str(e))
            if match is None:
                raise
            raise ValueError(
                self._unknown_source(match.group(1),
                                     kwargs.get('distiller') or {})) from e
        if not teacher_ckpt and teacher_ckpt_required and \
                not self.teacher_trainable and \
                not _loads_own_weights(self.teacher):
            raise ValueError(_missing_teacher_message(teacher_ckpt))
        if teacher_ckpt:
            diff = load_state_dict_strictly(
                self.teacher,
                checkpoint_state_dict(teacher_ckpt, 'model.teacher_ckpt'),
                teacher_ckpt,
                what='teacher',
                strict=teacher_ckpt_strict,
                opt_out='Give the checkpoint of the teacher config '
                'named in model.teacher; to load the keys that fit anyway, '
                'set model.teacher_ckpt_strict=False.')
            if any(diff.values()):
                print_log(
                    f'teacher_ckpt_strict=False: {teacher_ckpt} loaded '
                    'partly into the teacher: '
                    f'{len(diff["missing"])} keys missing, '
                    f'{len(diff["unexpected"])} unexpected, '
                    f'{len(diff["mismatched"])} of another shape',
                    logger='current',
                    level=logging.WARNING)
            # as mmrazor: keep init_weights() from overwriting them
            self.teacher._is_init = True
        self.teacher_precision = teacher_precision
        self.teacher_channels_last = teacher_channels_last
        self._teacher_format = torch.contiguous_format
        # Mask recorders record the distiller's ADMD losses, which mmrazor's
        # recorder managers (given the student or teacher) cannot see.
        for manager in (self.distiller.student_recorders,
                        self.distiller.teacher_recorders):
            for recorder in manager.recorders.values():
                if isinstance(recorder, DiscrepancyMaskRecorder):
                    recorder.prepare_from_model(self.distiller)

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args,
                              **kwargs) -> None:
        """Load a plain detector checkpoint into the student.

        ``load_from=<student checkpoint>`` on a distillation config (to start
        the student from its own pretrained weights) has no key under
        ``architecture.``; mmengine would load nothing and log a key list.
        Such a checkpoint is checked strictly against the student and its
        keys are mapped to ``architecture.``; the teacher and the distiller
        keep their weights. A distillation checkpoint loads as usual.
        """
        if prefix == '' and state_dict and not any(
                k.startswith(DISTILL_PREFIXES) for k in state_dict):
            self._student_state_to_distill(state_dict)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _student_state_to_distill(self, state_dict: dict) -> None:
        """Rename a plain student state dict in place (see
        :meth:`_load_from_state_dict`), or stop with what to do."""
        if any(compare_state_dict(self.student, state_dict).values()) and \
                not any(compare_state_dict(self.teacher,
                                           state_dict).values()):
            raise ValueError(
                'A checkpoint without distillation keys (no '
                "'architecture.'/'teacher.') that fits the teacher, not the "
                'student, was loaded into the distillation model (e.g. as '
                'load_from). Pass the teacher checkpoint as '
                'model.teacher_ckpt=<file> instead, and load_from=None.')
        load_state_dict_strictly(
            self.student,
            state_dict,
            'given to the distillation model (e.g. as load_from)',
            what='student (model.architecture)',
            opt_out='A plain detector checkpoint given as load_from is '
            "loaded into the student: give the student's own checkpoint, "
            'or a distillation checkpoint of this config.')
        own = self.state_dict()
        student = {f'architecture.{k}': v for k, v in state_dict.items()}
        state_dict.clear()
        state_dict.update(own)
        state_dict.update(student)
        print_log(
            f'Loaded a plain detector checkpoint into the student '
            f'({type(self.student).__name__}, {len(student)} keys mapped to '
            "'architecture.*', checked strictly); the teacher and the "
            'distiller keep their weights.',
            logger='current',
            level=logging.INFO)

    def _unknown_source(self, source: str, distiller: dict) -> str:
        """The message for a recorder ``source`` that names no module."""
        lines = []
        for who in ('student', 'teacher'):
            recorders = distiller.get(f'{who}_recorders') or {}
            names = [
                name for name, rec in recorders.items()
                if rec.get('source') == source
            ]
            model = getattr(self, who, None)
            if not names or model is None:
                continue
            modules = [n for n, _ in model.named_modules() if n]
            close = difflib.get_close_matches(source, modules, n=5,
                                              cutoff=0.5)
            lines.append(
                f'{who}_recorders {", ".join(map(repr, names))}: source '
                f'{source!r} names no module of the {who} '
                f'({type(model).__name__}); closest: '
                f'{", ".join(close) or "none"}; top-level modules: '
                f'{", ".join(n for n in modules if "." not in n)}.')
        return ' '.join(lines) or f'recorder source {source!r} names no ' \
            'module of the student or the teacher.'

    def _set_teacher_format(self, memory_format: torch.memory_format) -> None:
        """Convert the teacher's weights when the wanted layout changes.

        Done at the first forward rather than in ``__init__``, so that it
        follows the teacher checkpoint, ``model.to(device)`` and
        ``teacher_precision`` set after building.
        """
        if memory_format != self._teacher_format:
            self.teacher.to(memory_format=memory_format)
            self._teacher_format = memory_format

    def record_teacher_features(self, batch_inputs: torch.Tensor) -> None:
        """Run the teacher's backbone and neck inside its recorders.

        The first half of :meth:`loss`; public so that tools can record the
        teacher's features at a given ``teacher_precision`` without the
        student (``mmadmd.benchmarks.teacher_precision``).

        Args:
            batch_inputs (torch.Tensor): Preprocessed images, (N, 3, H, W).
        """
        dtype = TEACHER_DTYPES[self.teacher_precision]
        channels_last = self.teacher_channels_last
        if channels_last is None:
            channels_last = dtype is not None
        recorders = self.distiller.teacher_recorders
        with recorders, self.distiller.deliveries:
            if self.teacher_trainable or (dtype is None
                                          and not channels_last):
                self._set_teacher_format(torch.contiguous_format)
                with torch.set_grad_enabled(self.teacher_trainable):
                    self.teacher.extract_feat(batch_inputs)
                return
            if channels_last:
                self._set_teacher_format(torch.channels_last)
                batch_inputs = batch_inputs.contiguous(
                    memory_format=torch.channels_last)
            else:
                self._set_teacher_format(torch.contiguous_format)
            with torch.no_grad(), torch.autocast(
                    device_type=batch_inputs.device.type,
                    dtype=dtype,
                    enabled=dtype is not None):
                self.teacher.extract_feat(batch_inputs)
        # Losses compare against float32 teacher features in the default
        # layout (some call .view() on them).
        for recorder in recorders.recorders.values():
            recorder.data_buffer[:] = _to_float32(recorder.data_buffer)

    def loss(self,
             batch_inputs: torch.Tensor,
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Calculate losses from a batch of inputs and data samples.

        As mmrazor's ``FpnTeacherDistill.loss``, with the teacher in
        ``teacher_precision``.
        """
        losses = dict()
        # Deliveries record the teacher's data, then replay it for the
        # student (mmrazor's protocol).
        self.distiller.set_deliveries_override(False)
        self.record_teacher_features(batch_inputs)
        self.distiller.set_deliveries_override(True)
        with self.distiller.student_recorders, self.distiller.deliveries:
            student_losses = self.student(
                batch_inputs, data_samples, mode='loss')
        losses.update(add_prefix(student_losses, 'student'))
        if not self.distillation_stopped:
            losses.update(
                add_prefix(self.distiller.compute_distill_losses(),
                           'distill'))
        return losses

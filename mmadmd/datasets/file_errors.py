# Copyright (c) mmadmd contributors. All rights reserved.
import os
import os.path as osp
from typing import Any


class NameFileOnError:
    """Dataset mixin: an error while loading a sample names its image.

    OpenCV fails on a 0-byte or truncated image with an assertion that names
    no file (``!buf.empty() in function 'imdecode_'``); this re-raises any
    error of the pipeline with the sample's index and image path.
    """

    def prepare_data(self, idx: int) -> Any:
        """``BaseDataset.prepare_data``, naming the image on failure."""
        try:
            return super().prepare_data(idx)
        except Exception as e:
            path = self.get_data_info(idx).get('img_path')
            raise RuntimeError(
                f'{type(self).__name__}: cannot load sample {idx}, image '
                f'{path}: {type(e).__name__}: {e} (a 0-byte, truncated or '
                'non-image file?)') from e


def stripped_spaces_hint(
        path: str,
        fix: str = 'Pass the data root with tools/train.py or tools/test.py '
        '--data-root "<folder with spaces>/", or set data_root in a config '
        'file.') -> str:
    """Why ``path`` may be missing: spaces dropped from folder names.

    mmengine's ``--cfg-options`` parser drops the spaces of a value, so
    ``data_root="data/NWPU VHR-10 dataset/"`` arrives as
    ``data/NWPUVHR-10dataset/``. Each missing component of ``path`` is
    compared with its parent's entries without their spaces.

    Args:
        path (str): A path that does not exist.
        fix (str): How to pass the path with its spaces. Defaults to the
            data root's.

    Returns:
        str: A sentence (with a leading space) naming the path with its
        spaces and the way to pass it, or ``''``.
    """
    parent = os.sep if osp.isabs(path) else ''
    fixed = False
    for part in osp.normpath(path).split(os.sep):
        if not part:
            continue
        candidate = osp.join(parent, part)
        if not osp.exists(candidate) and osp.isdir(parent or '.'):
            spaced = [
                e for e in sorted(os.listdir(parent or '.'))
                if ' ' in e and e.replace(' ', '') == part
            ]
            if spaced:
                candidate, fixed = osp.join(parent, spaced[0]), True
        parent = candidate
    if not fixed:
        return ''
    return (f' With spaces, {parent!r} would be meant: the spaces seem to '
            f"have been dropped, as mmengine's --cfg-options does. {fix}")

# Copyright (c) mmadmd contributors. All rights reserved.
"""NWPU VHR-10 (horizontal boxes) for mmdet detectors, and its split.

NWPU VHR-10 (Cheng, Han, Zhou and Guo, ISPRS J. 2014) is released as::

    NWPU VHR-10 dataset/
    ├── positive image set/001.jpg ... 650.jpg
    ├── negative image set/001.jpg ... 150.jpg    (no objects; optional)
    ├── ground truth/001.txt ... 650.txt          (one box per line)
    └── readme.txt

A ground-truth line is ``(x1,y1),(x2,y2),c``: the top-left and bottom-right
corners in pixels and the class number ``c`` (1-10, see
:data:`NWPU_VHR10_CLASSES`). The release puts spaces inside the
parentheses on some lines, ends lines with a space and uses CRLF in some
files: all are accepted.

The release has no official split. :func:`make_nwpu_vhr10_split` writes a
seeded, class-stratified train/val/test split of the positive images; the
one mmadmd ships (``configs/_base_/datasets/nwpu_vhr10_split/``) is its
output with the defaults, so that results are comparable between users.
"""
import os
import os.path as osp
import random
import re
from collections import Counter
from io import BytesIO
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmdet.datasets import BaseDetDataset
from mmengine.fileio import exists, get, get_text, list_from_file

from mmadmd.registry import DATASETS
from .file_errors import NameFileOnError, stripped_spaces_hint

__all__ = [
    'NWPU_VHR10_CLASSES', 'NWPUVHR10Dataset', 'parse_nwpu_vhr10_boxes',
    'make_nwpu_vhr10_split', 'split_class_counts'
]

#: The 10 classes, in the order of the release's class numbers (1-10).
NWPU_VHR10_CLASSES = ('airplane', 'ship', 'storage tank', 'baseball diamond',
                      'tennis court', 'basketball court',
                      'ground track field', 'harbor', 'bridge', 'vehicle')

#: A split-file entry with this prefix names an image of the negative set.
NEGATIVE_PREFIX = 'negative/'

_NUM = r'\s*(-?\d+(?:\.\d*)?)\s*'
_LINE = re.compile(rf'^\({_NUM},{_NUM}\)\s*,\s*\({_NUM},{_NUM}\)\s*,'
                   r'\s*(\d+)\s*$')


def parse_nwpu_vhr10_boxes(
        text: str,
        path: str = '<text>',
        img_shape: Optional[Tuple[int, int]] = None
) -> List[Tuple[Tuple[float, float, float, float], int]]:
    """Parse one ground-truth file of the release.

    A box partly outside the image is clipped to it (as mmdet clips
    predictions); a box wholly outside it, an inverted box or a line that is
    not ``(x1,y1),(x2,y2),c`` is an error.

    Args:
        text (str): The file's content.
        path (str): The file, for error messages.
        img_shape (tuple[int, int], optional): ``(height, width)`` of the
            image, to check and clip the boxes. None: no check.

    Returns:
        list[tuple]: ``((x1, y1, x2, y2), label)`` per box, with the label
        0-based (class number - 1).

    Raises:
        ValueError: Naming the file and line, on a line that cannot be read,
            an unknown class number, an inverted box or a box wholly outside
            the image.
    """
    boxes = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(
                f'{path}, line {lineno}: expected "(x1,y1),(x2,y2),c" with '
                f'c a class number 1-{len(NWPU_VHR10_CLASSES)}, got {line!r}')
        x1, y1, x2, y2 = (float(v) for v in match.groups()[:4])
        number = int(match.group(5))
        if not 1 <= number <= len(NWPU_VHR10_CLASSES):
            raise ValueError(
                f'{path}, line {lineno}: unknown class number {number}; '
                f'NWPU VHR-10 numbers its classes 1-'
                f'{len(NWPU_VHR10_CLASSES)} (1 {NWPU_VHR10_CLASSES[0]} ... '
                f'10 {NWPU_VHR10_CLASSES[-1]})')
        if x1 >= x2 or y1 >= y2:
            raise ValueError(
                f'{path}, line {lineno}: inverted or empty box {line!r} '
                '(expected the top-left corner first, then the '
                'bottom-right one)')
        if img_shape is not None:
            h, w = img_shape
            if x2 <= 0 or y2 <= 0 or x1 >= w or y1 >= h:
                raise ValueError(
                    f'{path}, line {lineno}: box {line!r} lies wholly outside '
                    f'its {w}x{h} image')
            x1, y1 = max(x1, 0.), max(y1, 0.)
            x2, y2 = min(x2, float(w)), min(y2, float(h))
        boxes.append(((x1, y1, x2, y2), number - 1))
    return boxes


@DATASETS.register_module()
class NWPUVHR10Dataset(NameFileOnError, BaseDetDataset):
    """NWPU VHR-10 with horizontal boxes, in the layout of the release.

    ``ann_file`` (joined to ``data_root``) lists one image per line: ``NNN``
    for ``<img_subdir>/NNN.jpg`` with ``<ann_subdir>/NNN.txt``, or
    ``negative/NNN`` for ``<neg_img_subdir>/NNN.jpg`` (no objects). The
    split mmadmd ships is in ``configs/_base_/datasets/nwpu_vhr10_split/``;
    ``tools/dataset_converters/nwpu_vhr10_split.py`` writes it anew.

    Image sizes are read from the JPEG headers when the dataset is built.
    Boxes keep the release's pixel coordinates; evaluate with mmdet's
    ``VOCMetric`` (VOC mAP@0.5, as the literature reports on this set).
    ``metainfo=dict(classes=...)`` selects classes by name; boxes of other
    classes are skipped.

    Args:
        img_subdir (str): Folder of the positive images, relative to
            ``data_root``. Defaults to ``'positive image set'``.
        ann_subdir (str): Folder of the ground-truth files. Defaults to
            ``'ground truth'``.
        neg_img_subdir (str): Folder of the negative images. Defaults to
            ``'negative image set'``.
        **kwargs: Other arguments of :class:`~mmdet.datasets.BaseDetDataset`
            (``data_root``, ``ann_file``, ``metainfo``, ``filter_cfg``,
            ``pipeline``, ``test_mode``, ``backend_args``...).
    """

    METAINFO = {
        'classes':
        NWPU_VHR10_CLASSES,
        # read by VOCMetric: anything but 'VOC2007'/'VOC2012' makes it use
        # the class names above in its per-class table.
        'dataset_type':
        'NWPU VHR-10',
        'palette': [(220, 20, 60), (0, 0, 230), (106, 0, 228), (0, 60, 100),
                    (250, 170, 30), (100, 170, 30), (220, 220, 0),
                    (175, 116, 175), (255, 77, 255), (0, 226, 252)]
    }

    def __init__(self,
                 img_subdir: str = 'positive image set',
                 ann_subdir: str = 'ground truth',
                 neg_img_subdir: str = 'negative image set',
                 **kwargs) -> None:
        self.img_subdir = img_subdir
        self.ann_subdir = ann_subdir
        self.neg_img_subdir = neg_img_subdir
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split file, then every image's header and boxes.

        Returns:
            list[dict]: One data info per line of ``ann_file``.

        Raises:
            FileNotFoundError: If ``ann_file``, an image or a ground-truth
                file does not exist.
            ValueError: On an empty split, a malformed or repeated entry, or
                a ground-truth line that cannot be right (see
                :func:`parse_nwpu_vhr10_boxes`).
        """
        classes = self._metainfo.get('classes') or NWPU_VHR10_CLASSES
        unknown = [c for c in classes if c not in NWPU_VHR10_CLASSES]
        if unknown:
            raise ValueError(
                f'metainfo classes {unknown} are not NWPU VHR-10 classes; '
                f'choose among {list(NWPU_VHR10_CLASSES)}')
        # release class number - 1 -> label in `classes` (None: skipped)
        to_label = [
            classes.index(c) if c in classes else None
            for c in NWPU_VHR10_CLASSES
        ]
        if not self.ann_file or not exists(
                self.ann_file, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'NWPU VHR-10 split file not found: {self.ann_file!r}; the '
                'shipped split is configs/_base_/datasets/nwpu_vhr10_split/'
                '{train,val,test}.txt (or write one with tools/'
                'dataset_converters/nwpu_vhr10_split.py)')
        entries = list_from_file(self.ann_file, backend_args=self.backend_args)
        if not any(e.strip() for e in entries):
            raise ValueError(f'NWPU VHR-10 split file {self.ann_file} lists '
                             'no image: the dataset would be empty')
        seen = set()
        data_list = []
        for lineno, entry in enumerate(entries, 1):
            entry = entry.strip()
            if not entry:
                continue
            if entry in seen:
                raise ValueError(f'{self.ann_file}, line {lineno}: image '
                                 f'{entry!r} is listed twice')
            seen.add(entry)
            data_list.append(self._load_one(entry, to_label))
        return data_list

    def _load_one(self, entry: str, to_label: List[Optional[int]]) -> dict:
        negative = entry.startswith(NEGATIVE_PREFIX)
        img_id = entry[len(NEGATIVE_PREFIX):] if negative else entry
        if not img_id or '/' in img_id:
            raise ValueError(
                f'{self.ann_file}: bad entry {entry!r}; expected an image id '
                f'such as 001, or {NEGATIVE_PREFIX}001 for a negative image')
        folder = self.neg_img_subdir if negative else self.img_subdir
        img_path = osp.join(self.data_root, folder, f'{img_id}.jpg')
        if not exists(img_path, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'NWPU VHR-10 image {entry!r} (listed in {self.ann_file}) '
                f'not found: {img_path}' + stripped_spaces_hint(img_path))
        height, width = _jpeg_shape(img_path, self.backend_args)
        boxes = []
        if not negative:
            ann_path = osp.join(self.data_root, self.ann_subdir,
                                f'{img_id}.txt')
            if not exists(ann_path, backend_args=self.backend_args):
                raise FileNotFoundError(
                    f'NWPU VHR-10 ground truth of image {entry!r} (listed in '
                    f'{self.ann_file}) not found: {ann_path}' +
                    stripped_spaces_hint(ann_path))
            boxes = parse_nwpu_vhr10_boxes(
                get_text(ann_path, backend_args=self.backend_args), ann_path,
                (height, width))
        instances = [
            dict(bbox=list(box), bbox_label=to_label[c], ignore_flag=0)
            for box, c in boxes if to_label[c] is not None
        ]
        return dict(
            img_id=entry,
            img_path=img_path,
            height=height,
            width=width,
            instances=instances)

    def filter_data(self) -> List[dict]:
        """Drop images without objects when ``filter_cfg`` asks for it
        (``filter_empty_gt``; ignored in ``test_mode``) or small ones
        (``min_size``), and refuse to end up with no image.

        Returns:
            list[dict]: The kept data infos.

        Raises:
            ValueError: If the filter removed every image.
        """
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        empty_gt = self.filter_cfg.get('filter_empty_gt', False)
        min_size = self.filter_cfg.get('min_size', 0)
        valid = [
            d for d in self.data_list
            if min(d['width'], d['height']) >= min_size and (
                not empty_gt or d['instances'])
        ]
        if self.data_list and not valid:
            raise ValueError(
                f'filter_cfg={self.filter_cfg} removed all '
                f'{len(self.data_list)} images of {self.ann_file} (no image '
                'has an object of the selected classes?)')
        return valid


def _jpeg_shape(path: str, backend_args: Optional[dict]) -> Tuple[int, int]:
    """``(height, width)`` from the image header, naming a bad file."""
    from PIL import Image
    try:
        with Image.open(BytesIO(get(path, backend_args=backend_args))) as im:
            width, height = im.size
    except Exception as e:  # PIL raises several types on a bad file
        raise ValueError(f'Cannot read the image {path}: {e}') from e
    return height, width


def make_nwpu_vhr10_split(
        data_root: str,
        ratios: Sequence[float] = (0.6, 0.15, 0.25),
        seed: int = 0,
        names: Sequence[str] = ('train', 'val', 'test'),
        ann_subdir: str = 'ground truth') -> Dict[str, List[str]]:
    """A seeded, class-stratified split of the positive images.

    Images are assigned one at a time, those holding the rarest classes
    first (ties broken by a seeded shuffle), each to the split that most
    lacks that image's rarest class relative to its ratio, then (on ties) the
    split furthest below its share of images: every class, not only every
    image count, ends close to ``ratios``. Each image goes to exactly one
    split, so no test image ever trains.

    Args:
        data_root (str): The release folder (holding ``ground truth/``).
        ratios (Sequence[float]): Share of the images per split; must sum
            to 1. Defaults to 60 % train, 15 % val, 25 % test.
        seed (int): Seed of the tie-breaking shuffle. Defaults to 0.
        names (Sequence[str]): The splits' names, one per ratio.
        ann_subdir (str): Folder of the ground-truth files.

    Returns:
        dict[str, list[str]]: Split name -> sorted image ids.

    Raises:
        ValueError: If the ratios do not match the names or sum to 1, or a
            ground-truth file cannot be read.
        FileNotFoundError: If the folder holds no ground-truth file.
    """
    if len(ratios) != len(names) or any(r < 0 for r in ratios) or abs(
            sum(ratios) - 1) > 1e-6:
        raise ValueError(f'ratios {tuple(ratios)} must be {len(names)} '
                         f'non-negative shares ({", ".join(names)}) summing '
                         'to 1')
    ann_dir = osp.join(data_root, ann_subdir)
    files = sorted(f for f in os.listdir(ann_dir)
                   if f.endswith('.txt')) if osp.isdir(ann_dir) else []
    if not files:
        raise FileNotFoundError(
            f'no ground-truth file in {ann_dir}; expected the NWPU VHR-10 '
            'release layout (ground truth/NNN.txt)' +
            stripped_spaces_hint(ann_dir))
    labels = {}
    for f in files:
        path = osp.join(ann_dir, f)
        with open(path, encoding='utf-8') as fp:
            labels[f[:-4]] = [c for _, c in parse_nwpu_vhr10_boxes(
                fp.read(), path)]
    totals = Counter(c for cs in labels.values() for c in cs)
    ids = sorted(labels)
    random.Random(seed).shuffle(ids)
    # rarest class first; images without boxes last
    ids.sort(key=lambda i: min((totals[c] for c in labels[i]),
                               default=float('inf')))
    counts = [Counter() for _ in names]
    sizes = [0] * len(names)
    out: Dict[str, List[str]] = {n: [] for n in names}
    for img_id in ids:
        rarest = min(labels[img_id], key=lambda c: totals[c], default=None)

        def need(k: int) -> Tuple[float, float]:
            by_class = (ratios[k] * totals[rarest] - counts[k][rarest]
                        if rarest is not None else 0.)
            return (by_class, ratios[k] * len(ids) - sizes[k])

        k = max((k for k in range(len(names)) if ratios[k] > 0), key=need)
        out[names[k]].append(img_id)
        counts[k].update(labels[img_id])
        sizes[k] += 1
    return {n: sorted(v) for n, v in out.items()}


def split_class_counts(data_root: str, split: Dict[str, List[str]],
                       ann_subdir: str = 'ground truth') -> np.ndarray:
    """Boxes per split and class: ``(num_splits, num_classes)``."""
    table = np.zeros((len(split), len(NWPU_VHR10_CLASSES)), dtype=int)
    for k, ids in enumerate(split.values()):
        for img_id in ids:
            path = osp.join(data_root, ann_subdir, f'{img_id}.txt')
            with open(path, encoding='utf-8') as fp:
                for _, c in parse_nwpu_vhr10_boxes(fp.read(), path):
                    table[k, c] += 1
    return table

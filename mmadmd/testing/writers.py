# Copyright (c) mmadmd contributors. All rights reserved.
"""Annotation text (DIOR XML, DOTA ``labelTxt``) and the writers of whole
synthetic datasets in the DIOR / DIOR-R and raw DOTA v1.0 layouts."""
import math
import os
import os.path as osp
import shutil
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .layouts import generate_scene
from .shapes import SceneObject

__all__ = [
    'DIOR_LAYOUT', 'DOTA_LAYOUT', 'DOTA_GSD', 'dior_hbb_xml', 'dior_obb_xml',
    'dota_label_txt', 'write_dior', 'write_dota'
]

#: Sub-directories :func:`write_dior` owns inside its output directory.
DIOR_LAYOUT: Tuple[str, ...] = ('JPEGImages-trainval', 'JPEGImages-test',
                                'Annotations', 'ImageSets')

#: Split directories :func:`write_dota` owns inside its output directory.
DOTA_LAYOUT: Tuple[str, ...] = ('train', 'val', 'test')

DOTA_GSD = 0.5

# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _prepare_out(out_dir: str, owned: Sequence[str], overwrite: bool) -> None:
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not overwrite:
            raise FileExistsError(
                f'{out_dir!r} exists and is not empty (pass overwrite=True / '
                '--overwrite to replace the generated sub-directories)')
        for name in owned:  # remove only what this writer creates
            path = osp.join(out_dir, name)
            if osp.isdir(path):
                shutil.rmtree(path)
    os.makedirs(out_dir, exist_ok=True)


def _split_sizes(num_train: int, num_val: int, num_test: int) -> None:
    for name, n in (('num_train', num_train), ('num_val', num_val),
                    ('num_test', num_test)):
        if int(n) < 0:
            raise ValueError(f'{name} must be >= 0, got {n}')


def _f(v: float) -> str:
    return f'{v:.1f}'


def _voc_head(filename: str, size: int) -> List[str]:
    return [
        '<annotation>', f'\t<filename>{filename}</filename>', '\t<source>',
        '\t\t<database>DIOR-synthetic</database>', '\t</source>', '\t<size>',
        f'\t\t<width>{size}</width>', f'\t\t<height>{size}</height>',
        '\t\t<depth>3</depth>', '\t</size>', '\t<segmented>0</segmented>'
    ]


def dior_hbb_xml(img_id: str, size: int,
                 objects: Sequence[SceneObject]) -> str:
    """DIOR ``Horizontal Bounding Boxes`` XML (VOC style, integer boxes).

    Boxes follow the PASCAL VOC convention of the release: 1-based, inclusive
    pixel indices. The horizontal box is rounded to whole pixels ``[x0, x1)``
    (0-based, continuous) and written as ``xmin = x0 + 1, xmax = x1``, so
    mmdet's VOC parsing (which subtracts 1) recovers ``(x0, y0, x1 - 1, y1 -
    1)``, exactly as it does for real DIOR/VOC files. Every box is at least
    2 px wide and high, so ``xmin < xmax`` and ``ymin < ymax``.

    Args:
        img_id (str): Image id, e.g. ``'00001'``.
        size (int): Image side in pixels.
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: The XML text.
    """
    lines = _voc_head(f'{img_id}.jpg', size)
    for o in objects:
        x0, y0, x1, y1 = (int(math.floor(v + 0.5)) for v in o.hbox)
        x1, y1 = min(max(x1, x0 + 2), size), min(max(y1, y0 + 2), size)
        x0, y0 = min(x0, x1 - 2), min(y0, y1 - 2)
        lines += [
            '\t<object>', f'\t\t<name>{o.dior_name}</name>',
            '\t\t<pose>Unspecified</pose>', '\t\t<truncated>0</truncated>',
            '\t\t<difficult>0</difficult>', '\t\t<bndbox>',
            f'\t\t\t<xmin>{x0 + 1}</xmin>', f'\t\t\t<ymin>{y0 + 1}</ymin>',
            f'\t\t\t<xmax>{x1}</xmax>', f'\t\t\t<ymax>{y1}</ymax>',
            '\t\t</bndbox>', '\t</object>'
        ]
    lines.append('</annotation>')
    return '\n'.join(lines) + '\n'


_CORNER_TAGS = ('left_top', 'right_top', 'right_bottom', 'left_bottom')


def dior_obb_xml(img_id: str, size: int,
                 objects: Sequence[SceneObject]) -> str:
    """DIOR-R ``Oriented Bounding Boxes`` XML.

    Each object has ``<type>robndbox</type>`` and a ``<robndbox>`` with
    ``x_left_top, y_left_top, x_right_top, ..., y_left_bottom`` (the polygon
    corners in :class:`SceneObject` order, which is what mmrotate's
    ``DIORDataset`` reads) plus ``<angle>`` = the ``le90`` angle in degrees
    (informational; mmrotate does not read it).

    Args:
        img_id (str): Image id, e.g. ``'00001'``.
        size (int): Image side in pixels.
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: The XML text.
    """
    lines = _voc_head(f'{img_id}.jpg', size)
    for o in objects:
        lines += [
            '\t<object>', '\t\t<type>robndbox</type>',
            f'\t\t<name>{o.dior_name}</name>', '\t\t<pose>Unspecified</pose>',
            '\t\t<truncated>0</truncated>', '\t\t<difficult>0</difficult>',
            '\t\t<robndbox>'
        ]
        for tag, (x, y) in zip(_CORNER_TAGS, o.polygon):
            lines += [
                f'\t\t\t<x_{tag}>{_f(x)}</x_{tag}>',
                f'\t\t\t<y_{tag}>{_f(y)}</y_{tag}>'
            ]
        lines += [
            '\t\t</robndbox>', f'\t\t<angle>{_f(math.degrees(o.obb[4]))}'
            '</angle>', '\t</object>'
        ]
    lines.append('</annotation>')
    return '\n'.join(lines) + '\n'


def dota_label_txt(objects: Sequence[SceneObject]) -> str:
    """Raw DOTA v1.0 ``labelTxt`` content (with the two header lines).

    Args:
        objects (Sequence[SceneObject]): The labelled objects.

    Returns:
        str: ``imagesource:synthetic``, ``gsd:0.5``, then one
        ``x1 y1 x2 y2 x3 y3 x4 y4 classname difficult`` line per object
        (clockwise corners).
    """
    lines = ['imagesource:synthetic', f'gsd:{DOTA_GSD}']
    for o in objects:
        coords = ' '.join(_f(v) for v in o.polygon.reshape(-1))
        lines.append(f'{coords} {o.dota_name} 0')
    return '\n'.join(lines) + '\n'


def _write_text(path: str, text: str) -> None:
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)


def _count(stats: Dict[str, int], objects: Sequence[SceneObject],
           name: Callable[[SceneObject], str]) -> None:
    for o in objects:
        stats[name(o)] = stats.get(name(o), 0) + 1


def write_dior(out_dir: str,
               num_train: int,
               num_val: int,
               num_test: int,
               size: int = 256,
               seed: int = 0,
               zoom: float = 1.0,
               overwrite: bool = False,
               jpeg_quality: int = 95,
               progress: Optional[Callable[[], None]] = None) -> Dict:
    """Write a synthetic dataset in the DIOR / DIOR-R release layout.

    Layout (ids are 5-digit, numbered train, then val, then test)::

        out_dir/
          JPEGImages-trainval/00001.jpg ...   (train + val images)
          JPEGImages-test/000NN.jpg ...
          Annotations/Horizontal Bounding Boxes/00001.xml ...
          Annotations/Oriented Bounding Boxes/00001.xml ...
          ImageSets/Main/{train,val,test}.txt

    Image ``i`` (1-based id) is generated from
    ``np.random.default_rng([seed, i])``.

    Args:
        out_dir (str): Output directory (created if needed).
        num_train (int): Number of training images.
        num_val (int): Number of validation images.
        num_test (int): Number of test images.
        size (int): Image side in pixels. Defaults to 256.
        seed (int): Dataset seed. Defaults to 0.
        zoom (float): Object enlargement (a finer ground sampling
            distance; see :func:`generate_scene`). Defaults to 1.
        overwrite (bool): Allow a non-empty ``out_dir``; the sub-directories
            of :data:`DIOR_LAYOUT` are removed first. Defaults to False.
        jpeg_quality (int): JPEG quality. Defaults to 95.
        progress (callable, optional): Called once per written image.

    Returns:
        dict: ``{'splits': {split: [ids]}, 'num_objects': {dior_name: n}}``.

    Raises:
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is False.
    """
    _split_sizes(num_train, num_val, num_test)
    _prepare_out(out_dir, DIOR_LAYOUT, overwrite)
    dirs = {
        'trainval': osp.join(out_dir, 'JPEGImages-trainval'),
        'test': osp.join(out_dir, 'JPEGImages-test'),
        'hbb': osp.join(out_dir, 'Annotations', 'Horizontal Bounding Boxes'),
        'obb': osp.join(out_dir, 'Annotations', 'Oriented Bounding Boxes'),
        'sets': osp.join(out_dir, 'ImageSets', 'Main'),
    }
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    splits: Dict[str, List[str]] = {'train': [], 'val': [], 'test': []}
    stats: Dict[str, int] = {}
    idx = 0
    for split, num in (('train', num_train), ('val', num_val), ('test',
                                                                num_test)):
        img_dir = dirs['test'] if split == 'test' else dirs['trainval']
        for _ in range(int(num)):
            idx += 1
            img_id = f'{idx:05d}'
            image, objects = generate_scene(
                np.random.default_rng([seed, idx]), size, zoom)
            cv2.imwrite(
                osp.join(img_dir, f'{img_id}.jpg'), image,
                [cv2.IMWRITE_JPEG_QUALITY,
                 int(jpeg_quality)])
            _write_text(
                osp.join(dirs['hbb'], f'{img_id}.xml'),
                dior_hbb_xml(img_id, size, objects))
            _write_text(
                osp.join(dirs['obb'], f'{img_id}.xml'),
                dior_obb_xml(img_id, size, objects))
            splits[split].append(img_id)
            _count(stats, objects, lambda o: o.dior_name)
            if progress is not None:
                progress()
        _write_text(
            osp.join(dirs['sets'], f'{split}.txt'),
            ''.join(f'{i}\n' for i in splits[split]))
    return {'splits': splits, 'num_objects': dict(sorted(stats.items()))}


def write_dota(out_dir: str,
               num_train: int,
               num_val: int,
               num_test: int,
               size: int = 512,
               seed: int = 0,
               zoom: float = 1.0,
               overwrite: bool = False,
               progress: Optional[Callable[[], None]] = None) -> Dict:
    """Write a synthetic dataset in the raw DOTA v1.0 release layout.

    Layout (ids ``P0001``..., numbered train, then val, then test)::

        out_dir/{train,val,test}/images/P0001.png
        out_dir/{train,val,test}/labelTxt/P0001.txt

    Each label file starts with ``imagesource:synthetic`` and ``gsd:0.5``
    followed by ``x1 y1 x2 y2 x3 y3 x4 y4 classname difficult`` lines. Unlike
    the official release, the test split is labelled too. As with real DOTA,
    mmrotate's ``DOTADataset`` expects split patches whose ``annfiles`` have
    no header lines (run the DOTA split tool first, or strip the 2 lines).

    Image ``i`` (1-based) is generated from ``np.random.default_rng([seed,
    i])``.

    Args:
        out_dir (str): Output directory (created if needed).
        num_train (int): Number of training images.
        num_val (int): Number of validation images.
        num_test (int): Number of test images.
        size (int): Image side in pixels. Defaults to 512.
        seed (int): Dataset seed. Defaults to 0.
        zoom (float): Object enlargement (a finer ground sampling
            distance; see :func:`generate_scene`). Defaults to 1.
        overwrite (bool): Allow a non-empty ``out_dir``; the split
            directories of :data:`DOTA_LAYOUT` are removed first. Defaults to
            False.
        progress (callable, optional): Called once per written image.

    Returns:
        dict: ``{'splits': {split: [ids]}, 'num_objects': {dota_name: n}}``.

    Raises:
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is False.
    """
    _split_sizes(num_train, num_val, num_test)
    _prepare_out(out_dir, DOTA_LAYOUT, overwrite)
    splits: Dict[str, List[str]] = {'train': [], 'val': [], 'test': []}
    stats: Dict[str, int] = {}
    idx = 0
    for split, num in (('train', num_train), ('val', num_val), ('test',
                                                                num_test)):
        img_dir = osp.join(out_dir, split, 'images')
        ann_dir = osp.join(out_dir, split, 'labelTxt')
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(ann_dir, exist_ok=True)
        for _ in range(int(num)):
            idx += 1
            img_id = f'P{idx:04d}'
            image, objects = generate_scene(
                np.random.default_rng([seed, idx]), size, zoom)
            cv2.imwrite(
                osp.join(img_dir, f'{img_id}.png'), image,
                [cv2.IMWRITE_PNG_COMPRESSION, 3])
            _write_text(
                osp.join(ann_dir, f'{img_id}.txt'), dota_label_txt(objects))
            splits[split].append(img_id)
            _count(stats, objects, lambda o: o.dota_name)
            if progress is not None:
                progress()
    return {'splits': splits, 'num_objects': dict(sorted(stats.items()))}

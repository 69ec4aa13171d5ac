# Copyright (c) mmadmd contributors. All rights reserved.
"""Split raw DOTA into fixed-size patches with mmrotate's own split tool.

mmrotate ships ``img_split.py`` (``<mmrotate>/.mim/tools/data/dota/split/``
in the wheel, ``tools/data/dota/split/`` in a source checkout) but no
importable API for it. :func:`split_dota` checks the raw data first (the tool
prints and goes on, or fails in a worker without naming the file), then runs
the tool once per split in a subprocess with the settings of mmrotate's
``split_configs/dota1_0/ss_*.json`` (1024 px windows, gap 200, rate 1.0,
``img_rate_thr=0.6``, ``iof_thr=0.7``, padding ``(104, 116, 124)``)::

    <src>/{train,val,test}/images/*.png        (raw DOTA)
    <src>/{train,val}/labelTxt/*.txt           (test: optional)
      -> <dst>/<split>/images/<id>__<size>__<x>___<y>.png
         <dst>/<split>/annfiles/<same id>.txt  (DOTA lines, no header)

which mmrotate's ``DOTADataset`` reads with ``ann_file='<split>/annfiles/'``
and ``data_prefix=dict(img_path='<split>/images/')``. The split ``trainval``
writes ``train`` and ``val`` (or a raw ``trainval`` folder) into one folder.
Objects cut by a window border (less than fully inside) get difficulty 2.

The tool needs ``opencv``, ``Pillow``, ``numpy`` and ``shapely``.
"""
import os
import os.path as osp
import subprocess
import sys
import time
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

from .file_errors import stripped_spaces_hint

__all__ = [
    'DOTA_SPLITS', 'DOTA_VERSIONS', 'find_img_split_script', 'dota_classes',
    'check_dota_split', 'split_dota'
]

#: Split names accepted by :func:`split_dota`.
DOTA_SPLITS = ('train', 'val', 'trainval', 'test')
#: DOTA versions and the mmrotate dataset class holding their classes.
DOTA_VERSIONS = {
    '1.0': 'DOTADataset',
    '1.5': 'DOTAv15Dataset',
    '2.0': 'DOTAv2Dataset'
}
# Image extensions img_split.py picks up (others in images/ are ignored).
IMG_EXTS = ('.jpg', '.JPG', '.png', '.tif', '.bmp')
# Header lines of raw DOTA label files.
HEADER_PREFIXES = ('imagesource:', 'gsd:')


def find_img_split_script() -> str:
    """Locate mmrotate's ``img_split.py`` in the installed mmrotate.

    Returns:
        str: Path of ``img_split.py``.

    Raises:
        FileNotFoundError: If neither the wheel's ``.mim`` copy nor a source
            checkout's ``tools/`` has it.
    """
    import mmrotate
    pkg_dir = osp.dirname(osp.abspath(mmrotate.__file__))
    rel = osp.join('tools', 'data', 'dota', 'split', 'img_split.py')
    candidates = [
        osp.join(pkg_dir, '.mim', rel),  # pip/mim wheel
        osp.join(osp.dirname(pkg_dir), rel),  # editable source checkout
    ]
    for path in candidates:
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        "mmrotate's DOTA split tool was not found at "
        f'{" or ".join(candidates)}; reinstall mmrotate 1.x (the wheel '
        'ships it under mmrotate/.mim/tools)')


def dota_classes(version: str = '1.0') -> Tuple[str, ...]:
    """Class names of a DOTA version, as mmrotate's datasets define them.

    Args:
        version (str): ``'1.0'``, ``'1.5'`` or ``'2.0'``. Defaults to
            ``'1.0'``.

    Returns:
        tuple[str]: The class names.
    """
    if version not in DOTA_VERSIONS:
        raise ValueError(f'Unknown DOTA version {version!r}; choose one of '
                         f'{", ".join(DOTA_VERSIONS)}')
    import mmrotate.datasets
    dataset_cls = getattr(mmrotate.datasets, DOTA_VERSIONS[version])
    return tuple(dataset_cls.METAINFO['classes'])


def _image_size(img_path: str) -> Tuple[int, int]:
    """``(width, height)`` of an image, from its header."""
    from PIL import Image
    try:
        with Image.open(img_path) as img:
            return img.size
    except Exception as e:
        raise ValueError(f'Cannot read the image {img_path}: '
                         f'{type(e).__name__}: {e}') from e


def _check_polygon(where: str, coords: Sequence[float],
                   size: Optional[Tuple[int, int]]) -> None:
    """Refuse an object img_split.py would drop without a word: a polygon
    of zero area, or one wholly outside its image (as DIOR and NWPU VHR-10
    refuse such boxes)."""
    xs, ys = coords[0::2], coords[1::2]
    area = 0.5 * abs(
        sum(xs[i] * ys[i - 1] - xs[i - 1] * ys[i] for i in range(4)))
    shown = ' '.join(f'{v:g}' for v in coords)
    if area == 0:
        raise ValueError(
            f'{where}: the polygon ({shown}) has zero area (repeated or '
            'collinear corners); the split would drop the object without a '
            'word. Fix or remove the line.')
    if size is not None:
        width, height = size
        if max(xs) < 0 or max(ys) < 0 or min(xs) > width or \
                min(ys) > height:
            raise ValueError(
                f'{where}: the polygon ({shown}) lies wholly outside the '
                f'{width}x{height} image; the split would drop the object '
                'without a word. Fix or remove the line (is it the label '
                'file of another image?).')


def _check_label_file(
        txt_path: str,
        classes: Sequence[str],
        img_path: Optional[str] = None) -> Tuple[int, bool]:
    """Check one raw DOTA label file the way img_split.py will read it.

    Args:
        txt_path (str): The ``labelTxt`` file.
        classes (Sequence[str]): Allowed class names.
        img_path (str, optional): Its image, whose size objects wholly
            outside it are found with.

    Returns:
        tuple[int, bool]: The number of objects, and whether a line lacks
        the difficulty (DOTA's own tools read it as 0; img_split.py fails
        on it, so :func:`split_dota` writes it out).
    """
    num, no_difficulty = 0, False
    size = None
    with open(txt_path, encoding='utf-8', errors='replace') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith(HEADER_PREFIXES):
                continue
            where = f'{txt_path}, line {lineno}'
            # img_split.py splits on single spaces and silently skips
            # lines with fewer than 9 fields: catch both here.
            items = line.split(' ')
            if len(items) not in (9, 10):
                raise ValueError(
                    f'{where}: expected "x1 y1 x2 y2 x3 y3 x4 y4 class '
                    f'[difficulty]" separated by single spaces, got {line!r}')
            try:
                coords = [float(v) for v in items[:8]]
                if len(items) == 10:
                    int(items[9])
            except ValueError:
                raise ValueError(f'{where}: non-numeric coordinate or '
                                 f'difficulty in {line!r}') from None
            if size is None and img_path is not None:
                size = _image_size(img_path)
            _check_polygon(where, coords, size)
            if items[8] not in classes:
                raise ValueError(f'{where}: unknown class {items[8]!r}; '
                                 f'known classes: {", ".join(classes)}')
            num += 1
            no_difficulty = no_difficulty or len(items) == 9
    return num, no_difficulty


def _with_difficulty(ann_dir: str, out_dir: str) -> str:
    """Copy ``ann_dir`` to ``out_dir`` with a difficulty of 0 appended to
    every object line that has none (DOTA's convention)."""
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(ann_dir):
        if not name.endswith('.txt'):
            continue
        with open(osp.join(ann_dir, name), encoding='utf-8',
                  errors='replace') as f:
            lines = f.read().splitlines()
        fixed = [
            line.strip() + ' 0' if len(line.strip().split(' ')) == 9
            and not line.startswith(HEADER_PREFIXES) else line
            for line in lines
        ]
        with open(osp.join(out_dir, name), 'w', encoding='utf-8') as f:
            f.write('\n'.join(fixed) + '\n')
    return out_dir


def check_dota_split(
        split_dir: str,
        classes: Sequence[str],
        require_labels: bool = True) -> Tuple[str, Optional[str], int, int]:
    """Check a raw DOTA split folder (``images/`` and ``labelTxt/``).

    Args:
        split_dir (str): E.g. ``<raw_root>/train``.
        classes (Sequence[str]): Allowed class names.
        require_labels (bool): Whether ``labelTxt/`` must exist. If False
            and it is missing, the split is image-only (DOTA's test split).
            Defaults to True.

    A label file without an image is reported (a warning listing them)
    and left out, as img_split.py does. An object img_split.py would drop
    without a word (a polygon of zero area or wholly outside its image) is
    an error naming the file and line.

    Returns:
        tuple: ``(img_dir, ann_dir or None, num_images, num_objects,
        no_difficulty)``, the last True when a label line has no
        difficulty.

    Raises:
        FileNotFoundError: If ``images/``, a needed ``labelTxt/`` or the
            label file of an image is missing.
        ValueError: If there is no image or a label line is bad (garbled,
            unknown class, a polygon of zero area or wholly outside the
            image).
    """
    img_dir = osp.join(split_dir, 'images')
    ann_dir = osp.join(split_dir, 'labelTxt')
    if not osp.isdir(img_dir):
        raise FileNotFoundError(
            f'DOTA images folder not found: {img_dir}; expected the raw '
            'layout <src>/<split>/{images,labelTxt}' +
            stripped_spaces_hint(img_dir, 'Quote the path: --src '
                                 '"<folder with spaces>".'))
    images = sorted(
        f for f in os.listdir(img_dir) if osp.splitext(f)[1] in IMG_EXTS)
    if not images:
        raise ValueError(f'No image ({"/".join(IMG_EXTS)}) in {img_dir}')
    if not osp.isdir(ann_dir):
        if require_labels:
            raise FileNotFoundError(
                f'DOTA label folder not found: {ann_dir} (needed for '
                'training and validation splits)')
        return img_dir, None, len(images), 0, False
    num_objects, no_difficulty = 0, False
    for img in images:
        txt_path = osp.join(ann_dir, osp.splitext(img)[0] + '.txt')
        if not osp.isfile(txt_path):
            raise FileNotFoundError(
                f'Label file of {osp.join(img_dir, img)} not found: '
                f'{txt_path}')
        num, missing = _check_label_file(txt_path, classes,
                                         osp.join(img_dir, img))
        num_objects += num
        no_difficulty = no_difficulty or missing
    stems = {osp.splitext(img)[0] for img in images}
    orphans = sorted(f for f in os.listdir(ann_dir)
                     if f.endswith('.txt') and f[:-4] not in stems)
    if orphans:
        warnings.warn(
            f'{len(orphans)} label files in {ann_dir} have no image in '
            f'{img_dir} and are left out: {", ".join(orphans[:10])}'
            + (' ...' if len(orphans) > 10 else ''))
    return img_dir, ann_dir, len(images), num_objects, no_difficulty


def _raw_dirs(src: str, split: str) -> List[str]:
    """Raw folders that make one output split."""
    if split == 'trainval' and not osp.isdir(osp.join(src, 'trainval')):
        return [osp.join(src, 'train'), osp.join(src, 'val')]
    return [osp.join(src, split)]


def split_dota(src: str,
               dst: str,
               splits: Sequence[str] = ('train', 'val', 'test'),
               sizes: Sequence[int] = (1024, ),
               gaps: Sequence[int] = (200, ),
               rates: Sequence[float] = (1.0, ),
               nproc: int = 1,
               img_rate_thr: float = 0.6,
               iof_thr: float = 0.7,
               padding_value: Sequence[int] = (104, 116, 124),
               save_ext: str = '.png',
               version: str = '1.0',
               python: str = sys.executable) -> Dict[str, dict]:
    """Split raw DOTA splits into patches with mmrotate's ``img_split.py``.

    Every split is checked before anything is written; each output folder
    ``<dst>/<split>`` must not exist yet (the tool refuses to overwrite).

    Example:
        >>> from mmadmd.datasets.dota_split import split_dota
        >>> split_dota('data/DOTA', 'data/split_ss_dota',
        ...            splits=('train', 'val'), nproc=8)  # doctest: +SKIP

    Args:
        src (str): Raw root with ``<split>/images`` and ``<split>/labelTxt``.
        dst (str): Output root; ``<dst>/<split>/{images,annfiles}`` are
            written.
        splits (Sequence[str]): Any of ``train``, ``val``, ``trainval``
            (train + val in one folder) and ``test`` (labels optional).
            Defaults to ``('train', 'val', 'test')``.
        sizes (Sequence[int]): Window sizes. Defaults to ``(1024, )``.
        gaps (Sequence[int]): Overlap of neighbouring windows, one per size.
            Defaults to ``(200, )``.
        rates (Sequence[float]): Image rescaling rates (multi-scale split),
            applied as window size / rate. Defaults to ``(1.0, )``.
        nproc (int): Worker processes of the tool. Defaults to 1.
        img_rate_thr (float): Minimal fraction of a window inside the image.
            Defaults to 0.6.
        iof_thr (float): Minimal fraction of an object inside a window for
            the window to keep it. Defaults to 0.7.
        padding_value (Sequence[int]): BGR value padding windows past the
            image border. Defaults to ``(104, 116, 124)``.
        save_ext (str): Patch image extension. Defaults to ``'.png'``.
        version (str): DOTA version whose classes the labels may use.
            Defaults to ``'1.0'``.
        python (str): Interpreter running the tool. Defaults to the current
            one.

    Returns:
        dict[str, dict]: Per split: ``out_dir``, ``images`` (raw),
        ``objects`` (raw) and ``patches`` (written).

    Raises:
        ValueError: On an unknown split, mismatched sizes/gaps or bad data.
        FileNotFoundError: On missing raw folders or files.
        FileExistsError: If an output split folder exists.
        RuntimeError: If the tool fails or writes no patch.
    """
    bad = [s for s in splits if s not in DOTA_SPLITS]
    if bad or not splits:
        raise ValueError(f'Unknown split(s) {bad}; choose from '
                         f'{", ".join(DOTA_SPLITS)}')
    if len(sizes) != len(gaps):
        raise ValueError(f'One gap per size is needed, got sizes={sizes} '
                         f'and gaps={gaps}')
    for size, gap in zip(sizes, gaps):
        if not 0 <= gap < size:
            raise ValueError(f'gap must be in [0, size), got size={size}, '
                             f'gap={gap}')
    if len(sizes) > 1 and len(rates) > 1:
        raise ValueError('Give several sizes or several rates, not both')
    if save_ext not in ('.png', '.jpg', '.tif'):
        raise ValueError(f'save_ext must be .png, .jpg or .tif, got '
                         f'{save_ext!r}')
    script = find_img_split_script()
    classes = dota_classes(version)

    # Check everything first: a bad file in the last split should not
    # surface after an hour of splitting the first one.
    plans = []
    for split in splits:
        out_dir = osp.join(dst, split)
        if osp.exists(out_dir):
            raise FileExistsError(
                f'Output folder {out_dir} exists; remove it or choose '
                'another --dst')
        img_dirs, ann_dirs, n_img, n_obj = [], [], 0, 0
        for raw_dir in _raw_dirs(src, split):
            img_dir, ann_dir, n, m, no_difficulty = check_dota_split(
                raw_dir, classes, require_labels=split != 'test')
            if no_difficulty:
                # img_split.py indexes the 10th field: give it one.
                ann_dir = _with_difficulty(
                    ann_dir,
                    osp.join(dst, '.labels_with_difficulty',
                             osp.basename(raw_dir)))
            img_dirs.append(img_dir)
            ann_dirs.append(ann_dir)
            n_img, n_obj = n_img + n, n_obj + m
        print(
            f'[split_dota] {split}: {n_img} images, {n_obj} objects in '
            f'{", ".join(img_dirs)}',
            flush=True)
        plans.append((split, out_dir, img_dirs, ann_dirs, n_img, n_obj))

    results = {}
    for split, out_dir, img_dirs, ann_dirs, n_img, n_obj in plans:
        cmd = [python, script, '--img-dirs', *img_dirs]
        # The tool takes labels for all image folders or for none.
        if all(a is not None for a in ann_dirs):
            cmd += ['--ann-dirs', *ann_dirs]
        cmd += ['--sizes', *map(str, sizes), '--gaps', *map(str, gaps)]
        cmd += ['--rates', *map(str, rates), '--nproc', str(nproc)]
        cmd += ['--img-rate-thr', str(img_rate_thr)]
        cmd += ['--iof-thr', str(iof_thr)]
        cmd += ['--padding-value', *map(str, padding_value)]
        cmd += ['--save-dir', out_dir, '--save-ext', save_ext]
        print(
            f'[split_dota] {split}: splitting into {out_dir} '
            f'(sizes={list(sizes)}, gaps={list(gaps)}, '
            f'rates={list(rates)})',
            flush=True)
        start = time.time()
        proc = subprocess.run(cmd)
        if proc.returncode != 0:
            raise RuntimeError(
                f'mmrotate img_split.py failed on split {split} (exit code '
                f'{proc.returncode}): {" ".join(cmd)}')
        patches = len([
            f for f in os.listdir(osp.join(out_dir, 'images'))
            if f.endswith(save_ext)
        ])
        if patches == 0:
            raise RuntimeError(f'img_split.py wrote no patch into {out_dir}')
        print(
            f'[split_dota] {split}: {patches} patches in '
            f'{time.time() - start:.1f}s -> {out_dir}/{{images,annfiles}}',
            flush=True)
        results[split] = dict(
            out_dir=out_dir, images=n_img, objects=n_obj, patches=patches)
    return results

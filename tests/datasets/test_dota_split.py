# Copyright (c) mmadmd contributors. All rights reserved.
"""Raw DOTA -> mmrotate's img_split.py -> mmrotate DOTADataset, on a tiny
raw folder written at test time."""
import math
import os
import os.path as osp
import runpy
import subprocess
import sys

import cv2
import numpy as np
import pytest
from mmrotate.registry import DATASETS

from mmadmd.datasets.dota_split import (check_dota_split, dota_classes,
                                        find_img_split_script, split_dota)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'dataset_converters', 'split_dota.py')


def rect(cx, cy, w, h, deg=0.0) -> list:
    """Corners of a rotated rectangle, as 8 numbers."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return [
        round(v, 1) for x, y in pts
        for v in (cx + x * c - y * s, cy + x * s + y * c)
    ]


# image id -> (width, height), [(polygon, class, difficulty)]
RAW = {
    'train': {
        'P0001': ((300, 300), [(rect(40, 40, 40, 20, 30), 'plane', 0),
                               (rect(280, 280, 16, 10), 'small-vehicle', 1),
                               (rect(160, 260, 20, 20), 'storage-tank', 0)]),
        'P0002': ((320, 280), [(rect(250, 100, 50, 16, -20), 'ship', 0),
                               (rect(100, 200, 60, 40, 10), 'harbor', 0)]),
    },
    'val': {
        'P0003': ((300, 300), [(rect(40, 40, 24, 12, 45), 'tennis-court', 0)]),
    },
    'test': {
        'P0004': ((300, 300), None),  # no labels, as DOTA's test split
    },
}


def write_raw_dota(root: str, raw: dict = RAW) -> str:
    rng = np.random.default_rng(0)
    for split, images in raw.items():
        os.makedirs(osp.join(root, split, 'images'))
        for img_id, ((w, h), objects) in images.items():
            img = rng.integers(0, 255, (h, w, 3), np.uint8)
            cv2.imwrite(osp.join(root, split, 'images', f'{img_id}.png'), img)
            if objects is None:
                continue
            os.makedirs(osp.join(root, split, 'labelTxt'), exist_ok=True)
            lines = ['imagesource:GoogleEarth', 'gsd:0.146343590398']
            lines += [
                ' '.join(map(str, poly)) + f' {cls} {diff}'
                for poly, cls, diff in objects
            ]
            with open(osp.join(root, split, 'labelTxt', f'{img_id}.txt'),
                      'w') as f:
                f.write('\n'.join(lines) + '\n')
    return root


@pytest.fixture
def raw_dota(tmp_path) -> str:
    return write_raw_dota(str(tmp_path / 'DOTA'))


def dota_cfg(root: str, split: str, **kwargs) -> dict:
    """What a config gives mmrotate for a split folder."""
    return dict(
        type='DOTADataset',
        data_root=root,
        ann_file=f'{split}/annfiles/',
        data_prefix=dict(img_path=f'{split}/images/'),
        pipeline=[],
        **kwargs)


def by_id(ds) -> dict:
    return {
        ds.get_data_info(i)['img_id']: ds.get_data_info(i)
        for i in range(len(ds))
    }


def test_split_tool_to_dota_dataset(raw_dota, tmp_path):
    assert find_img_split_script().endswith(
        osp.join('tools', 'data', 'dota', 'split', 'img_split.py'))
    out = str(tmp_path / 'split')
    proc = subprocess.run([
        sys.executable, TOOL, '--src', raw_dota, '--dst', out, '--sizes',
        '256', '--gaps', '64', '--nproc', '1'
    ],
                          cwd=ROOT,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert '[split_dota] train: 2 images, 5 objects' in proc.stdout
    assert 'train: 2 images -> 8 patches' in proc.stdout

    for split in ('train', 'val', 'test'):
        # (img_split.py also leaves its log there)
        assert {'annfiles', 'images'} <= set(os.listdir(osp.join(out, split)))
    # 300x300 and 320x280 images give 2x2 windows of 256 each.
    train = DATASETS.build(dota_cfg(out, 'train'))
    assert len(train) == 8
    classes = train.metainfo['classes']
    infos = by_id(train)
    # patch ids: <image>__<size>__<x>___<y>
    assert set(infos) == {
        f'P0001__256__{x}___{y}'
        for x in (0, 44)
        for y in (0, 44)
    } | {f'P0002__256__{x}___{y}'
         for x in (0, 64)
         for y in (0, 24)}
    # The plane lies in the top-left window: same coordinates there...
    plane = infos['P0001__256__0___0']['instances']
    assert [classes[i['bbox_label']] for i in plane] == ['plane']
    np.testing.assert_allclose(
        plane[0]['bbox'], RAW['train']['P0001'][1][0][0], atol=1e-3)
    # ... and the car and the tank, shifted by the window origin, in the
    # bottom-right one.
    br = infos['P0001__256__44___44']['instances']
    assert sorted(classes[i['bbox_label']] for i in br) == \
        ['small-vehicle', 'storage-tank']
    car = next(i for i in br if classes[i['bbox_label']] == 'small-vehicle')
    np.testing.assert_allclose(
        car['bbox'], np.array(RAW['train']['P0001'][1][1][0]) - 44, atol=1e-3)
    found = {
        classes[i['bbox_label']]
        for info in infos.values()
        for i in info['instances']
    }
    assert found == {
        'plane', 'small-vehicle', 'storage-tank', 'ship', 'harbor'
    }

    # The tennis court is in the top-left window only: 3 empty patches,
    # kept unless filter_empty_gt drops them (for training).
    val = DATASETS.build(dota_cfg(out, 'val'))
    assert len(val) == 4
    assert {
        k: len(v['instances'])
        for k, v in by_id(val).items()
    }['P0003__256__0___0'] == 1
    assert sum(len(v['instances']) for v in by_id(val).values()) == 1
    val = DATASETS.build(
        dota_cfg(out, 'val', filter_cfg=dict(filter_empty_gt=True)))
    assert len(val) == 1

    # The test split has no labels: images only, as mmrotate reads it.
    test = DATASETS.build(
        dict(
            type='DOTADataset',
            data_root=out,
            ann_file='',
            data_prefix=dict(img_path='test/images/'),
            test_mode=True,
            pipeline=[]))
    assert len(test) == 4


def test_split_trainval_in_process(raw_dota, tmp_path, capsys):
    out = str(tmp_path / 'split')
    res = split_dota(
        raw_dota, out, splits=['trainval'], sizes=[256], gaps=[64], nproc=1)
    assert res['trainval']['images'] == 3
    assert res['trainval']['objects'] == 6
    assert res['trainval']['patches'] == 12
    assert '[split_dota] trainval: 12 patches' in capsys.readouterr().out
    ds = DATASETS.build(
        dota_cfg(out, 'trainval', filter_cfg=dict(filter_empty_gt=True)))
    assert 0 < len(ds) <= 12
    assert all(len(ds.get_data_info(i)['instances']) for i in range(len(ds)))


# ------------------------------------------------------------ bad data


def _label_path(root: str, img_id: str = 'P0001') -> str:
    return osp.join(root, 'train', 'labelTxt', f'{img_id}.txt')


def _append_line(root: str, line: str) -> None:
    with open(_label_path(root), 'a') as f:
        f.write(line + '\n')


def _split_error(root, tmp_path, exc, *fragments, **kwargs) -> None:
    out = str(tmp_path / 'split')
    with pytest.raises(exc) as info:
        split_dota(root, out, sizes=[256], gaps=[64], **kwargs)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    # nothing was written: the checks come first.
    assert not osp.exists(out)


def test_unknown_class(raw_dota, tmp_path):
    _append_line(raw_dota, '1 1 9 1 9 9 1 9 helicopter-pad 0')
    _split_error(raw_dota, tmp_path, ValueError, _label_path(raw_dota),
                 'line 6', "'helicopter-pad'", 'plane, baseball-diamond')


def test_dota_v15_classes_accepted(raw_dota, tmp_path):
    _append_line(raw_dota, '1 1 9 1 9 9 1 9 container-crane 0')
    with pytest.raises(ValueError, match='container-crane'):
        check_dota_split(osp.join(raw_dota, 'train'), dota_classes('1.0'))
    assert check_dota_split(osp.join(raw_dota, 'train'),
                            dota_classes('1.5'))[2:] == (2, 6, False)


def test_label_line_without_difficulty_reads_as_zero(raw_dota, tmp_path):
    # DOTA's own tools accept "x1 y1 ... x4 y4 class" (difficulty 0).
    _append_line(raw_dota, '10 10 60 10 60 60 10 60 plane')
    out = str(tmp_path / 'split')
    res = split_dota(raw_dota, out, splits=['train'], sizes=[256],
                     gaps=[64], nproc=1)
    assert res['train']['objects'] == 6
    ds = DATASETS.build(dota_cfg(out, 'train'))
    boxes = sum(len(ds.get_data_info(i)['instances'])
                for i in range(len(ds)))
    assert boxes >= 6
    # the raw labels are left as they were
    assert open(_label_path(raw_dota)).read().splitlines()[-1].endswith(
        'plane')


def test_label_file_without_image_is_reported(raw_dota, tmp_path):
    with open(osp.join(raw_dota, 'train', 'labelTxt', 'P9999.txt'), 'w') as f:
        f.write('1 1 9 1 9 9 1 9 plane 0\n')
    with pytest.warns(UserWarning, match='1 label files in .* have no image'
                      ' .* left out: P9999.txt'):
        check_dota_split(osp.join(raw_dota, 'train'), dota_classes('1.0'))


@pytest.mark.parametrize('line, fragment', [
    ('1 1 9 1 9 9 plane 0', 'expected "x1 y1'),
    ('1 1 9 1 9 9 1 x plane 0', 'non-numeric'),
    ('1 1 9 1 9 9 1 9 plane easy', 'non-numeric'),
    ('1  1 9 1 9 9 1 9 plane 0', 'single spaces'),
])
def test_garbled_label_line(raw_dota, tmp_path, line, fragment):
    _append_line(raw_dota, line)
    _split_error(raw_dota, tmp_path, ValueError, _label_path(raw_dota),
                 fragment)


@pytest.mark.parametrize('line, fragment', [
    ('10 10 60 60 10 10 60 60 plane 0',
     'the polygon (10 10 60 60 10 10 60 60) has zero area (repeated or '
     'collinear corners); the split would drop the object without a word. '
     'Fix or remove the line.'),
    ('10 10 20 20 30 30 40 40 ship 0', 'has zero area'),
    ('310 10 350 10 350 40 310 40 ship 0',
     'the polygon (310 10 350 10 350 40 310 40) lies wholly outside the '
     '300x300 image; the split would drop the object without a word.'),
    ('-50 -50 -10 -50 -10 -10 -50 -10 plane 0', 'lies wholly outside'),
])
def test_object_the_split_would_drop(raw_dota, tmp_path, line, fragment):
    # DIOR and NWPU VHR-10 stop on such boxes too
    _append_line(raw_dota, line)
    _split_error(raw_dota, tmp_path, ValueError, _label_path(raw_dota),
                 'line 6', fragment)


def test_polygon_partly_outside_is_kept(raw_dota):
    _append_line(raw_dota, '280 10 350 10 350 40 280 40 ship 0')
    assert check_dota_split(osp.join(raw_dota, 'train'),
                            dota_classes('1.0'))[3] == 6


def test_missing_label_file(raw_dota, tmp_path):
    os.remove(_label_path(raw_dota, 'P0002'))
    _split_error(raw_dota, tmp_path, FileNotFoundError,
                 _label_path(raw_dota, 'P0002'), 'P0002.png')


def test_missing_label_folder(raw_dota, tmp_path):
    os.rename(
        osp.join(raw_dota, 'val', 'labelTxt'),
        osp.join(raw_dota, 'val', 'labels'))
    _split_error(raw_dota, tmp_path, FileNotFoundError,
                 osp.join(raw_dota, 'val', 'labelTxt'))


def test_wrong_src_and_empty_images(raw_dota, tmp_path):
    _split_error(
        str(tmp_path / 'nowhere'), tmp_path, FileNotFoundError,
        osp.join(str(tmp_path / 'nowhere'), 'train', 'images'),
        '<src>/<split>/{images,labelTxt}')
    for f in os.listdir(osp.join(raw_dota, 'test', 'images')):
        os.remove(osp.join(raw_dota, 'test', 'images', f))
    _split_error(raw_dota, tmp_path, ValueError, 'No image',
                 osp.join(raw_dota, 'test', 'images'))


def test_src_whose_spaces_were_dropped(tmp_path):
    root = write_raw_dota(str(tmp_path / 'DOTA v1'))
    _split_error(str(tmp_path / 'DOTAv1'), tmp_path, FileNotFoundError,
                 f"With spaces, '{root}/train/images' would be meant",
                 'Quote the path: --src "<folder with spaces>".')


def test_bad_arguments_and_existing_output(raw_dota, tmp_path):
    _split_error(
        raw_dota, tmp_path, ValueError, 'Unknown split', splits=['training'])
    with pytest.raises(ValueError, match='One gap per size'):
        split_dota(raw_dota, str(tmp_path / 'o'), sizes=[256, 512], gaps=[64])
    with pytest.raises(ValueError, match='gap must be'):
        split_dota(raw_dota, str(tmp_path / 'o'), sizes=[256], gaps=[256])
    os.makedirs(tmp_path / 'split' / 'val')
    with pytest.raises(FileExistsError, match='split/val exists'):
        split_dota(raw_dota, str(tmp_path / 'split'), sizes=[256], gaps=[64])
    assert not osp.exists(tmp_path / 'split' / 'train')


def test_tool_reports_errors_without_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, 'argv', [
        TOOL, '--src',
        str(tmp_path / 'nowhere'), '--dst',
        str(tmp_path / 'out')
    ])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(TOOL, run_name='__main__')
    assert str(info.value).startswith('split_dota: error: DOTA images '
                                      'folder not found: ')
    assert osp.join(str(tmp_path / 'nowhere'), 'train',
                    'images') in str(info.value)

# Copyright (c) mmadmd contributors. All rights reserved.
"""Synthetic DIOR / DOTA datasets: layouts, formats, determinism, CLI."""
import filecmp
import importlib.util
import os
import os.path as osp
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest

from mmadmd.testing import (DIOR_CLASSES_USED, DOTA_CLASSES_USED, write_dior,
                            write_dota)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HBB_DIR = osp.join('Annotations', 'Horizontal Bounding Boxes')
OBB_DIR = osp.join('Annotations', 'Oriented Bounding Boxes')
CORNERS = ('left_top', 'right_top', 'right_bottom', 'left_bottom')
DIOR_SPLITS = dict(num_train=5, num_val=2, num_test=3)
DOTA_SPLITS = dict(num_train=3, num_val=1, num_test=2)


@pytest.fixture(scope='module')
def dior_root(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('dior'))
    summary = write_dior(out, **DIOR_SPLITS, size=256, seed=3)
    return out, summary


@pytest.fixture(scope='module')
def dota_root(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('dota'))
    summary = write_dota(out, **DOTA_SPLITS, size=384, seed=3)
    return out, summary


def _shoelace(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _tree_files(root: str):
    out = []
    for d, _, files in os.walk(root):
        out += [osp.relpath(osp.join(d, f), root) for f in files]
    return sorted(out)


def _dior_objects(xml_path: str):
    root = ET.parse(xml_path).getroot()
    return root, root.findall('object')


# ---------------------------------------------------------------------------
# DIOR layout
# ---------------------------------------------------------------------------


def test_dior_layout(dior_root):
    root, summary = dior_root
    sets = osp.join(root, 'ImageSets', 'Main')
    ids = {}
    for split in ('train', 'val', 'test'):
        with open(osp.join(sets, f'{split}.txt')) as f:
            ids[split] = f.read().split()
    assert ids['train'] == ['00001', '00002', '00003', '00004', '00005']
    assert ids['val'] == ['00006', '00007']
    assert ids['test'] == ['00008', '00009', '00010']
    assert summary['splits'] == ids
    assert sorted(os.listdir(osp.join(root, 'JPEGImages-trainval'))) == [
        f'{i}.jpg' for i in ids['train'] + ids['val']
    ]
    assert sorted(os.listdir(osp.join(
        root, 'JPEGImages-test'))) == [f'{i}.jpg' for i in ids['test']]
    all_ids = ids['train'] + ids['val'] + ids['test']
    for sub in (HBB_DIR, OBB_DIR):
        assert sorted(os.listdir(osp.join(
            root, sub))) == [f'{i}.xml' for i in all_ids]
    img = cv2.imread(osp.join(root, 'JPEGImages-test', '00008.jpg'))
    assert img.shape == (256, 256, 3)


def test_dior_xml(dior_root):
    root, summary = dior_root
    names = set()
    for name in sorted(os.listdir(osp.join(root, HBB_DIR))):
        img_id = name[:-4]
        hroot, hobjs = _dior_objects(osp.join(root, HBB_DIR, name))
        oroot, oobjs = _dior_objects(osp.join(root, OBB_DIR, name))
        for r in (hroot, oroot):
            assert r.tag == 'annotation'
            assert r.findtext('filename') == f'{img_id}.jpg'
            size = r.find('size')
            assert (size.findtext('width'), size.findtext('height'),
                    size.findtext('depth')) == ('256', '256', '3')
        assert len(hobjs) == len(oobjs) > 0
        for h, o in zip(hobjs, oobjs):
            assert h.findtext('name') == o.findtext('name')
            assert h.findtext('name') in DIOR_CLASSES_USED
            names.add(h.findtext('name'))
            for tag, val in (('pose', 'Unspecified'), ('truncated', '0'),
                             ('difficult', '0')):
                assert h.findtext(tag) == val
            bb = h.find('bndbox')
            x0, y0, x1, y1 = (
                int(bb.findtext(k)) for k in ('xmin', 'ymin', 'xmax', 'ymax'))
            # VOC convention: 1-based inclusive pixel indices
            assert 1 <= x0 < x1 <= 256 and 1 <= y0 < y1 <= 256
            assert o.findtext('type') == 'robndbox'
            rb = o.find('robndbox')
            poly = np.array(
                [[float(rb.findtext(f'x_{c}')),
                  float(rb.findtext(f'y_{c}'))] for c in CORNERS])
            assert poly.min() >= 0 and poly.max() <= 256
            assert _shoelace(poly) > 0  # clockwise on screen, not a bow-tie
            # the horizontal box rounds the oriented box's (0-based,
            # continuous) bounds: [xmin - 1, xmax) ~ [poly x min, poly x max)
            np.testing.assert_allclose([x0 - 1, y0 - 1],
                                       poly.min(0),
                                       atol=0.56)
            np.testing.assert_allclose([x1, y1], poly.max(0), atol=0.56)
            float(o.findtext('angle'))
    assert names == set(summary['num_objects'])


@pytest.mark.filterwarnings('ignore:Creating a tensor from a list')
def test_dior_mmrotate_dataset(dior_root):
    root, _ = dior_root
    from mmrotate.registry import DATASETS
    pipeline = [
        dict(type='mmdet.LoadImageFromFile'),
        dict(type='mmdet.LoadAnnotations', with_bbox=True, box_type='qbox'),
        dict(type='ConvertBoxType', box_type_mapping=dict(gt_bboxes='rbox')),
    ]
    # _scope_: the pipeline is built in (and resolved from) mmrotate's scope
    ds = DATASETS.build(
        dict(
            type='DIORDataset',
            _scope_='mmrotate',
            data_root=root,
            ann_file='ImageSets/Main/train.txt',
            data_prefix=dict(img_path='JPEGImages-trainval'),
            filter_cfg=dict(filter_empty_gt=True),
            pipeline=pipeline))
    assert len(ds) == 5
    classes = ds.metainfo['classes']
    info = ds.get_data_info(0)
    _, objs = _dior_objects(osp.join(root, OBB_DIR, '00001.xml'))
    assert len(info['instances']) == len(objs) > 0
    assert [classes[i['bbox_label']] for i in info['instances']] == \
        [o.findtext('name') for o in objs]
    assert (info['width'], info['height']) == (256, 256)
    item = ds[0]
    assert item['img'].shape == (256, 256, 3)
    rboxes = item['gt_bboxes'].tensor.numpy()
    assert rboxes.shape == (len(objs), 5) and (rboxes[:, 2:4] > 1).all()

    test = DATASETS.build(
        dict(
            type='DIORDataset',
            data_root=root,
            ann_file='ImageSets/Main/test.txt',
            ann_subdir='Annotations/Horizontal Bounding Boxes/',
            ann_type='hbb',
            data_prefix=dict(img_path='JPEGImages-test'),
            test_mode=True,
            pipeline=[]))
    assert len(test) == 3
    assert all(len(test.get_data_info(i)['instances']) > 0 for i in range(3))
    assert osp.isfile(test.get_data_info(0)['img_path'])


# ---------------------------------------------------------------------------
# DOTA layout
# ---------------------------------------------------------------------------


def test_dota_layout_and_labels(dota_root):
    root, summary = dota_root
    expected = {
        'train': ['P0001', 'P0002', 'P0003'],
        'val': ['P0004'],
        'test': ['P0005', 'P0006']
    }
    assert summary['splits'] == expected
    assert sorted(os.listdir(root)) == ['test', 'train', 'val']
    names = set()
    for split, ids in expected.items():
        assert sorted(os.listdir(osp.join(root,
                                          split))) == ['images', 'labelTxt']
        assert sorted(os.listdir(osp.join(
            root, split, 'images'))) == [f'{i}.png' for i in ids]
        assert sorted(os.listdir(osp.join(
            root, split, 'labelTxt'))) == [f'{i}.txt' for i in ids]
        for i in ids:
            img = cv2.imread(osp.join(root, split, 'images', f'{i}.png'))
            assert img.shape == (384, 384, 3)
            with open(osp.join(root, split, 'labelTxt', f'{i}.txt')) as f:
                lines = f.read().splitlines()
            assert lines[:2] == ['imagesource:synthetic', 'gsd:0.5']
            assert len(lines) > 2
            for line in lines[2:]:
                fields = line.split(' ')
                assert len(fields) == 10
                poly = np.array([float(v) for v in fields[:8]]).reshape(4, 2)
                assert all('.' in v for v in fields[:8])  # float coords
                assert poly.min() >= 0 and poly.max() <= 384
                assert _shoelace(poly) > 0  # clockwise on screen
                assert fields[8] in DOTA_CLASSES_USED
                assert fields[9] == '0'
                names.add(fields[8])
    assert names == set(summary['num_objects'])


def test_dota_mmrotate_dataset(dota_root, tmp_path):
    """DOTADataset reads split-style annfiles (no header lines)."""
    root, _ = dota_root
    from mmrotate.registry import DATASETS
    src = osp.join(root, 'train', 'labelTxt')
    ann = tmp_path / 'annfiles'
    ann.mkdir()
    n_lines = 0
    for name in os.listdir(src):
        with open(osp.join(src, name)) as f:
            lines = f.readlines()[2:]
        n_lines += len(lines)
        (ann / name).write_text(''.join(lines))
    ds = DATASETS.build(
        dict(
            type='DOTADataset',
            data_root='',
            ann_file=str(ann),
            data_prefix=dict(img_path=osp.join(root, 'train', 'images')),
            pipeline=[]))
    assert len(ds) == 3
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert sum(len(i['instances']) for i in infos) == n_lines > 0
    assert all(osp.isfile(i['img_path']) for i in infos)
    # image-only mode on the raw test split
    test = DATASETS.build(
        dict(
            type='DOTADataset',
            data_root='',
            ann_file='',
            data_prefix=dict(img_path=osp.join(root, 'test', 'images')),
            test_mode=True,
            pipeline=[]))
    assert len(test) == 2


# ---------------------------------------------------------------------------
# Determinism of the writers, CLI
# ---------------------------------------------------------------------------


def test_writers_are_deterministic(tmp_path):
    a, b, c = (str(tmp_path / n) for n in 'abc')
    kw = dict(num_train=2, num_val=1, num_test=1, size=192)
    write_dior(a, **kw, seed=11)
    write_dior(b, **kw, seed=11)
    write_dior(c, **kw, seed=12)
    files = _tree_files(a)
    assert files == _tree_files(b) == _tree_files(c)
    assert len(files) == 4 * 3 + 3
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert not mismatch and not errors  # byte-identical incl. JPEGs
    xmls = [f for f in files if f.endswith('.xml')]
    _, mismatch, _ = filecmp.cmpfiles(a, c, xmls, shallow=False)
    assert len(mismatch) == len(xmls)

    d, e, f = (str(tmp_path / n) for n in 'def')
    kw = dict(num_train=1, num_val=1, num_test=0, size=160)
    write_dota(d, **kw, seed=1)
    write_dota(e, **kw, seed=1)
    write_dota(f, **kw, seed=2)
    files = _tree_files(d)
    _, mismatch, errors = filecmp.cmpfiles(d, e, files, shallow=False)
    assert not mismatch and not errors
    _, mismatch, _ = filecmp.cmpfiles(d, f, files, shallow=False)
    assert len(mismatch) == len(files)


def test_writer_refuses_non_empty_dir(tmp_path):
    (tmp_path / 'keep.txt').write_text('x')
    with pytest.raises(FileExistsError):
        write_dota(str(tmp_path), 1, 0, 0, size=128)
    write_dota(str(tmp_path), 1, 0, 0, size=128, overwrite=True)
    write_dota(str(tmp_path), 0, 1, 0, size=128, overwrite=True)
    assert (tmp_path / 'keep.txt').read_text() == 'x'  # not ours: kept
    assert os.listdir(tmp_path / 'train' / 'images') == []  # stale: gone
    assert os.listdir(tmp_path / 'val' / 'images') == ['P0001.png']


def _cli():
    path = osp.join(ROOT, 'tools', 'misc', 'make_synthetic_scenes.py')
    spec = importlib.util.spec_from_file_location('make_synthetic_scenes',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli(tmp_path, capsys):
    cli = _cli()
    out = str(tmp_path / 'dior')
    argv = [
        'dior', out, '--num-train', '2', '--num-val', '1', '--num-test', '1',
        '--size', '160', '--zoom', '1.25', '--seed', '4', '--no-progress'
    ]
    assert cli.main(argv) == 0
    assert 'Wrote 4 160x160 images at zoom 1.25' in capsys.readouterr().out
    assert sorted(os.listdir(osp.join(out, 'JPEGImages-trainval'))) == [
        '00001.jpg', '00002.jpg', '00003.jpg'
    ]
    with pytest.raises(SystemExit) as err:
        cli.main(argv)
    assert err.value.code == 2
    assert '--overwrite' in capsys.readouterr().err
    assert cli.main(argv + ['--overwrite']) == 0
    with pytest.raises(SystemExit):
        cli.main(['dota', str(tmp_path / 'x'), '--size', '64'])
    with pytest.raises(SystemExit):  # dior's default zoom 2 needs 256 px
        cli.main(['dior', str(tmp_path / 'y'), '--size', '160'])
    assert 'lower --zoom or raise --size' in capsys.readouterr().err

# Copyright (c) mmadmd contributors. All rights reserved.
"""DIOR (mmadmd DIORHBBDataset) and DIOR-R (mmrotate DIORDataset) on tiny
folders in the official release layout, written at test time."""
import math
import os
import os.path as osp
from multiprocessing.pool import ThreadPool
from types import SimpleNamespace
from typing import Dict, List

import cv2
import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS, METRICS
from mmengine.config import Config
from mmengine.structures import InstanceData

# Imported directly: the package __init__ wiring is not needed.
from mmadmd.datasets.dior import DIOR_CLASSES, DIORHBBDataset
from mmadmd.utils import config_path, walk_dicts


IMG_SIZE = 64
HBB_DIR = 'Annotations/Horizontal Bounding Boxes'
OBB_DIR = 'Annotations/Oriented Bounding Boxes'

# id -> objects (name as written in the XML, box, difficult, angle in
# degrees of the oriented box inscribed in `box`). The names use the
# casings of the release and others.
SPLITS = {
    'train': {
        '00001': [('airplane', (10, 12, 30, 40), 0, 0),
                  ('Expressway-Service-area', (5, 5, 60, 50), 0, 30)],
        '00002': [('ship', (20, 20, 40, 30), 1, 0),
                  ('EXPRESSWAY-TOLL-STATION', (2, 30, 40, 60), 0, 45),
                  ('Vehicle', (40, 40, 52, 50), 0, 10)],
    },
    'val': {
        '00003': [],  # no object: a valid image
        '00004': [('dam', (8, 8, 56, 24), 0, 0)],
    },
    'test': {
        '00005': [('windmill', (30, 6, 44, 60), 0, 0),
                  ('expressway-service-area', (4, 4, 24, 24), 0, 20)],
        '00006': [('tenniscourt', (12, 20, 50, 48), 0, 15)],
    },
}


def label(name: str) -> int:
    return [c.lower() for c in DIOR_CLASSES].index(name.lower())


def rotated_quad(box, angle_deg: float) -> np.ndarray:
    """Corners (lt, rt, rb, lb) of a rectangle rotated about the center of
    ``box`` and shrunk to stay inside it."""
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    a = math.radians(angle_deg)
    w, h = (x2 - x1) * 0.6, (y2 - y1) * 0.6
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return corners @ rot.T + [cx, cy]


def hbb_xml(img_id: str, objects: list, size: bool = True) -> str:
    objs = ''.join(
        f'<object><name>{name}</name><pose>Unspecified</pose>'
        f'<bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin><xmax>{b[2]}</xmax>'
        f'<ymax>{b[3]}</ymax></bndbox><truncated>0</truncated>'
        f'<difficult>{d}</difficult></object>' for name, b, d, _ in objects)
    size_xml = (f'<size><width>{IMG_SIZE}</width><height>{IMG_SIZE}</height>'
                '<depth>3</depth></size>') if size else ''
    return (f'<annotation><filename>{img_id}.jpg</filename><source>'
            f'<database>DIOR</database></source>{size_xml}'
            f'<segmented>0</segmented>{objs}</annotation>')


def obb_xml(img_id: str, objects: list) -> str:
    # The layout of the release's `Oriented Bounding Boxes/*.xml`.
    keys = ('left_top', 'right_top', 'right_bottom', 'left_bottom')
    objs = []
    for name, box, d, angle in objects:
        quad = rotated_quad(box, angle)
        corners = ''.join(f'<x_{k}>{x:.1f}</x_{k}><y_{k}>{y:.1f}</y_{k}>'
                          for k, (x, y) in zip(keys, quad))
        objs.append(f'<object><type>robndbox</type><name>{name}</name>'
                    '<pose>Unspecified</pose><truncated>0</truncated>'
                    f'<difficult>{d}</difficult><robndbox>{corners}'
                    f'</robndbox><angle>{angle}</angle></object>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><annotation><folder>'
            f'JPEGImages-trainval</folder><filename>{img_id}.jpg</filename>'
            f'<source><database>Unknown</database></source><size><width>'
            f'{IMG_SIZE}</width><height>{IMG_SIZE}</height><depth>3</depth>'
            f'</size><segmented>0</segmented>{"".join(objs)}</annotation>')


def write_dior(root: str,
               splits: Dict[str, Dict[str, List[tuple]]] = SPLITS) -> str:
    """Write images, both annotation kinds and the split lists."""
    rng = np.random.default_rng(0)
    for d in ('JPEGImages-trainval', 'JPEGImages-test', HBB_DIR, OBB_DIR,
              'ImageSets/Main'):
        os.makedirs(osp.join(root, d), exist_ok=True)
    for split, images in splits.items():
        img_dir = 'JPEGImages-test' if split == 'test' else \
            'JPEGImages-trainval'
        for img_id, objects in images.items():
            img = rng.integers(0, 255, (IMG_SIZE, IMG_SIZE, 3), np.uint8)
            cv2.imwrite(osp.join(root, img_dir, f'{img_id}.jpg'), img)
            write(
                osp.join(root, HBB_DIR, f'{img_id}.xml'),
                hbb_xml(img_id, objects))
            write(
                osp.join(root, OBB_DIR, f'{img_id}.xml'),
                obb_xml(img_id, objects))
        write(
            osp.join(root, 'ImageSets/Main', f'{split}.txt'),
            ''.join(f'{i}\n' for i in images))
    return root


def write(path: str, text: str) -> None:
    with open(path, 'w') as f:
        f.write(text)


@pytest.fixture
def dior_root(tmp_path) -> str:
    return write_dior(str(tmp_path / 'DIOR'))


def hbb_cfg(root: str, split: str = 'train', **kwargs) -> dict:
    """The config a user writes for one split."""
    cfg = dict(
        type='mmadmd.DIORHBBDataset',
        data_root=root,
        ann_file=f'ImageSets/Main/{split}.txt',
        pipeline=[])
    if split == 'test':
        cfg['img_subdir'] = 'JPEGImages-test'
    cfg.update(kwargs)
    return cfg


# ------------------------------------------------------------ DIOR-HBB


def test_found_from_mmdet_registry():
    assert DATASETS.get('mmadmd.DIORHBBDataset') is DIORHBBDataset
    assert len(DIOR_CLASSES) == 20


def test_parse_train_split(dior_root):
    ds = DATASETS.build(hbb_cfg(dior_root))
    assert isinstance(ds, DIORHBBDataset) and len(ds) == 2
    assert ds.metainfo['classes'] == DIOR_CLASSES
    assert ds.metainfo['dataset_type'] == 'DIOR'

    info = ds.get_data_info(0)
    assert info['img_path'] == osp.join(dior_root, 'JPEGImages-trainval',
                                        '00001.jpg')
    assert (info['height'], info['width']) == (IMG_SIZE, IMG_SIZE)
    # VOC convention: 1 subtracted from the coordinates.
    assert [i['bbox'] for i in info['instances']] == [[9, 11, 29, 39],
                                                      [4, 4, 59, 49]]
    assert [i['bbox_label'] for i in info['instances']] == [0, 7]

    info = ds.get_data_info(1)
    names = ['ship', 'Expressway-toll-station', 'vehicle']
    assert [i['bbox_label'] for i in info['instances']] == \
        [label(n) for n in names]
    # <difficult>1</difficult> -> ignored
    assert [i['ignore_flag'] for i in info['instances']] == [1, 0, 0]
    assert ds.get_cat_ids(1) == [13, 8, 18]


def test_case_insensitive_names(dior_root):
    ds = DATASETS.build(hbb_cfg(dior_root, 'test'))
    # 'expressway-service-area' (lower case) is the 8th class.
    assert [i['bbox_label']
            for i in ds.get_data_info(0)['instances']] == [19, 7]
    assert ds.get_data_info(0)['img_path'].endswith(
        osp.join('JPEGImages-test', '00005.jpg'))


def test_empty_image_kept_and_filter_empty_gt(dior_root):
    ds = DATASETS.build(hbb_cfg(dior_root, 'val'))
    assert [ds.get_data_info(i)['img_id'] for i in range(len(ds))] == \
        ['00003', '00004']
    assert ds.get_data_info(0)['instances'] == []

    filtered = DATASETS.build(
        hbb_cfg(dior_root, 'val', filter_cfg=dict(filter_empty_gt=True)))
    assert len(filtered) == 1
    assert filtered.get_data_info(0)['img_id'] == '00004'
    # test_mode keeps every image whatever filter_cfg says.
    kept = DATASETS.build(
        hbb_cfg(
            dior_root,
            'val',
            filter_cfg=dict(filter_empty_gt=True),
            test_mode=True))
    assert len(kept) == 2


def test_concat_train_val_and_data_prefix(dior_root):
    ds = DATASETS.build(
        dict(
            type='ConcatDataset',
            datasets=[
                hbb_cfg(dior_root, split, data_prefix=dict(sub_data_root=''))
                for split in ('train', 'val')
            ]))
    assert len(ds) == 4
    # without `sub_data_root` in data_prefix, data_root is still used
    ds = DATASETS.build(
        hbb_cfg(dior_root, data_prefix=dict(img='JPEGImages-trainval')))
    assert len(ds) == 2


def test_class_subset_skips_other_dior_classes(dior_root):
    ds = DATASETS.build(
        hbb_cfg(
            dior_root,
            metainfo=dict(classes=('ship', 'expressway-toll-station'))))
    labels = [[i['bbox_label'] for i in d['instances']]
              for d in (ds.get_data_info(0), ds.get_data_info(1))]
    assert labels == [[], [0, 1]]


def _pack_pipeline() -> list:
    return [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(
            type='PackDetInputs',
            meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape'))
    ]


def _evaluate_voc(ds, shift: float = 0.0) -> dict:
    metric = METRICS.build(dict(type='VOCMetric', metric='mAP'))
    metric.dataset_meta = ds.metainfo
    for idx in range(len(ds)):
        sample = ds[idx]['data_samples']
        gt = sample.gt_instances
        boxes = gt.bboxes.tensor.clone()
        boxes[:, 0::2] += shift
        sample.pred_instances = InstanceData(
            bboxes=boxes, scores=torch.ones(len(gt)), labels=gt.labels)
        metric.process({}, [sample.to_dict()])
    return metric.evaluate(len(ds))


def test_voc_metric_perfect_predictions(dior_root):
    ds = DATASETS.build(
        dict(
            type='ConcatDataset',
            datasets=[
                hbb_cfg(
                    dior_root,
                    split,
                    test_mode=True,
                    pipeline=_pack_pipeline())
                for split in ('train', 'val', 'test')
            ]))
    assert ds[2]['data_samples'].gt_instances.bboxes.shape[0] == 0
    assert ds[0]['data_samples'].gt_instances.bboxes.shape[0] == 2
    # the difficult ship is an ignored instance
    assert len(ds[1]['data_samples'].ignored_instances) == 1
    result = _evaluate_voc(ds)
    assert result['pascal_voc/mAP'] == pytest.approx(1.0)
    # the metric is not trivially 1: boxes moved by 15 px miss.
    assert _evaluate_voc(ds, shift=15.0)['pascal_voc/mAP'] < 0.5


# ------------------------------------------------------------ bad data


def _build_error(cfg: dict, exc, *fragments: str) -> str:
    with pytest.raises(exc) as info:
        DATASETS.build(cfg)
    msg = str(info.value)
    for fragment in fragments:
        assert fragment in msg, msg
    return msg


def test_missing_image(dior_root):
    os.remove(osp.join(dior_root, 'JPEGImages-trainval', '00002.jpg'))
    _build_error(
        hbb_cfg(dior_root), FileNotFoundError,
        osp.join(dior_root, 'JPEGImages-trainval', '00002.jpg'))


def test_test_split_without_img_subdir(dior_root):
    # test images are in JPEGImages-test: the message says how to fix it.
    _build_error(
        hbb_cfg(dior_root, 'test', img_subdir='JPEGImages-trainval'),
        FileNotFoundError, '00005.jpg', 'img_subdir')


def test_missing_annotation(dior_root):
    os.remove(osp.join(dior_root, HBB_DIR, '00001.xml'))
    _build_error(
        hbb_cfg(dior_root), FileNotFoundError,
        osp.join(dior_root, HBB_DIR, '00001.xml'))


def test_unknown_class(dior_root):
    write(
        osp.join(dior_root, HBB_DIR, '00002.xml'),
        hbb_xml('00002', [('airplane', (1, 1, 9, 9), 0, 0),
                          ('helicopter', (1, 1, 9, 9), 0, 0)]))
    msg = _build_error(
        hbb_cfg(dior_root), ValueError,
        osp.join(dior_root, HBB_DIR, '00002.xml'), "'helicopter'",
        'Expressway-toll-station, golffield')
    assert 'windmill' in msg


def test_garbled_xml(dior_root):
    path = osp.join(dior_root, HBB_DIR, '00001.xml')
    write(path, '<annotation><object><name>ship</name><bndbox>')
    _build_error(hbb_cfg(dior_root), ValueError, 'Cannot parse', path)


@pytest.mark.parametrize('bad, fragment', [
    ('<object><bndbox><xmin>1</xmin></bndbox></object>', 'no <name>'),
    ('<object><name>ship</name></object>', 'needs a <bndbox>'),
    ('<object><name>ship</name><bndbox><xmin>a</xmin><ymin>1</ymin>'
     '<xmax>3</xmax><ymax>4</ymax></bndbox></object>', "'a'"),
])
def test_incomplete_object(dior_root, bad, fragment):
    path = osp.join(dior_root, HBB_DIR, '00002.xml')
    write(path, f'<annotation>{bad}</annotation>')
    _build_error(hbb_cfg(dior_root), ValueError, path, fragment)


def test_missing_size_reads_image(dior_root):
    # <size> is optional: mmdet then reads the image for its shape.
    write(
        osp.join(dior_root, HBB_DIR, '00001.xml'),
        hbb_xml('00001', SPLITS['train']['00001'], size=False))
    ds = DATASETS.build(hbb_cfg(dior_root))
    assert ds.get_data_info(0)['width'] == IMG_SIZE


def test_wrong_data_root(tmp_path):
    _build_error(
        hbb_cfg(str(tmp_path / 'nowhere')), FileNotFoundError,
        osp.join(str(tmp_path / 'nowhere'), 'ImageSets/Main/train.txt'),
        'ImageSets/Main/{train,val,test}.txt')


@pytest.mark.parametrize('content, fragment', [
    ('', 'lists no image ids'),
    ('00001\n\n00002\n', 'line 2'),
    ('00001 \n', "'00001 '"),
])
def test_bad_split_file(dior_root, content, fragment):
    write(osp.join(dior_root, 'ImageSets/Main/train.txt'), content)
    _build_error(hbb_cfg(dior_root), ValueError, 'train.txt', fragment)


def test_image_listed_twice_in_the_split_file(dior_root):
    path = osp.join(dior_root, 'ImageSets/Main/train.txt')
    write(path, '00001\n00002\n00001\n')
    _build_error(
        hbb_cfg(dior_root), ValueError,
        f'{path}, line 3: image id 00001 is listed again (first on line 1); '
        'its objects would be counted twice (in training and in the mAP). '
        'Remove the repeated line.')


def test_data_root_whose_spaces_were_dropped(tmp_path):
    # --cfg-options dior_data_root="data/DIOR release/" arrives without
    # its spaces
    root = write_dior(str(tmp_path / 'DIOR release'))
    _build_error(
        hbb_cfg(str(tmp_path / 'DIORrelease')), FileNotFoundError,
        f"With spaces, '{root}/ImageSets/Main/train.txt' would be meant: "
        "the spaces seem to have been dropped, as mmengine's --cfg-options "
        'does. Pass the data root with tools/train.py or tools/test.py '
        '--data-root "<folder with spaces>/"')
    assert 'With spaces' not in _build_error(
        hbb_cfg(str(tmp_path / 'nowhere')), FileNotFoundError, 'nowhere')


def test_all_filtered_out_is_an_error(tmp_path):
    root = write_dior(str(tmp_path / 'DIOR'), {'train': {'00001': []}})
    _build_error(
        hbb_cfg(root, filter_cfg=dict(filter_empty_gt=True)), ValueError,
        'removed all 1 images', 'train.txt')
    # ... but an image without objects alone is a valid dataset.
    assert len(DATASETS.build(hbb_cfg(root))) == 1


# ------------------------------------------------------------ DIOR-R


def _dior_r_cfg(root: str) -> Config:
    """The shipped DIOR-R data piece (configs/_base_/datasets/dior_r.py)."""
    cfg = Config(Config.fromfile(config_path('_base_', 'datasets',
                                             'dior_r.py')).dior_r_data)
    for node in walk_dicts(cfg._cfg_dict):  # for merging over a config
        node.pop('_delete_', None)
    for ds in cfg.train_dataloader.dataset.datasets:
        ds.data_root = root
    cfg.val_dataloader.dataset.data_root = root
    return cfg


def test_dior_r_config_piece_with_mmrotate(dior_root):
    from mmrotate.registry import DATASETS as ROTATE_DATASETS
    cfg = _dior_r_cfg(dior_root)

    train = ROTATE_DATASETS.build(cfg.train_dataloader.dataset)
    # filter_empty_gt drops the empty val image 00003
    assert len(train) == 3
    test = ROTATE_DATASETS.build(cfg.val_dataloader.dataset)
    assert len(test) == 2
    assert type(test).__name__ == 'DIORDataset'

    classes = test.metainfo['classes']
    info = train.get_data_info(1)  # 00002
    assert info['img_path'] == osp.join(dior_root, 'JPEGImages-trainval',
                                        '00002.jpg')
    # mmrotate lower-cases the XML names (any casing works) and has its own
    # class order.
    assert [classes[i['bbox_label']] for i in info['instances']] == \
        ['ship', 'expressway-toll-station', 'vehicle']
    for inst, (_, box, _, angle) in zip(info['instances'],
                                        SPLITS['train']['00002']):
        np.testing.assert_allclose(
            np.asarray(inst['bbox']).reshape(4, 2),
            rotated_quad(box, angle),
            atol=0.06)
    info = test.get_data_info(0)
    assert info['img_path'].endswith(osp.join('JPEGImages-test', '00005.jpg'))
    assert [classes[i['bbox_label']] for i in info['instances']] == \
        ['windmill', 'expressway-service-area']


def test_dior_r_dota_metric_perfect_predictions(dior_root, monkeypatch):
    import mmrotate.evaluation.functional.mean_ap as rotate_mean_ap
    from mmrotate.registry import DATASETS as ROTATE_DATASETS
    from mmrotate.registry import METRICS as ROTATE_METRICS
    cfg = _dior_r_cfg(dior_root)
    ds = ROTATE_DATASETS.build(cfg.val_dataloader.dataset)
    # DOTAMetric always spawns 4 worker processes (~10 s of imports on
    # CPU); threads compute the same thing.
    monkeypatch.setattr(rotate_mean_ap, 'get_context',
                        lambda method: SimpleNamespace(Pool=ThreadPool))

    def evaluate(shift: float) -> float:
        metric = ROTATE_METRICS.build(cfg.val_evaluator)
        metric.dataset_meta = ds.metainfo
        for idx in range(len(ds)):
            sample = ds[idx]['data_samples']
            gt = sample.gt_instances
            assert type(gt.bboxes).__name__ == 'RotatedBoxes'
            boxes = gt.bboxes.tensor.clone()  # (cx, cy, w, h, angle)
            boxes[:, :2] += shift
            sample.pred_instances = InstanceData(
                bboxes=boxes, scores=torch.ones(len(gt)), labels=gt.labels)
            metric.process({}, [sample.to_dict()])
        return metric.evaluate(len(ds))['dota/mAP']

    assert evaluate(0.0) == pytest.approx(1.0)
    # the metric is not trivially 1: boxes moved by 15 px miss.
    assert evaluate(15.0) < 0.5


@pytest.mark.parametrize('box, fragment', [
    ((30, 12, 10, 40), 'inverted box (30, 12, 10, 40)'),
    ((10, 40, 30, 12), 'inverted box'),
    ((70, 70, 90, 90), f'wholly outside the {IMG_SIZE}x{IMG_SIZE} image'),
    ((10, 12, 10, 40), 'box (10, 12, 10, 40) has zero width or height '
     '(xmin == xmax or ymin == ymax); its regression target would be '
     'infinite (loss=inf). Fix or remove the object.'),
    ((10, 12, 30, 12), 'has zero width or height'),
])
def test_box_that_cannot_be_right(dior_root, box, fragment):
    path = osp.join(dior_root, HBB_DIR, '00002.xml')
    write(path, hbb_xml('00002', [('airplane', (1, 1, 9, 9), 0, 0),
                                  ('ship', box, 0, 0)]))
    _build_error(hbb_cfg(dior_root), ValueError, path, '<object> #1 (ship)',
                 fragment)


def test_box_partly_outside_is_kept(dior_root):
    write(osp.join(dior_root, HBB_DIR, '00002.xml'),
          hbb_xml('00002', [('ship', (50, 50, 90, 90), 0, 0)]))
    ds = DATASETS.build(hbb_cfg(dior_root))
    assert ds.get_data_info(1)['instances'][0]['bbox'] == [49, 49, 89, 89]


def test_zero_byte_image_names_the_file(dior_root):
    path = osp.join(dior_root, 'JPEGImages-trainval', '00001.jpg')
    open(path, 'wb').close()
    ds = DATASETS.build(hbb_cfg(dior_root, pipeline=[
        dict(type='LoadImageFromFile')]))
    with pytest.raises(RuntimeError) as info:
        ds[0]
    assert f'cannot load sample 0, image {path}: error' in str(info.value)
    assert 'a 0-byte, truncated or non-image file' in str(info.value)

# Copyright (c) mmadmd contributors. All rights reserved.
"""NWPU VHR-10 (mmadmd NWPUVHR10Dataset) and its split tool, on a tiny
folder in the release layout written at test time; the real release in
../shared/data where it is present."""
import os
import os.path as osp
import subprocess
import sys
from collections import Counter

import pytest
import torch
from mmdet.registry import METRICS
from mmengine.config import Config
from mmengine.structures import InstanceData

from mmadmd.testing import nwpu_boxes, write_nwpu_release
from mmadmd.datasets.nwpu_vhr10 import (NWPU_VHR10_CLASSES,
                                        NWPUVHR10Dataset,
                                        make_nwpu_vhr10_split,
                                        parse_nwpu_vhr10_boxes)

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
REAL_ROOT = osp.join(REPO, '..', 'shared', 'data', 'NWPU_VHR-10')
SPLIT_DIR = osp.join(REPO, 'configs', '_base_', 'datasets',
                     'nwpu_vhr10_split')
W, H = 80, 60

# id -> ground-truth text as the release writes it (spaces in parentheses,
# a trailing space, CRLF in one file).
GT = {
    '001': '(10,12),(30,40),1 \n( 40, 20),(70,50),10 \n',
    '002': '(5,5),(25,20),2 \r\n(30,30),(79,59),7 \r\n',
    '003': '(50,10),(90,40),5 \n',  # partly outside: clipped to x2 = 80
}


def write_release(root, gt=GT, negatives=('001', )):
    return write_nwpu_release(root, gt, negatives, size=(H, W))


def write_list(root, entries, name='list.txt'):
    path = osp.join(root, name)
    with open(path, 'w') as f:
        f.write(''.join(f'{e}\n' for e in entries))
    return path


@pytest.fixture
def release(tmp_path):
    return write_release(str(tmp_path / 'nwpu'))


def build(root, entries, **kwargs):
    return NWPUVHR10Dataset(
        data_root=root,
        ann_file=write_list(root, entries),
        pipeline=[],
        **kwargs)


def test_reads_release_layout(release):
    ds = build(release, ['001', '002', '003', 'negative/001'])
    assert len(ds) == 4
    first = ds.get_data_info(0)
    assert first['img_path'] == osp.join(release, 'positive image set',
                                         '001.jpg')
    assert (first['height'], first['width']) == (H, W)
    assert [i['bbox'] for i in first['instances']] == [[10, 12, 30, 40],
                                                       [40, 20, 70, 50]]
    assert [i['bbox_label'] for i in first['instances']] == [0, 9]
    crlf = ds.get_data_info(1)
    assert [i['bbox_label'] for i in crlf['instances']] == [1, 6]
    # partly outside the image: clipped (documented behaviour)
    assert ds.get_data_info(2)['instances'][0]['bbox'] == [50, 10, 80, 40]
    neg = ds.get_data_info(3)
    assert neg['instances'] == [] and neg['height'] == H + 4
    assert ds.metainfo['classes'] == NWPU_VHR10_CLASSES


def test_filter_empty_gt_and_class_subset(release):
    ds = build(release, ['001', 'negative/001'],
               filter_cfg=dict(filter_empty_gt=True))
    assert len(ds) == 1
    ds = build(release, ['001', '002'],
               metainfo=dict(classes=('vehicle', 'ship')))
    assert [i['bbox_label'] for i in ds.get_data_info(0)['instances']] == [0]
    assert [i['bbox_label'] for i in ds.get_data_info(1)['instances']] == [1]
    with pytest.raises(ValueError, match='removed all 1 images'):
        build(release, ['003'], metainfo=dict(classes=('vehicle', )),
              filter_cfg=dict(filter_empty_gt=True))
    with pytest.raises(ValueError, match="\\['car'\\] are not NWPU VHR-10"):
        build(release, ['001'], metainfo=dict(classes=('car', )))


@pytest.mark.parametrize('line, match', [
    ('(10,12),(30,40),11', 'line 2: unknown class number 11'),
    ('(30,12),(10,40),1', 'line 2: inverted or empty box'),
    ('(100,70),(120,90),1', 'line 2: box .* lies wholly outside its 80x60'),
    ('(10,12),(30,40)', 'line 2: expected "\\(x1,y1\\),\\(x2,y2\\),c"'),
    ('10 12 30 40 1', 'line 2: expected'),
])
def test_bad_ground_truth_names_file_and_line(release, line, match):
    path = osp.join(release, 'ground truth', '001.txt')
    with open(path, 'w') as f:
        f.write(f'(1,1),(5,5),1\n{line}\n')
    with pytest.raises(ValueError, match=match) as info:
        build(release, ['001'])
    assert path in str(info.value)


def test_missing_files_are_named(release):
    with pytest.raises(FileNotFoundError, match='positive image set/009.jpg'):
        build(release, ['009'])
    os.remove(osp.join(release, 'ground truth', '002.txt'))
    with pytest.raises(FileNotFoundError, match='ground truth/002.txt'):
        build(release, ['002'])
    with pytest.raises(FileNotFoundError, match='split file not found'):
        NWPUVHR10Dataset(data_root=release, ann_file='nope.txt', pipeline=[])
    with pytest.raises(ValueError, match='lists no image'):
        build(release, [''])
    with pytest.raises(ValueError, match="image '001' is listed twice"):
        build(release, ['001', '001'])
    with open(osp.join(release, 'positive image set', '003.jpg'), 'wb'):
        pass  # a 0-byte image
    with pytest.raises(ValueError, match='Cannot read the image .*003.jpg'):
        build(release, ['003'])


def test_data_root_whose_spaces_were_dropped(tmp_path):
    # --cfg-options nwpu_data_root="data/NWPU VHR-10 dataset/" drops the
    # spaces
    root = write_release(str(tmp_path / 'NWPU VHR-10 dataset'))
    split = write_list(str(tmp_path), ['001'])
    with pytest.raises(FileNotFoundError) as info:
        NWPUVHR10Dataset(data_root=str(tmp_path / 'NWPUVHR-10dataset'),
                         ann_file=split, pipeline=[])
    msg = str(info.value)
    assert f"With spaces, '{root}/positive image set/001.jpg' would be " \
        "meant: the spaces seem to have been dropped, as mmengine's " \
        '--cfg-options does. Pass the data root with tools/train.py or ' \
        'tools/test.py --data-root "<folder with spaces>/"' in msg
    # the way that works
    assert len(NWPUVHR10Dataset(data_root=root, ann_file=split,
                                pipeline=[])) == 1


def test_voc_metric_with_dataset_meta(release):
    ds = build(release, ['001', '002'])
    metric = METRICS.build(dict(type='VOCMetric', metric='mAP',
                                eval_mode='area'))
    metric.dataset_meta = ds.metainfo
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        boxes = torch.tensor([x['bbox'] for x in info['instances']])
        labels = torch.tensor([x['bbox_label'] for x in info['instances']])
        sample = dict(
            img_id=info['img_id'],
            ori_shape=(H, W),
            gt_instances=dict(bboxes=boxes, labels=labels),
            ignored_instances=dict(bboxes=torch.zeros(0, 4),
                                   labels=torch.zeros(0).long()),
            pred_instances=InstanceData(
                bboxes=boxes, labels=labels,
                scores=torch.ones(len(labels))).to_dict())
        metric.process({}, [sample])
    result = metric.evaluate(len(ds))
    assert result['pascal_voc/mAP'] == pytest.approx(1.0)


def test_parse_without_image_shape_keeps_boxes():
    assert parse_nwpu_vhr10_boxes('(1.5, 2),(3,4),3\r\n\n') == [
        ((1.5, 2.0, 3.0, 4.0), 2)
    ]


def test_split_is_seeded_disjoint_complete_and_stratified(tmp_path):
    gt = nwpu_boxes()
    root = write_release(str(tmp_path / 'nwpu'), gt, negatives=())
    split = make_nwpu_vhr10_split(root, (0.6, 0.15, 0.25), seed=0)
    assert split == make_nwpu_vhr10_split(root, (0.6, 0.15, 0.25), seed=0)
    ids = [i for v in split.values() for i in v]
    assert sorted(ids) == sorted(gt) and len(set(ids)) == len(ids)
    assert [len(v) for v in split.values()] == pytest.approx([36, 9, 15],
                                                             abs=2)
    labels = {i: [int(line.split(',')[-1]) for line in t.split('\n')
                  if line.strip()] for i, t in gt.items()}
    total = Counter(c for v in labels.values() for c in v)
    for name, ratio in zip(('train', 'val', 'test'), (0.6, 0.15, 0.25)):
        counts = Counter(c for i in split[name] for c in labels[i])
        for c, n in total.items():
            # every class close to its share, not only the image count
            assert abs(counts[c] - ratio * n) <= max(2, 0.2 * n), (name, c)
    with pytest.raises(ValueError, match='summing to 1'):
        make_nwpu_vhr10_split(root, (0.5, 0.2, 0.2))
    with pytest.raises(FileNotFoundError, match='no ground-truth file'):
        make_nwpu_vhr10_split(str(tmp_path))


def test_split_tool_writes_lists_and_refuses_to_overwrite(tmp_path):
    root = write_release(str(tmp_path / 'nwpu'), nwpu_boxes(20), negatives=())
    out = str(tmp_path / 'split')
    cmd = [sys.executable,
           osp.join(REPO, 'tools', 'dataset_converters',
                    'nwpu_vhr10_split.py'), '--data-root', root, '--out', out]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert 'airplane' in result.stdout and 'images' in result.stdout
    lists = {n: open(osp.join(out, f'{n}.txt')).read().split()
             for n in ('train', 'val', 'test')}
    assert lists == make_nwpu_vhr10_split(root)
    # and the dataset reads them
    ds = NWPUVHR10Dataset(data_root=root, ann_file=osp.join(out, 'test.txt'),
                          pipeline=[])
    assert len(ds) == len(lists['test'])
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert again.returncode != 0 and '--overwrite' in again.stderr


needs_real = pytest.mark.skipif(
    not osp.isdir(REAL_ROOT),
    reason=f'NWPU VHR-10 not found at {REAL_ROOT} (../shared/data beside '
    'the repository, present in development and CI)')


@needs_real
def test_shipped_split_is_the_tools_output_on_the_release():
    split = make_nwpu_vhr10_split(REAL_ROOT)
    shipped = {n: open(osp.join(SPLIT_DIR, f'{n}.txt')).read().split()
               for n in split}
    assert shipped == split
    assert [len(v) for v in split.values()] == [405, 96, 149]


@needs_real
def test_release_reads_whole_through_the_shipped_config():
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'detectors', 'retinanet_r50_fpn_2x_nwpu.py'))
    boxes = Counter()
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds_cfg = dict(cfg[loader].dataset, data_root=REAL_ROOT, pipeline=[])
        ds_cfg.pop('type')
        ds = NWPUVHR10Dataset(**ds_cfg)
        for i in range(len(ds)):
            boxes.update(x['bbox_label']
                         for x in ds.get_data_info(i)['instances'])
    # the data README's counts, per class
    assert [boxes[c] for c in range(10)] == [757, 302, 655, 390, 524, 159,
                                            163, 224, 124, 598]


def test_guide_split_command_runs_verbatim(tmp_path):
    # The datasets guide's command, as printed, from a folder laid out as it
    # says.
    guide = open(osp.join(REPO, 'docs', 'user_guides', 'datasets.md')).read()
    cmd = next(line for line in guide.splitlines()
               if line.startswith('python tools/dataset_converters/'
                                  'nwpu_vhr10_split.py'))
    os.symlink(osp.join(REPO, 'tools'), tmp_path / 'tools')
    write_release(str(tmp_path / 'data' / 'NWPU_VHR-10'), nwpu_boxes(20),
                  negatives=())
    venv = osp.dirname(sys.executable)
    env = dict(os.environ, PATH=venv + os.pathsep + os.environ['PATH'])
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    for name in ('train', 'val', 'test'):
        assert osp.getsize(tmp_path / 'my_split' / f'{name}.txt') > 0

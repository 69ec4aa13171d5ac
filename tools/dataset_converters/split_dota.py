# Copyright (c) mmadmd contributors. All rights reserved.
"""Split raw DOTA into patches for mmrotate's ``DOTADataset``.

Runs mmrotate's own ``img_split.py`` (found in the installed mmrotate) on
each split of the raw layout, after checking the raw files::

    <src>/{train,val,test}/images/*.png
    <src>/{train,val}/labelTxt/*.txt       (test: optional)
      -> <dst>/<split>/{images,annfiles}/

Example (DOTA v1.0, single scale, as the DOTA configs expect):
    python tools/dataset_converters/split_dota.py \
        --src data/DOTA --dst data/split_ss_dota --nproc 8

Read the result with ``type='mmrotate.DOTADataset', data_root=<dst>,
ann_file='train/annfiles/', data_prefix=dict(img_path='train/images/')``.
See ``mmadmd/datasets/dota_split.py`` for the details.
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import os
import sys

from mmadmd.datasets.dota_split import DOTA_SPLITS, DOTA_VERSIONS, split_dota


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Split raw DOTA into patches with mmrotate img_split.py')
    parser.add_argument(
        '--src', required=True, help='raw root with <split>/images, labelTxt')
    parser.add_argument(
        '--dst',
        required=True,
        help='output root; <dst>/<split> must not exist yet')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'val', 'test'],
        choices=DOTA_SPLITS,
        help='splits to write (trainval = train + val in one folder)')
    parser.add_argument(
        '--sizes', nargs='+', type=int, default=[1024], help='window sizes')
    parser.add_argument(
        '--gaps',
        nargs='+',
        type=int,
        default=[200],
        help='overlap between windows, one per size')
    parser.add_argument(
        '--rates',
        nargs='+',
        type=float,
        default=[1.0],
        help='rescaling rates (several for a multi-scale split)')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='worker processes')
    parser.add_argument(
        '--img-rate-thr',
        type=float,
        default=0.6,
        help='minimal fraction of a window inside the image')
    parser.add_argument(
        '--iof-thr',
        type=float,
        default=0.7,
        help='minimal fraction of an object inside a window')
    parser.add_argument(
        '--padding-value',
        nargs='+',
        type=int,
        default=[104, 116, 124],
        help='BGR padding past the image border')
    parser.add_argument(
        '--save-ext',
        default='.png',
        choices=['.png', '.jpg', '.tif'],
        help='patch image format (DOTADataset expects png by default)')
    parser.add_argument(
        '--version',
        default='1.0',
        choices=list(DOTA_VERSIONS),
        help='DOTA version whose class names the labels use')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        results = split_dota(
            args.src,
            args.dst,
            splits=args.splits,
            sizes=args.sizes,
            gaps=args.gaps,
            rates=args.rates,
            nproc=args.nproc,
            img_rate_thr=args.img_rate_thr,
            iof_thr=args.iof_thr,
            padding_value=args.padding_value,
            save_ext=args.save_ext,
            version=args.version)
    except (ValueError, OSError, RuntimeError) as e:
        # Data problems: one line naming the file, not a traceback.
        sys.exit(f'split_dota: error: {e}')
    for split, res in results.items():
        print(f'{split}: {res["images"]} images -> {res["patches"]} patches '
              f'in {res["out_dir"]}')


if __name__ == '__main__':
    main()

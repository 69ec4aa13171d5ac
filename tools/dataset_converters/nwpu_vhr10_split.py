# Copyright (c) mmadmd contributors. All rights reserved.
"""Write a seeded, class-stratified train/val/test split of NWPU VHR-10.

The split mmadmd ships (``configs/_base_/datasets/nwpu_vhr10_split/``) is
this tool's output with its defaults on the public release:

    python tools/dataset_converters/nwpu_vhr10_split.py \
        --data-root "data/NWPU VHR-10 dataset" \
        --out configs/_base_/datasets/nwpu_vhr10_split

It writes ``<out>/{train,val,test}.txt`` (one image id per line) and prints
the boxes per class and split. See ``mmadmd/datasets/nwpu_vhr10.py``.
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import os
import os.path as osp

from mmadmd.datasets.nwpu_vhr10 import (NWPU_VHR10_CLASSES,
                                        make_nwpu_vhr10_split,
                                        split_class_counts)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write a class-stratified NWPU VHR-10 split')
    parser.add_argument(
        '--data-root', required=True,
        help='the release folder (with "positive image set", "ground truth")')
    parser.add_argument('--out', required=True, help='folder for the lists')
    parser.add_argument(
        '--ratios', nargs=3, type=float, default=[0.6, 0.15, 0.25],
        metavar=('TRAIN', 'VAL', 'TEST'), help='shares of the images')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace lists that already exist in --out')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    split = make_nwpu_vhr10_split(args.data_root, args.ratios, args.seed)
    paths = {name: osp.join(args.out, f'{name}.txt') for name in split}
    existing = [p for p in paths.values() if osp.exists(p)]
    if existing and not args.overwrite:
        raise SystemExit(f'{", ".join(existing)} exist; pass --overwrite to '
                         'replace them')
    os.makedirs(args.out, exist_ok=True)
    for name, ids in split.items():
        with open(paths[name], 'w') as f:
            f.write(''.join(f'{i}\n' for i in ids))
    table = split_class_counts(args.data_root, split)
    width = max(len(c) for c in NWPU_VHR10_CLASSES)
    print(f'{"class":<{width}}  ' + '  '.join(f'{n:>6}' for n in split))
    for c, name in enumerate(NWPU_VHR10_CLASSES):
        print(f'{name:<{width}}  ' +
              '  '.join(f'{table[k, c]:>6}' for k in range(len(split))))
    print(f'{"images":<{width}}  ' +
          '  '.join(f'{len(v):>6}' for v in split.values()))
    print(f'wrote {", ".join(paths.values())}')


if __name__ == '__main__':
    main()

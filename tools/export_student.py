# Copyright (c) mmadmd contributors. All rights reserved.
"""Turn a distillation checkpoint into a plain mmdet/mmrotate student.

Writes ``<out-dir>/student.pth`` (the student's weights under the keys
mmdet/mmrotate expect, plus ``meta``) and ``<out-dir>/student_config.py``
(the student's config without anything of mmadmd or mmrazor), which load
with ``mmdet.apis.init_detector`` alone.

Example:
    python tools/export_student.py \
        configs/admd/admd_fpn_retina-r101_retina-r50_2x_dior.py \
        work_dirs/admd/epoch_24.pth --out-dir work_dirs/admd/student
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse

from mmadmd.apis import export_student


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export the student of an ADMD checkpoint')
    parser.add_argument('config', help='the distillation config')
    parser.add_argument('checkpoint', help='the distillation checkpoint')
    parser.add_argument(
        '--out-dir', required=True, help='where to write the student')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace student.pth and student_config.py if --out-dir holds '
        'them (by default an existing export stops the tool)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    ckpt, cfg = export_student(args.config, args.checkpoint, args.out_dir,
                               overwrite=args.overwrite)
    print(f'student checkpoint: {ckpt}\nstudent config:     {cfg}')


if __name__ == '__main__':
    main()

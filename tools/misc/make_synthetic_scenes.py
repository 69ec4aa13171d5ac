# Copyright (c) mmadmd contributors. All rights reserved.
"""Write synthetic remote-sensing scenes in the DIOR or raw DOTA v1.0 layout.

Examples:
    python tools/misc/make_synthetic_scenes.py dior data/dior_synth
    python tools/misc/make_synthetic_scenes.py dota data/dota_synth \
        --num-train 100 --num-val 20 --num-test 40 --size 512 --seed 1

See ``mmadmd/testing/__init__.py`` for the scene content and formats.
"""
import argparse
import os
import os.path as osp
import sys
import time

# Runnable from a checkout without installing the package.
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))

from mmadmd.testing import write_dior, write_dota  # noqa: E402

DEFAULTS = {
    # format: (num_train, num_val, num_test, size, zoom), as the demos
    'dior': (160, 40, 100, 256, 2.0),
    'dota': (80, 20, 50, 512, 1.0),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate synthetic remote-sensing scenes in the real '
        'on-disk layout of DIOR (JPEGImages-*, Annotations/{Horizontal,'
        'Oriented} Bounding Boxes, ImageSets/Main) or raw DOTA v1.0 '
        '({train,val,test}/{images,labelTxt}).')
    parser.add_argument('format', choices=sorted(DEFAULTS))
    parser.add_argument('out_dir', help='output directory')
    parser.add_argument(
        '--num-train',
        type=int,
        help='training images (default: dior 160, dota 80)')
    parser.add_argument(
        '--num-val',
        type=int,
        help='validation images (default: dior 40, dota 20)')
    parser.add_argument(
        '--num-test',
        type=int,
        help='test images (default: dior 100, '
        'dota 50)')
    parser.add_argument(
        '--size',
        type=int,
        help='image side in pixels, >= 128 (default: dior 256, dota 512)')
    parser.add_argument(
        '--zoom',
        type=float,
        help='object enlargement (a finer ground sampling distance), >= 1, '
        'with --size / --zoom >= 128 (default: dior 2, dota 1)')
    parser.add_argument(
        '--seed', type=int, default=0, help='dataset seed (default: 0)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='allow a non-empty OUT_DIR: the generated sub-directories are '
        'removed and rewritten, other files are left alone')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    args = parser.parse_args(argv)
    num_train, num_val, num_test, size, zoom = DEFAULTS[args.format]
    if args.zoom is None:
        args.zoom = zoom
    for name, default in (('num_train', num_train), ('num_val', num_val),
                          ('num_test', num_test), ('size', size)):
        if getattr(args, name) is None:
            setattr(args, name, default)
        if getattr(args, name) < 0:
            parser.error(f'--{name.replace("_", "-")} must be >= 0')
    if args.size < 128:
        parser.error('--size must be >= 128')
    if args.zoom < 1 or round(args.size / args.zoom) < 128:
        parser.error(f'--zoom must be >= 1 with --size / --zoom >= 128 '
                     f'(got --size {args.size} --zoom {args.zoom}): lower '
                     '--zoom or raise --size')
    if (osp.exists(args.out_dir) and not osp.isdir(args.out_dir)):
        parser.error(f'OUT_DIR {args.out_dir!r} exists and is not a '
                     'directory')
    if (osp.isdir(args.out_dir) and os.listdir(args.out_dir)
            and not args.overwrite):
        parser.error(f'OUT_DIR {args.out_dir!r} exists and is not empty; '
                     'pass --overwrite to regenerate into it')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    total = args.num_train + args.num_val + args.num_test
    bar = None
    if not args.no_progress and total > 0:
        from tqdm import tqdm
        bar = tqdm(total=total, desc=f'{args.format} scenes', unit='img')
    writer = write_dior if args.format == 'dior' else write_dota
    start = time.perf_counter()
    try:
        summary = writer(
            args.out_dir,
            args.num_train,
            args.num_val,
            args.num_test,
            size=args.size,
            seed=args.seed,
            zoom=args.zoom,
            overwrite=args.overwrite,
            progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    took = time.perf_counter() - start
    splits = ', '.join(f'{k} {len(v)}' for k, v in summary['splits'].items())
    objects = ', '.join(f'{k} {v}' for k, v in summary['num_objects'].items())
    print(f'Wrote {total} {args.size}x{args.size} images at zoom '
          f'{args.zoom:g} ({splits}) to {args.out_dir} in {took:.1f} s')
    print(f'Objects: {objects or "none"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

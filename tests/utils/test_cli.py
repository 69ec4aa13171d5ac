# Copyright (c) mmadmd contributors. All rights reserved.
import argparse

from mmadmd.utils import HelpFormatter


def _help(parser: argparse.ArgumentParser) -> str:
    # wide enough that no help line wraps
    return ' '.join(parser.format_help().split())


def test_help_formatter_shows_only_defaults_that_say_something():
    parser = argparse.ArgumentParser(formatter_class=HelpFormatter)
    parser.add_argument('--batches', type=int, default=4, help='batches')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    # computed later; the help says what it will be
    parser.add_argument('--work-dir', help='default: work_dirs/x')
    parser.add_argument('--out', help='also write JSON here')
    parser.add_argument('--quick', action='store_true', help='tiny sizes')
    text = _help(parser)
    assert 'batches (default: 4)' in text
    assert 'cpu or cuda (default: cpu)' in text
    assert 'default: work_dirs/x' in text
    assert '(default: None)' not in text
    assert '(default: False)' not in text
    assert 'also write JSON here' in text and 'tiny sizes' in text

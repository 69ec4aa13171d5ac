# Copyright (c) mmadmd contributors. All rights reserved.
"""The README's code blocks, as a user copies them (tests run them)."""
import os.path as osp
from typing import List

README = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'README.md')


def readme_blocks(heading: str, lang: str) -> List[str]:
    """Code blocks of one README section, verbatim.

    Args:
        heading (str): The section's heading line, e.g. ``'### Mask
            pictures'``; the section ends at the next heading of any level.
        lang (str): The blocks' language tag, e.g. ``'python'``.

    Returns:
        list[str]: The blocks' text, in order.
    """
    lines = open(README, encoding='utf-8').read().splitlines()
    if heading not in lines:
        raise KeyError(f'README.md has no section {heading!r}')
    blocks, block, fence = [], None, False
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith('```'):
            if fence and block is not None:
                blocks.append('\n'.join(block) + '\n')
            block = [] if not fence and line == f'```{lang}' else None
            fence = not fence
        elif fence:
            if block is not None:
                block.append(line)
        elif line.startswith('#'):
            break
    return blocks

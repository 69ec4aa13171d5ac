# Copyright (c) mmadmd contributors. All rights reserved.
"""Sphinx configuration of mmadmd's documentation (``make docs``).

Markdown pages are read by MyST; the API reference is built from the
Google-style docstrings by autodoc and napoleon.
"""
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)


def _version() -> str:
    # read, not imported: importing mmadmd imports the whole stack
    scope: dict = {}
    with open(osp.join(ROOT, 'mmadmd', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


project = 'mmadmd'
copyright = 'mmadmd contributors'
author = 'mmadmd contributors'
version = release = _version()

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinx.ext.viewcode',
    'myst_parser',
]
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', 'demo/report.md', 'demo-rotated/report.md',
                    'benchmarks/*.md']

# Markdown: anchors for headings down to ###, so that pages can link to
# sections (e.g. benchmarks.md#the-teacher).
myst_heading_anchors = 3
myst_enable_extensions = ['colon_fence']

# Google-style docstrings (Args:, Returns:), as in the code.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autodoc_default_options = {'members': True, 'show-inheritance': True}

html_theme = 'alabaster'
html_title = f'mmadmd {version}'
html_static_path = []

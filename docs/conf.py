"""Sphinx configuration of the sknumpynet documentation.

Build it from the repository root with::

    sphinx-build -W -b html docs docs/_build/html

The build needs no network. The example gallery runs every script in
``examples/``; with ``SKNUMPYNET_EXAMPLES_QUICK=1`` (the default here) they train
on small subsets so that the whole build takes a few minutes. Set
``SKNUMPYNET_EXAMPLES_QUICK=0`` to build the gallery from the full runs.
"""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.nodes import _make_id, get_node_source

import sknumpynet

logger = logging.getLogger(__name__)
DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Files written by the build: autosummary stubs, backreferences, the texts below.
GENERATED = DOCS / "generated"

# The examples read this variable: small data unless asked for the real thing.
os.environ.setdefault("SKNUMPYNET_EXAMPLES_QUICK", "1")
# Examples draw with matplotlib; no window, whatever the machine has.
os.environ.setdefault("MPLBACKEND", "agg")

# -- Project -----------------------------------------------------------------

project = "sknumpynet"
author = "The sknumpynet developers"
copyright = "The sknumpynet developers"
version = release = sknumpynet.__version__

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    # The benchmark reports are included by benchmarks.md, not pages of their own.
    "benchmarks/**",
]
default_role = "literal"
pygments_style = "sphinx"
nitpicky = False

# -- API reference ----------------------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter and attribute types become cross-references (or code, when the
# name is unknown), so that a name such as ``n_features_in_`` in a type is
# not read as a reST link.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {
    "of", "or", "and", "shape", "default", "optional", "instance", "like",
    "the", "same", "as", "if", "with",
}  # fmt: skip
# numpydoc's default aliases point into Python's and numpy's documentation
# through intersphinx, which is off: Python's names stay plain code, the others
# are resolved by _external_reference below.
numpydoc_xref_aliases = {
    **{name: name for name in ("None", "True", "False", "int", "float", "str")},
    **{name: name for name in ("list", "tuple", "dict", "callable", "iterable")},
    **{name: name for name in ("sequence", "generator", "scalar")},
    "bool": "bool",
    "boolean": "bool",
    "string": "str",
    "array-like": ":term:`array-like`",
    "array_like": ":term:`array-like`",
    "Bunch": "sklearn.utils.Bunch",
    "RandomState": "numpy.random.RandomState",
    "Generator": "numpy.random.Generator",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
}

# -- MyST (the Markdown benchmark reports) -----------------------------------

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# -- Example gallery ---------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # Run every script, not only plot_*.py: each is an example worth its output.
    "filename_pattern": r"\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sknumpynet",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sknumpynet": None},
    "abort_on_example_error": True,
    "min_reported_time": 1,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "show_memory": False,
    "download_all_examples": False,
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sknumpynet {release}"
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "getting_started": [], "benchmarks": []}
html_context = {"default_mode": "light"}

# -- Links to other projects without intersphinx -----------------------------

# intersphinx would download the other projects' inventories at every build;
# the docs must build offline. The references the docstrings make to
# scikit-learn (its glossary and its public API), numpy, scipy, matplotlib and
# joblib follow fixed URL patterns, so they are resolved here instead.
SKLEARN_URL = "https://scikit-learn.org/stable/"
API_URLS = {
    "sklearn.": SKLEARN_URL + "modules/generated/{}.html",
    "numpy.": "https://numpy.org/doc/stable/reference/generated/{}.html",
    "matplotlib.": "https://matplotlib.org/stable/api/_as_gen/{}.html",
    "scipy.": "https://docs.scipy.org/doc/scipy/reference/generated/{}.html",
    "joblib.": "https://joblib.readthedocs.io/en/stable/generated/{}.html",
}


# Labels of scikit-learn's user guide that the docstrings of the methods the
# estimator inherits from scikit-learn refer to.
SKLEARN_LABELS = {
    "metadata_routing": "metadata_routing.html",
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
}


def _external_reference(app, env, node, contnode):
    """Resolve references to scikit-learn and other projects to their sites."""
    target = node.get("reftarget", "")
    domain, reftype = node.get("refdomain"), node.get("reftype")
    from_sklearn = "docstring of sklearn." in (get_node_source(node) or "")
    api_url = next(
        (url for prefix, url in API_URLS.items() if target.startswith(prefix)), None
    )
    if domain == "std" and reftype == "term" and ":" not in target:
        uri = f"{SKLEARN_URL}glossary.html#{_make_id('term-' + target.strip())}"
    elif domain == "py" and reftype == "mod" and target.startswith("sklearn."):
        uri = f"{SKLEARN_URL}api/{target}.html"
    elif domain == "py" and api_url is not None:
        # A method or attribute lives on its class's page: Class.html#Class.name.
        owner, _, member = target.rpartition(".")
        on_class_page = owner.rpartition(".")[2][:1].isupper()
        uri = (
            api_url.format(owner) + f"#{target}"
            if on_class_page and not member[:1].isupper()
            else api_url.format(target)
        )
    elif domain == "std" and reftype == "ref" and from_sklearn:
        # A label of scikit-learn's own documentation, in a docstring inherited
        # from scikit-learn: its page, or a search of scikit-learn's site.
        page = SKLEARN_LABELS.get(target, f"search.html?q={target}")
        uri = f"{SKLEARN_URL}{page}"
    else:
        return None
    reference = nodes.reference("", "", internal=False, refuri=uri)
    reference += contnode
    return reference


# -- Text generated from the repository at build time -------------------------


def _write_generated_files(app):
    """Write the README's commands and the benchmark's --help for the pages.

    Taken from their sources at every build, so that the documentation shows
    what the README and the command line say today.
    """
    GENERATED.mkdir(parents=True, exist_ok=True)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(
        r"^## On a fresh machine\n(.*?)^```bash\n(.*?)^```", readme, re.M | re.S
    )
    if section is None:
        raise RuntimeError(
            "README.md has no '## On a fresh machine' section with a bash block; "
            "docs/getting_started.rst includes its commands."
        )
    (GENERATED / "fresh_machine.sh").write_text(section.group(2), encoding="utf-8")

    bench_help = subprocess.run(
        [sys.executable, "-m", "sknumpynet.benchmarks", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "88"},
    ).stdout
    (GENERATED / "bench_help.txt").write_text(bench_help, encoding="utf-8")


# -- Every public name in the API reference -----------------------------------

PUBLIC_MODULES = (
    "sknumpynet",
    "sknumpynet.datasets",
    "sknumpynet.inspection",
    "sknumpynet.augmentation",
    "sknumpynet.preprocessing",
)


def _check_api_reference(app):
    """Warn (an error under -W) if a public name is missing from api.rst."""
    listed = set(
        re.findall(r"^   (\w+)$", (DOCS / "api.rst").read_text(encoding="utf-8"), re.M)
    )
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if name != "__version__" and name not in listed:
                logger.warning(
                    f"{module_name}.{name} is public (in __all__) but missing "
                    "from docs/api.rst"
                )


def setup(app):
    app.connect("builder-inited", _write_generated_files)
    app.connect("builder-inited", _check_api_reference)
    app.connect("missing-reference", _external_reference)

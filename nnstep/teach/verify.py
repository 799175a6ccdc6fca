"""`nnstep verify`: every number the lecture material prints, against nnstep's own result.

Each golden file entry becomes a Finding: reproduced, a known slide erratum (printed, computed and
the likely slip, in words), or a mismatch (a number nnstep does not reproduce and no erratum
explains, or an erratum that no longer differs). The report renders as text, a table or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files.load import DATA_DIR, example_file
from ..render.tables import Column, StyledLines, TableData
from .golden import NO_EXAMPLE, Check, Entry, Golden, Unchecked, check_file

REPRODUCED, ERRATUM, MISMATCH = "reproduced", "erratum", "mismatch"
MARKS = {REPRODUCED: "✓", ERRATUM: "✗", MISMATCH: "!"}


def golden_files() -> list[Path]:
    """The golden files shipped with nnstep (fixtures/golden links to the same files), the
    lecture's first."""
    return sorted((DATA_DIR / "golden").glob("*.yaml"), key=lambda p: (p.stem != "lecture", p.stem))


def describe(e: Entry) -> str:
    """What a printed number is, in a few words: 'input sum of H1, row 1', 'dim(2) = 21^2'."""
    k, q = e.keys, e.quantity
    row = f", row {k['row']}" if "row" in k else ""
    text = {
        "x": lambda: f"input {k.get('node')}{row}",
        "y": lambda: f"target of {k.get('node')}{row}",
        "input_sum": lambda: f"input sum of {k.get('node')}{row}",
        "activation": lambda: ("output" if k.get("node") == "ON" else f"activation of {k.get('node')}") + row,
        "cost": lambda: f"cost of row {k.get('row')}",
        "cost_sum": lambda: "Σ, the summed cost",
        "cost_mean": lambda: "C(W), the mean cost",
        "error": lambda: f"error of {k.get('node')}{row}",
        "bpe": lambda: f"BPE of {k.get('node')}{row}",
        "gradient_weight": lambda: f"dCost/dw {k.get('from')}->{k.get('to')}",
        "gradient_bias": lambda: f"dCost/db {k.get('node')}",
        "weight": lambda: f"w {k.get('from')}->{k.get('to')} after {_updates(k.get('after'))}",
        "bias": lambda: f"bias of {k.get('node')} after {_updates(k.get('after'))}",
        "weight_one_row": lambda: f"w {k.get('from')}->{k.get('to')}, one-row step{row}",
        "bias_one_row": lambda: f"bias of {k.get('node')}, one-row step{row}",
        "grid_count": lambda: f"dim({k.get('dimensions')}) = 21^{k.get('dimensions')}",
    }[q]()
    if e.epoch != 1:
        text += f", epoch {e.epoch:,}"
    return text


def _updates(n) -> str:
    return f"{n:,} update" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class Finding:
    source: str
    where: str
    number: str
    printed: float
    printed_text: str
    computed: float | int
    computed_text: str
    right_text: str
    status: str
    reason: str | None = None
    diagnosis: str | None = None  # the mistake an erratum is, as `nnstep check` names it (factor_2, sign)

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "where": f"{self.where}; {self.number}",
            "printed": self.printed,
            "computed": self.computed,
            "reason": self.reason,
        }


def _finding(golden: Golden, c: Check, diagnosis: str | None = None) -> Finding:
    e = c.entry
    printed_text = e.show(e.printed)
    if e.relation == "lt":
        printed_text = "< " + printed_text
    if isinstance(c.computed, int) and len(str(c.computed)) <= 22:
        computed_text = str(c.computed)
    else:
        computed_text = e.show(c.computed, 2)
    right_text = e.show(c.computed)  # what the slide should print, at its own precision
    if e.erratum is None:
        status = REPRODUCED if c.reproduced else MISMATCH
        reason = None if c.reproduced else "not reproduced, and no erratum in the golden file explains it"
    elif c.erratum_confirmed:
        status, reason = ERRATUM, e.erratum.reason
    elif c.reproduced:
        status, reason = MISMATCH, "listed as a slide erratum, but nnstep now reproduces the printed number"
    else:
        status = MISMATCH
        reason = f"listed as a slide erratum with computed {e.erratum.computed:g}, but nnstep computes {computed_text}"
    return Finding(
        e.source or golden.source,
        e.where,
        describe(e),
        e.printed,
        printed_text,
        c.computed,
        computed_text,
        right_text,
        status,
        reason,
        diagnosis if status == ERRATUM else None,
    )


def cell_of(e: Entry):
    """(epoch, worksheet cell) of a golden entry: a golden file is a worksheet written by a lecturer,
    one per epoch (weights after N updates belong to epoch N). None for the data, the weights
    before any update and counts."""
    from .worksheet import QUANTITIES, ROW_QUANTITIES, Cell

    k, q = e.keys, e.quantity
    epoch = k["after"] if "after" in k else e.epoch
    if q not in QUANTITIES or e.significant is not None or epoch < 1:
        return None
    node = f"{k['from']}-{k['to']}" if "from" in k else k.get("node")
    return epoch, Cell(q, node, k.get("row") if q in ROW_QUANTITIES else None)


def diagnoses(golden: Golden, checks: list[Check]) -> list[str | None]:
    """Per entry, the known mistake its erratum is, named by the same code that marks a student's
    worksheet (teach/check.py) at the printed precision; None where there is none to name."""
    out: list[str | None] = [None] * len(checks)
    wanted = [(n, cell_of(c.entry)) for n, c in enumerate(checks) if c.entry.erratum is not None]
    wanted = [(n, where) for n, where in wanted if where is not None]
    if not wanted or golden.example == NO_EXAMPLE:
        return out
    from .. import network
    from ..files.load import example_file, load_data, load_model
    from .check import Net, diagnose_printed

    model = load_model(example_file(golden.example, "model.yaml"))
    data = load_data(example_file(golden.example, "data.yaml"))
    nets: dict[int, Net] = {}
    for n, (epoch, cell) in wanted:
        if epoch not in nets:
            before = model
            if epoch > 1:
                before = network.train(model, data.inputs, data.targets, epoch - 1).last.updated
            nets[epoch] = Net(before, data)
        e = checks[n].entry
        out[n] = diagnose_printed(nets[epoch], cell, e.printed, e.decimals)
    return out


@dataclass(frozen=True)
class FileReport:
    path: Path
    golden: Golden
    findings: list[Finding]

    @property
    def unchecked(self) -> list[Unchecked]:
        return self.golden.unchecked


@dataclass(frozen=True)
class Report:
    files: list[FileReport]

    def _all(self, status: str | None = None) -> list[Finding]:
        return [f for r in self.files for f in r.findings if status is None or f.status == status]

    @property
    def checked(self) -> int:
        return len(self._all())

    @property
    def reproduced(self) -> int:
        return len(self._all(REPRODUCED))

    @property
    def errata(self) -> list[Finding]:
        return self._all(ERRATUM)

    @property
    def mismatches(self) -> list[Finding]:
        return self._all(MISMATCH)

    @property
    def ok(self) -> bool:
        """Every number that is not reproduced is a known slide erratum."""
        return not self.mismatches

    def summary(self) -> str:
        text = f"{self.checked} numbers checked: {self.reproduced} reproduced, {len(self.errata)} slide errata"
        if self.mismatches:
            text += f", {len(self.mismatches)} mismatches"
        return text

    def as_json(self) -> dict:
        return {
            "checked": self.checked,
            "reproduced": self.reproduced,
            "errata": [f.as_json() for f in self.errata],
            "mismatches": [f.as_json() for f in self.mismatches],
            "unchecked": [
                {"source": r.golden.source, "where": u.where, "printed": u.printed, "reason": u.reason}
                for r in self.files
                for u in r.unchecked
            ],
            "summary": self.summary(),
        }


def verify(paths: Sequence[Path] = ()) -> Report:
    """Check the given golden files (default: all shipped ones)."""
    reports = []
    for path in paths or golden_files():
        golden, checks = check_file(path)
        named = diagnoses(golden, checks)
        reports.append(FileReport(Path(path), golden, [_finding(golden, c, d) for c, d in zip(checks, named)]))
    return Report(reports)


# Rendering --------------------------------------------------------------------------------------


def _groups(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Consecutive findings printed at the same place (slide) form one group."""
    groups: list[tuple[str, list[Finding]]] = []
    for f in findings:
        if groups and groups[-1][0] == f.where:
            groups[-1][1].append(f)
        else:
            groups.append((f.where, [f]))
    return groups


def _file_heading(r: FileReport) -> str:
    n = len(r.findings)
    sources = sorted({f.source for f in r.findings} - {r.golden.source})
    also = f" (and {', '.join(sources)})" if sources else ""
    example = "" if r.golden.example == "none" else f", example '{r.golden.example}'"
    return f"{r.golden.source}{also}: {n} printed numbers{example}"


def text_lines(report: Report, width: int = 80, errata_only: bool = False) -> list[tuple[str, str]]:
    """The report as (style, line) pairs within `width` columns: per file and slide, each printed
    number with its computed value and a mark; errata and mismatches explained under them."""
    import textwrap

    out: list[tuple[str, str]] = [("dim", "✓ reproduced   ✗ slide erratum (explained below it)   ! mismatch"), ("", "")]
    for r in report.files:
        shown = [f for f in r.findings if not errata_only or f.status != REPRODUCED]
        out += [("bold", _file_heading(r)), ("", "")]
        if not shown:
            out += [("", "  every number reproduced"), ("", "")]
        pw = max([len(f.printed_text) for f in shown] + [len("printed")])
        cw = max([len(f.computed_text) for f in shown] + [len("computed")])
        nw = max(10, min(width - 8 - pw - cw, max([len(f.number) for f in shown] + [0])))
        if shown:
            out.append(("dim", f"    {'number':<{nw}}  {'printed':>{pw}}  {'computed':>{cw}}"))
        for where, findings in _groups(shown):
            out += [("italic", line) for line in textwrap.wrap(where, width)]
            for f in findings:
                names = textwrap.wrap(f.number, nw) or [""]
                style = {REPRODUCED: "", ERRATUM: "yellow", MISMATCH: "bold red"}[f.status]
                out.append(
                    (style, f"  {MARKS[f.status]} {names[0]:<{nw}}  {f.printed_text:>{pw}}  {f.computed_text:>{cw}}")
                )
                out += [(style, f"    {n}") for n in names[1:]]
                if f.status != REPRODUCED:
                    label = "Slide erratum" if f.status == ERRATUM else "MISMATCH"
                    if f.diagnosis is not None:
                        label += f" ({f.diagnosis})"
                    text = f"{label}: printed {f.printed_text} where the math gives {f.right_text}; {f.reason}"
                    out += [
                        ("dim" if f.status == ERRATUM else style, line)
                        for line in textwrap.wrap(text, width, initial_indent="    ", subsequent_indent="    ")
                    ]
        if r.unchecked:
            out += [("", ""), ("italic", "Printed, but no number of the example (not checked):")]
            for u in r.unchecked:
                out += [
                    ("dim", line)
                    for line in textwrap.wrap(
                        f"{u.where}: {u.printed!r}. {u.reason}", width, initial_indent="  - ", subsequent_indent="    "
                    )
                ]
        out.append(("", ""))
    out.append(("bold", report.summary()))
    return out


def renderable(report: Report, errata_only: bool = False) -> StyledLines:
    """The text report as styled lines of literal text (never markup)."""
    return StyledLines(tuple(text_lines(report, errata_only=errata_only)))


def tables(report: Report, errata_only: bool = False) -> list[TableData]:
    """One table per golden file, for the export formats: where, number, printed, computed, mark, reason."""
    headers = [
        Column("Where", "left"),
        Column("Number", "left"),
        Column("Printed"),
        Column("Computed"),
        Column("Result", "left"),
        Column("Reason", "left"),
    ]
    out = []
    for r in report.files:
        rows = tuple(
            (f.where, f.number, f.printed_text, f.computed_text, f"{MARKS[f.status]} {f.status}", f.reason or "")
            for f in r.findings
            if not errata_only or f.status != REPRODUCED
        )
        notes = tuple(f"Not checked: {u.where}: {u.printed!r}. {u.reason}" for u in r.unchecked)
        out.append(TableData(_file_heading(r), tuple(headers), rows, notes))
    return out


def slide_counts(per_weight: int) -> dict:
    """The grid counts the slides of lecture 001 print (their code blocks, not the narration), from
    the golden file that transcribes them, checked: {n: Check}. Empty unless the grid is the
    lecture's 21 values per weight."""
    slides: dict[int, Check] = {}
    if per_weight == 21:
        golden, checks = check_file(example_file("golden", "grid_search.yaml"))
        for c in checks:
            if c.entry.source in (None, golden.source) and not c.entry.where.startswith("narration"):
                slides.setdefault(c.entry.keys["dimensions"], c)
    return slides

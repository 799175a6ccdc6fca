"""Records of the core -> plain dicts for `--format json`, at full precision (no rounding)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Backward, CostSummary, ForwardPass, Model


def _lists(arrays) -> list:
    return [np.asarray(a).tolist() for a in arrays]


def model_json(model: Model) -> dict[str, Any]:
    """weights[l][i][j]: from node i of layer l to node j of layer l + 1; biases[l][j]; and for
    momentum and Adam their state after the update that made these weights."""
    out: dict[str, Any] = {"weights": _lists(model.weights), "biases": _lists(model.biases)}
    state = state_json(model)
    if state is not None:
        out["optimizer_state"] = state
    return out


def state_json(model: Model) -> dict[str, Any] | None:
    """Momentum: {steps, velocity}; Adam: {steps, m, v, m_hat, v_hat}; each {weights, biases}
    shaped as the model's (None for gd, or before the first update)."""
    from ..optimizers import corrected, keeps_state

    opt, state = model.optimizer, model.optimizer_state
    if not keeps_state(opt) or state is None or state.steps < 1:
        return None
    stores = {"velocity": state.first} if opt.name == "momentum" else {"m": state.first, "v": state.second}
    if opt.name == "adam":
        stores["m_hat"], stores["v_hat"] = corrected(opt, state)
    learned = model.update_biases and model.has_biases

    def part(store: dict) -> dict[str, Any]:
        out = {"weights": _lists(store.get(f"w{l}", np.zeros_like(w)) for l, w in enumerate(model.weights))}
        if learned:
            out["biases"] = _lists(store.get(f"b{l}", np.zeros_like(b)) for l, b in enumerate(model.biases))
        return out

    return {"optimizer": opt.name, "steps": state.steps, **{name: part(store) for name, store in stores.items()}}


def forward_json(fp: ForwardPass, cost: CostSummary, model: Model | None = None) -> dict[str, Any]:
    """The forward pass and its cost; with regularisation also the penalty and J = data part + penalty."""
    summary: dict[str, Any] = {"observations": cost.observations.tolist(), "sum": cost.sum, "mean": cost.mean}
    if model is not None and model.regularization != "none":
        summary.update(penalty=cost.penalty, objective=cost.objective)
    return {"input_sums": _lists(fp.input_sums), "activations": _lists(fp.activations), "cost": summary}


def backward_json(bw: Backward) -> dict[str, Any]:
    """Errors, BPEs and the gradients (with regularisation, `penalty` is the penalty's part of them)."""
    gradients: dict[str, Any] = {"weights": _lists(bw.weight_gradients), "biases": _lists(bw.bias_gradients)}
    if bw.weight_penalties is not None and bw.bias_penalties is not None:
        gradients["penalty"] = {"weights": _lists(bw.weight_penalties), "biases": _lists(bw.bias_penalties)}
    return {"errors": _lists(bw.errors), "bpes": _lists(bw.bpes), "gradients": gradients}


def per_row_json(model: Model, fp: ForwardPass, bw: Backward) -> dict[str, Any]:
    """gradients_per_row: weights[l][row][i][j] = dCost_row/dw_ij, biases[l][row][j], before the sum."""
    from ..network import per_row_gradients

    weights, biases = per_row_gradients(model, fp, bw)
    return {"gradients_per_row": {"weights": _lists(weights), "biases": _lists(biases)}}


def step_json(
    model: Model, fp: ForwardPass, cost: CostSummary, bw: Backward | None = None, **extra: Any
) -> dict[str, Any]:
    """One command's JSON: the weights shown (after the update for update/train), the forward
    pass, and with backprop its errors, BPEs and gradients."""
    out = {**model_json(model), **forward_json(fp, cost, model)}
    if bw is not None:
        out.update(backward_json(bw))
    out.update(extra)
    return out


def backprop_json(model: Model, s, per_row: bool = False) -> dict[str, Any]:
    """nnstep backprop's JSON (Step 5): with `per_row` also each row's gradients before the sum."""
    extra = per_row_json(model, s.forward, s.backward) if per_row else {}
    return step_json(model, s.forward, s.cost, s.backward, **extra)


def update_json(s) -> dict[str, Any]:
    """nnstep update's (and the bare nnstep's) JSON: Steps 3-6 with the weights after the update."""
    return step_json(s.updated, s.forward, s.cost, s.backward)


def cells_json(cells) -> dict[str, Any]:
    """A blank worksheet's JSON: {"cells": [...]}."""
    return {"cells": [c.to_dict() for c in cells]}


def check_json(results, summary) -> dict[str, Any]:
    """Several marked worksheets' JSON: each sheet's marks with its path, and the class summary."""
    return {"sheets": [{"path": r.path, **r.to_dict()} for r in results], "class": summary.to_dict()}


def train_json(result) -> dict[str, Any]:
    """`nnstep train`'s JSON: epoch N's records with the weights after N updates, the goal epoch,
    Sigma of every epoch, and the records of each snapshot."""
    s = result.last
    out = step_json(
        s.updated,
        s.forward,
        s.cost,
        s.backward,
        epochs=result.epochs,
        goal_epoch=result.goal_epoch,
        interrupted=result.interrupted,
        costs=result.costs.tolist(),
    )
    if result.snapshots:
        out["snapshots"] = [
            {"epoch": n, **step_json(snap.updated, snap.forward, snap.cost, snap.backward)}
            for n, snap in result.snapshots
        ]
    return out


def counts_json(per_weight: int, low: float, high: float, step: float, rows, slides: dict) -> dict[str, Any]:
    """`nnstep search --counts`: per_weight^n for each n, beside the number the slides print."""
    return {
        "per_weight": per_weight,
        "range": [low, high],
        "step": step,
        "counts": [
            {"n": n, "count": c, "slides": slides[n].entry.show(slides[n].entry.printed) if n in slides else None}
            for n, c in rows
        ],
    }


def search_json(chosen, budget: int, low: float, high: float, step: float, grid_size: int, refused, curves, marks):
    """`nnstep search`: each method's best cost after every checkpoint, and the values it found."""
    return {
        "parameters": [p.name for p in chosen],
        "budget": budget,
        "range": [low, high],
        "step": step,
        "grid_points": grid_size,
        "refused": None if refused is None else {"method": "grid", "count": refused.count, "message": str(refused)},
        "methods": {
            name: {
                "evaluations": c.evaluations,
                "best": c.best_after(c.evaluations),
                "values": dict(zip((p.name for p in chosen), c.values.tolist())),
                "curve": [[k, c.best_after(k)] for k in marks],
            }
            for name, c in curves.items()
        },
    }


def normalize_json(columns, input_names, z, rows) -> dict[str, Any]:
    """`nnstep normalize` (Step 1 a): the means, sample standard deviations and the z-scored rows."""
    return {
        "columns": columns,
        "means": dict(zip(input_names, z.means.tolist())),
        "stds": dict(zip(input_names, z.stds.tolist())),
        "rows": rows,
    }


def gradcheck_json(rows, largest: float) -> dict[str, Any]:
    """`nnstep gradcheck`: backprop's gradient, the central difference and their relative difference."""
    return {
        "parameters": [
            {"name": r[0], "backprop": r[1], "finite_difference": r[2], "relative_difference": r[3]} for r in rows
        ],
        "largest_relative_difference": largest,
    }

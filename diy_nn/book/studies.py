"""The book's one rule for the verdicts of its studies.

A study trains each setting with several seeds. Seeds move a result, so a
difference between two settings means something only when it is larger than
what seeds alone do. The rule, for two settings A and B, each run with at least
three seeds:

    A is better than B when every run of A is better than every run of B
    (their ranges do not overlap, not even at one point). Otherwise they tie.

Why it is a fair rule: if A and B were equally good, their six runs (three
each) would come out in a random order, and the three of A would all be ahead of
the three of B in 1 of the 20 orders that are equally likely. So a verdict
"better" from three seeds each is wrong at most one time in twenty (one in
ten counting both directions), and more seeds make it stricter.

Where the measure is a count (images classified right), give the counts, not
fractions: 997 and 997 correct images are a tie, whereas 0.997 computed two ways
can differ in its last bit.
"""
import numbers
from dataclasses import dataclass

MIN_SEEDS = 3


def _runs(name, values):
    values = list(values)
    if len(values) < MIN_SEEDS:
        raise ValueError(
            f"studies: {name!r} has {len(values)} run(s); the book's tie rule needs "
            f"at least {MIN_SEEDS} seeds per setting"
        )
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != v:
            raise TypeError(f"studies: the runs of {name!r} must be numbers, got {v!r}")
    return values


def _fmt(values, fmt):
    lo, hi = min(values), max(values)
    if all(isinstance(v, numbers.Integral) for v in values):
        return f"{lo}" if lo == hi else f"{lo} to {hi}"
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)} to {fmt.format(hi)}"


def spread(values, fmt="{:.3f}"):
    """``"mean (min to max)"`` of a setting's runs:
    ``"0.962 (0.958 to 0.965)"``."""
    values = list(values)
    mean = sum(values) / len(values)
    return f"{fmt.format(mean)} ({_fmt(values, fmt)})"


@dataclass(frozen=True)
class Verdict:
    """The verdict of :func:`compare`: ``winner`` is the better setting's name, or
    None for a tie; ``reason`` says why, with both ranges."""

    winner: object
    loser: object
    reason: str

    @property
    def tie(self):
        return self.winner is None

    def __str__(self):
        return self.reason


def compare(runs_a, runs_b, names=("A", "B"), higher_is_better=True, fmt="{:.3f}"):
    """The book's verdict on two settings, from their runs (>= 3 seeds each).

    Returns a :class:`Verdict`: the better setting when every run of it beats
    every run of the other, a tie otherwise. ``higher_is_better=False`` for a
    loss, an error or a number of epochs.
    """
    a = _runs(names[0], runs_a)
    b = _runs(names[1], runs_b)
    ranges = f"{names[0]} {_fmt(a, fmt)}, {names[1]} {_fmt(b, fmt)}"
    better = (lambda x, y: x > y) if higher_is_better else (lambda x, y: x < y)
    for (win, w), (lose, l) in (((names[0], a), (names[1], b)),
                                ((names[1], b), (names[0], a))):
        worst_of_winner = min(w) if higher_is_better else max(w)
        best_of_loser = max(l) if higher_is_better else min(l)
        if better(worst_of_winner, best_of_loser):
            return Verdict(win, lose, f"{win} better: every seed of {win} beats "
                                      f"every seed of {lose} ({ranges})")
    return Verdict(None, None, f"a tie: the ranges overlap ({ranges})")


@dataclass(frozen=True)
class SweepVerdict:
    """The verdict of :func:`sweep`: ``best`` is the setting with the best mean,
    ``ties`` the settings that tie with it by the rule, ``beaten`` the ones it
    beats; ``at_edge`` says whether ``best`` is the first or last of the grid."""

    best: object
    ties: tuple
    beaten: tuple
    at_edge: bool
    reason: str

    def __str__(self):
        return self.reason

    def check_inside(self):
        """Raise AssertionError when the best setting is at an end of the grid:
        the grid must then be extended past it."""
        if self.at_edge:
            raise AssertionError(
                f"the best setting, {self.best!r}, is at an end of the grid: "
                "extend the grid past it before drawing a conclusion"
            )
        return self


def sweep(results, higher_is_better=True, ordered=True, fmt="{:.3f}"):
    """The book's verdict on a sweep: ``results`` maps each setting (in grid
    order) to its runs (>= 3 seeds each).

    The best setting is the one with the best mean; every other setting either
    ties with it or is beaten, by :func:`compare`. With ``ordered`` (a grid of
    values such as learning rates), ``at_edge`` tells whether the best is the
    first or last value of the grid.
    """
    items = [(k, _runs(str(k), v)) for k, v in dict(results).items()]
    if len(items) < 2:
        raise ValueError("studies: a sweep needs at least two settings")
    sign = 1 if higher_is_better else -1
    best_index = max(range(len(items)),
                     key=lambda i: sign * sum(items[i][1]) / len(items[i][1]))
    best, best_runs = items[best_index]
    ties, beaten = [], []
    for k, runs in items:
        if k == best:
            continue
        v = compare(best_runs, runs, (str(best), str(k)), higher_is_better, fmt)
        (ties if v.tie else beaten).append(k)
    at_edge = ordered and best_index in (0, len(items) - 1)
    reason = f"best: {best} ({spread(best_runs, fmt)})"
    reason += (f"; ties with {', '.join(map(str, ties))}" if ties
               else "; beats every other setting")
    if ties and beaten:
        reason += f"; beats {', '.join(map(str, beaten))}"
    return SweepVerdict(best, tuple(ties), tuple(beaten), at_edge, reason)

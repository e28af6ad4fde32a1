"""The catalogue of the mistakes students make, each a *mutant*: the library's
class (or function) with one method written the way a student gets it wrong.

``tests/test_mutants.py`` runs every mutant through the workbook's ``check`` and
requires that it fails; one file per chapter. A mutant is registered with
:func:`mutant`::

    @mutant("Linear", "forward adds b even with bias=False")
    def linear_forward_ignores_bias_false():
        class Linear(nn.Linear):
            def forward(self, X):
                return X @ self._parameters["W"] + self._parameters["b"]
        return Linear

The factory returns the mutant, named as the library's object (``check`` finds
its reference by that name).
"""
from dataclasses import dataclass
from typing import Callable

MUTANTS = []


@dataclass
class Mutant:
    target: str          # the library's name ("Linear", "windows")
    mistake: str         # what the student got wrong
    make: Callable       # () -> the mutant class or function

    @property
    def id(self):
        return f"{self.target.split('.')[-1]}: {self.mistake}"


def mutant(target, mistake):
    """Register the factory it decorates as a mutant of ``target``."""
    def register(make):
        MUTANTS.append(Mutant(target, mistake, make))
        return make
    return register


def load():
    """Every mutant of every chapter file."""
    from . import (ch02_linear, ch03_nonlinear, ch04_sequential,  # noqa: F401
                   ch05_multiclass, ch06_autoencoder, ch07_convolution,
                   ch08_going_further)
    return list(MUTANTS)

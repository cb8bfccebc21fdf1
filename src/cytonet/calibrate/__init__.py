"""cytonet.calibrate."""

# PEtab in/out and fitting. Importing this package is light: petab, pypesto, fides,
# roadrunner and sympy are imported inside the functions that need them.

from __future__ import annotations

from ._roadrunner import SolverSettings
from .fit import FitResult, StartResult, fit, plot_fit, save_fit_result
from .lint import check_petab_problem, lint_petab_problem
from .objective import PetabObjective
from .petab_problem import Evaluation, PetabProblem, load_petab_problem

__all__ = [
    "Evaluation",
    "FitResult",
    "PetabObjective",
    "PetabProblem",
    "SolverSettings",
    "StartResult",
    "check_petab_problem",
    "fit",
    "lint_petab_problem",
    "load_petab_problem",
    "plot_fit",
    "save_fit_result",
]

"""pyPESTO adapter for :class:`~cytonet.calibrate.objective.PetabObjective` (imports pypesto)."""

from __future__ import annotations

__all__ = ["PypestoObjective"]

import numpy as np
from pypesto.C import FVAL, GRAD, HESS, MODE_FUN, MODE_RES, RES, SRES
from pypesto.objective import ObjectiveBase

from .objective import PetabObjective


class PypestoObjective(ObjectiveBase):
    """Offers fval, gradient, FIM as Hessian, residuals and their Jacobian to pyPESTO optimisers.

    One finite-difference sweep yields gradient and FIM together. Pickles through
    :class:`PetabObjective`, i.e. as the problem path.
    """

    def __init__(self, objective: PetabObjective):
        super().__init__(x_names=list(objective.x_ids))
        self.objective = objective

    def __deepcopy__(self, memodict=None) -> PypestoObjective:
        # pyPESTO copies the objective per start; share the compiled model within a process
        return PypestoObjective(self.objective)

    def check_mode(self, mode) -> bool:
        return mode in (MODE_FUN, MODE_RES)

    def check_sensi_orders(self, sensi_orders, mode) -> bool:
        if not sensi_orders:
            return True
        return max(sensi_orders) <= (2 if mode == MODE_FUN else 1)

    def call_unprocessed(self, x, sensi_orders, mode, return_dict, **kwargs) -> dict:
        x = np.asarray(x, dtype=float)
        top = max(sensi_orders) if sensi_orders else 0
        if mode == MODE_FUN:
            if top == 0:
                return {FVAL: self.objective(x)}
            f, g, fim = self.objective.derivatives(x)
            return {FVAL: f, GRAD: g, HESS: fim}
        out = {RES: self.objective.residuals(x)}
        if top >= 1:
            out[SRES] = self.objective.residual_jacobian(x)
        return out

"""Observations -> verdicts -> scorecard: check the model against published findings."""

from .expectations import Trace, Verdict, verdict
from .run import ObservationResult, Scorecard, build_requests, validate_file, validate_observations

__all__ = ["ObservationResult", "Scorecard", "Trace", "Verdict", "build_requests", "validate_file",
           "validate_observations", "verdict"]

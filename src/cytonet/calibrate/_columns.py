"""PEtab v1 table and column names, as constants (mirrors ``petab.v1.C`` without importing petab)."""

from __future__ import annotations

__all__ = [
    "OBSERVABLE_ID",
    "OBSERVABLE_NAME",
    "OBSERVABLE_FORMULA",
    "NOISE_FORMULA",
    "OBSERVABLE_TRANSFORMATION",
    "NOISE_DISTRIBUTION",
    "CONDITION_ID",
    "CONDITION_NAME",
    "PREEQUILIBRATION_CONDITION_ID",
    "SIMULATION_CONDITION_ID",
    "MEASUREMENT",
    "TIME",
    "OBSERVABLE_PARAMETERS",
    "NOISE_PARAMETERS",
    "DATASET_ID",
    "REPLICATE_ID",
    "SIMULATION",
    "PARAMETER_ID",
    "PARAMETER_NAME",
    "PARAMETER_SCALE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "NOMINAL_VALUE",
    "ESTIMATE",
    "OBSERVABLE_REQUIRED",
    "CONDITION_REQUIRED",
    "MEASUREMENT_REQUIRED",
    "PARAMETER_REQUIRED",
    "SCALES",
    "TRANSFORMATIONS",
    "DISTRIBUTIONS",
    "PARAMETER_SEPARATOR",
    "TIME_SYMBOLS",
]

# observable table
OBSERVABLE_ID = "observableId"
OBSERVABLE_NAME = "observableName"
OBSERVABLE_FORMULA = "observableFormula"
NOISE_FORMULA = "noiseFormula"
OBSERVABLE_TRANSFORMATION = "observableTransformation"
NOISE_DISTRIBUTION = "noiseDistribution"

# condition table
CONDITION_ID = "conditionId"
CONDITION_NAME = "conditionName"

# measurement table
PREEQUILIBRATION_CONDITION_ID = "preequilibrationConditionId"
SIMULATION_CONDITION_ID = "simulationConditionId"
MEASUREMENT = "measurement"
TIME = "time"
OBSERVABLE_PARAMETERS = "observableParameters"
NOISE_PARAMETERS = "noiseParameters"
DATASET_ID = "datasetId"
REPLICATE_ID = "replicateId"
SIMULATION = "simulation"  # column of a simulation table

# parameter table
PARAMETER_ID = "parameterId"
PARAMETER_NAME = "parameterName"
PARAMETER_SCALE = "parameterScale"
LOWER_BOUND = "lowerBound"
UPPER_BOUND = "upperBound"
NOMINAL_VALUE = "nominalValue"
ESTIMATE = "estimate"

OBSERVABLE_REQUIRED = (OBSERVABLE_ID, OBSERVABLE_FORMULA, NOISE_FORMULA)
CONDITION_REQUIRED = (CONDITION_ID,)
MEASUREMENT_REQUIRED = (OBSERVABLE_ID, SIMULATION_CONDITION_ID, MEASUREMENT, TIME)
PARAMETER_REQUIRED = (
    PARAMETER_ID,
    PARAMETER_SCALE,
    LOWER_BOUND,
    UPPER_BOUND,
    NOMINAL_VALUE,
    ESTIMATE,
)

SCALES = ("lin", "log", "log10")
TRANSFORMATIONS = ("lin", "log", "log10")
DISTRIBUTIONS = ("normal", "laplace")
PARAMETER_SEPARATOR = ";"
TIME_SYMBOLS = ("t", "time")

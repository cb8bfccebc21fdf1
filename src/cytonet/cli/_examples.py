"""Examples shown under each command's ``--help`` (argparse epilog), in one table.

Keys are command paths (``("petab", "export")``); the files named are the shipped
``examples/`` (run from the repository root). tests/cli/test_help.py checks that every
command and sub-command has a description and an entry here, and that each example parses.
"""

from __future__ import annotations

__all__ = ["EXAMPLES", "HelpFormatter", "add_examples"]

import argparse

EXAMPLES: dict[tuple[str, ...], list[str]] = {
    (): [
        "cytonet kb show STAT3",
        "cytonet simulate examples/experiment.yaml --readouts phenotype:invasion",
        "cytonet validate",
        "cytonet report --out report",
    ],
    ("kb",): ["cytonet kb show gp130", "cytonet kb explain IL11 MMP12"],
    ("kb", "lint"): ["cytonet kb lint", "cytonet kb lint --data-dir my_knowledge/"],
    ("kb", "show"): ["cytonet kb show STAT3", "cytonet kb show IL-6 --json"],
    ("kb", "explain"): ["cytonet kb explain IL11 MMP12",
                        'cytonet kb explain "glucose deprivation" LIF --max-length 6'],
    ("kb", "export"): ["cytonet kb export --out cytonet.graphml",
                       "cytonet kb export --out cytonet.cx2",
                       "cytonet kb export --format sif --out cytonet.sif --no-drugs"],
    ("kb", "summary"): ["cytonet kb summary", "cytonet kb summary --json"],
    ("model",): ["cytonet model export --sbml cytonet.xml", "cytonet model check"],
    ("model", "export"): ["cytonet model export --sbml cytonet.xml",
                          "cytonet model export --sbml cytonet.xml --antimony cytonet.ant",
                          "cytonet model export --omex il11.omex --experiments "
                          "examples/il11_invasion.yaml --readouts phenotype:invasion"],
    ("model", "show"): ["cytonet model show --species --grep STAT3",
                        "cytonet model show --reactions"],
    ("model", "check"): ["cytonet model check", "cytonet model check cytonet.xml"],
    ("simulate",): [
        "cytonet simulate examples/experiment.yaml --readouts phenotype:invasion mRNA:MMP12 "
        "--plot out.png",
        "cytonet simulate examples/il11_invasion.yaml --until '48 h' --csv traces.csv",
    ],
    ("validate",): [
        "cytonet validate",
        "cytonet validate --observations examples/my_findings.yaml --json",
        "cytonet validate --ensemble 50 --jitter 0.3",
    ],
    ("report",): ["cytonet report --out report",
                  "cytonet report --out report --ensemble 20 --analysis report/screen"],
    ("petab",): ["cytonet petab lint problem/il6_pstat3.yaml"],
    ("petab", "lint"): ["cytonet petab lint problem/il6_pstat3.yaml"],
    ("petab", "llh"): ["cytonet petab llh problem/il6_pstat3.yaml"],
    ("petab", "export"): [
        "cytonet petab export --experiments examples/il6_experiments.yaml "
        "--data examples/il6_pstat3.tsv --estimate kdeact_JAK --out problem/",
    ],
    ("fit",): ["cytonet fit problem/il6_pstat3.yaml --starts 20",
               "cytonet fit problem/il6_pstat3.yaml --starts 4 --workers 2 --out fit/"],
    ("ensemble",): [
        "cytonet ensemble examples/il11_invasion.yaml --members 200 --jitter 0.3 "
        "--readouts phenotype:invasion --out ens/",
        "cytonet ensemble examples/il11_invasion.yaml --from priors --scheduler local",
    ],
    ("sensitivity",): [
        "cytonet sensitivity examples/experiment.yaml --readout phenotype:invasion",
        "cytonet sensitivity examples/il11_invasion.yaml --readout mRNA:MMP12 --method sobol "
        "--parameters top:10",
    ],
    ("screen",): [
        "cytonet screen examples/il11_glucose.yaml --readout phenotype:invasion --pairs",
        "cytonet screen examples/il11_glucose.yaml --readout mRNA:MMP12 --drugs none",
    ],
    ("serve",): ["cytonet serve", "cytonet serve --port 9000 --no-warm"],
    ("logical",): ["cytonet logical attractors examples/experiment.yaml"],
    ("logical", "attractors"): ["cytonet logical attractors examples/experiment.yaml --json"],
    ("logical", "simulate"): [
        "cytonet logical simulate examples/experiment.yaml --readouts phenotype:invasion",
    ],
    ("logical", "export"): ["cytonet logical export --sbml-qual -o cytonet_qual.xml",
                            "cytonet logical export --bnet --rules -o cytonet.bnet"],
}

_HEADER = "examples:\n"


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that the examples epilog keeps its lines."""

    def _fill_text(self, text, width, indent):
        if text.startswith(_HEADER):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_examples(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    """Set the parser's epilog to its examples (if any) and the formatter that keeps them."""
    parser.formatter_class = HelpFormatter
    lines = EXAMPLES.get(path)
    if lines:
        parser.epilog = _HEADER + "".join(f"  {line}\n" for line in lines)

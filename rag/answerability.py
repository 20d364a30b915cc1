"""Whether the evaluation answers a question: a logistic model over general signals, fit on the dev set.

The signals say how well the best evidence covers the question and whether it holds what the question
asks for (an amount for "how much", a name for "who", a figure for "how many", the thing or name the
question uses). None of them knows this evaluation. The weights and the threshold are fit by
`evals/fit_answerability.py` on the dev questions of `evals/sets.toml` (answerable against unanswerable),
the threshold chosen for at most 3% false abstention there, and stored in `rag/answerability.json`;
the sealed test set is never used for fitting.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

from rag.messages import Msg, msg

MODEL_FILE = Path(__file__).resolve().parent / "answerability.json"


@dataclass
class Signals:
    """What the answerer saw while composing its answer; each in [0, 1] unless said otherwise."""

    confidence: float = 0.0  # the composed answer's evidence strength (record match or sentence match)
    best_cosine: float = 0.0  # meaning: the best quoted sentence's cosine to the question
    coverage: float = 0.0  # words: IDF-weighted share of the question's content words in the quoted evidence
    subject: float = 0.0  # how clearly a record's title names what the question is about
    unknown_words: float = 0.0  # IDF-weighted share of the question's content words the corpus never uses
    unknown_name: float = (
        0.0  # 1 when the question names something (a capitalised name, an acronym) the corpus never does
    )
    amount_missing: float = 0.0  # 1 when it asks for money and no evidence sentence states an amount for it
    figure_missing: float = 0.0  # 1 when it asks "how many X" and no evidence gives a figure for X
    person_missing: float = 0.0  # 1 when it asks who holds a role and no evidence names a person
    type_missing: float = 0.0  # 1 when it asks for a date, number or name and the quoted evidence has none
    thing_unknown: float = (
        0.0  # 1 when the thing asked about ("the average waiting time") uses a word the corpus never does
    )
    # 1 when the question asks about a year the evidence gives no result for (only a target, or nothing), or
    # about one occasion by its ordinal ("the first meeting") the evidence names only with others
    year_missing: float = 0.0

    def vector(self) -> list[float]:
        return [float(getattr(self, f.name)) for f in fields(self)]

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


FEATURES = tuple(f.name for f in fields(Signals))


@dataclass(frozen=True)
class Model:
    """Logistic weights over the standardised signals, and the probability below which the answerer abstains."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def probability(self, signals: Signals) -> float:
        """P(the evaluation answers the question | the signals)."""
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, signals.vector(), self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def answers(self, signals: Signals) -> bool:
        return self.probability(signals) >= self.threshold

    def to_json(self, extra: dict | None = None) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": list(self.weights),
                "bias": self.bias,
                "mean": list(self.mean),
                "scale": list(self.scale),
                "threshold": self.threshold,
                **(extra or {}),
            },
            indent=1,
        )


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> Model | None:
    """The fitted model, or None when none has been fit (then the answerer uses its evidence floors alone)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        tuple(raw.get("features", ())) != FEATURES
    ):  # fit for other signals: refit with evals/fit_answerability.py
        return None
    return Model(
        tuple(raw["weights"]),
        float(raw["bias"]),
        tuple(raw["mean"]),
        tuple(raw["scale"]),
        float(raw["threshold"]),
    )


def reason(signals: Signals) -> str:
    """The plain sentence an abstention says, from the clearest missing piece."""
    return reason_message(signals).render()


def reason_message(signals: Signals) -> Msg:
    """The abstention's sentence as a message of the catalogue, to be said in the answer's language."""
    if signals.amount_missing:
        return msg("no.amount")
    if signals.person_missing:
        return msg("no.person")
    if signals.figure_missing or signals.thing_unknown:
        return msg("no.figure")
    if signals.year_missing:
        return msg("no.year")
    if signals.unknown_name:
        return msg("no.name")
    return msg("no.answer")

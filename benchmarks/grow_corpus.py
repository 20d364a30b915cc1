"""A corpus grown the way a ministry grows one: the evaluation plus interview notes and memos.

    .venv/bin/python benchmarks/grow_corpus.py --factor 16 --out /tmp/corpus16

The notes are made from the evaluation's own prose (never its matrix rows, so no record is
defined twice): sentences drawn at random from its sections, reordered, framed as an interviewee's
or a memo's words, 20-60 KB per file, each with a header (institution, date, role) as the
interviews README describes. The institutions come from the glossary beside the corpus. A factor
of N makes the notes together about N-1 times the size of the evaluation's files. Seeded: the
same factor gives the same corpus.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.text import split_sentences  # noqa: E402
from ingest.chunks import chunk_document  # noqa: E402
from ingest.glossary import load_glossary  # noqa: E402
from ingest.loaders import discover, load  # noqa: E402

NOTE_BYTES = (20_000, 60_000)
FRAMES = (
    "",
    "The interviewee said that ",
    "According to the respondent, ",
    "It was stressed in the interview that ",
    "The memo notes that ",
    "Participants agreed that ",
    "One official remarked that ",
)
ROLES = (
    "Head of Unit",
    "Senior Adviser",
    "Programme Coordinator",
    "IT Manager",
    "Assistant Minister",
    "Legal Adviser",
)


def prose_sentences(corpus: Path) -> list[str]:
    """Sentences of the corpus's prose sections (no matrix records, no annex tables)."""
    glossary = load_glossary(corpus)
    out: list[str] = []
    for path in discover([corpus]):
        chunks, _ = chunk_document(load(path, corpus), glossary)
        for c in chunks:
            if c.kind == "section" and c.doc_type == "report":
                out += [s for s in split_sentences(" ".join(c.text.split("\n")[1:])) if len(s) >= 40]
    return out


def note(rng: random.Random, sentences: list[str], institutions: list[str], number: int) -> str:
    """One note of 20-60 KB with a header and paragraphs of reframed sentences."""
    size = rng.randint(*NOTE_BYTES)
    kind = rng.choice(("Interview notes", "Memo"))
    lines = [
        f"Institution: {rng.choice(institutions)}",
        f"Date: 2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"Role: {rng.choice(ROLES)}",
        "---",
        f"# {kind} {number:03d}",
        "",
    ]
    total = 0
    while total < size:
        para = []
        for s in rng.sample(sentences, rng.randint(3, 6)):
            frame = rng.choice(FRAMES)
            para.append(
                frame + (s[0].lower() + s[1:] if frame and s[:2].isalpha() and not s[:2].isupper() else s)
            )
        text = " ".join(para)
        lines += [text, ""]
        total += len(text) + 1
    return "\n".join(lines)


def grow(corpus: Path, out: Path, factor: float, seed: int = 7) -> list[Path]:
    """Copy the corpus to out and add notes worth (factor - 1) times its size; returns the notes."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(corpus, out)
    base = sum(p.stat().st_size for p in discover([corpus]))
    sentences = prose_sentences(corpus)
    institutions = [b.name for b in load_glossary(corpus).body] or ["A ministry"]
    rng = random.Random(seed)
    folder = out / "interviews"
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    total, n = 0, 0
    while total < (factor - 1) * base:
        n += 1
        path = folder / f"note_{n:04d}.md"
        path.write_text(note(rng, sentences, institutions, n), encoding="utf-8")
        total += path.stat().st_size
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "corpus")
    parser.add_argument("--factor", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    notes = grow(args.corpus, args.out, args.factor, args.seed)
    print(f"{len(notes)} notes written under {args.out / 'interviews'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A seeded, clearly labelled SYNTHETIC coded-interview project, written as ``.qdpx`` and as CSV.

Until the team's coded interviews (phase 3) arrive in ``data/raw/interviews``, the interview
chapter runs on this project. Everything in it is invented: the code book and the answer
sentences are data files written for the sample (``analysis/reference/interview_codebook_synthetic.csv``,
``interview_phrases_synthetic.csv``), the interviewees are "Synthetic Interviewee 07" with
e-mails at example.org and titles carrying a marker (``PII-MARKER-07``) that tests look for in
every written table. Interviews come from officials in Washington, in Brussels and of EU cities
and regions (one "other"); each interview picks codes with more weight on the codes the code book
says are more frequent in its group, sometimes two codes on one passage and sometimes a selection
over two answers (so selections overlap and span paragraphs).

The same project is written in both formats the importer reads (:mod:`analysis.collect.interviews`):
a REFI-QDA project (:func:`analysis.collect.qdpx.write_qdpx`, the group given by a case variable
or, for some interviews, only by a set named after it) and a CSV of coded segments with ``codes.csv``.
Both go to ``<build>/synthetic/`` (never ``data/raw``) and import to identical clean tables, labelled
``is_synthetic`` and ``data_origin = "synthetic (seed N)"``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.collect import interviews, qdpx
from analysis.collect.synthetic import data_origin, synthetic_dir
from analysis.core.reference import read_reference_table
from analysis.core.tracking import note_write

CODEBOOK_FILE = "interview_codebook_synthetic.csv"
PHRASES_FILE = "interview_phrases_synthetic.csv"
# Interviews per group: Washington, Brussels, city and region officials, and one other (a region group of two
# exercises the small-cell rule of analysis.stats.interviews).
GROUP_PLAN: tuple[tuple[str, int], ...] = (
    ("washington", 4),
    ("brussels", 5),
    ("city_official", 5),
    ("region_official", 2),
    ("other", 1),
)
LANGUAGES: dict[str, tuple[str, ...]] = {
    "washington": ("en",),
    "brussels": ("en", "fr"),
    "city_official": ("en", "de", "fr", "pl", "it"),
    "region_official": ("en", "de", "es"),
    "other": ("en",),
}
CONSENT_WEIGHTS: dict[str, float] = {"quote": 0.6, "aggregate": 0.34, "none": 0.06}
# Not a secret: the synthetic sample's own salt (a real export needs its own in data/raw/interviews).
SYNTHETIC_SALT = "synthetic-interviews-salt-not-secret"
GROUP_BOOST = 3.0


@dataclass(frozen=True)
class SyntheticInterviewFiles:
    """The synthetic project as written: the ``.qdpx`` file, the CSV of segments (``codes.csv`` beside it), the salt."""

    qdpx: Path
    csv: Path
    salt: str
    data_origin: str


def _guid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4)).upper()


def synthetic_project(seed: int) -> tuple[qdpx.Project, pd.DataFrame]:
    """The synthetic project and its personal data (label, speaker, e-mail, title by source GUID).

    Length: one pass that builds codes, speakers, transcripts and selections together, so that the
    random draws stay in one documented order (changing it changes every seed's sample).
    """
    rng = np.random.default_rng(seed)
    codebook = read_reference_table(CODEBOOK_FILE, ["code_path", "description"])
    phrases = read_reference_table(PHRASES_FILE, ["kind", "sentence"])
    codes, guid_by_path = [], {}
    for number, row in enumerate(codebook.itertuples()):
        path = tuple(part.strip() for part in row.code_path.split(">"))
        guid_by_path[path] = _guid(rng)
        colour = None if number % 4 == 3 else f"#{rng.integers(0, 0xFFFFFF):06x}"  # some codes without a colour
        codes.append(
            qdpx.Code(
                guid_by_path[path], path[-1], guid_by_path.get(path[:-1]), path, row.description, len(path) > 1, colour
            )
        )
    leaves = [code for code in codes if code.codable]
    answers = {
        path: list(group["sentence"]) for path, group in phrases[phrases["kind"] == "answer"].groupby("code_path")
    }
    questions = list(phrases.loc[phrases["kind"] == "question", "sentence"])
    boost = dict(zip(codebook["code_path"], codebook["more_often_in"], strict=True))
    variable_types = {_guid(rng): name for name in ("group", "consent", "email", "title", "date", "language")}
    sources, selections, cases, personal = [], [], [], []
    sets: dict[str, list[str]] = {group: [] for group, _ in GROUP_PLAN}
    number = 0
    for group, count in GROUP_PLAN:
        for _ in range(count):
            number += 1
            source_guid, speaker = _guid(rng), f"Synthetic Interviewee {number:02d}"
            label = f"Interview {number:02d} – {speaker} ({group.replace('_', ' ')})"
            email, title = f"synthetic.interviewee{number:02d}@example.org", f"Fictional title PII-MARKER-{number:02d}"
            weights = np.array([GROUP_BOOST if group in boost[" > ".join(c.path)].split("|") else 1.0 for c in leaves])
            chosen = rng.choice(len(leaves), size=int(rng.integers(4, 8)), replace=False, p=weights / weights.sum())
            text, spans = _transcript(number, [leaves[i] for i in chosen], answers, questions, rng)
            for start, end, code_guids in _coded_spans(spans, leaves, rng):
                selections.append(qdpx.Selection(_guid(rng), source_guid, start, end, code_guids))
            consent = str(rng.choice(list(CONSENT_WEIGHTS), p=list(CONSENT_WEIGHTS.values())))
            date = f"2026-{int(rng.integers(2, 6)):02d}-{int(rng.integers(1, 29)):02d}"
            language = str(rng.choice(LANGUAGES[group]))
            sources.append(qdpx.TextSource(source_guid, label, text, {"date": date, "language": language}))
            case_variables = {"consent": consent, "email": email, "title": title}
            if number % 5 != 2:  # a few interviews carry their group only as a set (MAXQDA's document groups)
                case_variables = {"group": group, **case_variables}
            cases.append(qdpx.Case(_guid(rng), speaker, case_variables, (source_guid,)))
            sets[group].append(source_guid)
            personal.append(
                {"source_guid": source_guid, "label": label, "speaker": speaker, "email": email, "title": title}
            )
    project = qdpx.Project(
        name=f"Synthetic interviews (seed {seed})",
        origin=f"analysis.collect.synthetic_interviews (seed {seed}), synthetic",
        codes=codes,
        sources=sources,
        selections=selections,
        cases=cases,
        sets={group: tuple(members) for group, members in sets.items()},
        variable_types=variable_types,
    )
    return project, pd.DataFrame(personal)


def _transcript(
    number: int, chosen: list[qdpx.Code], answers: dict, questions: list[str], rng: np.random.Generator
) -> tuple[str, list[tuple[int, int, qdpx.Code]]]:
    """An invented transcript: a heading, then question and answer turns; the (start, end, code) of each answer."""
    text = f"Synthetic interview {number:02d} — an invented transcript, not a real conversation.\n\n"
    spans = []
    for turn, code in enumerate(chosen):
        text += f"Interviewer: {questions[turn % len(questions)]}\n\nRespondent: "
        sentence = str(rng.choice(answers[" > ".join(code.path)]))
        spans.append((len(text), len(text) + len(sentence), code))
        text += sentence + "\n\n"
    return text, spans


def _coded_spans(
    spans: list[tuple[int, int, qdpx.Code]], leaves: list[qdpx.Code], rng: np.random.Generator
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each answer coded with its code, sometimes with a second code too; sometimes one selection over two answers."""
    coded = []
    for index, (start, end, code) in enumerate(spans):
        guids = [code.guid]
        if rng.random() < 0.3:
            second = leaves[int(rng.integers(len(leaves)))]
            if second.guid != code.guid:
                guids.append(second.guid)
        coded.append((start, end, tuple(guids)))
        if index + 1 < len(spans) and rng.random() < 0.2:
            coded.append((start, spans[index + 1][1], (leaves[int(rng.integers(len(leaves)))].guid,)))
    return coded


def segments_csv(project: qdpx.Project, personal: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The project as a CSV of coded segments (:data:`interviews.CSV_COLUMNS` and the personal columns) and its ``codes.csv``."""
    people = personal.set_index("source_guid")
    meta = {text.guid: interviews.interview_metadata(project, text, "synthetic project") for text in project.sources}
    texts = {text.guid: text.text for text in project.sources}
    rows = []
    for selection in project.selections:
        person, info = people.loc[selection.source_guid], meta[selection.source_guid]
        for guid in selection.code_guids:
            rows.append(
                {
                    "interview_id": person["label"],
                    "speaker": person["speaker"],
                    "speaker_email": person["email"],
                    "speaker_title": person["title"],
                    "speaker_group": info["speaker_group"],
                    "interview_date": info["interview_date"],
                    "interview_language": info["interview_language"],
                    "consent": info["consent_level"],
                    "segment_id": selection.guid,
                    "start": selection.start,
                    "end": selection.end,
                    "text": texts[selection.source_guid][selection.start : selection.end],
                    "code": " > ".join(project.code(guid).path),
                }
            )
    codebook = pd.DataFrame(
        {
            "code_path": [" > ".join(code.path) for code in project.codes],
            "description": [c.description for c in project.codes],
        }
    )
    return pd.DataFrame(rows), codebook


def write_synthetic_interviews(seed: int, folder: Path | None = None) -> SyntheticInterviewFiles:
    """Write the synthetic project to ``<folder>/interviews.qdpx`` and ``<folder>/csv/interview_segments.csv``
    (with ``codes.csv``); ``folder`` defaults to ``<build>/synthetic/interviews``."""
    folder = folder or synthetic_dir() / "interviews"
    project, personal = synthetic_project(seed)
    qdpx_path = qdpx.write_qdpx(project, folder / "interviews.qdpx")
    segments, codebook = segments_csv(project, personal)
    csv_folder = folder / "csv"
    csv_folder.mkdir(parents=True, exist_ok=True)
    csv_path = csv_folder / "interview_segments.csv"
    segments.to_csv(csv_path, index=False)
    codebook.to_csv(csv_folder / interviews.CODEBOOK_FILE_NAME, index=False)
    for written in (csv_path, csv_folder / interviews.CODEBOOK_FILE_NAME):
        note_write(written)
    return SyntheticInterviewFiles(qdpx_path, csv_path, SYNTHETIC_SALT, data_origin(seed))

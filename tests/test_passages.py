"""Splitting articles into passages: sizes, leftovers dropped, honest offsets."""

from __future__ import annotations

import re
import statistics

import pytest

from conftest import BUNDLED
from kqa.corpus import read_articles, scan
from kqa.passages import (
    LONG_FACTOR,
    MAX_WORDS,
    MEDIAN_PARAGRAPHS,
    MIN_WORDS,
    Span,
    is_boilerplate,
    paragraphs,
    punkt_splitter,
    split_passages,
)

LEFTOVERS = [
    "Leave a Comment",
    "Subscribe to our evening newsletter",
    "Related articles",
    "Share.",
    "1 comment",
    "Scroll to Top",
    "Comments are closed",
]


def bundled_articles():
    return [a for src in scan(BUNDLED) for a in read_articles(src)]


@pytest.fixture(scope="module")
def bundled_passages():
    return [(a, split_passages(a.body, a.content_start)) for a in bundled_articles()]


def texts(text: str, spans: list[Span]) -> list[str]:
    return [text[p.start : p.end] for p in spans]


def sentence(n: int, i: int = 0, end: str = ".") -> str:
    """A sentence of exactly n words with distinct-ish words."""
    return " ".join(f"w{i}x{k}" for k in range(n - 1)) + f" last{i}{end}"


# --- bundled corpus ---------------------------------------------------------------------

def test_bundled_passage_sizes(bundled_passages) -> None:
    for article, spans in bundled_passages:
        assert spans, article.id
        sizes = [len(p.split()) for p in re.split(r"\n\s*\n", article.body) if len(p.split()) >= MIN_WORDS]
        limit = max(MAX_WORDS, LONG_FACTOR * statistics.median(sizes)) if len(sizes) >= MEDIAN_PARAGRAPHS else MAX_WORDS
        for p in spans:
            assert p.words == len(article.body[p.start : p.end].split())
            assert MIN_WORDS <= p.words <= limit, (article.id, p)


def test_bundled_offsets_are_honest(bundled_passages) -> None:
    for article, spans in bundled_passages:
        prev_end = article.content_start
        for p in spans:
            text = article.body[p.start : p.end]
            assert p.start >= prev_end  # in order, no overlap, after the headline
            assert not text[0].isspace() and not text[-1].isspace()
            prev_end = p.end


def test_bundled_headline_not_in_passages(bundled_passages) -> None:
    for article, spans in bundled_passages:
        if article.content_start:
            assert spans[0].start > article.content_start
            assert not article.body[spans[0].start :].startswith(article.title)


@pytest.mark.parametrize("leftover", LEFTOVERS)
def test_bundled_leftovers_dropped(bundled_passages, leftover: str) -> None:
    bodies = "".join(a.body for a, _ in bundled_passages)
    assert leftover in bodies  # the page leftover is really in the corpus
    for article, spans in bundled_passages:
        for text in texts(article.body, spans):
            assert leftover not in text, (article.id, text)


def test_bundled_real_content_kept(bundled_passages) -> None:
    by_id = {a.id[:3]: texts(a.body, spans) for a, spans in bundled_passages}
    assert any("I will not sign this document in this form, thank you" in t for t in by_id["004"])
    assert any("Vladimir Putin hosted Armenian Prime Minister Nikol Pashinyan" in t for t in by_id["000"])
    assert any("Moreover, the Armenian Prime Minister appeared to leave" in t for t in by_id["004"])


def test_bundled_passages_cover_all_kept_paragraphs(bundled_passages) -> None:
    """Every paragraph that is not a leftover ends up inside some passage."""
    for article, spans in bundled_passages:
        for para in paragraphs(article.body, article.content_start):
            body = article.body[para.start : para.end]
            if any(is_boilerplate(line) for line in body.split("\n")):
                continue
            if body.startswith("Related articles") or para.words <= 15 and not body.endswith(
                (".", "?", "!", "”", '"')
            ):
                continue  # short list items / headings may be dropped or merged
            uncovered = [
                i for i in range(para.start, para.end)
                if not article.body[i].isspace() and not any(p.start <= i < p.end for p in spans)
            ]
            assert not uncovered, (article.id, body[:60])


# --- paragraphs ----------------------------------------------------------------------------

def test_paragraphs_split_on_blank_lines_and_strip() -> None:
    text = "  First para\nstill first.  \n\n\n Second.\n \t\n\u00a0Third one\n"
    spans = list(paragraphs(text))
    assert texts(text, spans) == ["First para\nstill first.", "Second.", "Third one"]
    assert [s.words for s in spans] == [4, 1, 2]


def test_paragraphs_from_start_offset() -> None:
    text = "Headline\n\nBody text here."
    (span,) = paragraphs(text, len("Headline"))
    assert text[span.start : span.end] == "Body text here."


# --- leftovers ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "1 comment", "12 Comments", "Leave a Comment", "Leave a Reply", "Post a comment",
        "Comments are closed.", "Subscribe to our evening newsletter to stay informed during these times!!",
        "Sign up for our daily newsletter", "Share.", "Share", "Share this article", "Tweet", "Print",
        "Related articles", "Related", "Read more:", "See also", "Scroll to Top",
        "Read all articles by Nikola Mikovic", "© 2023 Bloomberg L.P.", "Copyright 2021 CDMedia",
        "Advertisement", "Follow us on Twitter",
    ],
)
def test_is_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share prices rose sharply on Monday after the announcement.",
        "More than 2,000 Russian peacekeepers were deployed.",
        "Related talks will take place in Moscow next week.",
        "I will not sign this document in this form, thank you,” said Pashinyan.",
        "The comments are closed to the public, the ministry said.",
        "Armenia’s position",
    ],
)
def test_real_content_is_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_passages_never_span_a_dropped_leftover() -> None:
    a, b, c = sentence(50, 1), sentence(50, 2), sentence(45, 3)
    text = (f"{a}\n\n3 comments\n\nLeave a Reply\n\n{b}\n\nRelated articles\n\n"
            "Some headline here\n\nAnother headline there\n\n" + c)
    got = texts(text, split_passages(text))
    assert got == [a, b, c]


def test_share_stuck_to_author_line_is_cut_off() -> None:
    a, b = sentence(50, 1), sentence(50, 2)
    text = f"{a}\n\nNikola Mikovic\nShare.\n\n{b}"
    got = texts(text, split_passages(text))
    assert all("Share." not in t for t in got)
    assert got[0].endswith("Nikola Mikovic")
    assert got[-1] == b


def test_short_paragraph_with_sentence_end_after_list_header_is_kept() -> None:
    a, b = sentence(50, 1), sentence(50, 2)
    text = f"{a}\n\nRelated articles\n\nHeadline one\n\nA short real sentence.\n\n{b}"
    joined = "\n".join(texts(text, split_passages(text)))
    assert "Headline one" not in joined
    assert "A short real sentence." in joined


def test_heading_after_short_more_sentence_is_kept() -> None:
    a, b = sentence(50, 1), sentence(50, 2)
    text = f"{a}\n\nMore importantly, Putin agreed.\n\nWhat comes next\n\n{b}"
    joined = "\n".join(texts(text, split_passages(text)))
    assert "What comes next" in joined


# --- merging tiny fragments -----------------------------------------------------------------

def test_tiny_fragments_merged_forward() -> None:
    text = f"Short one.\n\nAnother short.\n\n{sentence(8, 1)}\n\n{sentence(60, 2)}"
    (only,) = split_passages(text)
    assert (only.start, only.end) == (0, len(text))
    assert only.words == 2 + 2 + 8 + 60


def test_tiny_last_fragment_merged_backward() -> None:
    text = f"{sentence(60, 1)}\n\n{sentence(60, 2)}\n\nThe end."
    spans = split_passages(text)
    assert texts(text, spans) == [sentence(60, 1), f"{sentence(60, 2)}\n\nThe end."]
    assert spans[-1].words == 62


def test_fragments_not_merged_past_max_words() -> None:
    text = f"{sentence(30, 1)}\n\n{sentence(130, 2)}"
    spans = split_passages(text)
    assert [s.words for s in spans] == [30, 130]


def test_short_article_gives_one_short_passage() -> None:
    text = "Only a few words here."
    (span,) = split_passages(text)
    assert (span.start, span.end, span.words) == (0, len(text), 5)


def test_empty_text_has_no_passages() -> None:
    assert split_passages("") == []
    assert split_passages("Headline only", start=len("Headline only")) == []


# --- long paragraphs -----------------------------------------------------------------------

def long_paragraph() -> tuple[str, list[str]]:
    ends = [".", "?", "!", ".”", "."]
    sizes = [12, 9, 15, 20, 8, 11, 14, 17, 10, 13, 16, 9, 12, 18, 7, 11, 14, 10, 12, 15, 9, 13]
    sents = [sentence(n, i, ends[i % len(ends)]) for i, n in enumerate(sizes)]
    sents = [("“" + s) if s.endswith("”") else s for s in sents]
    sents[3] = "Mr. Smith met Gen. Jones in the U.S. capital. " + sents[3]
    return " ".join(sents), sents


def test_long_paragraph_cut_at_sentence_ends() -> None:
    para, _ = long_paragraph()
    words = len(para.split())
    assert words > MAX_WORDS
    text = f"{sentence(50, 99)}\n\n{para}\n\n{sentence(50, 98)}"
    spans = split_passages(text)
    inner = [p for p in spans if p.start >= text.index(para) and p.end <= text.index(para) + len(para)]
    assert len(inner) >= 2
    assert sum(p.words for p in inner) == words  # nothing lost
    for p in inner:
        chunk = text[p.start : p.end]
        assert re.search(r"[.?!][”\"’]?$", chunk), chunk[-20:]
        assert MIN_WORDS <= p.words <= MAX_WORDS
        assert not chunk.endswith(("Mr.", "Gen."))
    assert text[inner[0].start :].startswith(para[:20])
    assert text[: inner[-1].end].endswith(para[-20:])


def essay(long_words: int, others: int, other_words: int = 110) -> tuple[str, str]:
    """An article of `others` paragraphs of `other_words` words plus one of
    `long_words` words (sentences of 10 words) in the middle."""
    def para(n: int, tag: int) -> str:
        return " ".join(sentence(10, tag * 100 + k) for k in range(n // 10))
    paras = [para(other_words, i) for i in range(others)]
    long = para(long_words, 99)
    paras.insert(others // 2, long)
    return "\n\n".join(paras), long


def test_article_in_long_paragraphs_keeps_them_whole() -> None:
    text, long = essay(200, MEDIAN_PARAGRAPHS)  # 200 words: over MAX_WORDS, under 2x the median of 110
    spans = split_passages(text)
    assert len(spans) == MEDIAN_PARAGRAPHS + 1
    assert long in texts(text, spans)


def test_paragraph_far_over_its_articles_median_is_cut() -> None:
    text, long = essay(300, MEDIAN_PARAGRAPHS)  # over 2x the median of 110
    spans = split_passages(text)
    inner = [p for p in spans if text.index(long) <= p.start < text.index(long) + len(long)]
    assert len(inner) == 4 and sum(p.words for p in inner) == 300
    assert all(p.words <= MAX_WORDS for p in inner)


def test_short_article_cuts_at_the_fixed_limit() -> None:
    text, long = essay(200, MEDIAN_PARAGRAPHS - 2)  # too few paragraphs to take a median of
    spans = split_passages(text)
    assert long not in texts(text, spans)
    assert all(p.words <= MAX_WORDS for p in spans)


def test_long_paragraph_uses_given_splitter() -> None:
    sents = [sentence(40, i) for i in range(5)]
    para = " ".join(sents)
    calls: list[str] = []

    def split(text: str) -> list[tuple[int, int]]:
        calls.append(text)
        out, pos = [], 0
        for s in sents:
            i = text.index(s, pos)
            out.append((i, i + len(s)))
            pos = i + len(s)
        return out

    spans = split_passages(para, split=split)
    assert calls == [para]
    assert sum(p.words for p in spans) == 200
    assert all(para[p.start : p.end].endswith(".") for p in spans)
    assert all(p.words <= MAX_WORDS for p in spans)


def test_punkt_splitter_knows_news_abbreviations() -> None:
    split = punkt_splitter()
    text = "Mr. Putin met Gen. Aliyev in the U.S. on Sept. 12 at noon. He said “no.” Then he left!"
    got = [text[s:e] for s, e in split(text)]
    assert got == ["Mr. Putin met Gen. Aliyev in the U.S. on Sept. 12 at noon.", "He said “no.”",
                   "Then he left!"]

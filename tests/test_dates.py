"""Partial dates: normalising metadata values, inferring a month from text."""

from __future__ import annotations

import datetime as dt

import pytest

from kqa.dates import date_problem, date_span, display_date, infer_date, normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", "2023"),
        ("2023-11", "2023-11"),
        ("2023-1", "2023-01"),
        ("2023-11-21", "2023-11-21"),
        ("2023-9-5", "2023-09-05"),
        ("  2023-11-21  ", "2023-11-21"),
        ("2023-11-21T10:00:00Z", "2023-11-21"),
        ("2023-11-21 10:00", "2023-11-21"),
        ("November 21, 2023", "2023-11-21"),
        ("Nov. 21 2023", "2023-11-21"),
        ("Sept. 12, 2023", "2023-09-12"),
        ("21 November 2023", "2023-11-21"),
        ("21st Nov 2023", "2023-11-21"),
        ("November 2023", "2023-11"),
        ("Nov, 2023", "2023-11"),
        (2023, "2023"),
        (dt.date(2021, 1, 12), "2021-01-12"),
        (dt.datetime(2021, 1, 12, 8, 30), "2021-01-12"),
        # as feeds, CMS exports and web clippers write them: the day written, never shifted
        ("2023/09/21", "2023-09-21"),
        ("2023/9", "2023-09"),
        ("2023/09/21 23:30", "2023-09-21"),
        ("Thu, 21 Sep 2023 23:30:00 -0500", "2023-09-21"),
        ("Thursday, September 21, 2023 at 11:30 PM EDT", "2023-09-21"),
        ("Sep 21, 2023, 10:03 AM", "2023-09-21"),
        ("21 September 2023 14.03 BST", "2023-09-21"),
        ("Sept. 21, 2023 2pm", "2023-09-21"),
        # numbers in either order where only one order is a date (or both orders give the same day)
        ("09/21/2023", "2023-09-21"),
        ("21/09/2023", "2023-09-21"),
        ("21.11.2023", "2023-11-21"),
        ("23-11-2021", "2021-11-23"),
        ("9/21/2023 2:03 PM", "2023-09-21"),
        ("05/05/2023", "2023-05-05"),
    ],
)
def test_normalize_date_accepts_partial_and_written_dates(value: object, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "yesterday", "2023-13", "0000", "0000-01-01", "2023-02-30", "2023-11-31", "12/01/2021", "03.04.2023",
     "Smarch 2023", "February 30, 2023", "21/13/2023", "31/02/2023", "21/09/23", "21/09-2023", "2023/21/09", "Thu, 30 Feb 2023 10:00", "Sun", "Thursday", "21 Sep 2023 and after"],
)
def test_normalize_date_rejects_unreadable_values(value: object) -> None:
    assert normalize_date(value) is None


def test_normalize_date_accepts_leap_day_only_in_leap_years() -> None:
    assert normalize_date("2024-02-29") == "2024-02-29"
    assert normalize_date("2023-02-29") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks resume\n\nPublished 12 January 2021\n\nPutin hosted the leaders.", "2021-01-12"),
        ("Talks resume\nBy Jane Doe | Jan. 12 2021\n\nThe talks began.", "2021-01-12"),
        ("Updated: 3rd March 2019, 10:00 GMT\n\nIt began.", "2019-03-03"),
        ("MOSCOW, Sept. 12, 2023 (Reuters) - Putin spoke in Vladivostok on Tuesday about the far east "
         "and the trade routes that run through it to Asia.", "2023-09-12"),
        # published, then updated: the later
        ("Published 5 June 2020\nUpdated 7 June 2020\n\nText.", "2020-06-07"),
    ],
)
def test_infer_date_reads_a_date_line_near_the_top(text: str, expected: str) -> None:
    assert infer_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No dates here at all.",
        "Published November 2020\n\nThe war ended.",  # month + year only: not a full date
        "Since 2009 Armenia has taken part.",
        "Published January 11\n\nThe leaders met.",  # no year
        "The vote was 12, 2021 seats.",
        "February 30, 2021 never happened.",  # invalid day is ignored
        "In May 5 2021000 units were sold.",  # year must end at a word boundary
        # dates inside the story are events it reports, not when it was written
        "Profile: Gordon Brown\n\nGordon Brown was born in Glasgow on 20 February 1951, the son of a minister.",
        "Born 20 February 1951",
        "Mobile phones at 20\n\nBritain's first mobile phone call was made across the Vodafone network on "
        "1 January 1985 by veteran comedian Ernie Wise.",
        "Talks\n\n" + "A paragraph of the story.\n\n" * 12 + "Published 3 March 2023",  # not near the top
    ],
)
def test_infer_date_returns_none_when_nothing_datable(text: str) -> None:
    assert infer_date(text) is None


@pytest.mark.parametrize("text", ["Azerbaijan 3, 2020", "Grammar 5, 2021 edition"])
def test_infer_date_ignores_month_names_inside_words(text: str) -> None:
    assert infer_date(text) is None


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-11", ("2023-11-01", "2023-11-30")),
        ("2023-11-21", ("2023-11-21", "2023-11-21")),
    ],
)
def test_date_span_covers_the_days_of_a_partial_date(value: str, span: tuple[str, str]) -> None:
    assert date_span(value) == span


def test_display_date_marks_inferred_and_unknown() -> None:
    assert display_date("2021-01", True) == "~2021-01"
    assert display_date("2021-01-12", False) == "2021-01-12"
    assert display_date(None, False) == "unknown date"
    assert display_date("", True) == "unknown date"


def test_infer_date_ignores_dates_after_today_or_the_given_day() -> None:
    assert infer_date("Published 3 March 2021\nOffer ends 31 December 2045\n\nText.") == "2021-03-03"
    assert infer_date("Signed 9 November 2020\nRenewed 2 May 2021\n\nText.", dt.date(2021, 1, 1)) == "2020-11-09"


def test_inferred_date_stops_at_the_day_the_file_was_saved(tmp_path) -> None:
    import os

    from kqa.corpus import read_articles
    from kqa.sources import scan

    (tmp_path / "a.txt").write_text("Talks\n\nPublished 9 November 2020\nVote due 2 May 2021\n\nText.\n", "utf-8")
    saved = dt.datetime(2021, 1, 5, 12).timestamp()
    os.utime(tmp_path / "a.txt", (saved, saved))
    (src,) = scan(tmp_path)
    (article,) = read_articles(src)
    assert article.date == "2020-11-09" and article.date_inferred  # the same on every rebuild


@pytest.mark.parametrize(("value", "problem"), [
    ("03/04/2023", "ambiguous date '03/04/2023' (3 April or March 4?): write it as YYYY-MM-DD"),
    ("03/04/2023 10:00", "ambiguous date '03/04/2023 10:00' (3 April or March 4?): write it as YYYY-MM-DD"),
    ("Thu, 03/04/2023", "ambiguous date 'Thu, 03/04/2023' (3 April or March 4?): write it as YYYY-MM-DD"),
    ("01/00/2023", "unreadable date '01/00/2023' (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("0/0/2023", "no such date '0/0/2023': there is no month 0"),
    ("yesterday", "unreadable date 'yesterday' (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    # written as asked, but not a day there is: say what is wrong, not which format to use
    ("2023-02-29", "no such date '2023-02-29': February 2023 has 28 days"),
    ("2023/09/31", "no such date '2023/09/31': September 2023 has 30 days"),
    ("2023-09-31T10:00:00Z", "no such date '2023-09-31T10:00:00Z': September 2023 has 30 days"),
    ("2023-13", "no such date '2023-13': there is no month 13"),
    ("0000", "no such date '0000': there is no year 0"),
    ("31/02/2023", "no such date '31/02/2023': February 2023 has 28 days"),  # one order only, not a day
    ("Feb 30, 2023", "no such date 'Feb 30, 2023': February 2023 has 28 days"),
    ("21/13/2023", "unreadable date '21/13/2023' (use YYYY, YYYY-MM or YYYY-MM-DD)"),  # neither order a date
])
def test_date_problem_names_both_readings_only_when_both_are_dates(value: str, problem: str) -> None:
    assert normalize_date(value) is None and date_problem(value) == problem

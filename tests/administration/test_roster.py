"""Reading roster files: each encoding and separator spreadsheets write, and every bad input
reported with its line and column (no database)."""
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from administration.roster import RosterRefused, decode, parse

HEADER = "username;email;first_name;last_name;student_number;training_year;cohort;role\r\n"
ROW = "hroux;helene.roux@example.org;Hélène;Roux;S-001;3;Internes 2026;trainee\r\n"


def test_utf8_without_a_bom_with_semicolons():
    parsed = parse((HEADER + ROW).encode("utf-8"))
    assert (parsed.encoding, parsed.separator) == ("UTF-8", ";")
    row = parsed.rows[0]
    assert (row.line, row.username, row.first_name, row.training_year, row.cohort) == (2, "hroux", "Hélène", 3, "Internes 2026")


def test_utf8_with_a_bom():
    parsed = parse(b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"))
    assert parsed.encoding == "UTF-8" and parsed.rows[0].username == "hroux"


def test_windows_1252_as_excel_writes_it():
    parsed = parse((HEADER + ROW.replace("Roux", "Roux’")).encode("cp1252"))
    assert parsed.encoding == "Windows-1252" and parsed.rows[0].first_name == "Hélène"
    assert parsed.rows[0].last_name == "Roux’"


def test_latin_1_is_read_as_windows_1252():
    parsed = parse((HEADER + ROW).encode("latin-1"))
    assert parsed.rows[0].first_name == "Hélène"


def test_commas_and_quoted_fields():
    text = 'email,first_name,last_name\n"a@example.org","Jean, Paul","O\'Neil"\n'
    parsed = parse(text.encode())
    assert parsed.separator == "," and parsed.rows[0].first_name == "Jean, Paul"


def test_french_headers_and_roles():
    parsed = parse("Courriel;Prénom;Nom;Rôle\na@example.org;Ana;Bel;Enseignant\n".encode())
    assert (parsed.rows[0].email, parsed.rows[0].role) == ("a@example.org", "faculty")


def test_blank_lines_are_skipped_and_lines_counted():
    parsed = parse(b"email\n\na@example.org\n\nb@example.org\n")
    assert [r.line for r in parsed.rows] == [3, 5]


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"PK\x03\x04rest-of-a-zip", "workbook"),
    ("email\na@example.org\n".encode("utf-16"), "UTF-16"),
    (b"email\x00\x00", "not text"),
    (b"\xef\xbb\xbfemail\n\xe9t\xe9\n", "says it is UTF-8"),
    (b"email\n\x81\x8d\n", "not recognised"),
    (b"email\tfirst_name\na@example.org\tAna\n", "tabs"),
    (b"hello world\n", "header"),
    (b"email\n", "no row"),
])
def test_files_that_cannot_be_read_are_refused_saying_why(data, words):
    with pytest.raises(RosterRefused, match=words):
        parse(data)


def test_an_unknown_column_is_reported_on_line_1_with_its_column():
    parsed = parse(b"email;shoe_size\na@example.org;42\n")
    assert [(e.line, e.column, e.name) for e in parsed.errors] == [(1, 2, "shoe_size")]
    assert not parsed.rows


def test_a_header_without_username_or_email_is_refused():
    parsed = parse(b"first_name;last_name\nAna;Bel\n")
    assert parsed.errors[0].line == 1 and "username" in parsed.errors[0].message


def test_duplicates_within_the_file_name_the_first_line():
    parsed = parse(b"username;email\nana;a@example.org\nANA;b@example.org\nbob;A@example.org\n")
    assert [(e.line, e.column, e.message) for e in parsed.errors] == [
        (3, 1, "“ana” is already on line 2."), (4, 2, "“a@example.org” is already on line 2.")]
    assert [r.line for r in parsed.rows] == [2]


@pytest.mark.parametrize("cells, column, words", [
    ("ana;not-an-email;;", 2, "not an e-mail"),
    ("ana;a@example.org;dean;", 3, "Unknown role"),
    ("ana;a@example.org;;year two", 4, "whole number"),
    ("ana;a@example.org;;0", 4, "whole number"),
    ("an a;a@example.org;;", 1, "username"),
    (";;trainee;", 1, "username or e-mail"),
])
def test_a_bad_cell_is_reported_with_its_line_and_column(cells, column, words):
    parsed = parse(f"username;email;role;training_year\n{cells}\n".encode())
    assert [(e.line, e.column) for e in parsed.errors] == [(2, column)]
    assert words in parsed.errors[0].message


def test_a_line_with_more_fields_than_the_header():
    parsed = parse(b"email;first_name\na@example.org;Ana;extra\n")
    assert [(e.line, e.column) for e in parsed.errors] == [(2, 3)]


def test_decode_prefers_utf8_when_the_bytes_are_utf8():
    assert decode("é".encode()) == ("é", "UTF-8")


names = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Zs"), whitelist_characters="-'’,;\""),
                max_size=20).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(people=st.lists(st.tuples(names, names, st.integers(1, 20)), min_size=1, max_size=8),
       separator=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]), bom=st.booleans())
def test_round_trip_of_what_a_spreadsheet_writes(people, separator, encoding, bom):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow(["email", "first_name", "last_name", "training_year"])
    for i, (first, last, year) in enumerate(people):
        writer.writerow([f"p{i}@example.org", first, last, year])
    parsed = parse(out.getvalue().encode(encoding))
    assert not parsed.errors
    assert [(r.email, r.first_name, r.last_name, r.training_year) for r in parsed.rows] == [
        (f"p{i}@example.org", first, last, year) for i, (first, last, year) in enumerate(people)]

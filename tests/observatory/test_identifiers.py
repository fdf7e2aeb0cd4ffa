"""The identifier checker of practice reports (observatory.identifiers): pure, no database."""
from hypothesis import given
from hypothesis import strategies as st

from observatory.identifiers import find_identifiers, is_nhs_number, is_nir, marked, nhs_check_digit, nir_key


def kinds(text):
    return [f.kind for f in find_identifiers(text)]


# ---------------------------------------------------------------- NIR

def test_a_valid_nir_is_found_with_its_place():
    text = "Patient 1 85 05 78 006 084 91 seen"
    (finding,) = find_identifiers(text)
    assert (finding.kind, finding.start, finding.text) == ("nir", 8, "1 85 05 78 006 084 91")


def test_a_compact_nir_is_found():
    assert kinds("NIR 185057800608491.") == ["nir"]


def test_a_nir_with_a_wrong_key_is_not_a_nir():
    assert "nir" not in kinds("185057800608492")


def test_a_corsican_nir_reads_2a_as_19():
    first13 = "18505" + "2A" + "006084"
    key = 97 - int("1850519006084") % 97
    assert nir_key(first13) == key
    assert kinds(f"{first13}{key:02d}") == ["nir"]


def test_a_corsican_nir_of_2b_is_found():
    first13 = "2900" + "1" + "2B" + "123456"
    key = 97 - int("2900118123456") % 97
    assert is_nir(f"{first13}{key:02d}")


# ---------------------------------------------------------------- NHS number

def test_an_nhs_number_with_spaces_is_found():
    assert kinds("NHS no. 943 476 5919 on the letter") == ["nhs"]


def test_an_nhs_number_without_spaces_is_found():
    assert kinds("9434765919") == ["nhs"]


def test_ten_digits_with_a_wrong_check_digit_are_not_an_nhs_number():
    assert not is_nhs_number("9434765918")
    assert "nhs" not in kinds("943 476 5918")


# ---------------------------------------------------------------- dates

def test_dates_in_the_usual_forms_are_found():
    for text in ("DOB 03/04/1950", "born 1950-04-03", "né le 3 mars 1950", "seen 3 March 1950",
                 "on March 3, 1950", "le 03.04.1950"):
        assert kinds(text) == ["date"], text


def test_a_short_date_after_born_is_found():
    assert kinds("née le 03/04/50, vue aux urgences") == ["date"]


def test_an_impossible_date_is_not_a_date():
    assert kinds("ratio 31/02/1950") == []


def test_a_month_and_year_are_not_refused():
    assert kinds("in March 2025 the tool missed a fracture") == []


# ---------------------------------------------------------------- phones and e-mail

def test_french_and_uk_phone_numbers_are_found():
    for text in ("appeler le 06 12 34 56 78", "+33 6 12 34 56 78", "0033 1 23 45 67 89", "+44 7700 900123",
                 "07700 900123", "020 7946 0018"):
        assert kinds(text) == ["phone"], text


def test_an_email_address_is_found():
    (finding,) = find_identifiers("write to jane.doe@example.org today")
    assert (finding.kind, finding.text) == ("email", "jane.doe@example.org")


def test_clinical_text_without_identifiers_passes():
    assert find_identifiers("The AI read a 4 mm nodule as benign; CRP 120 mg/L, SpO2 91%, 3 days ago.") == []


def test_the_place_is_given_by_line_and_column():
    (finding,) = find_identifiers("first line\nsecond jane@example.org")
    assert (finding.line, finding.column) == (2, 8)


def test_marked_cuts_the_text_around_the_findings():
    text = "call 06 12 34 56 78 now"
    assert marked(text, find_identifiers(text)) == [("call ", False), ("06 12 34 56 78", True), (" now", False)]


# ---------------------------------------------------------------- properties

@st.composite
def nirs(draw):
    sex = draw(st.sampled_from("12"))
    year = draw(st.integers(0, 99))
    month = draw(st.integers(1, 12))
    dept = draw(st.sampled_from(["75", "13", "2A", "2B", "01", "95"]))
    rest = draw(st.integers(0, 999_999))
    first13 = f"{sex}{year:02d}{month:02d}{dept}{rest:06d}"
    return first13 + f"{nir_key(first13):02d}"


@given(nirs(), st.booleans())
def test_every_valid_nir_is_found_spaced_or_not(nir, spaced):
    text = (" ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]) if spaced else nir)
    assert kinds(f"numéro {text} au dossier") == ["nir"]


@given(nirs(), st.integers(1, 96))
def test_a_nir_with_another_key_is_never_a_nir(nir, shift):
    wrong = (int(nir[13:]) - 1 + shift) % 97 + 1
    assert not is_nir(nir[:13] + f"{wrong:02d}")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_valid_nhs_number_is_found(first9):
    check = nhs_check_digit(first9)
    if check is None:
        assert not any(is_nhs_number(first9 + d) for d in "0123456789")
        return
    number = first9 + str(check)
    assert kinds(f"NHS {number[:3]} {number[3:6]} {number[6:]}") == ["nhs"]


@given(st.dates())
def test_every_date_written_day_first_is_found(day):
    assert kinds(f"DOB {day.day:02d}/{day.month:02d}/{day.year:04d}.") == ["date"] if day.year >= 1000 else True


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=200))
def test_text_without_digits_or_at_signs_has_no_identifier(text):
    assert find_identifiers(text.replace("@", " ")) == []


@given(st.text(max_size=300))
def test_findings_lie_within_the_text_and_do_not_overlap(text):
    findings = find_identifiers(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text
    for a, b in zip(findings, findings[1:]):
        assert a.end <= b.start

"""Question files in the encodings authors' editors save them in: converted, or refused
with the encoding named (courses.packages.encoding)."""
import codecs
from xml.etree import ElementTree

import pytest

from courses.packages.encoding import decode_text, xml_as_utf8
from courses.packages.errors import PackageError
from courses.packages.gift import parse_gift

GIFT = "::Café::Le patient est-il « stable » — oui ? {=Oui ~Non}\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (GIFT.encode("cp1252"), "Windows-1252"),  # « » — are bytes 0x80–0x9F
    ("::Cafe::Est-il naïf ? {=Oui ~Non}\n".encode("latin-1"), "ISO-8859-1"),
    (codecs.BOM_UTF16_LE + GIFT.encode("utf-16-le"), "UTF-16"),
    (GIFT.encode("utf-16-le"), "UTF-16"),  # Notepad without its mark
    (codecs.BOM_UTF8 + GIFT.encode("utf-8"), ""),
    (GIFT.encode("utf-8"), ""),
])
def test_a_file_is_read_in_the_encoding_it_was_written_in(data, encoding):
    decoded = decode_text(data)
    assert decoded.text.lstrip("\ufeff").startswith("::Caf") and decoded.encoding == encoding


def test_a_converted_gift_file_says_so_in_the_report():
    parsed = parse_gift(GIFT.encode("cp1252"), source_name="bank.gift", competency="OVS")
    assert parsed.cases[0]["items"][0]["prompt"] == "Le patient est-il « stable » — oui ?"
    assert [n.reason for n in parsed.notes] == ["written in Windows-1252; converted to UTF-8"]


def test_a_file_in_another_script_is_refused_with_the_encoding_guessed():
    data = ("Какой ответ правильный? Модель ошибается, когда данные неполные. {=Да ~Нет}\n" * 5).encode("cp1251")
    with pytest.raises(PackageError) as error:
        decode_text(data)
    message = error.value.errors[0][1]
    assert "not UTF-8" in message and "CP1251" in message


def test_binary_bytes_are_refused():
    with pytest.raises(PackageError):
        decode_text(bytes(range(256)) * 4)


def test_a_moodle_xml_declaration_in_windows_1252_is_honoured():
    data = '<?xml version="1.0" encoding="windows-1252"?><quiz><n>« café »</n></quiz>'.encode("cp1252")
    converted, encoding = xml_as_utf8(data)
    assert encoding == "WINDOWS-1252" and ElementTree.fromstring(converted).find("n").text == "« café »"


def test_a_moodle_xml_declaration_in_iso_8859_1_is_honoured():
    data = "<?xml version='1.0' encoding='ISO-8859-1'?><quiz><n>naïf</n></quiz>".encode("latin-1")
    converted, _encoding = xml_as_utf8(data)
    assert ElementTree.fromstring(converted).find("n").text == "naïf"


def test_an_unknown_declared_encoding_is_named():
    with pytest.raises(PackageError) as error:
        xml_as_utf8(b'<?xml version="1.0" encoding="klingon-8"?><quiz/>')
    assert "klingon-8" in error.value.errors[0][1]


def test_a_utf8_xml_file_is_left_as_it_is():
    data = '<?xml version="1.0" encoding="UTF-8"?><quiz/>'.encode()
    assert xml_as_utf8(data) == (data, "")


def test_a_moodle_xml_file_in_utf16_with_its_mark_is_read():
    data = codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="UTF-16"?><quiz><n>é</n></quiz>'.encode("utf-16-le")
    converted, encoding = xml_as_utf8(data)
    assert encoding == "UTF-16" and ElementTree.fromstring(converted).find("n").text == "é"


def test_a_moodle_xml_file_declared_utf8_but_saved_in_windows_1252_is_converted():
    data = '<?xml version="1.0" encoding="UTF-8"?><quiz><n>l’IA</n></quiz>'.encode("cp1252")
    converted, encoding = xml_as_utf8(data)
    assert encoding == "Windows-1252" and ElementTree.fromstring(converted).find("n").text == "l’IA"

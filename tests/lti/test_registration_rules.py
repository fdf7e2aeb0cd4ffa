"""The rules of a registration's addresses and deployment ids (pure)."""
import string

from hypothesis import given
from hypothesis import strategies as st

from lti.registration_rules import deployment_ids_parse, url_problem

ID_CHARS = st.sampled_from(string.ascii_letters + string.digits + ":-_.~|")
GOOD_ID = st.text(ID_CHARS, min_size=1, max_size=40)


@given(st.lists(GOOD_ID, min_size=1, max_size=6, unique=True))
def test_well_formed_ids_one_a_line_are_kept_in_order(ids):
    assert deployment_ids_parse("\n".join(ids) + "\n\n") == (ids, [])


@given(GOOD_ID, GOOD_ID, st.sampled_from([" ", "\t", "\u00e9", "\x00"]))
def test_an_id_with_whitespace_control_or_non_ascii_names_its_line(left, right, bad):
    ids, problems = deployment_ids_parse(f"first\n{left}{bad}{right}")
    assert ids == ["first"] and len(problems) == 1 and problems[0].startswith("Line 2:")


def test_an_id_longer_than_255_characters_is_refused():
    assert deployment_ids_parse("x" * 256)[1] == ["Line 1: a deployment id is at most 255 characters."]


def test_no_id_at_all_is_refused():
    assert deployment_ids_parse(" \n \n")[1] == ["Give at least one deployment id."]


@given(st.sampled_from(["canvas.instructure.com", "moodle.example.org", "10.0.0.5", "lms.test:8443"]))
def test_https_is_always_accepted(host):
    assert url_problem(f"https://{host}/path", allow_loopback_http=False) is None


@given(st.sampled_from(["localhost", "127.0.0.1", "127.8.0.1", "[::1]"]), st.booleans())
def test_plain_http_to_loopback_only_where_allowed(host, allowed):
    problem = url_problem(f"http://{host}:8000/jwks", allow_loopback_http=allowed)
    assert (problem is None) is allowed


@given(st.sampled_from(["moodle.example.org", "10.0.0.5", "localhost.example.org"]), st.booleans())
def test_plain_http_to_any_other_host_is_refused(host, allowed):
    assert url_problem(f"http://{host}/jwks", allow_loopback_http=allowed).startswith("Must start with https://")


def test_not_a_url_or_credentials_in_it_is_refused():
    assert url_problem("not a url", allow_loopback_http=True) == "Enter a valid URL."
    assert url_problem("ftp://lms.test/x", allow_loopback_http=True) == "Enter a valid URL."
    assert url_problem("https://user:pw@lms.test/x", allow_loopback_http=True) == "Must not hold a user name or password."

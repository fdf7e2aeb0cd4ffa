"""A real SAML identity provider for the tests: pysaml2's IdP (``saml2.server.Server``) with a
key and certificate made here, served over HTTP on 127.0.0.1 by a WSGI server in a thread.

It answers an AuthnRequest (HTTP-POST or Redirect binding) at once for ``person`` (no login
form), with a signed response posted back through the browser (the form pysaml2 writes), and
a logout request with a logout response. Its assertions live ``lifetime_minutes``; ``person``
is who signs in."""
import datetime
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2 import md
from saml2.metadata import entities_descriptor, entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import security_context

from tests.loopback_http import loopback_server

XMLSEC = "/usr/bin/xmlsec1"


def make_key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """An RSA key and a self-signed certificate for ``name``, as PEM files in ``directory``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file



class TestIdentityProvider:
    __test__ = False  # a helper, not a test class
    def __init__(self, directory: Path, name: str = "idp"):
        self.key_file, self.cert_file = make_key_pair(directory, name)
        self.httpd = loopback_server(self.app)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base}/metadata"
        self.sp_metadata: list[str] = []
        self.lifetime_minutes = 15
        self.person = {
            "uid": "jdupont", "eduPersonPrincipalName": "jdupont@univ.example", "mail": "jeanne.dupont@univ.example",
            "givenName": "Jeanne", "sn": "Dupont", "supannEtuId": "20231234",
        }
        self.persistent_id = "p-7f3a9c"
        self.logouts = 0
        self.aggregate_with: list[str] = []
        self._build()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    # configuration -------------------------------------------------------------------------
    def _config(self) -> IdPConfig:
        conf = {
            "entityid": self.entity_id,
            "xmlsec_binary": XMLSEC,
            "key_file": str(self.key_file), "cert_file": str(self.cert_file),
            "service": {"idp": {
                "name": "Test university",
                "endpoints": {
                    "single_sign_on_service": [(f"{self.base}/sso/post", BINDING_HTTP_POST),
                                               (f"{self.base}/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{self.base}/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "policy": {"default": {"lifetime": {"minutes": self.lifetime_minutes},
                                       "attribute_restrictions": None, "name_form": NAME_FORMAT_URI}},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": False,
            }},
            "metadata": {"inline": list(self.sp_metadata)} if self.sp_metadata else {},
        }
        config = IdPConfig()
        config.load(conf)
        return config

    def _build(self):
        self.server = Server(config=self._config())

    def metadata(self) -> str:
        return entity_descriptor(self._config()).to_string().decode()

    def aggregate(self) -> str:
        """A federation's aggregate: this identity provider among ``aggregate_with``'s."""
        inner = "".join(d.split("?>", 1)[-1] for d in [*self.aggregate_with, self.metadata()])
        return ('<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                f'Name="https://federation.example">{inner}</md:EntitiesDescriptor>')

    def signed_aggregate(self) -> str:
        """The aggregate, signed with this identity provider's key (as a federation signs its own)."""
        conf = self._config()
        entities = [entity_descriptor(conf)] + [md.entity_descriptor_from_string(d) for d in self.aggregate_with]
        _, signed = entities_descriptor(entities, 24, "https://federation.example", None, True, security_context(conf))
        return signed

    def trust(self, sp_metadata: str) -> None:
        """Know a service provider (its metadata, as Vigil serves it)."""
        self.sp_metadata.append(sp_metadata)
        self._build()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # the WSGI application ------------------------------------------------------------------
    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            fields = parse_qs(environ["wsgi.input"].read(size).decode())
        else:
            fields = parse_qs(environ.get("QUERY_STRING", ""))
        value = {k: v[0] for k, v in fields.items()}
        if path in ("/sso/post", "/sso/redirect"):
            binding = BINDING_HTTP_POST if path == "/sso/post" else BINDING_HTTP_REDIRECT
            html = self.answer_authn_request(value["SAMLRequest"], value.get("RelayState", ""), binding)
        elif path == "/slo/redirect":
            return self.answer_logout(value, start_response)
        elif path in ("/metadata", "/aggregate", "/signed-aggregate"):
            document = {"/metadata": self.metadata, "/aggregate": self.aggregate,
                        "/signed-aggregate": self.signed_aggregate}[path]()
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [document.encode()]
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    def answer_authn_request(self, saml_request: str, relay_state: str, binding: str) -> str:
        request = self.server.parse_authn_request(saml_request, binding).message
        sp = request.issuer.text
        destination = request.assertion_consumer_service_url
        identity = {k: [v] for k, v in self.person.items() if k != "uid"}
        response = self.server.create_authn_response(
            identity, in_response_to=request.id, destination=destination, sp_entity_id=sp,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.persistent_id, sp_name_qualifier=sp,
                           name_qualifier=self.entity_id),
            userid=self.person["uid"], authn={"class_ref": PASSWORD, "authn_auth": self.entity_id},
            sign_assertion=True, sign_response=True,
        )
        args = self.server.apply_binding(BINDING_HTTP_POST, str(response), destination, relay_state, response=True)
        return args["data"]

    def answer_logout(self, value, start_response):
        request = self.server.parse_logout_request(value["SAMLRequest"], BINDING_HTTP_REDIRECT)
        self.logouts += 1
        response = self.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        args = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(response),
                                         self._sls_of(request.message.issuer.text), value.get("RelayState", ""),
                                         response=True)
        start_response("302 Found", [(k, v) for k, v in args["headers"]])
        return [b""]

    def _sls_of(self, sp: str) -> str:
        return self.server.metadata.single_logout_service(sp, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]


class FormReader(HTMLParser):
    """The form of an HTML page that carries a SAML message: its action and its inputs."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self.feed(html)
        saml = [f for f in self.forms if {"SAMLRequest", "SAMLResponse"} & set(f[1])]
        self.action, self.fields = saml[0] if saml else (None, {})

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action"), {}))
        elif tag == "input" and attrs.get("name") and self.forms:
            self.forms[-1][1][attrs["name"]] = attrs.get("value", "")

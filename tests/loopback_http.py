"""The HTTP server the tests' counterparts (the LTI platform, the SAML identity provider) run
on loopback.

Threaded, because a browser does not wait for one answer before opening the next connection:
Chromium preconnects sockets it may never send a request on, and wsgiref's one-at-a-time server
that accepted such a socket waits on it while the real request queues behind it, until the
test's timeout (seen once in CI as a launch that never reached the tool)."""
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a connection the browser left open does not hold the test run


def loopback_server(app):
    """A WSGI server on 127.0.0.1 at a free port, not yet serving."""
    return make_server("127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)

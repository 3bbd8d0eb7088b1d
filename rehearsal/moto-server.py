"""moto_server, a fifth cheaper per request.

moto's server works out which service a request is for by listing moto's own package folder from disk, on
every request (moto.backends.list_of_moto_modules). The listing cannot change while the server runs, so it
is read once here. Everything else is moto_server as installed: same arguments, same behaviour. If this
Python has no moto, or moto no longer has that function, the installed moto_server runs unchanged.
"""
import os
import sys

try:
    import moto.backends as backends
    from moto.server import main
except ImportError:
    os.execvp("moto_server", ["moto_server", *sys.argv[1:]])

if callable(getattr(backends, "list_of_moto_modules", None)):
    _listing = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(_listing)

sys.argv[0] = "moto_server"
main()

"""moto_server, cheaper per request, with snapshots of its state.

moto's server works out which service a request is for by listing moto's own package folder from disk, on
every request (moto.backends.list_of_moto_modules). The listing cannot change while the server runs, so it
is read once here; so are the action names of each service's response class.

Snapshots: building a rehearsal's world takes some thirty AWS calls, the same calls for every drill of a
config. `POST /_switchyard/snapshots/KEY` (body: the caller's record of what it built) keeps a copy of every
service's state under KEY; `POST /_switchyard/snapshots/KEY/restore` puts the server back in that state,
as if it had been reset and the world built again, and answers the record. An unknown KEY answers 404; a
state that cannot be copied answers 501, and the caller builds its world through the API as before.

Everything else is moto_server as installed: same arguments, same behaviour. If this Python has no moto, or
moto no longer has what this relies on, the installed moto_server runs unchanged (and has no snapshots).
"""
import copy
import copyreg
import functools
import os
import sys
import threading

try:
    import moto.backends as backends
    import moto.core.responses as responses
    import moto.server as server
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data
except ImportError:
    os.execvp("moto_server", ["moto_server", *sys.argv[1:]])

if callable(getattr(backends, "list_of_moto_modules", None)):
    _listing = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(_listing)

# And which actions a service's response class has, which it works out with inspect.getmembers on every
# request (a tenth of moto's CPU in a drill): a class's methods cannot change while the server runs.
if callable(getattr(responses, "method_names_from_class", None)):
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)

PREFIX = "/_switchyard/snapshots/"
# KEY -> (the services' BackendDicts, a frozen copy of their contents, the caller's record)
_snapshots = {}


def _copy_parameter_dict(self, memo):
    # SSM's ParameterDict is a defaultdict whose constructor takes other arguments than defaultdict's, so
    # copy's generic path for dict subclasses cannot rebuild it.
    clone = type(self)(self.account_id, self.region_name)
    memo[id(self)] = clone
    clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
    for key, value in self.items():
        clone[key] = copy.deepcopy(value, memo)
    return clone


# Some backends hold a lock (ECR's scanning configuration): a copy of the state gets a new, unlocked one.
for _lock in (threading.Lock, threading.RLock):
    copyreg.pickle(type(_lock()), lambda _, make=_lock: (make, ()))

try:
    from moto.ssm.models import ParameterDict

    ParameterDict.__deepcopy__ = _copy_parameter_dict
except ImportError:
    pass


def snapshot(key, record):
    with backend_lock:
        dicts = list(BackendDict._instances)
        # One deepcopy for all services, so references between them stay references between the copies.
        _snapshots[key] = (dicts, copy.deepcopy([dict(d) for d in dicts]), record)


def uncopyable():
    """The services whose state deepcopy cannot copy."""
    names = []
    for d in BackendDict._instances:
        try:
            copy.deepcopy(dict(d))
        except Exception:
            names.append(d.service_name)
    return ", ".join(names) or "no single service"


def restore(key):
    dicts, frozen, record = _snapshots[key]
    with backend_lock:
        contents = copy.deepcopy(frozen)
        # What moto's reset does, for the services the snapshot does not hold.
        for d in BackendDict._instances:
            if not any(d is s for s in dicts):
                for account in d.values():
                    account.reset()
                d.clear()
        BackendDict._instances[:] = dicts
        for d, content in zip(dicts, contents):
            d.clear()
            d.update(content)
        reset_model_data()
    return record


def with_snapshots(app):
    def wsgi(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        key, _, action = path[len(PREFIX):].partition("/")

        def answer(status, body=b""):
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]

        if action == "restore":
            if key not in _snapshots:
                return answer("404 Not Found")
            return answer("200 OK", restore(key))
        if action:
            return answer("404 Not Found")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        record = environ["wsgi.input"].read(length)
        try:
            snapshot(key, record)
        except Exception as e:  # a service whose state deepcopy cannot copy: say which, and keep serving
            return answer("501 Not Implemented", f"{uncopyable()}: {e!r}".encode())
        return answer("204 No Content")

    return wsgi


_run_simple = server.run_simple


def run_simple(hostname, port, application, *args, **kwargs):
    return _run_simple(hostname, port, with_snapshots(application), *args, **kwargs)


server.run_simple = run_simple
sys.argv[0] = "moto_server"
server.main()

"""runic: a graph OGM for Cypher databases, with a Jupyter layer on top.

``%load_ext runic`` in a notebook registers the ``%runic`` / ``%%runic`` magics.
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython):  # pragma: no cover - exercised by the notebook tests
    from runic.notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython):  # pragma: no cover
    from runic.notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)


def __getattr__(name):
    """``from runic import Runic`` (the reference's spelling) loads runic.migrate on first use."""
    if name == "Runic":
        from runic.migrate import Runic

        return Runic
    raise AttributeError(f"module 'runic' has no attribute {name!r}")


def _jupyter_labextension_paths():
    """Where JupyterLab finds the prebuilt runic-lab extension (``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "runic-lab"}]

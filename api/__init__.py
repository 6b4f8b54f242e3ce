"""addrcheck's HTTP service: a FastAPI application on top of the ``addrcheck`` library.

Build it with ``api.main.create_app(settings)``; ``api.main:app`` is the app with the process settings,
and ``addrcheck serve`` runs it with uvicorn.
"""

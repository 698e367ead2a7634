"""The studio: a local web page over the same pipeline and settings layers as the CLI.

``create_app(workspace)`` builds the Starlette app; ``cli/studio_cmd.py`` serves it with uvicorn
on 127.0.0.1. The page is plain HTML/JS/CSS shipped in ``static/``.
"""

"""The bureau's workbench (``xlgen serve``): the year in a local web page, on the stage functions
the command line calls. Flask (a WSGI framework with its own test client and Jinja2 templates)
serves it; templates/ and static/ ship inside the package, so the page works offline."""

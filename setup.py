"""Packaging beyond pyproject.toml: the templates, kept in templates/ at the top of the checkout
(where bureaus and the README find them), ship inside the package as ``xlgen.templates``."""

from setuptools import find_packages, setup

TEMPLATES = {"xlgen.templates": "templates", "xlgen.templates._base": "templates/_base"}

setup(
    packages=[*find_packages(include=["xlgen", "xlgen.*"]), *TEMPLATES],
    package_dir=TEMPLATES,
    # the workbench's pages and their styles and script (xlgen serve works offline, from the wheel)
    package_data={"xlgen": ["py.typed"], "xlgen.web": ["templates/*.html", "static/*.css", "static/*.js"],
                  **{name: ["*.toml"] for name in TEMPLATES}},
)

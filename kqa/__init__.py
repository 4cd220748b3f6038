"""kqa: ask questions of a folder of news articles from the terminal.

The package root stays import-free so that `kqa -q` starts fast; heavy
modules (nltk, numpy, textual) are imported where they are needed.
"""

__version__ = "0.1.0"

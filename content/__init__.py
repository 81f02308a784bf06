"""Data shipped with peercircle: format files (and later decks and the default agreement).

This package holds no code; it exists so that ``importlib.resources`` finds the files
in an installed wheel as well as in a checkout.
"""

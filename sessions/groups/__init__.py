"""Groups that meet again and again: who belongs, whose turn it is, and what was agreed.

Plain Python like the rest of ``peercircle.sessions``: no terminal UI here.
"""

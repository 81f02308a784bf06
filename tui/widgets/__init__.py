"""Widgets specific to peercircle."""

"""Translations among documents: anchors shared in order, paragraphs aligned, figures compared.

Pure functions over texts and their paragraphs; no SQL, no CLI, no network, no model.
"""

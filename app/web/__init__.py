"""Blueprints, one per audience; routes parse → authorize → call one service → render."""

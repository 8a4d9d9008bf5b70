"""Linking: shared nodes across studies (countries, conditions, interventions, organisations, MeSH)."""

"""Company registry lookup (API Recherche d'entreprises): client, cache use and lead enrichment.

Worker only: nothing here runs on the request path. See docs/registry.md.
"""

"""Accounts, roles scoped by the graph, tokens, and the access log."""

"""Eco-industrial park dashboard: industrial symbiosis flows, KPIs and what-if scenarios."""

__version__ = "0.1.0"

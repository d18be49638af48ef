"""atlas-graph: the Atlas of French decentralised cooperation as a linked-data knowledge graph."""

__version__ = "0.1.0"

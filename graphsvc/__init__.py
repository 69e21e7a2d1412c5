"""graphsvc: a code knowledge graph, indexed incrementally with tree-sitter."""

__version__ = "0.1.0"

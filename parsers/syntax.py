"""What every adapter reads off a tree the same way."""

from __future__ import annotations

from tree_sitter import Node as TSNode

__all__ = ["count_errors"]


def count_errors(root: TSNode) -> int:
    """How many ERROR and MISSING nodes the tree holds; only subtrees that report an error are walked."""
    if not root.has_error:
        return 0
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count
